#include "session/abrun.h"

#include "session/apacheserver.h"
#include "session/controlclient.h"
#include "session/enginelauncher.h"
#include "session/enginesession.h"
#include "session/format.h"
#include "session/physicallimit.h"

#include <QDateTime>

#include <chrono>
#include <ctime>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

constexpr int kReadyPollMs = 200;
constexpr int kTelemetryGraceMs = 3000;   // past one interval, for the sample that closes the window
constexpr double kStartupEstimateSec = 3; // engine start + workers + stop, before we measured one
// The supervisor and the kernel's own work stay well below this; a compiler or another benchmark
// does not.
constexpr double kDisturbedOtherCores = 0.25;
// The Python Debian's mod_wsgi 4.9 (libapache2-mod-wsgi-py3) embeds: the runtime of every Apache repeat.
constexpr auto kApachePython = "3.11";

double unixNow()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

double cpuSeconds(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

int64_t restartsOf(const EngineStatus& status)
{
    int64_t total = 0;
    for (const GroupStatus& g : status.groups)
        for (const auto& [reason, count] : g.restarts)
            total += count;
    return total;
}

} // namespace

const char* phaseName(AbProgress::Phase phase)
{
    switch (phase) {
    case AbProgress::Phase::Starting:
        return "starting engine";
    case AbProgress::Phase::WaitingForWorkers:
        return "waiting for workers";
    case AbProgress::Phase::MeasuringLimit:
        return "measuring CPU per request";
    case AbProgress::Phase::WarmingUp:
        return "warming up";
    case AbProgress::Phase::Measuring:
        return "measuring";
    case AbProgress::Phase::Collecting:
        return "collecting telemetry";
    case AbProgress::Phase::Stopping:
        return "stopping engine";
    case AbProgress::Phase::Done:
        return "done";
    }
    return "";
}

QString phaseName(AbProgress::Phase phase, ServerKind server)
{
    if (server == ServerKind::Engine)
        return QString::fromLatin1(phaseName(phase));
    switch (phase) {
    case AbProgress::Phase::Starting:
        return u"starting Apache"_s;
    case AbProgress::Phase::WaitingForWorkers:
        return u"waiting for Apache to answer"_s;
    case AbProgress::Phase::Collecting:
        return u"reading Apache's CPU and memory"_s;
    case AbProgress::Phase::Stopping:
        return u"stopping Apache"_s;
    default:
        return QString::fromLatin1(phaseName(phase));
    }
}

AbRun::AbRun(AbPlan plan, QObject* parent) : QObject(parent), m_plan(std::move(plan))
{
    if (m_plan.servers.empty())
        m_plan.servers = {ServerKind::Engine};
    m_result.plan = m_plan;
    const int variants = int(m_plan.variants.size());
    for (ServerKind server : m_plan.servers) {
        for (const AbVariant& v : m_plan.variants) {
            AbVariantResult r;
            r.variant = v;
            r.server = server;
            m_result.variants.push_back(std::move(r));
        }
    }
    // Within a round each variant runs on every server before the next variant: drift over the run
    // then reaches both servers' figures of a variant alike.
    for (int round = 1; round <= m_plan.repeats; ++round)
        for (int v = 0; v < variants; ++v)
            for (size_t server = 0; server < m_plan.servers.size(); ++server)
                m_schedule.emplace_back(round, int(server) * variants + v);
    m_readyPoll.setInterval(kReadyPollMs);
    m_readyPoll.setSingleShot(true);
    m_readyDeadline.setSingleShot(true);
    m_telemetryDeadline.setSingleShot(true);
    m_progressTimer.setInterval(1000);
    connect(&m_readyPoll, &QTimer::timeout, this, &AbRun::pollReadiness);
    connect(&m_readyDeadline, &QTimer::timeout, this, [this] {
        failVariant(
            u"the worker processes did not come up within "_s +
            QString::number(m_plan.readyTimeoutMs / 1000) + u" s"_s +
            (m_session && !m_session->errorTail().isEmpty() ? u":\n"_s + m_session->errorTail() : QString()));
    });
    connect(&m_telemetryDeadline, &QTimer::timeout, this, [this] {
        if (!m_waitingForTelemetry)
            return;
        m_repeat.notes
            << u"the telemetry sample closing the window did not arrive; the window's last interval is missing"_s;
        finishRepeat();
    });
    connect(&m_progressTimer, &QTimer::timeout, this, &AbRun::emitProgress);
}

