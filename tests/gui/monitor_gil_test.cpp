// The Monitor page's GIL views, diagnosis and stack dumps against a real local engine on the seeds'
// workload (resources/apps/workload.py) at concurrency 10, telemetry every 250 ms, measured over the
// last 2.5 s of a 4 s load: 10x1 shows GIL p95 near zero; 2x5 at the default 5 ms piles waits up at
// multiples of the switch interval, is diagnosed GIL-bound with a 4x3 proposal, and dumps its stacks;
// 2x5 at 0.1 ms pulls them in; free-threaded 1x10 shows "no GIL" with more than 1.5 cores.
// A shared 2-core machine is noisy: a shape outside its bounds is measured again (three runs at most).

#include "core/loadgen/loadgenerator.h"
#include "session/enginesession.h"
#include "session/telemetryhistory.h"
#include "session/telemetryhistorygrids.h"
#include "studio/charts/histogramchart.h"
#include "studio/models/diagnosismodel.h"
#include "studio/models/gilhistogrammodel.h"
#include "studio/models/heatmapmodel.h"
#include "studio/models/histogrammodel.h"
#include "studio/models/stacktreemodel.h"
#include "studio/monitor/diagnosispanel.h"
#include "studio/monitor/gilpanel.h"
#include "studio/monitor/heatmappanel.h"
#include "studio/monitor/stackspanel.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <thread>

using namespace wsgi::studio;
using monitor::GilPanel;
using monitor::MonitorView;

namespace {

bool waitUntil(const std::function<bool()>& done, int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms)
            return false;
        QTest::qWait(20);
    }
    return true;
}

QString configFor(const QString& daemonOptions, const QString& top = {})
{
    return top + QStringLiteral("WSGIDaemonProcess g ") + daemonOptions +
           QStringLiteral("\nWSGIScriptAlias / " WSGI_SOURCE_DIR
                          "/resources/apps/workload.py process-group=g application-group=%{GLOBAL}\n");
}

