// wsgi-engine: runs the WSGI applications a mod_wsgi-style configuration describes, the way
// mod_wsgi daemon mode would. Thin: argument handling here, the work in the hosting library.

#include "apache-config/engineconfig.h"
#include "controlserver.h"
#include "controltoken.h"
#include "core/readyline.h"
#include "engineplan.h"
#include "runnablechecks.h"
#include "supervisor.h"

#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>

#ifndef WSGI_STUDIO_VERSION
#define WSGI_STUDIO_VERSION "0"
#endif
#ifndef WSGI_DEFAULT_RUNTIME
#define WSGI_DEFAULT_RUNTIME "3"
#endif

namespace {

void usage(FILE* out)
{
    std::fprintf(
        out,
        "Usage: wsgi-engine --config FILE.conf [options]\n"
        "\n"
        "Runs the WSGI applications that a mod_wsgi-style httpd.conf snippet describes\n"
        "(WSGIDaemonProcess, WSGIScriptAlias, WSGIProcessGroup, WSGIApplicationGroup,\n"
        "<WSGIInterpreterOptions>, WSGIPerInterpreterGIL, WSGIFreeThreading, WSGISwitchInterval,\n"
        "WSGIPythonPath, WSGIPythonHome, Listen) the way mod_wsgi daemon mode does.\n"
        "\n"
        "Options:\n"
        "  --config FILE          configuration to run (required)\n"
        "  --listen HOST:PORT     listen here instead of the config's Listen lines (repeatable;\n"
        "                         port 0 picks a free port, printed on start)\n"
        "  --check                validate the configuration, print the plan and exit\n"
        "  --control HOST:PORT    serve the control and telemetry endpoint here (loopback;\n"
        "                         port 0 picks a free port, printed on start)\n"
        "  --control-token-file F the token control clients must send: read from F, which must be a\n"
        "                         file of yours that only you can read (0600), or a new random\n"
        "                         token in F created 0600 (default: a new file in a private\n"
        "                         $XDG_RUNTIME_DIR or /tmp/wsgi-engine-UID, removed on exit)\n"
        "  --control-auth-timeout MS\n"
        "                         how long a control connection may stay without a request that\n"
        "                         carries the token (default 10000)\n"
        "  --default-runtime RT   Python runtime for groups without python= (default %s)\n"
        "  --worker-dir DIR       where the wsgi-worker-<runtime> binaries are (default: beside\n"
        "                         this program)\n"
        "  --dispatch MODE        how requests reach the workers: proxy (default; the supervisor\n"
        "                         hands each request to an idle thread, as mod_wsgi proxies to its\n"
        "                         daemons), direct (the workers serve client connections\n"
        "                         themselves; one daemon group only), or auto (direct when one\n"
        "                         group serves every mount)\n"
        "  --quiet                log only problems\n"
        "  --help                 show this help\n"
        "\n"
        "Engine-only option: python=<runtime> on WSGIDaemonProcess picks a group's runtime.\n",
        WSGI_DEFAULT_RUNTIME);
}

bool parseListen(const std::string& text, wsgi::config::ListenAddress& out)
{
    std::string host, port = text;
    if (!text.empty() && text.front() == '[') {
        const size_t close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return false;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else if (const size_t colon = text.rfind(':'); colon != std::string::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5)
        return false;
    out.host = host;
    out.port = std::stoi(port);
    return out.port <= 65535;
}

std::filesystem::path selfDirectory()
{
    char buf[PATH_MAX] = {};
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::filesystem::path(std::string(buf, size_t(n))).parent_path()
                 : std::filesystem::path(".");
}

// What the command line asks for.
struct EngineArgs
{
    std::string configFile;
    std::string tokenFile; // --control-token-file; empty: a new file in the default runtime directory
    std::vector<wsgi::config::ListenAddress> listenOverride;
    bool checkOnly = false;
    wsgi::hosting::Dispatch dispatch = wsgi::hosting::Dispatch::Proxy;
    wsgi::hosting::RuntimeCatalog runtimes{selfDirectory(), WSGI_DEFAULT_RUNTIME};
    wsgi::hosting::SupervisorOptions options;
};

// Fills `a` from the command line; an exit code when the program should stop here (--help, --version,
// a usage error).
std::optional<int> parseArgs(int argc, char** argv, EngineArgs& a)
{
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "wsgi-engine: %s needs a value (see --help)\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--config") {
            a.configFile = value();
        } else if (arg == "--listen") {
            const std::string text = value();
            wsgi::config::ListenAddress address;
            if (!parseListen(text, address)) {
                std::fprintf(stderr, "wsgi-engine: --listen '%s' is not HOST:PORT (e.g. 127.0.0.1:8080)\n",
                             text.c_str());
                return 2;
            }
            address.where.file = "--listen";
            a.listenOverride.push_back(address);
        } else if (arg == "--control") {
            const std::string text = value();
            wsgi::config::ListenAddress address;
            if (!parseListen(text, address) || address.host.empty()) {
                std::fprintf(stderr, "wsgi-engine: --control '%s' is not HOST:PORT (e.g. 127.0.0.1:0)\n",
                             text.c_str());
                return 2;
            }
            a.options.controlHost = address.host;
            a.options.controlPort = address.port;
        } else if (arg == "--control-token-file") {
            a.tokenFile = value();
        } else if (arg == "--control-auth-timeout") {
            const std::string text = value();
            if (text.empty() || text.size() > 6 ||
                text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) == 0) {
                std::fprintf(stderr,
                             "wsgi-engine: --control-auth-timeout '%s' is not a number of milliseconds "
                             "(1-999999)\n",
                             text.c_str());
                return 2;
            }
            wsgi::hosting::setControlAuthTimeoutMs(std::stoi(text));
        } else if (arg == "--check") {
            a.checkOnly = true;
        } else if (arg == "--default-runtime") {
            a.runtimes.defaultRuntime = value();
        } else if (arg == "--worker-dir") {
            a.runtimes.workerDir = value();
        } else if (arg == "--dispatch") {
            const std::string mode = value();
            if (mode == "proxy")
                a.dispatch = wsgi::hosting::Dispatch::Proxy;
            else if (mode == "direct")
                a.dispatch = wsgi::hosting::Dispatch::Direct;
            else if (mode == "auto")
                a.dispatch = wsgi::hosting::Dispatch::Auto;
            else {
                std::fprintf(stderr, "wsgi-engine: --dispatch must be proxy, direct or auto, not '%s'\n",
                             mode.c_str());
                return 2;
            }
        } else if (arg == "--quiet") {
            a.options.quiet = true;
        } else if (arg == "--version") {
            std::printf("wsgi-engine %s\n", WSGI_STUDIO_VERSION);
            return 0;
        } else if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "wsgi-engine: unknown argument '%s' (see --help)\n", arg.c_str());
            return 2;
        }
    }
    if (a.configFile.empty()) {
        usage(stderr);
        return 2;
    }
    return std::nullopt;
}