AbRun::~AbRun()
{
    m_loadCancel = true;
    if (m_loadThread.joinable())
        m_loadThread.join();
    delete m_probe;
    delete m_session; // its destructor stops a running engine
    delete m_apache;  // and this one a running Apache
}

void AbRun::start()
{
    Q_ASSERT(!m_started);
    m_started = true;
    m_clock.start();
    m_result.startedAt = QDateTime::currentDateTimeUtc();
    m_result.machine = collectMachineFacts();
    m_progress.variantCount = int(m_plan.variants.size());
    m_progress.rounds = m_plan.repeats;
    m_progress.runsTotal = int(m_schedule.size());
    m_progressTimer.start();
    QTimer::singleShot(0, this, &AbRun::nextRun);
}

void AbRun::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    m_result.cancelled = true;
    m_loadCancel = true;
    if (m_loadRunning)
        return; // onLoadFinished tears down once the generator stopped (within milliseconds)
    ++m_generation;
    teardown();
    stopEngine([this] { QTimer::singleShot(0, this, &AbRun::finishAll); });
}

bool AbRun::variantFailedAlready(int variant) const
{
    const AbVariantResult::Status status = m_result.variants[size_t(variant)].status;
    return status == AbVariantResult::Status::Failed || status == AbVariantResult::Status::Unsupported;
}

void AbRun::nextRun()
{
    if (m_cancelled)
        return;
    while (m_next < m_schedule.size() && variantFailedAlready(m_schedule[m_next].second))
        ++m_next;
    if (m_next >= m_schedule.size()) {
        finishAll();
        return;
    }
    std::tie(m_round, m_variant) = m_schedule[m_next++];
    ++m_generation;
    m_runClock.start();
    m_samples.clear();
    m_repeat = {};
    m_repeat.round = m_round;
    m_pendingFailure.clear();
    m_progress.variant = current().variant.name;
    m_progress.server = current().server;
    m_progress.resultIndex = m_variant;
    m_progress.variantIndex = m_variant % std::max<int>(1, int(m_plan.variants.size()));
    m_progress.round = m_round;
    m_progress.runElapsedSec = 0;
    m_progress.requests = m_progress.errors = 0;
    m_progress.currentRate = 0;
    m_progress.intervalAnswers = 0;
    m_progress.intervalP50Ms = m_progress.intervalP99Ms = 0;
    if (current().server == ServerKind::Apache)
        startApache();
    else
        startEngine();
}

