// wsgi-loadgen: command-line front end of core/loadgen for benchmarks and quick checks (the product's
// `wsgi-studio-cli bench` wraps the same library).
//
//   wsgi-loadgen --url http://127.0.0.1:PORT/path [--concurrency N] [--threads T] [--duration S]
//                [--warmup S] [--rate R] [--requests N] [--timeout MS] [--method M]
//                [--header "Name: value"]... [--body TEXT | --body-file PATH] [--json] [--quiet]
//
// Without --json the summary table goes to stdout. With --json the JSON result (schema in
// core/loadgen/loadresultjson.h) goes to stdout and the table to stderr, so scripts can parse stdout.
// Progress lines go to stderr once a second unless --quiet. Ctrl-C cancels and still reports.
// Exit status: 0 when the run completed, 1 when it failed to start, 2 on bad arguments.

#include "core/loadgen/loadgenerator.h"
#include "core/loadgen/loadresultjson.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::atomic<bool> g_cancel{false};

void onSignal(int)
{
    g_cancel.store(true);
}

[[noreturn]] void usage(const char* argv0, const std::string& problem = {})
{
    if (!problem.empty())
        std::fprintf(stderr, "%s\n", problem.c_str());
    std::fprintf(
        stderr,
        "usage: %s --url http://HOST:PORT/PATH [--concurrency N] [--threads T] [--duration S]\n"
        "          [--warmup S] [--rate R] [--requests N] [--timeout MS] [--method M]\n"
        "          [--header 'Name: value']... [--body TEXT | --body-file PATH] [--json] [--quiet]\n",
        argv0);
    std::exit(2);
}

double number(const char* argv0, const std::string& flag, const char* text)
{
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    if (!end || *end || end == text)
        usage(argv0, flag + ": not a number: " + text);
    return v;
}

} // namespace

int main(int argc, char** argv)
{
    using namespace wsgi::loadgen;
    LoadSpec spec;
    spec.url.clear();
    bool json = false;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc)
                usage(argv[0], a + " needs a value");
            return argv[++i];
        };
        if (a == "--url")
            spec.url = value();
        else if (a == "--concurrency" || a == "-c" || a == "--connections")
            spec.connections = int(number(argv[0], a, value()));
        else if (a == "--threads" || a == "-t")
            spec.threads = int(number(argv[0], a, value()));
        else if (a == "--duration" || a == "-d")
            spec.durationSec = number(argv[0], a, value());
        else if (a == "--warmup")
            spec.warmupSec = number(argv[0], a, value());
        else if (a == "--rate" || a == "-R")
            spec.rate = number(argv[0], a, value());
        else if (a == "--requests" || a == "-n")
            spec.requestCount = int64_t(number(argv[0], a, value()));
        else if (a == "--timeout")
            spec.timeoutMs = int(number(argv[0], a, value()));
        else if (a == "--method")
            spec.method = value();
        else if (a == "--header" || a == "-H") {
            const std::string h = value();
            const size_t colon = h.find(':');
            if (colon == std::string::npos)
                usage(argv[0], "--header wants 'Name: value'");
            std::string v = h.substr(colon + 1);
            v.erase(0, v.find_first_not_of(' '));
            spec.headers.emplace_back(h.substr(0, colon), v);
        } else if (a == "--body")
            spec.body = value();
        else if (a == "--body-file")
            spec.bodyFile = value();
        else if (a == "--json")
            json = true;
        else if (a == "--quiet" || a == "-q")
            quiet = true;
        else if (a == "--help" || a == "-h")
            usage(argv[0]);
        else if (spec.url.empty() && a.rfind("http", 0) == 0)
            spec.url = a;
        else
            usage(argv[0], "unknown argument: " + a);
    }
    if (spec.url.empty())
        usage(argv[0], "--url is required");
    if (std::string problem = validateLoadSpec(spec); !problem.empty())
        usage(argv[0], problem);

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    ProgressCallback progress;
    if (!quiet) {
        progress = [](const LoadProgress& p) {
            std::fprintf(stderr, "  %5.1fs of %.0fs%s: %lld requests, %lld errors, %.0f req/s now\n",
                         p.elapsedSec, p.plannedSec, p.warmingUp ? " (warm-up)" : "", (long long)p.requests,
                         (long long)p.errors, p.currentRate);
        };
    }
    const LoadResult result = LoadGenerator().run(spec, progress, &g_cancel);
    const std::string table = formatLoadResult(result);
    if (json) {
        std::fputs(table.c_str(), stderr);
        std::puts(loadResultToJson(result).dump(2).c_str());
    } else {
        std::fputs(table.c_str(), stdout);
    }
    return result.stoppedBy == StopReason::Failed ? 1 : 0;
}