// --check: the plan, without starting anything.
void printPlan(const wsgi::hosting::EnginePlan& plan, const std::string& configFile)
{
    for (const auto& g : plan.groups)
        std::printf("group %s: %d processes x %d threads, Python %s%s%s\n", g.name.c_str(), g.processes,
                    g.threads, g.spec.runtime.c_str(), g.spec.freeThreading ? ", free-threaded" : "",
                    g.spec.switchInterval
                        ? (", switch interval " + std::to_string(*g.spec.switchInterval)).c_str()
                        : "");
    for (const auto& m : plan.mounts)
        std::printf("mount %s -> group %s\n", m.urlPrefix.empty() ? "/" : m.urlPrefix.c_str(),
                    plan.groups[m.group].name.c_str());
    std::printf("%s: configuration OK\n", configFile.c_str());
}

// The control token: read from, or created in, the operator's file or a new one in the private
// runtime directory. False (with the reason printed) when the file would expose the token.
bool prepareControlToken(EngineArgs& a, bool& removeTokenFile)
{
    wsgi::hosting::SupervisorOptions& options = a.options;
    if (options.controlHost != "127.0.0.1" && options.controlHost != "::1" &&
        options.controlHost != "localhost")
        std::fprintf(stderr,
                     "wsgi-engine: warning: the control endpoint listens on %s, not on loopback; "
                     "anyone who can reach it and has the token controls the engine\n",
                     options.controlHost.c_str());
    std::string error;
    wsgi::hosting::TokenFile token;
    const bool opened = a.tokenFile.empty() ? wsgi::hosting::createDefaultTokenFile(token, error)
                                            : wsgi::hosting::openTokenFile(a.tokenFile, token, error);
    if (!opened) {
        std::fprintf(stderr, "wsgi-engine: %s\n", error.c_str());
        return false;
    }
    removeTokenFile = a.tokenFile.empty(); // an operator's own file stays, even one the engine created
    a.tokenFile = token.path;
    options.controlToken = token.token;
    return true;
}