void AbRun::startApache()
{
    setPhase(AbProgress::Phase::Starting);
    AbVariantResult& r = current();
    const ApacheInstall install{m_plan.apacheBinary, m_plan.apacheModules};
    if (const QString missing = apacheMissing(install); !missing.isEmpty()) {
        failVariant(missing);
        return;
    }
    // The import scripts live inside each repeat's private ServerRoot (ApacheServer writes them).
    const ApacheVariant exported =
        exportForApache(r.variant, QString::fromLatin1(ApacheServer::kRootPlaceholder) + u"/scripts"_s,
                        QString::fromLatin1(kApachePython));
    if (!exported.supported) {
        markUnsupported(exported.reason);
        return;
    }
    m_apache = new ApacheServer(this);
    ApacheServer::Options options;
    options.install = install;
    options.readyPath = m_plan.load.path.startsWith(u'/') ? m_plan.load.path : u'/' + m_plan.load.path;
    options.startTimeoutMs = m_plan.startTimeoutMs + m_plan.readyTimeoutMs;
    options.files = exported.files;
    options.snippet = exported.text;
    r.exportNotes = exported.notes;
    r.processes = exported.processes;
    r.threads = exported.threads;
    r.switchInterval = exported.switchInterval;
    r.variant.group = exported.group.isEmpty() ? r.variant.group : exported.group;
    const uint64_t generation = m_generation;
    connect(m_apache, &ApacheServer::ready, this, [this, generation] {
        if (generation == m_generation)
            onApacheReady();
    });
    connect(m_apache, &ApacheServer::failed, this, [this, generation](const QString& reason) {
        if (generation == m_generation)
            failVariant(u"Apache did not start: "_s + reason);
    });
    connect(m_apache, &ApacheServer::lost, this, [this, generation](const QString& reason) {
        if (generation != m_generation)
            return;
        const QString why = u"Apache exited during repeat "_s + QString::number(m_round) + u": "_s + reason;
        if (m_loadRunning) {
            if (m_pendingFailure.isEmpty())
                m_pendingFailure = why;
            m_loadCancel = true;
            return;
        }
        failVariant(why);
    });
    m_repeat.engineStartedAt = unixNow();
    m_apache->start(options);
    r.serverConfig = options.snippet;
    setPhase(AbProgress::Phase::WaitingForWorkers);
}

void AbRun::onApacheReady()
{
    m_repeat.enginePid = m_apache->pid();
    AbVariantResult& r = current();
    r.serverVersion = m_apache->version();
    r.runtime = QString::fromLatin1(kApachePython);
    r.gilMode = u"shared"_s; // mod_wsgi 4.9 on 3.11: one GIL per process
    r.gilEnabled = true;
    if (!r.switchInterval)
        r.switchInterval = 0.005; // CPython's default; mod_wsgi 4.9 leaves it
    measureLimitThenLoad();
}

void AbRun::markUnsupported(const QString& reason)
{
    AbVariantResult& r = current();
    r.status = AbVariantResult::Status::Unsupported;
    r.failure = reason;
    int skipped = 0;
    for (size_t i = m_next; i < m_schedule.size(); ++i)
        if (m_schedule[i].second == m_variant)
            ++skipped;
    m_progress.runsTotal -= skipped + 1;
    Q_EMIT variantFailed(m_variant, reason);
    ++m_generation;
    teardown();
    QTimer::singleShot(0, this, &AbRun::nextRun); // nothing was started: no cool-down
}

void AbRun::startEngine()
{
    setPhase(AbProgress::Phase::Starting);
    const AbVariant& v = current().variant;
    m_session = new EngineSession(this);
    // Telemetry and status are asked for here: a refused subscription fails the variant, and the
    // readiness polls are this run's own.
    m_session->setTelemetryInterval(0);
    m_session->setStatusPollInterval(std::chrono::hours(1));
    const uint64_t generation = m_generation;
    connect(m_session, &EngineSession::stateChanged, this, [this, generation](EngineSession::State state) {
        if (generation == m_generation && state == EngineSession::State::Ready)
            onEngineStarted();
    });
    connect(m_session, &EngineSession::failed, this, [this, generation](const QString& reason) {
        if (generation == m_generation)
            failVariant(reason);
    });
    connect(m_session, &EngineSession::lost, this, [this, generation](const QString& reason) {
        if (generation != m_generation)
            return;
        // The session waited briefly for the process's exit, so an exit explains itself.
        const QString why = (reason.startsWith(u"wsgi-engine"_s) ? u"the engine exited during repeat "_s
                                                                 : u"lost the engine during repeat "_s) +
                            QString::number(m_round) + u": "_s + reason;
        if (m_loadRunning) {
            if (m_pendingFailure.isEmpty())
                m_pendingFailure = why;
            m_loadCancel = true;
            return;
        }
        failVariant(why);
    });
    connect(m_session, &EngineSession::telemetryAvailable, this,
            [this, generation](const TelemetrySample& sample) {
                if (generation != m_generation)
                    return;
                m_samples.push_back(sample);
                if (m_waitingForTelemetry && sample.time > m_repeat.windowEnd)
                    finishRepeat();
            });
    EngineSession::LocalOptions options;
    options.enginePath =
        m_plan.enginePath.isEmpty() ? EngineLauncher::defaultEnginePath() : m_plan.enginePath;
    if (v.runInPlace)
        options.configFile = v.filePath;
    else
        options.configText = v.configText;
    options.configName = v.group.isEmpty() ? u"variant.conf"_s : v.group + u".conf"_s;
    options.startTimeout = std::chrono::milliseconds(m_plan.startTimeoutMs);
    options.quiet = true; // a measured engine logs only problems
    m_repeat.engineStartedAt = unixNow();
    m_session->startLocal(options);
}

