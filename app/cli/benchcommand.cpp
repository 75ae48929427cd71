#include "cli/benchcommand.h"

#include "cli/abcli.h"
#include "cli/terminal.h"

#include "core/loadgen/loadgenerator.h"
#include "core/loadgen/loadresultjson.h"

#include <QEventLoop>
#include <QTcpSocket>

#include <atomic>
#include <memory>
#include <thread>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

const QString kCommand = u"bench"_s;

// One connect before the run: "connection refused" said plainly beats a table of connect errors.
QString checkReachable(const wsgi::loadgen::Target& target, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(QString::fromStdString(target.host), target.port);
    if (socket.waitForConnected(timeoutMs)) {
        socket.disconnectFromHost();
        return {};
    }
    return u"cannot connect to "_s + QString::fromStdString(target.host) + u':' +
           QString::number(target.port) + u": "_s + socket.errorString();
}

ExitCode runBench(const QStringList& rawArguments)
{
    CommandOptions options(
        kCommand, u"URL [options]"_s,
        u"Loads URL (http:// only) with keep-alive HTTP/1.1 and reports throughput, status classes, errors "
        u"by "
        u"kind and latency percentiles (p50, p90, p99, p99.9, p99.99, max). Closed loop by default "
        u"(--concurrency connections, each sending its next request when the answer is in); --rate R is "
        u"an open loop at R requests per second whose latency is measured from the intended send time "
        u"(coordinated omission corrected, as wrk2 does) and shown uncorrected too, with the sends that "
        u"went out late. --warmup seconds run first and are excluded from every figure."
        u"\n\n"
        u"On a terminal a progress line updates every second on stderr. --json prints the load "
        u"generator's JSON document (schema in README.md) instead of the table. Ctrl-C stops the run and "
        u"reports what was measured. Exit codes: 0 measured, 1 the target could not be reached or the run "
        u"failed, 2 usage error."_s,
        {
            {{u"concurrency"_s, u"c"_s}, u"N"_s, u"Connections."_s, u"10"_s},
            {{u"rate"_s, u"R"_s}, u"R"_s, u"Open loop at R requests per second in all."_s, {}},
            {{u"threads"_s, u"t"_s}, u"T"_s, u"Load generator threads."_s, u"2"_s},
            {{u"duration"_s, u"d"_s}, u"S"_s, u"Seconds measured."_s, u"10"_s},
            {{u"warmup"_s}, u"S"_s, u"Seconds of load before the measured window, excluded."_s, u"0"_s},
            {{u"requests"_s, u"n"_s},
             u"N"_s,
             u"Stop after N measured requests (--duration is then the limit)."_s,
             {}},
            {{u"method"_s}, u"M"_s, u"Request method."_s, u"GET"_s},
            {{u"body-file"_s}, u"FILE"_s, u"Request body, read once."_s, {}},
            {{u"header"_s, u"H"_s}, u"'K: V'"_s, u"An extra request header (repeatable)."_s, {}},
            {{u"timeout"_s}, u"MS"_s, u"Per-request and connect timeout."_s, u"5000"_s},
            {{u"json"_s}, {}, u"Print the JSON document instead of the table."_s, {}},
        });
    QStringList arguments = rawArguments;
    QString error;
    const QStringList headers = takeRepeatedOption(arguments, {u"--header"_s, u"-H"_s}, error);
    if (!error.isEmpty())
        return options.usageError(error);
    const QString urlMissing = u"the URL to load is required, e.g. http://127.0.0.1:8080/"_s;
    if (const std::optional<ExitCode> exit = options.parseOrExit(arguments, urlMissing))
        return *exit;
    const QStringList positional = options.positionalArguments();

    wsgi::loadgen::LoadSpec spec;
    spec.url = positional.front().toStdString();
    wsgi::loadgen::Target target;
    std::string urlError;
    if (!wsgi::loadgen::parseUrl(spec.url, &target, &urlError))
        return options.usageError(u"bad URL '"_s + positional.front() + u"': "_s +
                                  QString::fromStdString(urlError));
    auto number = [&](const QString& name, double& out) {
        if (!options.isSet(name))
            return true;
        bool ok = false;
        out = options.value(name).toDouble(&ok);
        if (!ok)
            error = u"--"_s + name + u" is not a number: '"_s + options.value(name) + u'\'';
        return ok;
    };
    double concurrency = spec.connections, threads = spec.threads, requests = 0, timeout = spec.timeoutMs;
    if (!number(u"concurrency"_s, concurrency) || !number(u"rate"_s, spec.rate) ||
        !number(u"threads"_s, threads) || !number(u"duration"_s, spec.durationSec) ||
        !number(u"warmup"_s, spec.warmupSec) || !number(u"requests"_s, requests) ||
        !number(u"timeout"_s, timeout))
        return options.usageError(error);
    spec.connections = int(concurrency);
    spec.threads = int(threads);
    spec.requestCount = int64_t(requests);
    spec.timeoutMs = int(timeout);
    spec.method = options.value(u"method"_s).toStdString();
    spec.bodyFile = options.value(u"body-file"_s).toStdString();
    for (const QString& header : headers) {
        const qsizetype colon = header.indexOf(u':');
        if (colon <= 0)
            return options.usageError(u"--header wants 'Name: value', not '"_s + header + u'\'');
        spec.headers.emplace_back(header.left(colon).trimmed().toStdString(),
                                  header.mid(colon + 1).trimmed().toStdString());
    }
    if (const std::string problem = wsgi::loadgen::validateLoadSpec(spec); !problem.empty())
        return options.usageError(QString::fromStdString(problem));
    const bool json = options.isSet(u"json"_s);

    if (const QString unreachable = checkReachable(target, spec.timeoutMs); !unreachable.isEmpty()) {
        reportError(kCommand, unreachable);
        return ExitCode::EngineError;
    }

    // The generator blocks, so it runs on a thread; this one keeps the event loop for Ctrl-C.
    const bool live = !json && ::isatty(STDERR_FILENO) == 1;
    std::atomic<bool> cancel{false};
    auto result = std::make_shared<wsgi::loadgen::LoadResult>();
    QEventLoop loop;
    InterruptWatcher interrupts;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &loop, [&] { cancel = true; });
    std::thread worker([&, result] {
        wsgi::loadgen::ProgressCallback progress;
        if (live)
            progress = [](const wsgi::loadgen::LoadProgress& p) {
                printError(u"\r\x1b[K  "_s + QString::number(p.elapsedSec, 'f', 1) + u" s of "_s +
                           QString::number(p.plannedSec, 'f', 0) + u" s"_s +
                           (p.warmingUp ? u" (warm-up)"_s : QString()) + u": "_s +
                           QString::number(p.requests) + u" requests, "_s + QString::number(p.errors) +
                           u" errors, "_s + QString::number(std::lround(p.currentRate)) + u" req/s now"_s);
            };
        *result = wsgi::loadgen::LoadGenerator().run(spec, progress, &cancel);
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });
    loop.exec();
    worker.join();
    if (live)
        printError(u"\r\x1b[K"_s);

    if (json)
        printOut(QString::fromStdString(wsgi::loadgen::loadResultToJson(*result).dump(2)) + u'\n');
    else
        printOut(QString::fromStdString(wsgi::loadgen::formatLoadResult(*result)));
    if (result->stoppedBy == wsgi::loadgen::StopReason::Failed) {
        reportError(kCommand, u"the run failed: "_s + QString::fromStdString(result->failure));
        return ExitCode::EngineError;
    }
    if (result->responsesTotal == 0 && result->errorCount() > 0) {
        reportError(kCommand,
                    u"no request was answered ("_s + QString::number(result->errorCount()) + u" errors)"_s);
        return ExitCode::EngineError;
    }
    return ExitCode::Ok;
}

} // namespace

Command benchCommand()
{
    return {kCommand,
            u"Load a URL (closed loop or constant rate), report throughput and latency percentiles"_s,
            runBench};
}

} // namespace wsgi::studio::cli
