#include "modwsgifeatures.h"

#include "apachesyntax.h"

#include <algorithm>
#include <array>
#include <vector>

namespace wsgi::config {

namespace {

// Defaults are mod_wsgi 6.0's (modwsgi.md section 1, the C defaults of wsgi_add_daemon_process).
const std::vector<DaemonOptionDoc> kDocs = {
    {"processes", "1", "daemon processes in the group", true},
    {"threads", "15", "request threads per process", true},
    {"display-name", "", "process title shown by ps ('%{GROUP}' shows (wsgi:NAME))", true},
    {"home", "", "working directory of the processes", true},
    {"user", "", "Unix user the processes run as (Apache's User when unset)", true},
    {"group", "", "Unix group the processes run as (Apache's Group when unset)", true},
    {"supplementary-groups", "", "extra Unix groups", true},
    {"umask", "", "umask of the processes", true},
    {"lang", "", "LANG of the processes", true},
    {"locale", "", "LC_ALL of the processes", true},
    {"chroot", "", "chroot jail (deprecated)", true},
    {"script-user", "", "required owner of the WSGI script, else 403", true},
    {"script-group", "", "required group of the WSGI script, else 403", true},
    {"python-home", "", "virtual environment (sys.prefix) of the group", true},
    {"python-path", "", "directories added with site.addsitedir", true},
    {"python-eggs", "", "PYTHON_EGG_CACHE", true},
    {"switch-interval", "0.005", "seconds between GIL hand-overs (sys.setswitchinterval)", false},
    {"stack-size", "", "stack size of request threads in bytes", true},
    {"maximum-requests", "0", "recycle a process after this many requests (0 = never)", true},
    {"restart-interval", "0", "recycle a process after this many seconds (0 = never)", true},
    {"cpu-time-limit", "0", "restart a process after this many CPU seconds (0 = never)", true},
    {"cpu-priority", "0", "nice value of the processes", true},
    {"memory-limit", "0", "RLIMIT_DATA in bytes (0 = none)", true},
    {"virtual-memory-limit", "0", "RLIMIT_AS in bytes (0 = none)", true},
    {"inactivity-timeout", "0", "restart a process idle for this many seconds (0 = never)", true},
    {"request-timeout", "0", "restart a process when a request runs this long, scaled by threads (0 = never)",
     true},
    {"interrupt-timeout", "0", "seconds a timed-out request gets to unwind after RequestTimeout is raised",
     false},
    {"graceful-timeout", "15", "seconds a recycling process may take to finish its requests", true},
    {"eviction-timeout", "0", "drain window on a graceful restart signal (0 = graceful-timeout)", true},
    {"shutdown-timeout", "5", "seconds before a stopping process is killed", true},
    {"deadlock-timeout", "300", "restart a process whose GIL is held this many seconds", true},
    {"startup-timeout", "0", "restart a process whose script has not loaded after this many seconds", true},
    {"connect-timeout", "15", "seconds Apache retries connecting to the daemon before 503", true},
    {"socket-timeout", "0", "seconds a read or write to the daemon may block (0 = Apache's Timeout)", true},
    {"response-socket-timeout", "0", "seconds a write to the client may block (0 = socket-timeout)", true},
    {"queue-timeout", "0", "504 for requests that waited this many seconds for a thread (0 = never)", true},
    {"listen-backlog", "100", "connections that may wait on the daemon socket", true},
    {"socket-user", "", "owner of the daemon socket", true},
    {"send-buffer-size", "0", "daemon socket send buffer in bytes (0 = OS default)", true},
    {"receive-buffer-size", "0", "daemon socket receive buffer in bytes (0 = OS default)", true},
    {"header-buffer-size", "0", "largest response header in bytes (0 = 32768)", true},
    {"response-buffer-size", "0", "bytes passed on before a forced flush (0 = 8 MiB in 6.0.2+)", true},
    {"response-flush-delay", "5", "milliseconds to wait for more data before flushing", false},
    {"server-metrics", "Off", "lets the group read Apache's scoreboard", true},
    {"newrelic-config-file", "", "New Relic agent configuration (removed in mod_wsgi 6.0)", true, false},
    {"newrelic-environment", "", "New Relic agent environment (removed in mod_wsgi 6.0)", true, false},
};

// mod_wsgi 6.0 only.
constexpr std::array<std::string_view, 7> kOnly6 = {
    "WSGISwitchInterval",   "WSGIPerInterpreterGIL", "WSGIFreeThreading", "WSGIInterpreterOptions",
    "WSGITelemetryService", "WSGITelemetryOptions",  "WSGISlowRequests",
};
// Removed in 6.0 (Debian's 4.9.4 has them).
constexpr std::array<std::string_view, 3> kOnly4 = {
    "WSGILazyInitialization",
    "WSGINewRelicConfigFile",
    "WSGINewRelicEnvironment",
};

const std::vector<std::string_view> kBoth = {
    "WSGIAcceptMutex",       "WSGIAccessScript",       "WSGIApplicationGroup",   "WSGIAuthGroupScript",
    "WSGIAuthUserScript",    "WSGICallableObject",     "WSGICaseSensitivity",    "WSGIChunkedRequest",
    "WSGIDaemonProcess",     "WSGIDestroyInterpreter", "WSGIDispatchScript",     "WSGIDontWriteBytecode",
    "WSGIEnableSendfile",    "WSGIErrorOverride",      "WSGIGroupAuthoritative", "WSGIHandlerScript",
    "WSGIIgnoreActivity",    "WSGIImportScript",       "WSGIMapHEADToGET",       "WSGIPassApacheRequest",
    "WSGIPassAuthorization", "WSGIProcessGroup",       "WSGIPythonEggs",         "WSGIPythonHashSeed",
    "WSGIPythonHome",        "WSGIPythonOptimize",     "WSGIPythonPath",         "WSGIPythonWarnings",
    "WSGIRestrictEmbedded",  "WSGIRestrictProcess",    "WSGIRestrictSignal",     "WSGIRestrictStdin",
    "WSGIRestrictStdout",    "WSGIScriptAlias",        "WSGIScriptAliasMatch",   "WSGIScriptReloading",
    "WSGISocketPrefix",      "WSGISocketRotation",     "WSGITrustedProxies",     "WSGITrustedProxyHeaders",
    "WSGIVerboseDebugging",  "WSGIServerMetrics",      "WSGIApplicationWrapper",
};

template <std::size_t N> bool inList(const std::array<std::string_view, N>& list, std::string_view name)
{
    return std::any_of(list.begin(), list.end(),
                       [&](std::string_view n) { return equalsIgnoreCase(n, name); });
}

} // namespace

const DaemonOptionDoc* findDaemonOptionDoc(std::string_view name)
{
    auto it =
        std::find_if(kDocs.begin(), kDocs.end(), [&](const DaemonOptionDoc& d) { return d.name == name; });
    return it == kDocs.end() ? nullptr : &*it;
}

bool daemonOptionExists(std::string_view name, Dialect dialect)
{
    const DaemonOptionDoc* doc = findDaemonOptionDoc(name);
    if (dialect == Dialect::Engine && name == "python")
        return true;
    if (!doc)
        return false;
    return dialect == Dialect::ModWsgi4 ? doc->inModWsgi4 : doc->inModWsgi6;
}

std::string explainDaemonOption(std::string_view name, std::string_view value)
{
    const DaemonOptionDoc* doc = findDaemonOptionDoc(name);
    if (!doc || value == doc->defaultValue)
        return {};
    std::string out = std::string(name) + "=" + std::string(value) + ": " + std::string(doc->meaning);
    if (!doc->defaultValue.empty())
        out += " (default " + std::string(doc->defaultValue) + ")";
    return out;
}

bool wsgiDirectiveExists(std::string_view name, Dialect dialect)
{
    if (name.size() < 4 || !equalsIgnoreCase(name.substr(0, 4), "WSGI"))
        return true;
    if (inList(kOnly6, name))
        return dialect != Dialect::ModWsgi4;
    // The engine dialect is how the studio reads a file to export it: every mod_wsgi directive is
    // model, so that an export for another version can rewrite or drop it with a reason.
    if (inList(kOnly4, name))
        return dialect != Dialect::ModWsgi6;
    return std::any_of(kBoth.begin(), kBoth.end(),
                       [&](std::string_view n) { return equalsIgnoreCase(n, name); });
}

const std::vector<std::string_view>& wsgiDirectiveNames()
{
    static const std::vector<std::string_view> all = [] {
        std::vector<std::string_view> names = kBoth;
        names.insert(names.end(), kOnly6.begin(), kOnly6.end());
        names.insert(names.end(), kOnly4.begin(), kOnly4.end());
        return names;
    }();
    return all;
}

} // namespace wsgi::config