// The lines people and tests read ("listening on", "control endpoint on"), then the ready line.
void printBanner(const wsgi::hosting::Supervisor& supervisor, const wsgi::hosting::EnginePlan& plan,
                 const std::string& tokenFile)
{
    for (const auto& l : supervisor.listenSockets()) {
        const bool v6 = l.host.find(':') != std::string::npos;
        std::printf("wsgi-engine: listening on http://%s%s%s:%d/\n", v6 ? "[" : "", l.host.c_str(),
                    v6 ? "]" : "", l.port);
    }
    if (const auto* control = supervisor.control())
        std::printf("wsgi-engine: control endpoint on %s:%d (token in %s)\n", control->host().c_str(),
                    control->port(), tokenFile.c_str());
    for (const auto& g : plan.groups)
        std::printf("wsgi-engine: group %s: %d processes x %d threads, Python %s%s\n", g.name.c_str(),
                    g.processes, g.threads, g.spec.runtime.c_str(),
                    g.spec.freeThreading ? " (free-threaded)" : "");
    std::printf("wsgi-engine: dispatch %s\n", plan.direct
                                                  ? "direct (workers serve connections)"
                                                  : "proxy (the supervisor hands each request to a thread)");
    // Last, so whoever waits for it knows every line above was written: the ports for programs.
    wsgi::ReadyLine ready;
    ready.version = WSGI_STUDIO_VERSION;
    ready.pid = int64_t(getpid());
    for (const auto& l : supervisor.listenSockets()) {
        const bool v6 = l.host.find(':') != std::string::npos;
        ready.listen.push_back((v6 ? "[" + l.host + "]" : l.host) + ":" + std::to_string(l.port));
    }
    if (const auto* control = supervisor.control()) {
        const bool v6 = control->host().find(':') != std::string::npos;
        ready.control =
            (v6 ? "[" + control->host() + "]" : control->host()) + ":" + std::to_string(control->port());
        ready.tokenFile = tokenFile;
    }
    ready.dispatch = plan.direct ? "direct" : "proxy";
    ready.generation = 0; // the configuration it started with; each reload adds one
    std::printf("%s\n", wsgi::formatReadyLine(ready).c_str());
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    EngineArgs args;
    if (const auto stop = parseArgs(argc, argv, args))
        return *stop;

    const auto parsed = wsgi::config::loadEngineConfig(args.configFile);
    wsgi::config::EngineConfig config = parsed.config;
    if (!args.listenOverride.empty())
        config.listen = args.listenOverride;
    if (config.listen.empty()) {
        wsgi::config::ListenAddress fallback;
        fallback.host = "127.0.0.1";
        fallback.port = 8080;
        config.listen.push_back(fallback);
    }
    const auto plan = wsgi::hosting::planEngine(config, args.runtimes, args.dispatch);
    // At start (unlike a reload, which refuses them) missing files are warnings, as Apache starts
    // regardless and answers the requests it cannot serve with errors.
    std::vector<wsgi::config::Finding> files = wsgi::hosting::checkRunnable(config);
    for (auto& f : files)
        f.severity = wsgi::config::Severity::Warning;

    const bool failed = !parsed.ok() || !plan.ok();
    for (const auto* findings : std::initializer_list<const std::vector<wsgi::config::Finding>*>{
             &parsed.findings, &plan.findings, &files})
        for (const auto& f : *findings)
            if (!args.options.quiet || f.severity != wsgi::config::Severity::Note)
                std::fprintf(stderr, "%s\n", wsgi::config::formatFinding(f).c_str());
    if (failed) {
        std::fprintf(stderr, "wsgi-engine: %s: configuration rejected, nothing was started\n",
                     args.configFile.c_str());
        return 1;
    }
    if (args.checkOnly) {
        printPlan(plan, args.configFile);
        return 0;
    }

    bool removeTokenFile = false;
    if (args.options.controlPort >= 0 && !prepareControlToken(args, removeTokenFile))
        return 1;
    args.options.configFile = args.configFile;
    args.options.runtimes = args.runtimes;
    args.options.dispatch = args.dispatch;
    wsgi::hosting::Supervisor supervisor(plan, args.options);
    std::string error;
    if (!supervisor.listen(error)) {
        std::fprintf(stderr, "wsgi-engine: %s\n", error.c_str());
        return 1;
    }
    printBanner(supervisor, plan, args.tokenFile);
    const int rc = supervisor.run();
    if (removeTokenFile)
        std::remove(args.tokenFile.c_str());
    return rc;
}
