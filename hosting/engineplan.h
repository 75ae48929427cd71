#pragma once
// Turns a parsed configuration into what the supervisor runs: listen addresses, daemon groups with
// the worker binary and resolved spec for each, and the mount table for routing.

#include "apache-config/engineconfig.h"
#include "apache-config/resolve.h"
#include "readtimeouts.h"
#include "workerspec.h"

#include <filesystem>
#include <string>
#include <vector>

namespace wsgi::hosting {

struct GroupPlan
{
    std::string name;
    int processes = 1;
    int threads = 1;
    int listenBacklog = 100;
    int queueTimeoutSeconds = 0;
    int socketTimeoutSeconds = 60; // socket-timeout=, defaulting to Apache's Timeout as in mod_wsgi
    int shutdownTimeoutSeconds = 5;
    int maximumRequests = 0;
    int gracefulTimeoutSeconds = 15;
    // Lifecycle options (mod_wsgi 6.0, modwsgi.md section 1); 0 = off.
    int restartIntervalSeconds = 0;
    int inactivityTimeoutSeconds = 0;
    int startupTimeoutSeconds = 0;
    int cpuTimeLimitSeconds = 0;
    int64_t memoryLimitBytes = 0;        // RLIMIT_DATA
    int64_t virtualMemoryLimitBytes = 0; // RLIMIT_AS
    std::string processTitle;
    std::filesystem::path workerBinary;
    WorkerSpec spec; // processIndex is filled in per process
};

struct MountPlan
{
    std::string urlPrefix; // "" for "/"
    size_t group = 0;      // index into EnginePlan::groups
};

struct EnginePlan
{
    std::vector<config::ListenAddress> listen;
    std::vector<GroupPlan> groups;
    std::vector<MountPlan> mounts; // index = mount index in RequestHead
    std::vector<config::Finding> findings;
    // Direct mode: the workers accept and serve client connections themselves (possible when one
    // group serves every mount, so nothing needs routing); otherwise the supervisor proxies each
    // request, as mod_wsgi does.
    bool direct = false;
    // How long clients may take: RequestReadTimeout (mod_reqtimeout) and KeepAliveTimeout, with
    // Apache's defaults.
    ReadTimeoutLimits readTimeouts;
    int keepAliveTimeoutMs = 5000;
    int timeoutSeconds = 60; // Apache's Timeout: a client that takes no response bytes this long is dropped
    bool ok() const;

    // The mount serving `path` (the longest prefix on a segment boundary), or -1.
    int route(std::string_view path) const;
};

struct RuntimeCatalog
{
    std::filesystem::path workerDir; // where wsgi-worker-<runtime> binaries live
    std::string defaultRuntime;      // for groups without python=
    std::vector<std::string> available() const;
};

config::RuntimeTraits runtimeTraits(const std::string& runtimeName);

enum class Dispatch
{
    Auto,
    Proxy,
    Direct
};

EnginePlan planEngine(const config::EngineConfig& config, const RuntimeCatalog& runtimes,
                      Dispatch dispatch = Dispatch::Proxy);

} // namespace wsgi::hosting
