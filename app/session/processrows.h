#pragma once
// The per-process view of one telemetry interval, as `top` and the Monitor page show it: which
// processes (one group or all), in which order (the engine's group order, then slot), and the totals
// over them. Rows are indexes into the sample, so a model can keep the sample and not copy it.

#include "session/enginestatus.h"
#include "session/telemetrysample.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace wsgi::studio {

struct ProcessTotals
{
    double requestsPerMinute = 0;
    double cpuCores = 0; // processes without a CPU figure count as 0
    int64_t memoryRss = 0;
    int64_t activeThreads = 0;
    int64_t threads = 0;
    int64_t queued = 0; // requests waiting in the shown groups' queues (from the status)
    int groups = 0;     // groups shown (from the status)
    int processes = 0;
};

struct ProcessRows
{
    std::vector<size_t> rows; // indexes into sample.processes, in display order
    ProcessTotals totals;
};

// `group` empty: every group.
ProcessRows processRows(const EngineStatus& status, const TelemetrySample& sample, const QString& group = {});

// A phase's mean in milliseconds; empty when nothing was timed this interval or the phase does not
// apply (check PhaseTiming::applicable to tell the two apart).
std::optional<double> phaseMeanMs(const PhaseTiming& timing);
// A phase's 95th percentile in milliseconds from its histogram; empty as above.
std::optional<double> phaseP95Ms(const PhaseTiming& timing);

bool processRunning(const ProcessTelemetry& process); // "running" or no state reported

} // namespace wsgi::studio
