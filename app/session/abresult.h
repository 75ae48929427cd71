#pragma once
// What an A/B run (or a sweep) is asked to do and what it measured: plain values, filled in by
// AbRun, summarized by summarizeAbResult, saved by abResultToJson (schema in abresultjson.h).
//
// Per repeat two views of the same measured window are kept: the client's (the load generator's
// throughput and latency) and the server's (the engine's telemetry: response and application time,
// CPU per process, RSS, GIL waits). The table's rpm is the client's, everything else the server's,
// as in the seeds' tables.

#include "session/abvariant.h"
#include "session/machinefacts.h"
#include "session/physicallimit.h"
#include "session/telemetrysample.h"

#include "core/abstats.h"
#include "core/histogram.h"
#include "core/loadgen/loadresult.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <array>
#include <map>
#include <optional>
#include <vector>

namespace wsgi::studio {

struct AbLoadSettings
{
    int concurrency = 10; // closed loop: connections, each sending its next request on the answer
    double rate = 0;      // > 0: open loop at this many requests per second (connections = concurrency)
    int threads = 1;      // load generator threads: one leaves the cores to the engine under test
    double durationSec = 10;
    double warmupSec = 2;
    QString path = QStringLiteral("/"); // path and query of every request
    int timeoutMs = 5000;
};

enum class LimitMode
{
    Off,     // no physical limit column
    Try,     // measure it when the app offers --measure-cpu; n/a with the reason otherwise
    Require, // a variant whose limit cannot be measured fails
};

struct AbPlan
{
    QString kind = QStringLiteral("ab"); // "ab" or "sweep", for the saved document
    QString appPath;                     // absolute
    std::vector<AbVariant> variants;
    int repeats = 3;
    AbLoadSettings load;
    QString enginePath;
    LimitMode limit = LimitMode::Try;
    int limitRequests = 300; // calls of --measure-cpu: ~1 s for a 3 ms request
    int cooldownMs = 1000;   // between one engine stopping and the next starting
    int startTimeoutMs = 30000;
    int readyTimeoutMs = 60000;  // engine up -> every worker process reported its interpreter
    int telemetryIntervalMs = 0; // 0: about ten samples per measured window, 100..1000 ms

    int effectiveTelemetryIntervalMs() const;
};

// What the engine's telemetry says about one measured window: every interval that lies inside it,
// merged over the variant's worker processes.
struct ServerWindow
{
    int samples = 0;       // telemetry intervals inside the window
    double coveredSec = 0; // their summed length
    int processes = 0;     // distinct worker pids seen
    int64_t requests = 0;
    std::optional<double> requestsPerSecond;  // requests / coveredSec
    std::optional<double> cpuTotalCores;      // sum over processes, mean over intervals
    std::optional<double> cpuPerProcessCores; // the same per process
    std::optional<double> rssBytes;           // sum over processes, mean over intervals
    bool gilApplicable = true;                // false when no process had a GIL (free-threaded)
    wsgi::Histogram requestTime;
    wsgi::Histogram applicationTime;
    wsgi::Histogram queueTime;
    wsgi::Histogram gilWait;     // at the engine's hand-off points, comparable with mod_wsgi
    wsgi::Histogram gilWaitFull; // every wait, including switches forced inside application code
    std::array<int64_t, 5> statusClasses{};
};

// Keeps the samples whose interval [time - period, time] lies inside [start, end] (unix seconds,
// `toleranceSec` of slack for clock rounding) and merges the processes of `group` (all when empty).
ServerWindow aggregateWindow(const std::vector<TelemetrySample>& samples, double start, double end,
                             const QString& group, double toleranceSec);

struct AbRepeat
{
    int round = 0;              // 1-based: the k-th repeat of every variant ran in round k
    double engineStartedAt = 0; // unix seconds
    double windowStart = 0;     // the measured window (warm-up excluded), unix seconds
    double windowEnd = 0;
    qint64 enginePid = 0;
    wsgi::loadgen::LoadResult load;
    std::optional<double> clientCpuCores;   // the load generator's own CPU over its run (warm-up included)
    std::optional<double> machineBusyCores; // everything on the machine over the same run (/proc/stat)
    // What neither the engine's workers nor the load generator used: other processes (and the
    // engine's supervisor). More than a fraction of a core means the repeat was disturbed.
    std::optional<double> otherCores() const;
    ServerWindow server;
    int64_t workerRestarts = 0; // restarts the engine counted by the end of the repeat
    QStringList notes;          // anything that makes this repeat less trustworthy
};

struct AbVariantResult
{
    enum class Status
    {
        Pending,
        Ok,
        Failed,
        Cancelled
    };
    AbVariant variant;
    Status status = Status::Pending;
    QString failure; // the reason, with the engine's own words
    int failedInRound = 0;
    QStringList engineWarnings;
    // In force, from the engine's status once the workers were up.
    QString runtime;
    QString python;
    QString gilMode; // "shared", "per-interpreter", "free-threaded"
    bool gilEnabled = true;
    std::optional<double> switchInterval;
    int processes = 0;
    int threads = 0;
    std::vector<AbRepeat> repeats;
};
const char* statusName(AbVariantResult::Status status); // "pending", "ok", "failed", "cancelled"

// Ready to measure: every configured process of every group runs and has reported its interpreter
// (the GIL mode in force is known only then).
bool workersReady(const EngineStatus& status);
// Runtime, GIL mode, switch interval, processes and threads in force for the variant's group (the
// one serving / when the variant did not name one), from a ready engine's status.
void recordEngineStatus(AbVariantResult& result, const EngineStatus& status);

struct AbResult
{
    AbPlan plan;
    MachineFacts machine;
    double loadAverageEnd = -1;
    QDateTime startedAt;
    QDateTime finishedAt;
    bool cancelled = false;
    QString toolVersion;
    std::vector<AbVariantResult> variants;
    std::map<QString, PhysicalLimit> limits; // by runtime name
};

// Medians, spread, ratio and verdict of one variant.
struct AbVariantSummary
{
    QString name;
    bool ok = false;
    int repeats = 0;
    std::optional<wsgi::ab::Spread> rpm;
    std::optional<wsgi::ab::Spread> responseMs;
    std::optional<wsgi::ab::Spread> appMs;
    std::optional<wsgi::ab::Spread> cpuPerProcess;
    std::optional<wsgi::ab::Spread> cpuTotal;
    std::optional<wsgi::ab::Spread> rssBytes;
    std::optional<wsgi::ab::Spread> gilP95Ms; // empty when no GIL (free-threaded): "n/a"
    std::optional<wsgi::ab::Spread> gilFullP95Ms;
    std::optional<wsgi::ab::Spread> ofLimit; // fraction of the physical limit
    std::optional<wsgi::ab::Spread> clientP99Ms;
    std::optional<wsgi::ab::Spread> clientCpuCores;
    bool gilApplicable = true;
    int64_t errors = 0; // load generator errors over all repeats
    int64_t non2xx = 0;
    std::optional<wsgi::ab::RatioEstimate> ratio; // throughput vs the baseline; empty for the baseline
    wsgi::ab::VerdictKind verdictKind = wsgi::ab::VerdictKind::Insufficient;
    QString verdict;
};

struct AbSummary
{
    QString baseline;                       // the first variant that completed; empty when none did
    std::vector<AbVariantSummary> variants; // in plan order
    int failed = 0;
    int succeeded = 0;
};

AbSummary summarizeAbResult(const AbResult& result);

} // namespace wsgi::studio
