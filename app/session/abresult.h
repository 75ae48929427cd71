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

// Where a variant's repeats run: the engine, or Debian's Apache 2.4 + mod_wsgi 4.9 in daemon mode serving
// the variant's exported mod_wsgi 4.9 text (apacheserver.h), to tell whether a ranking measured on the
// engine carries over to production.
enum class ServerKind
{
    Engine,
    Apache,
};
const char* serverKindName(ServerKind server); // "engine", "apache" (the CLI's and the document's words)
QString serverKindTitle(ServerKind server);    // "engine", "Apache + mod_wsgi" (for headings)
std::optional<ServerKind> serverKindFromName(const QString& name);

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
    // Every variant's repeats run on each of these, alternated within a round (A@engine A@apache
    // B@engine B@apache, then round 2), each in a fresh server.
    std::vector<ServerKind> servers{ServerKind::Engine};
    QString apacheBinary;  // empty: /usr/sbin/apache2
    QString apacheModules; // empty: /usr/lib/apache2/modules

    int effectiveTelemetryIntervalMs() const;
    bool runsOn(ServerKind server) const;
};

// What the engine's telemetry says about one measured window: every interval that lies inside it,
// merged over the variant's worker processes.
struct ServerWindow
{
    // False for a server without the engine's telemetry (Apache): only CPU and RSS are known, read
    // from /proc for the server's whole process tree; the other server-side columns say "n/a".
    bool telemetry = true;
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
    qint64 enginePid = 0; // the server's main process (Apache's parent for the Apache kind)
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
        Cancelled,
        Unsupported, // the server cannot run this variant at all (failure says why): not a failure
    };
    AbVariant variant;
    ServerKind server = ServerKind::Engine;
    // What the server ran when it is not variant.configText: for Apache the exported mod_wsgi 4.9 text
    // (import scripts appended as comments), with what the export changed or dropped and why.
    QString serverConfig;
    QStringList exportNotes;
    QString serverVersion; // "Apache/2.4.62 mod_wsgi/4.9.4" for Apache; empty for the engine
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
// "pending", "ok", "failed", "cancelled", "unsupported"
const char* statusName(AbVariantResult::Status status);

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
    // One entry per (server, variant): server-major in plan.servers order, each server's entries in
    // plan.variants order, so with one server the index is the plan's variant index.
    std::vector<AbVariantResult> variants;
    std::map<QString, PhysicalLimit> limits; // by runtime name
    // The rest of this process's CPU during the load runs, in cores (the front end's own: a GUI
    // painting charts), summed over repeats' wall time; not counted as the client's.
    std::optional<double> frontEndCores;
    QStringList machineNotes; // e.g. "the studio's own threads used 0.12 cores during the runs"

    int indexOf(const QString& variantName, ServerKind server) const; // -1 when absent
};

// Medians, spread, ratio and verdict of one variant.
struct AbVariantSummary
{
    QString name;
    ServerKind server = ServerKind::Engine;
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

// Whether what the engine measured carries over to Apache: each variant's throughput ratio to a
// common baseline (the first variant both servers completed), per server, paired by round.
struct AbCarryOverRow
{
    QString name;
    std::optional<double> engineRatio; // to the baseline, on the engine
    std::optional<double> apacheRatio;
    std::optional<double> difference; // engineRatio / apacheRatio - 1
    int engineRank = 0;               // 1 = highest throughput; 0 when not ranked
    int apacheRank = 0;
    bool within = false; // |difference| <= tolerance
    QString note;        // why it is not compared ("Apache cannot run it: ..."), else empty
};

struct AbCarryOver
{
    QString baseline;
    double tolerance = 0.05;
    bool sameRanking = false;
    bool carriesOver = false;         // same ranking and every compared ratio within the tolerance
    std::vector<AbCarryOverRow> rows; // in plan order
    QString verdict;                  // "carries over: ..." or which variant differs and by how much
};

struct AbSummary
{
    QString baseline; // the first server's first completed variant; empty when none did
    std::map<ServerKind, QString> baselines; // per server
    std::vector<AbVariantSummary> variants;  // as AbResult::variants, one per (server, variant)
    int failed = 0;
    int succeeded = 0;
    int unsupported = 0;
    std::optional<AbCarryOver> carryOver; // engine and Apache both in the plan
};

// The carry-over of an engine + Apache summary; empty when the plan did not run both.
std::optional<AbCarryOver> compareServers(const AbResult& result, const AbSummary& summary,
                                          double tolerance = 0.05);

AbSummary summarizeAbResult(const AbResult& result);

} // namespace wsgi::studio
