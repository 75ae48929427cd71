#pragma once
// One telemetry event from the engine: per process, what it did during one interval. Names follow
// the wire (and mod_wsgi's metric names); histograms are rebuilt as wsgi::Histogram so they merge
// across processes and intervals exactly as the engine's own do.

#include "session/enginestatus.h"

#include "core/histogram.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wsgi::studio {

// The timing phases every process reports, in wire order.
enum class TimingPhase
{
    Queue,         // queue_time: accepted by the engine -> a request thread starts it
    Application,   // application_time
    Request,       // request_time: accepted -> response complete
    InputRead,     // input_read_time
    OutputWrite,   // output_write_time
    GilWait,       // gil_wait_time: at the engine's hand-off points, comparable with mod_wsgi
    GilWaitFull,   // gil_wait_time_full: every wait, including switches forced inside app code
    RequestCpu,    // request_cpu_time
    RequestOffCpu, // request_off_cpu_time
    Count
};
constexpr int kTimingPhaseCount = int(TimingPhase::Count);
const char* timingPhaseWireName(TimingPhase phase); // "queue_time", ...
bool isGilPhase(TimingPhase phase);

struct PhaseTiming
{
    // False when the engine sent null without details: a phase that cannot happen in this process
    // (GIL waits where there is no GIL). Not the same as "no request this interval".
    bool applicable = true;
    std::optional<double> meanSeconds; // empty when no request was timed this interval
    int64_t minUs = 0;
    int64_t maxUs = 0;
    wsgi::Histogram histogram;
};

struct ProcessTelemetry
{
    std::string group;
    int process = 0; // 1-based index in the group
    int64_t pid = 0;
    std::string state;
    GilMode gilMode = GilMode::Unknown;
    bool gilEnabled = true;
    std::optional<double> switchInterval;
    double samplePeriodSeconds = 0;

    int64_t requestCount = 0;
    double requestThroughput = 0; // per second
    double requestsPerMinute = 0;
    int threadsMaximum = 0;
    int threadsActive = 0;
    double capacityUtilization = 0; // busy thread time / (threads * period), 0..1

    // CPU cores used (can exceed 1); empty when /proc could not be read for the whole interval.
    std::optional<double> cpuUserUtilization;
    std::optional<double> cpuSystemUtilization;
    std::optional<double> cpuUtilization;

    int64_t memoryRss = 0; // bytes
    int64_t memoryMaxRss = 0;
    std::array<int64_t, 5> statusClasses{}; // 1xx .. 5xx responses

    std::array<PhaseTiming, kTimingPhaseCount> phases{};
    const PhaseTiming& phase(TimingPhase p) const { return phases[size_t(p)]; }

    int64_t gilWaitCount = 0;
    int64_t inputBytes = 0;
    int64_t outputBytes = 0;
};

// Something that happened to the engine since the previous telemetry event: a process replaced
// (with core/restartreason.h's reason), a configuration applied, or a process held back by the
// restart-storm back-off. Wire: the telemetry event's "events" array.
struct EngineEvent
{
    enum class Kind
    {
        Restart,   // "restart": a process was replaced; `reason` says why
        Reload,    // "reload": configuration generation `generation` was applied
        Throttled, // "throttled": a process that keeps dying is restarted after `backoffSeconds`
    };
    Kind kind = Kind::Restart;
    int64_t sequence = 0; // "seq": increasing over the engine's life, so a repeat can be dropped
    double time = 0;      // unix seconds
    std::string reason;   // "request-timeout", "crash-signal", ... (restartReasonName); empty for Reload
    std::string group;
    int process = 0;           // 1-based index in the group; 0 for Reload
    int64_t pid = 0;           // the process that went away
    int64_t requestsLost = 0;  // requests in flight that did not get their response from it
    int64_t generation = 0;    // Reload: the generation now in force
    double backoffSeconds = 0; // Throttled
    std::string detail;        // one line, e.g. "GET /slow ran 12.0 s > request-timeout 10 s"
    std::string log;           // what the engine logged with it (the stacks of a timeout), may be long
};

struct TelemetrySample
{
    double time = 0; // unix seconds at the end of the interval
    int intervalMs = 0;
    std::vector<ProcessTelemetry> processes;
    std::vector<EngineEvent> events; // since the previous sample, oldest first
};

} // namespace wsgi::studio