void AbRun::onEngineStarted()
{
    m_repeat.enginePid = m_session->pid();
    setPhase(AbProgress::Phase::WaitingForWorkers);
    const uint64_t generation = m_generation;
    m_session->client()->subscribe(
        m_plan.effectiveTelemetryIntervalMs(), [this, generation](const ControlReply& reply) {
            if (generation == m_generation && !reply.ok)
                failVariant(u"the engine refused to stream telemetry: "_s + reply.error.message);
        });
    m_readyDeadline.start(m_plan.readyTimeoutMs);
    pollReadiness();
}

void AbRun::pollReadiness()
{
    if (!m_session || m_session->state() != EngineSession::State::Ready)
        return;
    const uint64_t generation = m_generation;
    m_session->client()->request(u"status"_s, {}, [this, generation](const ControlReply& reply) {
        if (generation == m_generation)
            onReadinessStatus(reply);
    });
}

void AbRun::onReadinessStatus(const ControlReply& reply)
{
    if (!reply.ok) {
        failVariant(u"the engine's status request failed: "_s + reply.error.message);
        return;
    }
    const auto status = decodeStatus(reply.result);
    if (!status) {
        failVariant(u"cannot read the engine's status: "_s + status.error);
        return;
    }
    if (!workersReady(*status.value)) {
        m_readyPoll.start();
        return;
    }
    m_readyDeadline.stop();
    AbVariantResult& r = current();
    recordEngineStatus(r, *status.value);
    for (const QString& warning : m_session->warnings())
        if (!r.engineWarnings.contains(warning))
            r.engineWarnings << warning;
    measureLimitThenLoad();
}

void AbRun::measureLimitThenLoad()
{
    AbVariantResult& r = current();
    if (m_plan.limit != LimitMode::Off && !m_result.limits.count(r.runtime) &&
        m_plan.load.path.contains(u'?')) {
        // --measure-cpu measures the app's default request; a query string may ask for other work.
        PhysicalLimit limit;
        limit.runtime = r.runtime;
        limit.cores = m_result.machine.cores;
        limit.error = u"the limit is measured for the app's default request and --path has a query string "_s
                      u"(set the app's defaults through its environment instead)"_s;
        m_result.limits[r.runtime] = limit;
    }
    if (m_plan.limit != LimitMode::Off && !m_result.limits.count(r.runtime)) {
        setPhase(AbProgress::Phase::MeasuringLimit);
        auto* probe = new PhysicalLimitProbe(this);
        m_probe = probe;
        const uint64_t generation = m_generation;
        connect(probe, &PhysicalLimitProbe::finished, this,
                [this, probe, generation](const PhysicalLimit& limit) {
                    probe->deleteLater();
                    if (m_probe == probe)
                        m_probe = nullptr;
                    if (generation != m_generation)
                        return;
                    m_result.limits[limit.runtime] = limit;
                    afterReady();
                });
        probe->start(r.runtime, r.python, m_plan.appPath, m_plan.limitRequests, m_result.machine.cores);
        return;
    }
    afterReady();
}

