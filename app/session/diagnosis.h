#pragma once
// A short verdict per daemon group from the figures of one time window, in the terms the seed
// articles argue in: a saturated group needs capacity; a GIL-bound one needs processes (or
// free-threading), not threads; an I/O-bound one is helped by threads; requests queueing for a
// thread say the group is too small for its load. Pure logic on numbers, so the verdicts are tested
// on known figures and the Monitor page only shows them.
//
// The GIL figure is the full measure (gil_wait_time_full over the request threads' time): the hand-off
// measure misses the switches forced inside application code, which is exactly where a CPU-bound
// group loses its time, so only the full one can say "GIL-bound" in both directions.

#include "session/variantproposal.h"

#include <QList>
#include <QString>

#include <optional>

namespace wsgi::studio {

struct GroupFigures
{
    QString group;
    int processes = 0;         // running in the window
    int threadsPerProcess = 0; // request threads of each
    bool gilEnabled = true;    // false: a free-threaded process, nothing waits for a GIL
    std::optional<double> switchIntervalS;
    double machineCores = 1; // the engine's host

    int64_t requests = 0;        // completed in the window
    double throughput = 0;       // requests/s, whole group
    double capacity = 0;         // 0..1: busy thread time over all threads
    double cpuCores = 0;         // whole group
    double applicationMeanS = 0; // per request
    double queueMeanS = 0;       // per request: accepted -> a thread starts it
    // Shares of the request threads' time (CPU plus off-CPU, from asking for the GIL to the end).
    double gilWaitFullShare = 0; // GIL wait (full measure), 0..1
    double cpuShare = 0;         // on CPU, 0..1
    double gilWaitFullP95S = 0;  // per request
};

enum class Verdict
{
    NotEnoughData, // too few requests to say anything
    Healthy,       // headroom: no finding below
    GilBound,      // threads wait for the GIL: add processes or free-threading, not threads
    Saturated,     // every thread busy and no GIL wait to blame: add capacity
    Queueing,      // requests wait for a thread before they start
    IoBound,       // threads mostly off CPU: more threads help
};

struct Diagnosis
{
    QString group;
    Verdict verdict = Verdict::NotEnoughData;
    QString headline;    // "GIL-bound"
    QString advice;      // "add processes or free-threading, not threads"
    QStringList figures; // the numbers behind it, one per line: "GIL wait 62 % of request thread time"
    std::optional<VariantProposal> proposal; // the variant that tests the advice
};

// Thresholds. Each is the point past which the named cause dominates, chosen with a margin so a
// group near the line does not flip between verdicts every interval.
namespace diagnosis {
// Below this many requests in the window percentages are noise (a few requests at 1 Hz).
inline constexpr int64_t kMinRequests = 50;
// A quarter of the request threads' time spent waiting for the GIL: more threads in that process add
// waiting, not work (2x5 on the seeds' workload waits well above half; 10x1 near zero).
inline constexpr double kGilBoundShare = 0.25;
// Threads busy 85 % of the time: mod_wsgi-telemetry's saturation line; above it the next burst queues.
inline constexpr double kSaturatedCapacity = 0.85;
// Requests queueing for a quarter of their application time (and at least 2 ms) wait noticeably
// for a thread; below 2 ms a queue is the hand-off itself.
inline constexpr double kQueueingShare = 0.25;
inline constexpr double kQueueingMinS = 0.002;
// Threads that spend 60 % of their time neither on CPU nor waiting for the GIL are
// waiting on I/O, which releases the GIL: another thread can use that time.
inline constexpr double kIoBoundShare = 0.6;
// I/O-bound only matters when the threads are fairly busy; an idle group needs nothing.
inline constexpr double kIoBoundCapacity = 0.5;
// The group uses 90 % of the machine's cores: more workers cannot add CPU that is not there.
inline constexpr double kMachineBoundShare = 0.9;
} // namespace diagnosis

Diagnosis diagnose(const GroupFigures& figures);

QString verdictName(Verdict verdict); // "GIL-bound", ...

} // namespace wsgi::studio
