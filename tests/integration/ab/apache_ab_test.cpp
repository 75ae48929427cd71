// The Apache server kind of an A/B run, in process (AbRun, as the Benchmark page drives it): two
// small variants on the real engine and on Debian's Apache 2.4 + mod_wsgi 4.9, 2 repeats of 1 s
// each, both tables filled and the carry-over verdict computed. Checks that the machinery is
// complete and sane, not which configuration is faster.

#include "session/abresult.h"
#include "session/abrun.h"
#include "session/abvariant.h"
#include "session/apacheserver.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

const QString kWorkload = QStringLiteral(WSGI_SOURCE_DIR) + u"/resources/apps/workload.py"_s;

AbVariant variant(const QString& name, const QString& options)
{
    QString error;
    auto v = variantFromOptions(name, options, kWorkload, error);
    EXPECT_TRUE(v) << error.toStdString();
    return v ? *v : AbVariant{};
}

} // namespace

TEST(ApacheAb, VariantsApacheCannotRunAreNamedWithTheReason)
{
    const ApacheVariant ft =
        exportForApache(variant(u"ft"_s, u"processes=1 threads=4 python=3.13t free-threading=on"_s),
                        u"@SERVER_ROOT@/scripts"_s);
    EXPECT_FALSE(ft.supported);
    EXPECT_TRUE(ft.reason.contains(u"free-threaded"_s)) << ft.reason.toStdString();
    // A switch interval has no mod_wsgi 4.9 option: the export sets it through an import script,
    // written inside the private ServerRoot.
    const ApacheVariant si = exportForApache(
        variant(u"si"_s, u"processes=2 threads=5 switch-interval=0.0001"_s), u"@SERVER_ROOT@/scripts"_s);
    ASSERT_TRUE(si.supported) << si.reason.toStdString();
    EXPECT_EQ(si.processes, 2);
    EXPECT_EQ(si.threads, 5);
    ASSERT_EQ(si.files.size(), 1u) << si.text.toStdString();
    EXPECT_TRUE(si.files.front().relativePath.startsWith(u"scripts/"_s));
    EXPECT_TRUE(si.text.contains(u"WSGIImportScript @SERVER_ROOT@/scripts/"_s)) << si.text.toStdString();
}