void AbRun::afterReady()
{
    const auto limit = m_result.limits.find(current().runtime);
    if (m_plan.limit == LimitMode::Require && limit != m_result.limits.end() && !limit->second.ok()) {
        failVariant(u"no physical limit: "_s + limit->second.error);
        return;
    }
    startLoad();
}

void AbRun::startLoad()
{
    m_progress.runPlannedSec = m_plan.load.warmupSec + m_plan.load.durationSec;
    m_progress.runElapsedSec = 0;
    setPhase(m_plan.load.warmupSec > 0 ? AbProgress::Phase::WarmingUp : AbProgress::Phase::Measuring);
    wsgi::loadgen::LoadSpec spec;
    const bool apache = current().server == ServerKind::Apache;
    const QString url = (apache ? m_apache->listenUrl() : m_session->listenUrl()) +
                        (m_plan.load.path.startsWith(u'/') ? QString() : u"/"_s) + m_plan.load.path;
    spec.url = url.toStdString();
    spec.connections = m_plan.load.concurrency;
    spec.threads = std::min(m_plan.load.threads, m_plan.load.concurrency);
    spec.rate = m_plan.load.rate;
    spec.warmupSec = m_plan.load.warmupSec;
    spec.durationSec = m_plan.load.durationSec;
    spec.timeoutMs = m_plan.load.timeoutMs;
    m_loadCancel = false;
    m_loadRunning = true;
    if (apache) {
        // Apache has no telemetry: its process tree's CPU is read when the warm-up ends and again
        // when the load stops.
        const qint64 pid = m_apache->pid();
        m_treeStart = {};
        const uint64_t generation = m_generation;
        QTimer::singleShot(int(m_plan.load.warmupSec * 1000), this, [this, pid, generation] {
            if (generation == m_generation)
                m_treeStart = sampleProcessTree(pid);
        });
    }
    const uint64_t generation = m_generation;
    const int onlineCores = std::max(m_result.machine.onlineCores, 1);
    m_loadThread = std::thread([this, spec, generation, onlineCores] {
        auto outcome = std::make_shared<LoadOutcome>();
        const double before = unixNow();
        const double processBefore = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
        const auto machineBefore = readCpuTimes();
        double clockStart = 0; // unix time of the generator's t0, from its first progress report
        auto progress = [this, generation, &clockStart](const wsgi::loadgen::LoadProgress& p) {
            if (clockStart == 0)
                clockStart = unixNow() - p.elapsedSec;
            QMetaObject::invokeMethod(
                this,
                [this, generation, p] {
                    if (generation == m_generation)
                        onLoadProgress(p);
                },
                Qt::QueuedConnection);
        };
        outcome->result = wsgi::loadgen::LoadGenerator().run(spec, progress, &m_loadCancel);
        outcome->windowStart = (clockStart != 0 ? clockStart : before) + spec.warmupSec;
        // The client is the generator's own threads, each read with its thread CPU clock; the rest of
        // this process meanwhile (a GUI painting charts, the CLI's event loop) is the front end's.
        const double wall = unixNow() - before;
        const double process = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - processBefore;
        if (outcome->result.runWallSec > 0)
            outcome->clientCpuCores = outcome->result.clientCpuCores();
        outcome->frontEndCpuSec = std::max(0.0, process - outcome->result.clientCpuSec());
        outcome->wallSec = wall;
        if (const auto machineAfter = readCpuTimes(); machineBefore && machineAfter)
            outcome->machineBusyCores = busyCores(*machineBefore, *machineAfter, onlineCores);
        QMetaObject::invokeMethod(
            this, [this, outcome, generation] { onLoadFinished(outcome, generation); }, Qt::QueuedConnection);
    });
}

