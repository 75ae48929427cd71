#pragma once
// "Check with Apache": the real `apache2 -t` on a configuration snippet, in a private ServerRoot, so
// that what the studio exports is judged by httpd and mod_wsgi themselves, not only by our rules.
//
// checkWithApache() writes a minimal httpd.conf into a new temporary directory (mpm_event, authz_core,
// mod_reqtimeout when installed, mod_wsgi; PidFile, ErrorLog, runtime and socket directories inside
// it; a Listen on 127.0.0.1) that Includes the snippet, runs `apache2 -t -f` on it with a timeout, and
// removes the directory again. Nothing is started and no port is opened: -t only parses. The result
// carries Apache's own words. Plain C++ (no Qt), safe to call from a worker thread of a Qt program
// (the child is started with posix_spawn); it blocks for as long as apache2 runs, at most the timeout.
//
// The snippet is what `export --snippet` writes (WSGI, MPM and timeout directives, <VirtualHost>s):
// not a whole httpd.conf with its own ServerRoot, LoadModule and Includes.

#include "wsgimodel.h"

#include <string>
#include <string_view>
#include <vector>

namespace wsgi::config {

struct ProcessResult
{
    bool started = false;  // false: could not be started (see output)
    bool timedOut = false; // killed at the timeout
    int exitCode = -1;     // the exit status; -1 when it did not exit normally
    std::string output;    // stdout and stderr together
};

// Runs argv[0] (a path; no PATH search) with `environment` ("NAME=value") added to ours, capturing
// stdout and stderr, killing it (SIGKILL) once `timeoutMs` have passed.
ProcessResult runProcess(const std::vector<std::string>& argv, int timeoutMs,
                         const std::vector<std::string>& environment = {});

struct ApacheInstallation
{
    std::string binary = "/usr/sbin/apache2";
    std::string modules = "/usr/lib/apache2/modules";
};

// The mod_wsgi version the installation's mod_wsgi.so says it is ("4.9.4"), "" if unknown or missing.
std::string installedModWsgiVersion(const ApacheInstallation& apache = {});

// A private ServerRoot in a new temporary directory, removed on destruction (unless the environment
// sets WSGI_KEEP_APACHE_ROOT, for looking at a failure). ok() is false when it could not be made.
class ApacheServerRoot
{
public:
    explicit ApacheServerRoot(ApacheInstallation apache = {});
    ~ApacheServerRoot();
    ApacheServerRoot(const ApacheServerRoot&) = delete;
    ApacheServerRoot& operator=(const ApacheServerRoot&) = delete;

    bool ok() const { return !m_dir.empty(); }
    const std::string& error() const { return m_error; }
    const std::string& dir() const { return m_dir; }
    std::string path(const std::string& name) const { return m_dir + "/" + name; }
    const ApacheInstallation& installation() const { return m_apache; }

    // Writes `name` (relative to the root; directories are made) readable by Apache's children.
    bool writeFile(const std::string& name, std::string_view content) const;
    // httpd.conf around snippet.conf; returns its path. `port` 0 writes a Listen on a fixed unused port
    // (a configtest needs one Listen but never binds it).
    std::string writeConfig(std::string_view snippet, int port = 0) const;
    // apache2 -t -f httpd.conf
    ProcessResult configtest(int timeoutMs = 20000) const;

private:
    ApacheInstallation m_apache;
    std::string m_dir;
    std::string m_error;
};

enum class ApacheCheckStatus
{
    Ok,           // apache2 -t said "Syntax OK"
    Failed,       // apache2 -t refused the configuration: output says why, in Apache's words
    NotInstalled, // no apache2 binary, or no mod_wsgi.so
    Unavailable,  // installed, but cannot judge this target (e.g. a mod_wsgi 6 snippet, mod_wsgi 4 installed)
    Error,        // the check itself could not run (temporary directory, spawn, timeout)
};

struct ApacheCheckResult
{
    ApacheCheckStatus status = ApacheCheckStatus::Error;
    bool ok() const { return status == ApacheCheckStatus::Ok; }
    std::string message;        // one line for the user: "Syntax OK", "Apache is not installed (...)", ...
    std::string output;         // apache2 -t's own output, as it printed it
    std::string modWsgiVersion; // of the installed mod_wsgi.so, "" if unknown
};

struct ApacheCheckOptions
{
    ApacheInstallation apache;
    int timeoutMs = 20000;
};

// `target` says which mod_wsgi the text is for: ModWsgi4 and ModWsgi6 are checked when the installed
// mod_wsgi has that major version (Debian 12 ships 4.9); the engine dialect is not Apache's, so it is
// Unavailable.
ApacheCheckResult checkWithApache(std::string_view configText, Dialect target,
                                  const ApacheCheckOptions& options = {});

} // namespace wsgi::config
