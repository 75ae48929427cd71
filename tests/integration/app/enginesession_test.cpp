// EngineSession against the real engine (127.0.0.1, CPython workers): start, Ready with a status,
// telemetry, a reload applied and one rejected (the engine keeps its generation and says where), a
// kill -9 reported as Lost with the engine's last log lines, restart, stop; and a start the engine
// refuses, in its own words.

#include "session/abresult.h"
#include "session/enginesession.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <csignal>
#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using namespace wsgi::studio;

namespace {

const QString kEngine = QStringLiteral(WSGI_BINARY_DIR) + u"/bin/wsgi-engine"_s;
const QString kWorkload = QStringLiteral(WSGI_SOURCE_DIR) + u"/resources/apps/workload.py"_s;

QString config(int threads, const QString& extra = {})
{
    return u"WSGIDaemonProcess g processes=1 threads="_s + QString::number(threads) + extra +
           u"\nWSGIScriptAlias / "_s + kWorkload + u" process-group=g application-group=%{GLOBAL}\n"_s;
}

bool waitForState(EngineSession& session, EngineSession::State state, int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (session.state() != state && timer.elapsed() < ms)
        QTest::qWait(20);
    return session.state() == state;
}

bool processAlive(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

} // namespace

TEST(EngineSessionReal, StartReloadRejectKillRestartStop)
{
    ASSERT_TRUE(QFileInfo(kEngine).isExecutable()) << kEngine.toStdString();
    EngineSession session;
    session.setTelemetryInterval(250);
    session.setStatusPollInterval(200ms);
    QSignalSpy failed(&session, &EngineSession::failed);
    EngineSession::LocalOptions options;
    options.enginePath = kEngine;
    options.configText = config(2);
    options.startTimeout = 30000ms;
    session.startLocal(options);
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready, 40000))
        << session.lastError().toStdString() << "\n"
        << session.logLines().join(u'\n').toStdString();
    EXPECT_TRUE(failed.isEmpty());
    const qint64 firstPid = session.pid();
    EXPECT_TRUE(processAlive(firstPid));
    EXPECT_EQ(session.lastStatus().engine.pid, firstPid); // the ready line and the status agree
    EXPECT_TRUE(session.listenUrl().startsWith(u"http://127.0.0.1:"_s)) << session.listenUrl().toStdString();
    EXPECT_NE(session.controlEndpoint().port, 0);
    EXPECT_EQ(session.generation(), 0);
    ASSERT_EQ(session.lastStatus().groups.size(), 1u);
    EXPECT_EQ(session.lastStatus().groups[0].threads, 2);

    // Workers up, then a telemetry sample through the session.
    QTRY_VERIFY_WITH_TIMEOUT(workersReady(session.lastStatus()), 30000);
    QSignalSpy telemetry(&session, &EngineSession::telemetryAvailable);
    ASSERT_TRUE(telemetry.wait(5000));
    EXPECT_FALSE(telemetry.last().at(0).value<TelemetrySample>().processes.empty());

    // An applied reload: a new generation, and the status reports the new thread count.
    std::optional<ReloadOutcome> applied;
    session.reload(config(3), [&](const ReloadOutcome& o) { applied = o; });
    QTRY_VERIFY_WITH_TIMEOUT(applied.has_value(), 10000);
    ASSERT_TRUE(applied->ok) << applied->message.toStdString();
    EXPECT_EQ(applied->generation, 1);
    QTRY_VERIFY_WITH_TIMEOUT(!session.lastStatus().groups.empty() &&
                                 session.lastStatus().groups[0].threads == 3 &&
                                 session.lastStatus().engine.generation == 1,
                             10000);

    // A rejected reload: the engine's own error at its line, nothing changed.
    std::optional<ReloadOutcome> rejected;
    session.reload(config(3, u" no-such-option=1"_s), [&](const ReloadOutcome& o) { rejected = o; });
    QTRY_VERIFY_WITH_TIMEOUT(rejected.has_value(), 10000);
    EXPECT_FALSE(rejected->ok);
    EXPECT_EQ(rejected->errorCode, u"invalid-config"_s);
    EXPECT_EQ(rejected->generation, 1);
    EXPECT_TRUE(rejected->message.contains(u"no-such-option"_s)) << rejected->message.toStdString();
    EXPECT_EQ(rejected->line, 1) << rejected->message.toStdString();
    ASSERT_FALSE(rejected->findings.isEmpty());
    EXPECT_EQ(rejected->findings.first().severity, u"error"_s);
    QTest::qWait(300); // a poll or two later the engine still runs generation 1
    EXPECT_EQ(session.state(), EngineSession::State::Ready);
    EXPECT_EQ(session.lastStatus().engine.generation, 1);
    EXPECT_EQ(session.lastStatus().groups[0].threads, 3);

    // kill -9: Lost, with the engine's last log lines.
    QSignalSpy lost(&session, &EngineSession::lost);
    ASSERT_EQ(::kill(pid_t(firstPid), SIGKILL), 0);
    ASSERT_TRUE(waitForState(session, EngineSession::State::Lost, 10000));
    ASSERT_EQ(lost.size(), 1);
    EXPECT_TRUE(lost.at(0).at(0).toString().contains(u"signal 9"_s))
        << lost.at(0).at(0).toString().toStdString();
    const QStringList lastLines = lost.at(0).at(1).toStringList();
    EXPECT_FALSE(lastLines.isEmpty());
    EXPECT_TRUE(lastLines.join(u'\n').contains(u"wsgi-engine"_s)) << lastLines.join(u'\n').toStdString();

    // Restart: the same options, a new engine.
    session.restart();
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready, 40000))
        << session.lastError().toStdString();
    const qint64 secondPid = session.pid();
    EXPECT_NE(secondPid, firstPid);
    EXPECT_TRUE(processAlive(secondPid));

    session.stop();
    ASSERT_TRUE(waitForState(session, EngineSession::State::Idle, 20000));
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(secondPid), 5000);
}

TEST(EngineSessionReal, ARejectedConfigFailsInTheEnginesWords)
{
    EngineSession session;
    QSignalSpy failed(&session, &EngineSession::failed);
    EngineSession::LocalOptions options;
    options.enginePath = kEngine;
    options.configText = u"WSGIDaemonProcess g threads=many\n"_s;
    session.startLocal(options);
    ASSERT_TRUE(failed.wait(20000));
    const QString reason = failed.at(0).at(0).toString();
    EXPECT_TRUE(reason.contains(u"threads"_s)) << reason.toStdString();
    EXPECT_TRUE(reason.contains(u"engine.conf:1"_s)) << reason.toStdString();
    EXPECT_EQ(session.state(), EngineSession::State::Idle);
}
