#pragma once
// What one worker process did during one telemetry interval, accumulated by the supervisor from the
// measurements each request's End frame carries and from /proc. Names follow mod_wsgi 6's metrics
// (reference: internal-metrics-api) where a metric exists there.

#include "channelprotocol.h"
#include "core/histogram.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include <sys/types.h>

namespace wsgi::hosting {

enum class Phase
{
    Queue,          // accepted by the engine -> a request thread starts it
    Application,    // interpreter acquired -> response produced
    Request,        // accepted -> response complete (what a client waits, minus the network)
    InputRead,      // time in wsgi.input reads, without the GIL
    OutputWrite,    // time writing the response out, without the GIL
    GilWaitHandoff, // GIL re-acquire at the engine's hand-off points, per request (as mod_wsgi)
    GilWaitFull,    // every GIL wait during the request, including forced switches in app code
    ThreadCpu,      // CPU time of the request thread
    OffCpu,         // wall time of the request not spent on CPU
    Count
};
const char* phaseName(Phase p); // mod_wsgi's name: "queue_time", "application_time", ...

struct ProcessCpu
{
    int64_t userTicks = 0; // clock ticks (10 ms): the split between user and system time
    int64_t systemTicks = 0;
    // The process's CPU time to the nanosecond (its CPU-time clock), -1 when it cannot be read:
    // a first interval of a few tens of milliseconds would be mostly rounding in ticks.
    int64_t cpuNs = -1;
    int64_t rssBytes = 0;
    int64_t peakRssBytes = 0;
    bool ok = false;
};
ProcessCpu readProcessCpu(pid_t pid); // from /proc/<pid>/stat and /proc/<pid>/status
// User and system CPU of an interval in seconds: the precise total split in the ticks' proportion
// (ticks alone when either end has no precise reading).
std::pair<double, double> cpuSecondsBetween(const ProcessCpu& from, const ProcessCpu& to);

class ProcessInterval
{
public:
    void begin(int64_t nowUs, const ProcessCpu& cpu);
    void record(const RequestMetrics& m, int64_t completedUs);
    // Busy thread time inside this interval for a request that ran from `startUs` to `endUs`.
    void addBusy(int64_t startUs, int64_t endUs);

    int64_t startUs() const { return m_startUs; }
    int64_t requests() const { return m_requests; }
    const std::array<int64_t, 5>& statusClasses() const { return m_status; }
    int64_t busyUs() const { return m_busyUs; }
    const Histogram& phase(Phase p) const { return m_phases[size_t(p)]; }
    int64_t gilWaitCount() const { return m_gilWaitCount; }
    int64_t bytesIn() const { return m_bytesIn; }
    int64_t bytesOut() const { return m_bytesOut; }
    const ProcessCpu& cpuAtStart() const { return m_cpuAtStart; }

private:
    int64_t m_startUs = 0;
    ProcessCpu m_cpuAtStart;
    int64_t m_requests = 0;
    std::array<int64_t, 5> m_status{};
    int64_t m_busyUs = 0;
    std::array<Histogram, size_t(Phase::Count)> m_phases;
    int64_t m_gilWaitCount = 0;
    int64_t m_bytesIn = 0;
    int64_t m_bytesOut = 0;
};

} // namespace wsgi::hosting