void AbRun::onLoadProgress(const wsgi::loadgen::LoadProgress& p)
{
    m_progress.runElapsedSec = p.elapsedSec;
    m_progress.requests = p.requests;
    m_progress.errors = p.errors;
    m_progress.currentRate = p.currentRate;
    m_progress.intervalAnswers = p.intervalAnswers;
    m_progress.intervalP50Ms = p.intervalP50Ms;
    m_progress.intervalP99Ms = p.intervalP99Ms;
    if (m_progress.phase == AbProgress::Phase::WarmingUp && !p.warmingUp)
        setPhase(AbProgress::Phase::Measuring);
}

void AbRun::onLoadFinished(const std::shared_ptr<LoadOutcome>& outcome, uint64_t generation)
{
    const wsgi::loadgen::LoadResult* result = &outcome->result;
    const double windowStart = outcome->windowStart;
    if (m_loadThread.joinable())
        m_loadThread.join();
    m_loadRunning = false;
    if (m_cancelled) {
        // A partial window cannot be compared with full ones: it is dropped, the rest is kept.
        ++m_generation;
        teardown();
        stopEngine([this] { finishAll(); });
        return;
    }
    if (generation != m_generation) {
        endRun(); // failVariant already said why, while the generator was stopping
        return;
    }
    if (!m_pendingFailure.isEmpty()) {
        failVariant(m_pendingFailure);
        return;
    }
    if (result->stoppedBy == wsgi::loadgen::StopReason::Failed) {
        failVariant(u"the load generator failed: "_s + QString::fromStdString(result->failure));
        return;
    }
    m_repeat.load = *result;
    m_repeat.clientCpuCores = outcome->clientCpuCores;
    m_repeat.machineBusyCores = outcome->machineBusyCores;
    m_frontEndCpuSec += outcome->frontEndCpuSec;
    m_loadWallSec += outcome->wallSec;
    m_repeat.windowStart = windowStart;
    m_repeat.windowEnd = windowStart + result->durationSec;
    if (result->requests == 0)
        m_repeat.notes << u"no request was answered in the measured window"_s;
    else if (result->errorCount() > 0)
        m_repeat.notes << QString::number(result->errorCount()) + u" load generator errors"_s;
    // Answers count as throughput whatever their status: say so when some were not successes.
    const int64_t non2xx =
        result->status[0] + result->status[2] + result->status[3] + result->status[4] + result->status[5];
    if (non2xx > 0)
        m_repeat.notes << QString::number(non2xx) + u" answers were not 2xx (4xx: "_s +
                              QString::number(result->status[3]) + u", 5xx: "_s +
                              QString::number(result->status[4]) + u')';
    collectTelemetry();
}

void AbRun::collectTelemetry()
{
    setPhase(AbProgress::Phase::Collecting);
    if (current().server == ServerKind::Apache) {
        collectApacheUsage();
        return;
    }
    for (const TelemetrySample& s : m_samples) {
        if (s.time > m_repeat.windowEnd) {
            finishRepeat();
            return;
        }
    }
    m_waitingForTelemetry = true;
    m_telemetryDeadline.start(m_plan.effectiveTelemetryIntervalMs() + kTelemetryGraceMs);
}