// A running engine, its telemetry in a history, a load of 10 closed-loop connections for 4 s; the
// view is the last 2.5 s of the load (the first 1.5 s warm the processes up).
class LoadedEngine
{
public:
    LoadedEngine(const QString& config, const QString& path)
    {
        m_session.setTelemetryInterval(250);
        QObject::connect(&m_session, &EngineSession::telemetryAvailable, &m_history,
                         &TelemetryHistory::append);
        EngineSession::LocalOptions options;
        options.configText = config;
        options.extraArguments = {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
        options.quiet = true;
        m_session.startLocal(options);
        m_ready = waitUntil([&] { return m_session.state() == EngineSession::State::Ready; }, 30000) &&
                  waitUntil(
                      [&] {
                          const GroupStatus* g = m_session.lastStatus().group("g");
                          return g && !g->processes.empty() &&
                                 !m_session.lastStatus().engine.listen.empty() &&
                                 int(g->processes.size()) == g->processesConfigured;
                      },
                      15000);
        if (!m_ready) {
            m_error = m_session.lastError().toStdString();
            return;
        }
        wsgi::loadgen::LoadSpec spec;
        spec.url = "http://" + m_session.lastStatus().engine.listen.front() + path.toStdString();
        spec.connections = 10;
        spec.threads = 1;
        spec.durationSec = 4;
        spec.timeoutMs = 5000;
        std::atomic<bool> done{false};
        int64_t requests = 0;
        std::thread load([&] {
            requests = wsgi::loadgen::LoadGenerator().run(spec, {}, nullptr).requests;
            done = true;
        });
        QTest::qWait(3700);
        m_end = m_history.lastTime();
        waitUntil([&] { return done.load(); }, 10000);
        load.join();
        m_requests = requests;
    }
    bool ready() const { return m_ready; }
    const std::string& error() const { return m_error; }
    MonitorView view() const
    {
        MonitorView v;
        v.group = QStringLiteral("g");
        v.end = m_end;
        v.windowSeconds = 2.5;
        v.live = false;
        return v;
    }
    TelemetryHistory* history() { return &m_history; }
    EngineSession* session() { return &m_session; }
    int64_t requests() const { return m_requests; }

private:
    EngineSession m_session;
    TelemetryHistory m_history;
    bool m_ready = false;
    std::string m_error;
    double m_end = 0;
    int64_t m_requests = 0;
};

struct GilFigures
{
    int64_t count = 0;
    double p50 = 0, p95 = 0, p99 = 0;
    std::optional<double> switchInterval;
    QList<models::GilHistogramModel::Band> bands;
    QString header;
};

GilFigures figures(GilPanel& panel)
{
    GilFigures f;
    f.count = panel.model()->totalCount();
    f.p50 = panel.model()->percentileUs(50);
    f.p95 = panel.model()->percentileUs(95);
    f.p99 = panel.model()->percentileUs(99);
    f.switchInterval = panel.model()->switchInterval();
    f.bands = panel.model()->bands();
    f.header = panel.headerText();
    return f;
}

std::ostream& operator<<(std::ostream& out, const GilFigures& f)
{
    out << "n " << f.count << ", p50 " << f.p50 << " us, p95 " << f.p95 << " us, p99 " << f.p99 << " us";
    if (!f.bands.isEmpty()) {
        out << ", bands";
        for (const auto& b : f.bands)
            out << " " << b.count;
    }
    return out;
}

// With MONITOR_GIL_SHOTS set to a directory, each panel as measured is saved there as a PNG.
void saveShot(QWidget& widget, const char* name)
{
    const QString dir = qEnvironmentVariable("MONITOR_GIL_SHOTS");
    if (dir.isEmpty())
        return;
    widget.resize(960, 480);
    widget.show();
    QTest::qWait(100);
    widget.grab().save(dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
}

template <typename Run> void withRetries(const char* what, Run run)
{
    for (int attempt = 1; attempt <= 3; ++attempt) {
        const bool passed = run(attempt == 3);
        std::cout << what << ": run " << attempt << (passed ? " passed" : " outside the bounds") << std::endl;
        if (passed)
            return;
    }
}

} // namespace

TEST(MonitorGil, TenByOneShowsGilP95NearZero)
{
    withRetries("10x1", [](bool last) {
        LoadedEngine engine(configFor(QStringLiteral("processes=10 threads=1")), QStringLiteral("/"));
        EXPECT_TRUE(engine.ready()) << engine.error();
        if (!engine.ready())
            return true;
        GilPanel panel(engine.history(), engine.session());
        panel.showView(engine.view());
        const GilFigures handOff = figures(panel);
        panel.setMeasure(GilPanel::Measure::Full);
        const GilFigures full = figures(panel);
        saveShot(panel, "gil-10x1-full");
        std::cout << "  10x1 (" << engine.requests() << " requests): hand-off " << handOff << "; full "
                  << full << std::endl;
        const bool ok = handOff.count > 50 && handOff.p95 < 500 && full.p95 < 500;
        if (ok || last) {
            EXPECT_GT(handOff.count, 50);
            EXPECT_LT(handOff.p95, 500) << "µs";
            EXPECT_LT(full.p95, 500) << "µs";
            EXPECT_FALSE(panel.showsNoGil());
            EXPECT_TRUE(full.header.contains(QStringLiteral("p95"))) << full.header.toStdString();
            EXPECT_TRUE(full.header.contains(QStringLiteral("switch interval 5.00 ms")))
                << full.header.toStdString();
        }
        return ok;
    });
}

TEST(MonitorGil, TwoByFiveAtFiveMsPilesUpAtMultiplesAndPointOneMsPullsThemIn)
{
    withRetries("2x5 at 5 ms and 0.1 ms", [](bool last) {
        GilFigures slow;
        GilFigures fast;
        double slowFullShare = 0;
        {
            LoadedEngine engine(configFor(QStringLiteral("processes=2 threads=5")), QStringLiteral("/"));
            EXPECT_TRUE(engine.ready()) << engine.error();
            if (!engine.ready())
                return true;
            GilPanel panel(engine.history(), engine.session());
            panel.showView(engine.view());
            slow = figures(panel);
            saveShot(panel, "gil-2x5-5ms");
            slowFullShare = groupFigures(*engine.history(), QStringLiteral("g"), engine.view().window(), 2)
                                .gilWaitFullShare;

            // The same window frozen as a baseline stays drawn under the live one.
            panel.freezeBaseline();
            panel.showView(engine.view());
            EXPECT_TRUE(panel.model()->hasBaseline());
            // The chart redraws on the next turn of the event loop.
            EXPECT_TRUE(waitUntil([&] { return panel.chart()->baselinePointCount() > 0; }, 2000));
            saveShot(panel, "gil-2x5-5ms-baseline");

            // Diagnosis: GIL-bound, and its action proposes more processes, not threads.
            monitor::DiagnosisPanel diagnosis(engine.history(), 2);
            QSignalSpy proposed(&diagnosis, &monitor::DiagnosisPanel::variantProposed);
            diagnosis.showView(engine.view());
            saveShot(diagnosis, "diagnosis-2x5");
            EXPECT_EQ(diagnosis.model()->rowCount(), 1);
            if (diagnosis.model()->rowCount() != 1)
                return true;
            const Diagnosis d = diagnosis.model()->diagnoses().first();
            std::cout << "  diagnosis: " << d.headline.toStdString() << ": " << d.advice.toStdString()
                      << "\n    " << d.figures.join(QStringLiteral("\n    ")).toStdString() << std::endl;
            if (d.verdict == Verdict::GilBound) {
                diagnosis.propose(0);
                EXPECT_EQ(proposed.count(), 1);
                if (proposed.count() == 1) {
                    EXPECT_EQ(proposed.at(0).at(0).value<VariantProposal>().name, QStringLiteral("4x3"));
                }
            } else if (last) {
                ADD_FAILURE() << "2x5 on the CPU-bound workload is not diagnosed GIL-bound";
            }

            // Heatmap: a column per interval; a click shows that interval's histogram.
            monitor::HeatmapPanel heatmap(engine.history());
            heatmap.setPhase(TimingPhase::GilWait);
            heatmap.showView(engine.view());
            EXPECT_GE(heatmap.model()->columnCount(), 8);
            heatmap.selectColumn(heatmap.model()->columnCount() - 1);
            EXPECT_TRUE(heatmap.intervalText().contains(QStringLiteral("p95")))
                << heatmap.intervalText().toStdString();
            saveShot(heatmap, "heatmap-2x5");
            EXPECT_EQ(heatmap.intervalModel()->totalCount(),
                      heatmap.model()->columnHistogram(heatmap.model()->columnCount() - 1).count());

            // Stacks of the idle group: both processes, every request thread, grouped.
            monitor::StacksPanel stacks(engine.history(), engine.session());
            stacks.showView(engine.view());
            QSignalSpy finished(&stacks, &monitor::StacksPanel::dumpFinished);
            stacks.dumpStacks();
            EXPECT_TRUE(finished.wait(15000));
            EXPECT_EQ(stacks.model()->rowCount(), 2) << stacks.statusText().toStdString();
            int threads = 0;
            for (const ProcessStacks& p : stacks.model()->dump().processes)
                threads += int(p.threads.size());
            EXPECT_GE(threads, 10) << stacks.text().toStdString();
            EXPECT_TRUE(stacks.text().contains(QStringLiteral("threads with this stack")))
                << stacks.text().toStdString();
            saveShot(stacks, "stacks-2x5");
            std::cout << "  stacks: " << stacks.statusText().toStdString() << std::endl;
        }
        {
            LoadedEngine engine(configFor(QStringLiteral("processes=2 threads=5 switch-interval=0.0001")),
                                QStringLiteral("/"));
            EXPECT_TRUE(engine.ready()) << engine.error();
            if (!engine.ready())
                return true;
            GilPanel panel(engine.history(), engine.session());
            panel.showView(engine.view());
            fast = figures(panel);
            saveShot(panel, "gil-2x5-0.1ms");
        }
        const auto share = [](const GilFigures& f, int fromBand) {
            int64_t n = 0;
            for (const auto& b : f.bands)
                n += b.cycles >= fromBand ? b.count : 0;
            return f.count > 0 ? double(n) / double(f.count) : 0.0;
        };
        std::cout << "  2x5 at 5 ms: " << slow << " (waits of 1+ intervals " << share(slow, 1)
                  << ", full GIL wait " << slowFullShare
                  << " of request thread time)\n  2x5 at 0.1 ms: " << fast << "\n  "
                  << slow.header.toStdString() << "\n  " << fast.header.toStdString() << std::endl;
        const bool ok = slow.count > 100 && fast.count > 100 && slow.switchInterval == 0.005 &&
                        fast.switchInterval && std::abs(*fast.switchInterval - 0.0001) < 1e-6 &&
                        slow.p95 > 3000 && share(slow, 1) > 0.15 && slow.bands.size() == 5 &&
                        slow.bands[1].count > slow.bands[3].count && fast.p50 < slow.p50 / 4 &&
                        fast.p95 < slow.p95;
        if (ok || last) {
            EXPECT_GT(slow.count, 100);
            EXPECT_GT(fast.count, 100);
            EXPECT_EQ(slow.switchInterval, std::optional<double>(0.005));
            EXPECT_NEAR(fast.switchInterval.value_or(0), 0.0001, 1e-6);
            EXPECT_GT(slow.p95, 3000) << "2x5 at 5 ms waits several ms";
            EXPECT_GT(share(slow, 1), 0.15) << "waits of one switch interval or more";
            EXPECT_EQ(slow.bands.size(), 5);
            if (slow.bands.size() == 5) {
                EXPECT_GT(slow.bands[1].count, slow.bands[3].count) << "bumps shrink as cycles add up";
            }
            // The median moves by an order of magnitude; the tail less so on a loaded machine, where the
            // scheduler's own delays (several ms) set it.
            EXPECT_LT(fast.p50, slow.p50 / 4) << "0.1 ms pulls the waits in";
            EXPECT_LT(fast.p95, slow.p95);
            EXPECT_TRUE(slow.header.contains(QStringLiteral("shape:"))) << slow.header.toStdString();
            EXPECT_TRUE(fast.header.contains(QStringLiteral("switch interval 100 µs")))
                << fast.header.toStdString();
        }
        return ok;
    });
}

TEST(MonitorGil, FreeThreadedOneByTenShowsNoGilAndItsCores)
{
    if (!QFile::exists(QStringLiteral(WSGI_BINARY_DIR "/bin/wsgi-worker-3.13t")))
        GTEST_SKIP() << "no free-threaded Python 3.13t runtime was built (installers/python-runtimes.sh)";
    withRetries("free-threaded 1x10", [](bool last) {
        LoadedEngine engine(configFor(QStringLiteral("processes=1 threads=10 python=3.13t"),
                                      QStringLiteral("WSGIFreeThreading On\n")),
                            QStringLiteral("/?cpu_ms=20&wait_ms=0"));
        EXPECT_TRUE(engine.ready()) << engine.error();
        if (!engine.ready())
            return true;
        GilPanel panel(engine.history(), engine.session());
        panel.showView(engine.view());
        saveShot(panel, "gil-1x10-free-threaded");
        const QList<HistoryPoint> cpu =
            engine.history()->series(HistoryMetric::Cpu, QStringLiteral("g"), engine.view().window());
        double peak = 0;
        for (const HistoryPoint& p : cpu)
            peak = std::max(peak, p.value);
        const double mean = seriesMean(cpu);
        std::cout << "  1x10 free-threaded (" << engine.requests() << " requests): CPU mean " << mean
                  << " cores, peak " << peak << "; " << panel.noGilText().toStdString() << std::endl;
        const bool ok = panel.showsNoGil() && peak > 1.5;
        if (ok || last) {
            EXPECT_TRUE(panel.showsNoGil());
            EXPECT_TRUE(panel.noGilText().contains(QStringLiteral("no GIL (free-threaded)")));
            EXPECT_GT(peak, 1.5) << "cores used by the single free-threaded process";
            // Stacks on demand work without a GIL too: the one process answers with its threads.
            monitor::StacksPanel stacks(engine.history(), engine.session());
            stacks.showView(engine.view());
            QSignalSpy finished(&stacks, &monitor::StacksPanel::dumpFinished);
            stacks.dumpStacks();
            EXPECT_TRUE(finished.wait(15000));
            EXPECT_EQ(stacks.model()->rowCount(), 1) << stacks.statusText().toStdString();
            EXPECT_FALSE(stacks.model()->dump().processes.empty() ||
                         stacks.model()->dump().processes.front().threads.empty())
                << stacks.text().toStdString();
            std::cout << "  stacks: " << stacks.statusText().toStdString() << std::endl;
        }
        return ok;
    });
}