TEST(ApacheAb, TwoVariantsRunOnTheEngineAndOnApacheAndTheVerdictIsComputed)
{
    if (const QString missing = apacheMissing({}); !missing.isEmpty())
        GTEST_SKIP() << missing.toStdString();
    qputenv("WORKLOAD_CPU_MS", "1");
    qputenv("WORKLOAD_WAIT_MS", "1");
    AbPlan plan;
    plan.appPath = kWorkload;
    plan.enginePath = QStringLiteral(WSGI_BINARY_DIR) + u"/bin/wsgi-engine"_s;
    plan.variants = {variant(u"1x2"_s, u"processes=1 threads=2"_s),
                     variant(u"2x1"_s, u"processes=2 threads=1"_s)};
    plan.servers = {ServerKind::Engine, ServerKind::Apache};
    plan.repeats = 2;
    plan.load.durationSec = 1;
    plan.load.warmupSec = 0.3;
    plan.load.concurrency = 2;
    plan.limit = LimitMode::Off;
    plan.cooldownMs = 100;
    plan.startTimeoutMs = 15000;
    plan.readyTimeoutMs = 15000;

    AbRun run(plan);
    QStringList failures;
    QObject::connect(&run, &AbRun::variantFailed, [&](int, const QString& reason) { failures << reason; });
    QEventLoop loop;
    QObject::connect(&run, &AbRun::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(120000, &loop, &QEventLoop::quit); // generous: 8 repeats of ~2 s
    // A front end busy on its own thread (a window painting): about 0.2 cores that must land in the
    // machine notes, not in the client's CPU.
    QTimer painter;
    QObject::connect(&painter, &QTimer::timeout, [] {
        QElapsedTimer busy;
        busy.start();
        while (busy.elapsed() < 20) {
        }
    });
    painter.start(100);
    run.start();
    loop.exec();
    ASSERT_TRUE(run.isFinished());
    EXPECT_TRUE(failures.isEmpty()) << failures.join(u"\n---\n"_s).toStdString();

    const AbResult& result = run.result();
    ASSERT_EQ(result.variants.size(), 4u);
    for (const AbVariantResult& v : result.variants) {
        SCOPED_TRACE(QString(v.variant.name + u" on "_s + serverKindTitle(v.server)).toStdString());
        EXPECT_EQ(v.status, AbVariantResult::Status::Ok) << v.failure.toStdString();
        ASSERT_EQ(v.repeats.size(), 2u);
        for (const AbRepeat& r : v.repeats) {
            EXPECT_GT(r.load.achievedRate, 20); // 1 ms of CPU per request: hundreds per second
            EXPECT_EQ(r.load.errorCount(), 0);
            EXPECT_EQ(r.load.status[1], r.load.requests); // every answer 2xx
            ASSERT_TRUE(r.server.cpuTotalCores);
            EXPECT_GT(*r.server.cpuTotalCores, 0.02);
            EXPECT_LT(*r.server.cpuTotalCores, 4);
            ASSERT_TRUE(r.server.rssBytes);
            EXPECT_GT(*r.server.rssBytes, 1e6);
            ASSERT_TRUE(r.clientCpuCores);
            EXPECT_GT(*r.clientCpuCores, 0);
            EXPECT_LT(*r.clientCpuCores, 2);
            EXPECT_EQ(r.server.telemetry, v.server == ServerKind::Engine);
        }
        if (v.server == ServerKind::Apache) {
            EXPECT_TRUE(v.serverVersion.contains(u"mod_wsgi/4."_s)) << v.serverVersion.toStdString();
            EXPECT_TRUE(v.serverConfig.contains(u"WSGIDaemonProcess"_s));
            EXPECT_EQ(v.processes, v.variant.name == u"1x2"_s ? 1 : 2);
            // Apache's tree: the parent, MPM children and the daemon processes.
            EXPECT_GE(v.repeats.front().server.processes, 1 + v.processes);
        }
    }
    ASSERT_TRUE(result.frontEndCores);
    EXPECT_GT(*result.frontEndCores, 0.05);
    EXPECT_LT(*result.frontEndCores, 1.0);
    for (const AbVariantResult& v : result.variants)
        for (const AbRepeat& r : v.repeats)
            EXPECT_LT(*r.clientCpuCores, *result.frontEndCores)
                << "the painting thread counted as the client's";

    const AbSummary summary = summarizeAbResult(result);
    EXPECT_EQ(summary.baselines.at(ServerKind::Engine), u"1x2"_s);
    EXPECT_EQ(summary.baselines.at(ServerKind::Apache), u"1x2"_s);
    ASSERT_TRUE(summary.carryOver);
    const AbCarryOver& c = *summary.carryOver;
    EXPECT_EQ(c.baseline, u"1x2"_s);
    ASSERT_EQ(c.rows.size(), 2u);
    ASSERT_TRUE(c.rows[1].engineRatio && c.rows[1].apacheRatio) << c.verdict.toStdString();
    EXPECT_GT(*c.rows[1].engineRatio, 0.2);
    EXPECT_LT(*c.rows[1].engineRatio, 5);
    EXPECT_GT(*c.rows[1].apacheRatio, 0.2);
    EXPECT_LT(*c.rows[1].apacheRatio, 5);
    EXPECT_TRUE(c.verdict.startsWith(u"carries over"_s) || c.verdict.startsWith(u"does not carry over"_s))
        << c.verdict.toStdString();
    // Nothing of Apache is left running: no repeat's parent still runs a private httpd.conf.
    for (const AbVariantResult& v : result.variants) {
        if (v.server != ServerKind::Apache)
            continue;
        for (const AbRepeat& r : v.repeats) {
            QFile cmdline(u"/proc/"_s + QString::number(r.enginePid) + u"/cmdline"_s);
            const bool running =
                cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains("-DFOREGROUND");
            EXPECT_FALSE(running) << "Apache " << r.enginePid << " still runs";
        }
    }
}