void AbRun::finishRepeat()
{
    m_waitingForTelemetry = false;
    m_telemetryDeadline.stop();
    const int intervalMs = m_plan.effectiveTelemetryIntervalMs();
    const double tolerance = std::min(0.05, intervalMs / 1000.0 * 0.1);
    m_repeat.server = aggregateWindow(m_samples, m_repeat.windowStart, m_repeat.windowEnd,
                                      current().variant.group, tolerance);
    if (m_repeat.server.samples == 0)
        m_repeat.notes << u"no telemetry interval fell inside the measured window"_s;
    if (const auto other = m_repeat.otherCores(); other && *other > kDisturbedOtherCores)
        m_repeat.notes << u"other work on the machine used "_s + QString::number(*other, 'f', 2) +
                              u" cores during this repeat: its numbers are disturbed"_s;
    // One last status: worker restarts during the repeat make its numbers suspect.
    const uint64_t generation = m_generation;
    m_session->client()->request(u"status"_s, {}, [this, generation](const ControlReply& reply) {
        if (generation != m_generation)
            return;
        if (reply.ok) {
            if (const auto status = decodeStatus(reply.result)) {
                m_repeat.workerRestarts = restartsOf(*status.value);
                if (m_repeat.workerRestarts > 0)
                    m_repeat.notes << formatCount(m_repeat.workerRestarts, u"worker process restart"_s,
                                                  u"worker process restarts"_s) +
                                          u" during the repeat"_s;
            }
        }
        AbVariantResult& r = current();
        r.repeats.push_back(m_repeat);
        if (int(r.repeats.size()) == m_plan.repeats)
            r.status = AbVariantResult::Status::Ok;
        m_runSecondsSpent += m_runClock.elapsed() / 1000.0;
        ++m_runsMeasured;
        Q_EMIT repeatFinished(m_variant, m_round);
        endRun();
    });
}

void AbRun::collectApacheUsage()
{
    ServerWindow& w = m_repeat.server;
    w.telemetry = false;
    const ProcessTreeSample end = sampleProcessTree(m_apache->pid());
    if (m_treeStart.processes.empty()) {
        m_repeat.notes << u"Apache's processes could not be read at the window's start"_s;
    } else {
        const ProcessTreeUsage usage = treeUsage(m_treeStart, end);
        w.cpuTotalCores = usage.cpuCores;
        w.rssBytes = usage.rssBytes;
        w.processes = usage.processes;
        w.coveredSec = usage.seconds;
    }
    if (const auto other = m_repeat.otherCores(); other && *other > kDisturbedOtherCores)
        m_repeat.notes << u"other work on the machine used "_s + QString::number(*other, 'f', 2) +
                              u" cores during this repeat: its numbers are disturbed"_s;
    AbVariantResult& r = current();
    r.repeats.push_back(m_repeat);
    if (int(r.repeats.size()) == m_plan.repeats)
        r.status = AbVariantResult::Status::Ok;
    m_runSecondsSpent += m_runClock.elapsed() / 1000.0;
    ++m_runsMeasured;
    Q_EMIT repeatFinished(m_variant, m_round);
    endRun();
}

void AbRun::failVariant(const QString& reason)
{
    AbVariantResult& r = current();
    if (r.status != AbVariantResult::Status::Failed) {
        r.status = AbVariantResult::Status::Failed;
        r.failure = reason;
        r.failedInRound = m_round;
        if (m_session)
            for (const QString& warning : m_session->warnings())
                if (!r.engineWarnings.contains(warning))
                    r.engineWarnings << warning;
        // Its remaining repeats will not run: the estimate and the count of runs shrink.
        int skipped = 0;
        for (size_t i = m_next; i < m_schedule.size(); ++i)
            if (m_schedule[i].second == m_variant)
                ++skipped;
        m_progress.runsTotal -= skipped;
        Q_EMIT variantFailed(m_variant, reason);
    }
    ++m_generation; // everything still in flight for this run is moot
    if (m_loadRunning) {
        m_loadCancel = true;
        return;
    }
    endRun();
}

void AbRun::teardown()
{
    m_readyPoll.stop();
    m_readyDeadline.stop();
    m_telemetryDeadline.stop();
    m_waitingForTelemetry = false;
    if (m_probe) {
        m_probe->cancel();
        m_probe->deleteLater();
        m_probe = nullptr;
    }
}

