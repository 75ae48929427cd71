#pragma once
// The engine's configuration model: what a mod_wsgi-style httpd.conf snippet says, in the terms the
// hosting engine runs it by. Parsing keeps the source location of every item so that errors and
// findings can name file and line.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::config {

struct SourceLocation
{
    std::string file;
    int line = 0;
};

enum class Severity
{
    Error,
    Warning,
    Note
};

// One problem or remark about the configuration. `code` is stable (e.g. "WSGI0200" for mod_wsgi's own
// warnings, "E-UNKNOWN-OPTION" for ours) so tools can match on it.
struct Finding
{
    Severity severity = Severity::Error;
    std::string code;
    SourceLocation where;
    std::string message;
    std::string suggestion; // how to fix it, may be empty
};

// `WSGIDaemonProcess NAME option=value ...`. Defaults are mod_wsgi 6.0's (reference: wsgi_daemon.c).
struct DaemonGroup
{
    std::string name;
    int processes = 1;
    bool processesExplicit = false; // mod_wsgi: an explicit processes= (even 1) makes wsgi.multiprocess True
    int threads = 15;
    std::optional<double> switchInterval; // seconds, > 0
    std::vector<std::string> pythonPath;  // python-path=, ':' separated
    std::string pythonHome;               // python-home=
    std::string displayName;              // display-name=, "%{GROUP}" expands to "(wsgi:NAME)"
    std::string home;                     // home=, absolute directory
    int listenBacklog = 100;              // listen-backlog=
    int queueTimeout = 0;                 // seconds, 0 = off
    int socketTimeout = 0;                // seconds, 0 = engine default
    int gracefulTimeout = 15;             // seconds
    int shutdownTimeout = 5;              // seconds
    int maximumRequests = 0;              // 0 = off
    int restartIntervalSeconds = 0;       // restart-interval=, 0 = off
    int inactivityTimeoutSeconds = 0;     // inactivity-timeout=, 0 = off
    int requestTimeoutSeconds = 0;        // request-timeout=, 0 = off (scaled by threads, see the worker)
    int interruptTimeoutSeconds = 0;      // interrupt-timeout=, 0 = restart without interrupting first
    int deadlockTimeoutSeconds = 300;     // deadlock-timeout=, 0 = off
    int startupTimeoutSeconds = 0;        // startup-timeout=, 0 = off
    int cpuTimeLimitSeconds = 0;          // cpu-time-limit=, 0 = off
    int64_t memoryLimitBytes = 0;         // memory-limit= (RLIMIT_DATA), 0 = off
    int64_t virtualMemoryLimitBytes = 0;  // virtual-memory-limit= (RLIMIT_AS), 0 = off
    std::string runtime;                  // engine-only `python=`: "3.11", "3.13", "3.13t"; empty = default
    std::map<std::string, std::string> options; // every option as written (for export and display)
    std::map<std::string, int> optionLines;     // physical line of each option (they may be continued)
    SourceLocation where;

    std::string processTitle() const; // display-name with %{GROUP} expanded, or empty
};

// `WSGIScriptAlias /prefix /path/app.py [process-group=G] [application-group=A] [callable-object=C]`.
struct Mount
{
    std::string urlPrefix;                       // without trailing slash, "" for "/"
    std::string scriptPath;                      // file the application is loaded from
    std::optional<std::string> processGroup;     // as written; "%{GLOBAL}" means embedded
    std::optional<std::string> applicationGroup; // as written; "%{GLOBAL}" = main interpreter
    std::string callableObject = "application";
    std::optional<bool> passAuthorization; // pass-authorization=On|Off, unset = mod_wsgi's default (Off)
    SourceLocation where;

    // Filled when parsing finishes. The ServerName in force where the mount is written (its
    // <VirtualHost>'s, else the top level's; used by %{RESOURCE} and %{SERVER}), and the
    // WSGIProcessGroup / WSGIApplicationGroup of its <VirtualHost> as written, which take precedence over
    // the server-level ones (Apache merges the virtual host's server config over the main server's).
    std::string serverName;
    std::optional<std::string> virtualHostProcessGroup;
    std::optional<std::string> virtualHostApplicationGroup;
};

