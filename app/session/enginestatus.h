#pragma once
// What the engine answers to "status": its processes as configured and as running. Plain values, so
// they cross threads and signals by copy and tests build them by hand.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wsgi::studio {

// The GIL arrangement actually in force in a worker, as it reported once the application loaded.
enum class GilMode
{
    Unknown,
    Starting,
    Shared,
    PerInterpreter,
    FreeThreaded
};
GilMode gilModeFromWire(const std::string& text); // Unknown for anything unrecognised
const char* gilModeWireName(GilMode mode);        // "shared", "per-interpreter", ...

struct ProcessStatus
{
    int index = 0; // 1-based slot in its group, as mod_wsgi numbers daemon processes
    int64_t pid = 0;
    std::string state; // "running", "stopping"
    double uptimeSeconds = 0;
    int64_t requests = 0;
    int activeRequests = 0;
    int threads = 0;
    std::string runtime; // the engine's runtime name, e.g. "3.13t"
    std::string python;  // the full version the worker reported
    GilMode gilMode = GilMode::Unknown;
    bool gilEnabled = true;
    std::optional<double> switchInterval; // seconds; unknown until the worker reports it
    std::string ownGilGroups;
};

struct GroupStatus
{
    std::string name;
    int processesConfigured = 0;
    int threads = 0;
    std::string runtime;
    bool freeThreadingRequested = false;
    std::optional<double> switchIntervalRequested;
    int64_t queueLength = 0;
    std::vector<std::pair<std::string, int64_t>> restarts; // reason -> count, sorted by reason
    // Processes the restart-storm back-off holds back (status "throttled"): empty when none.
    struct Throttled
    {
        int process = 0;
        int64_t failures = 0;
        double backoffSeconds = 0;
    };
    std::vector<Throttled> throttled;
    std::vector<ProcessStatus> processes;
};

struct MountStatus
{
    std::string prefix;
    std::string group;
};

struct EngineInfo
{
    int64_t pid = 0;
    double uptimeSeconds = 0;
    std::string configFile;
    int64_t generation = 0;
    int64_t connections = 0;
    int cores = 0;                   // the CPUs the engine may run on; 0 when not reported
    std::vector<std::string> listen; // "127.0.0.1:8080"
};

struct EngineStatus
{
    EngineInfo engine;
    std::vector<GroupStatus> groups;
    std::vector<MountStatus> mounts;

    const GroupStatus* group(const std::string& name) const; // nullptr when absent
    const ProcessStatus* process(int64_t pid) const;         // nullptr when absent
};

} // namespace wsgi::studio
