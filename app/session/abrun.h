#pragma once
// Runs an A/B comparison (or a sweep's cells) the way DESIGN.md asks: every repeat of every variant
// in a fresh engine, the variants alternated (round 1: A B C, round 2: A B C, ...), the load
// generator's warm-up excluded, and the engine's telemetry collected over the same measured window.
// Lives on the thread it was created on (the GUI's or the CLI's); the load generator runs on a
// thread of its own while this object keeps the engine, the control connection and the telemetry.
//
//   AbRun run(plan);
//   connect(&run, &AbRun::progressChanged, ...);
//   connect(&run, &AbRun::finished, ...);           // then run.result()
//   run.start();                                     // cancel() any time: what completed is kept
//
// With AbPlan::servers = {Engine, Apache} every repeat of a variant also runs on Debian's Apache +
// mod_wsgi 4.9 serving the variant's mod_wsgi 4.9 export (apacheserver.h), measured by the same load
// generator; a variant Apache cannot run (free-threaded, a setting 4.9 cannot express) is Unsupported
// there, with the reason.
//
// A variant whose engine does not start (rejected config, missing runtime), whose workers never
// come up, or whose engine dies mid-run is marked failed with the engine's own words; its other
// repeats are skipped and the other variants go on.

#include "session/abresult.h"
#include "session/apacheserver.h"

#include "core/loadgen/loadgenerator.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace wsgi::studio {

class EngineSession;
class PhysicalLimitProbe;
struct ControlReply;

struct AbProgress
{
    enum class Phase
    {
        Starting,
        WaitingForWorkers,
        MeasuringLimit,
        WarmingUp,
        Measuring,
        Collecting,
        Stopping,
        Done
    };
    Phase phase = Phase::Starting;
    QString variant;
    ServerKind server = ServerKind::Engine; // the server this repeat runs on
    int resultIndex = 0;  // into AbResult::variants (server-major); = variantIndex with one server
    int variantIndex = 0; // 0-based, into AbPlan::variants
    int variantCount = 0;
    int round = 0; // 1-based
    int rounds = 0;
    int runsDone = 0; // repeats finished (or skipped because their variant failed)
    int runsTotal = 0;
    double runElapsedSec = 0; // of the load generator, warm-up included
    double runPlannedSec = 0;
    double elapsedSec = 0;   // since start()
    double remainingSec = 0; // estimate for the whole run
    double currentRate = 0;  // requests per second, last second
    int64_t requests = 0;    // measured so far in this repeat
    int64_t errors = 0;
    // Client latency over the last progress interval (the load generator's own samples, warm-up
    // included), ms; intervalAnswers == 0: nothing was answered in it, so there is no figure.
    int64_t intervalAnswers = 0;
    double intervalP50Ms = 0;
    double intervalP99Ms = 0;
};
const char* phaseName(AbProgress::Phase phase); // "starting engine", "warming up", ...
// The same for a server kind: "starting Apache", "waiting for Apache", "stopping Apache".
QString phaseName(AbProgress::Phase phase, ServerKind server);

class AbRun : public QObject
{
    Q_OBJECT
public:
    explicit AbRun(AbPlan plan, QObject* parent = nullptr);
    ~AbRun() override; // cancels, joins the load thread, stops the engine

    void start();
    void cancel();
    bool isFinished() const { return m_finished; }
    const AbResult& result() const { return m_result; }
    void setToolVersion(const QString& version) { m_result.toolVersion = version; }

Q_SIGNALS:
    // Variant indices are into AbResult::variants (the plan's variant index when only one server runs).
    void progressChanged(const wsgi::studio::AbProgress& progress);
    void variantFailed(int variantIndex, const QString& reason);
    void repeatFinished(int variantIndex, int round);
    void finished();

private:
    void nextRun();
    void startEngine();
    void onEngineStarted();
    void startApache();
    void onApacheReady();
    void markUnsupported(const QString& reason);
    void measureLimitThenLoad();
    void collectApacheUsage();
    void pollReadiness();
    void onReadinessStatus(const ControlReply& reply);
    void afterReady();
    void startLoad();
    void onLoadProgress(const wsgi::loadgen::LoadProgress& progress);
    struct LoadOutcome
    {
        wsgi::loadgen::LoadResult result;
        double windowStart = 0; // unix seconds
        std::optional<double> clientCpuCores;
        std::optional<double> machineBusyCores;
        double frontEndCpuSec = 0; // this process's CPU outside the generator's threads
        double wallSec = 0;
    };
    void onLoadFinished(const std::shared_ptr<LoadOutcome>& outcome, uint64_t generation);
    void collectTelemetry();
    void finishRepeat();
    void failVariant(const QString& reason);
    void endRun();                               // stop the engine, cool down, then the next run
    void stopEngine(std::function<void()> then); // `then` once the engine is gone
    void teardown();
    void setPhase(AbProgress::Phase phase);
    void emitProgress();
    void finishAll();
    AbVariantResult& current() { return m_result.variants[size_t(m_variant)]; }
    bool variantFailedAlready(int variant) const;

    AbPlan m_plan;
    AbResult m_result;
    std::vector<std::pair<int, int>> m_schedule; // (round, variant) in the order they run
    size_t m_next = 0;
    int m_variant = -1;
    int m_round = 0;
    uint64_t m_generation = 0; // bumped per run: late callbacks of an earlier run are ignored

    EngineSession* m_session = nullptr; // the current run's engine
    ApacheServer* m_apache = nullptr;   // or its Apache
    ProcessTreeSample m_treeStart;      // Apache's processes when the warm-up ended
    PhysicalLimitProbe* m_probe = nullptr;
    std::vector<TelemetrySample> m_samples;
    AbRepeat m_repeat;

    std::thread m_loadThread;
    std::atomic<bool> m_loadCancel{false};
    bool m_loadRunning = false;
    QString m_pendingFailure; // the engine died while the load ran: reported once the load stopped

    QTimer m_readyPoll;
    QTimer m_readyDeadline;
    QTimer m_progressTimer;
    QTimer m_telemetryDeadline;
    QElapsedTimer m_clock;
    QElapsedTimer m_runClock;
    double m_frontEndCpuSec = 0; // over the load runs kept, for the machine notes
    double m_loadWallSec = 0;
    double m_runSecondsSpent = 0; // over completed runs, for the estimate
    int m_runsMeasured = 0;
    AbProgress m_progress;
    bool m_started = false;
    bool m_cancelled = false;
    bool m_finished = false;
    bool m_waitingForTelemetry = false;
};

} // namespace wsgi::studio

Q_DECLARE_METATYPE(wsgi::studio::AbProgress)