void AbRun::endRun()
{
    teardown();
    ++m_progress.runsDone;
    setPhase(AbProgress::Phase::Stopping);
    // The cool-down lets the previous engine's exit and page-cache churn settle before the next
    // variant is measured.
    stopEngine([this] { QTimer::singleShot(m_plan.cooldownMs, this, &AbRun::nextRun); });
}

void AbRun::stopEngine(std::function<void()> then)
{
    if (ApacheServer* apache = std::exchange(m_apache, nullptr)) {
        apache->disconnect(this);
        connect(apache, &ApacheServer::stopped, this, [apache, then] {
            apache->deleteLater();
            then();
        });
        apache->stop();
        return;
    }
    EngineSession* session = std::exchange(m_session, nullptr);
    if (!session) {
        then();
        return;
    }
    session->disconnect(this);
    const EngineSession::State state = session->state();
    if (state == EngineSession::State::Idle || state == EngineSession::State::Lost) {
        session->deleteLater(); // failed or lost: its destructor reaps whatever is left
        then();
        return;
    }
    connect(session, &EngineSession::stateChanged, this, [session, then](EngineSession::State s) {
        if (s != EngineSession::State::Idle)
            return;
        session->deleteLater();
        then();
    });
    session->stop();
}

void AbRun::setPhase(AbProgress::Phase phase)
{
    if (m_progress.phase == phase && phase != AbProgress::Phase::Starting)
        return;
    m_progress.phase = phase;
    emitProgress();
}

void AbRun::emitProgress()
{
    if (m_finished && m_progress.phase != AbProgress::Phase::Done)
        return;
    m_progress.elapsedSec = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0;
    const double perRun = m_runsMeasured > 0 ? m_runSecondsSpent / m_runsMeasured
                                             : m_plan.load.warmupSec + m_plan.load.durationSec +
                                                   kStartupEstimateSec + m_plan.cooldownMs / 1000.0;
    const int left = std::max(0, m_progress.runsTotal - m_progress.runsDone);
    const double inThisRun = m_runClock.isValid() && m_progress.phase != AbProgress::Phase::Done
                                 ? std::min(m_runClock.elapsed() / 1000.0, perRun)
                                 : 0;
    m_progress.remainingSec =
        m_progress.phase == AbProgress::Phase::Done ? 0 : std::max(0.0, left * perRun - inThisRun);
    Q_EMIT progressChanged(m_progress);
}

void AbRun::finishAll()
{
    if (m_finished)
        return;
    teardown();
    if (m_session) {
        m_session->deleteLater();
        m_session = nullptr;
    }
    if (m_apache) {
        m_apache->deleteLater(); // its destructor stops it
        m_apache = nullptr;
    }
    if (m_plan.runsOn(ServerKind::Apache))
        m_result.machineNotes
            << u"Apache has no telemetry of the engine's kind: its CPU and RSS are its whole "_s
               u"process tree's (the parent, the MPM children that proxy to mod_wsgi, the "_s
               u"daemon processes) read from /proc over the measured window; response, "_s
               u"application and GIL times are n/a"_s;
    for (AbVariantResult& r : m_result.variants) {
        if (r.status == AbVariantResult::Status::Pending)
            r.status = m_cancelled ? AbVariantResult::Status::Cancelled : AbVariantResult::Status::Failed;
    }
    m_result.finishedAt = QDateTime::currentDateTimeUtc();
    if (m_loadWallSec > 0) {
        m_result.frontEndCores = m_frontEndCpuSec / m_loadWallSec;
        m_result.machineNotes << u"while the load ran, this program's own threads other than the load "_s
                                 u"generator's (its window or event loop) used "_s +
                                     QString::number(*m_result.frontEndCores, 'f', 2) +
                                     u" cores; the client CPU figures exclude it"_s;
    }
    m_result.loadAverageEnd = currentLoadAverage();
    m_progressTimer.stop();
    m_progress.phase = AbProgress::Phase::Done;
    m_finished = true;
    emitProgress();
    Q_EMIT finished();
}

} // namespace wsgi::studio
