#pragma once
// What one load run measured. Every count and histogram covers the measured window only (after the
// warm-up), except the *Total fields, which count the whole run so they can be matched against what
// the server saw.

#include "core/histogram.h"
#include "core/loadgen/schedule.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace wsgi::loadgen {

enum class ErrorKind
{
    Connect,     // connect() refused, unreachable, or not finished within the timeout
    Timeout,     // no complete answer within the timeout after the send
    Reset,       // ECONNRESET / EPIPE while sending or waiting
    Closed,      // the server closed the connection before the answer was complete
    BadResponse, // bytes that are not a well-formed HTTP/1.x answer (or arrive unasked)
};
inline constexpr int kErrorKindCount = 5;
const char* errorKindName(ErrorKind kind); // "connect", "timeout", "reset", "closed", "bad_response"

enum class StopReason
{
    Duration,
    Count,
    Cancelled,
    Failed
};
const char* stopReasonName(StopReason reason); // "duration", "count", "cancelled", "failed"

// One second of the measured window, by completion time. Seconds at or after the end of the window
// hold the drain: answers to requests sent in the window (and open-loop slots sent late).
struct TimelineSecond
{
    int64_t requests = 0; // answers completed in this second
    int64_t errors = 0;
    Histogram latency; // corrected in open loop
};

struct LoadResult
{
    // Echo of the run's shape.
    std::string url;
    std::string method;
    int connections = 0;
    int threads = 0;
    double targetRate = 0; // 0: closed loop
    double warmupSec = 0;
    int timeoutMs = 0;
    int64_t lateThresholdUs = 0;

    StopReason stoppedBy = StopReason::Duration;
    std::string failure; // set when stoppedBy == Failed (bad URL, unreadable body file, ...)

    double durationSec = 0;        // the measured window actually run
    int64_t requests = 0;          // answers (any status) to requests sent in the measured window
    int64_t completedInWindow = 0; // of those, answered before the window closed
    double achievedRate = 0;       // completedInWindow / durationSec: throughput, as wrk2 counts it

    std::array<int64_t, 6> status{}; // 1xx..5xx, then anything else; 1xx counts interim answers
    std::array<int64_t, kErrorKindCount> errors{};
    int64_t bytesRead = 0;
    int64_t bytesWritten = 0;

    Histogram latency;            // corrected (from the intended send time); = uncorrected in closed loop
    Histogram latencyUncorrected; // from the actual send

    // Open loop only.
    LatenessStats lateness;
    int64_t unsent = 0; // measured slots never sent: connection busy or down until 1 s past the end

    int64_t connectionsOpened = 0; // successful connects over the whole run (keep-alive reuse check)
    int64_t requestsSentTotal = 0; // whole run, warm-up included
    int64_t responsesTotal = 0;    // whole run, warm-up included
    int64_t unfinished = 0;        // in flight when the run was cancelled

    std::vector<TimelineSecond> timeline;

    // CPU of the generator's own threads over the whole run (warm-up included), read per thread with
    // CLOCK_THREAD_CPUTIME_ID: whatever else the process does meanwhile (a GUI painting) is not in it.
    std::vector<double> workerCpuSec; // one per worker thread
    double coordinatorCpuSec = 0;     // the thread that called run(): progress reports and merging
    double runWallSec = 0;            // run() from start to end
    double clientCpuSec() const;      // workers + coordinator
    double clientCpuCores() const;    // clientCpuSec / runWallSec; 0 when nothing ran

    int64_t errorCount() const;
    bool openLoop() const { return targetRate > 0; }
};

// Latency percentiles reported everywhere (p50, p90, p99, p99.9, p99.99), in this order.
inline constexpr std::array<double, 5> kReportedPercentiles{50, 90, 99, 99.9, 99.99};

// A human-readable summary (the CLI prints it): counts, rates, percentiles, errors.
std::string formatLoadResult(const LoadResult& result);

} // namespace wsgi::loadgen