// `<WSGIInterpreterOptions [process-group=G] [application-group=A]>` ... `</WSGIInterpreterOptions>`.
// A container without selectors and the top level behave the same for resolution; the top level is
// kept separately in EngineConfig.
struct InterpreterOptions
{
    std::optional<std::string> processGroup;     // "" after %{GLOBAL}
    std::optional<std::string> applicationGroup; // "" after %{GLOBAL}
    std::optional<bool> perInterpreterGil;
    std::optional<bool> freeThreading;
    std::optional<double> switchInterval;
    std::vector<std::string> pythonPath;
    SourceLocation where;
    SourceLocation switchIntervalWhere;
    SourceLocation freeThreadingWhere;
    SourceLocation perInterpreterGilWhere;
    SourceLocation pythonPathWhere;
    int specificity() const { return (processGroup ? 1 : 0) + (applicationGroup ? 1 : 0); }
};

struct ListenAddress
{
    std::string host; // empty = all addresses
    int port = 0;
    SourceLocation where;
};

// How long a client may take to send a request: mod_reqtimeout's `RequestReadTimeout` with Apache 2.4's
// defaults (`header=20-40,MinRate=500 body=20,MinRate=500`). Each phase has an initial deadline in
// seconds (0 = no deadline for that phase), which data arriving at MinRate bytes per second extends up
// to the maximum (0 = no maximum); a MinRate of 0 makes the initial deadline fixed.
struct RequestReadTimeoutSettings
{
    int headerSeconds = 20;
    int headerMaxSeconds = 40;
    int headerMinRate = 500;
    int bodySeconds = 20;
    int bodyMaxSeconds = 0;
    int bodyMinRate = 500;
    friend bool operator==(const RequestReadTimeoutSettings&, const RequestReadTimeoutSettings&) = default;
};

struct EngineConfig
{
    std::vector<ListenAddress> listen;
    std::vector<DaemonGroup> groups;
    std::vector<Mount> mounts;
    std::vector<InterpreterOptions> containers; // in file order
    // Top-level directives.
    std::optional<bool> perInterpreterGil;
    std::optional<bool> freeThreading;
    std::optional<double> switchInterval;
    SourceLocation switchIntervalWhere;
    SourceLocation perInterpreterGilWhere;
    SourceLocation freeThreadingWhere;
    std::vector<std::string> pythonPath;          // WSGIPythonPath
    std::string pythonHome;                       // WSGIPythonHome
    bool restrictEmbedded = false;                // WSGIRestrictEmbedded
    std::string processGroup;                     // WSGIProcessGroup at server level ("" = %{GLOBAL})
    std::string applicationGroup = "%{RESOURCE}"; // WSGIApplicationGroup at server level
    std::string serverName = "localhost";         // ServerName, used by %{RESOURCE} and %{SERVER}
    // Apache's own timeouts, with Apache's defaults; a `where` with line 0 means "not written". Only
    // the top level's apply (the engine has one server); inside a <VirtualHost> they get a Warning.
    RequestReadTimeoutSettings requestReadTimeout; // RequestReadTimeout (mod_reqtimeout)
    SourceLocation requestReadTimeoutWhere;
    int timeoutSeconds = 60; // Timeout: Apache's I/O timeout, and mod_wsgi's default socket-timeout
    SourceLocation timeoutWhere;
    // KeepAliveTimeout: milliseconds is exact ("500ms" is allowed); seconds is the same rounded up.
    int keepAliveTimeoutSeconds = 5;
    int keepAliveTimeoutMilliseconds = 5000;
    SourceLocation keepAliveTimeoutWhere;

    const DaemonGroup* findGroup(std::string_view name) const;
};

struct ParseResult
{
    EngineConfig config;
    std::vector<Finding> findings;
    bool ok() const; // no finding of Severity::Error
};

// Parses config text. Directives and options the engine does not implement are Error findings that
// name them; mod_wsgi's own load-time warnings that do not depend on the Python runtime (WSGI0201) are
// Warning findings here, the runtime-dependent ones (WSGI0198..0205) come from resolve.h.
//
// Relative WSGIScriptAlias script paths are resolved against the directory of `fileName` (made
// absolute against the current directory if needed), not against Apache's ServerRoot: a config and the
// application beside it can then be moved together. Mount::scriptPath holds the resolved path.
ParseResult parseEngineConfig(std::string_view text, const std::string& fileName);
ParseResult loadEngineConfig(const std::filesystem::path& file);

// Formats a finding as "file:line: error: message [CODE]", plus "\n    hint: suggestion" when there is one.
std::string formatFinding(const Finding& f);

} // namespace wsgi::config
