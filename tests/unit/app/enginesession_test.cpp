// EngineSession against the in-process fake engine: attach, Ready with a status, polling and
// telemetry, reloads applied and rejected (the engine's findings decoded), a lost connection, stop and
// restart. A local start runs a stand-in engine script that prints a real ready line pointing at the
// fake endpoint, so the launcher's path (ready line, token file, log lines, kill -9) is covered
// without CPython.

#include "fakeengine.h"
#include "protocolsamples.h"
#include "session/enginesession.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <csignal>
#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using namespace wsgi::studio;
using namespace wsgi::studio::testing;

namespace {

const QByteArray kToken = "session-token-1";

struct Fixture
{
    FakeEngine engine;
    QTemporaryDir dir;
    QString tokenFile;
    int generation = 1;
    int statusRequests = 0;
    int subscribeInterval = 0;

    Fixture()
    {
        tokenFile = dir.filePath(u"control.token"_s);
        QFile f(tokenFile);
        f.open(QIODevice::WriteOnly);
        f.write(kToken + '\n');
        f.close();
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        engine.setResponder([this](FakeEngine& e, const QJsonObject& request) { respond(e, request); });
    }

    void respond(FakeEngine& e, const QJsonObject& request)
    {
        const QString op = request.value(u"op"_s).toString();
        if (request.value(u"token"_s).toString().toUtf8() != kToken) {
            e.replyError(request, u"unauthorized"_s, u"wrong token"_s);
        } else if (op == u"status"_s) {
            ++statusRequests;
            QJsonObject status = statusResultJson({ProcessSpec{}});
            QJsonObject engineInfo = status.value(u"engine"_s).toObject();
            engineInfo.insert(u"generation"_s, generation);
            status.insert(u"engine"_s, engineInfo);
            e.reply(request, status);
        } else if (op == u"subscribe"_s) {
            subscribeInterval = request.value(u"interval_ms"_s).toInt();
            e.reply(request, {{u"interval_ms"_s, subscribeInterval}});
            e.send(compact(telemetryEventJson({ProcessSpec{}}, subscribeInterval)));
        } else if (op == u"reload"_s) {
            const QString text = request.value(u"config"_s).toString();
            if (text.contains(u"bogus"_s)) {
                e.replyError(request, u"invalid-config"_s,
                             u"the new configuration was rejected; nothing changed:\n"
                             "/tmp/x/engine.conf:3: error: WSGIDaemonProcess: unknown option 'bogus' "
                             "[unknown-option]\n    hint: did you mean 'threads'?\n"
                             "/tmp/x/engine.conf:5: warning: something else\n"_s);
            } else {
                ++generation;
                e.reply(request, {{u"generation"_s, generation}, {u"groups"_s, 1}});
            }
        } else {
            e.replyError(request, u"unknown-op"_s, u"unknown op"_s);
        }
    }

    EngineSession::AttachOptions attachOptions() const
    {
        return {{u"127.0.0.1"_s, engine.port()}, tokenFile};
    }
};

bool waitForState(EngineSession& session, EngineSession::State state, int ms = 5000)
{
    if (session.state() == state)
        return true;
    QSignalSpy spy(&session, &EngineSession::stateChanged);
    QElapsedTimer timer;
    timer.start();
    while (session.state() != state && timer.elapsed() < ms)
        spy.wait(int(std::max<qint64>(1, ms - timer.elapsed())));
    return session.state() == state;
}

} // namespace

TEST(EngineSession, StateNames)
{
    EXPECT_EQ(EngineSession::stateName(EngineSession::State::Idle), u"idle"_s);
    EXPECT_EQ(EngineSession::stateName(EngineSession::State::Ready), u"ready"_s);
    EXPECT_EQ(EngineSession::stateName(EngineSession::State::Lost), u"lost"_s);
}

TEST(EngineSession, AttachGoesThroughConnectingToReadyWithAStatus)
{
    Fixture f;
    EngineSession session;
    session.setTelemetryInterval(250);
    QSignalSpy states(&session, &EngineSession::stateChanged);
    QSignalSpy status(&session, &EngineSession::statusAvailable);
    QSignalSpy telemetry(&session, &EngineSession::telemetryAvailable);
    session.attach(f.attachOptions());
    EXPECT_EQ(session.state(), EngineSession::State::Connecting);
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
    ASSERT_GE(states.size(), 2);
    EXPECT_EQ(states.at(0).at(0).value<EngineSession::State>(), EngineSession::State::Connecting);
    EXPECT_EQ(states.at(1).at(0).value<EngineSession::State>(), EngineSession::State::Ready);
    ASSERT_GE(status.size(), 1); // Ready comes with the status already there
    EXPECT_EQ(session.lastStatus().groups.size(), 1u);
    EXPECT_EQ(session.pid(), 4242);
    EXPECT_EQ(session.listenUrl(), u"http://127.0.0.1:8080"_s);
    EXPECT_EQ(session.generation(), 1);
    EXPECT_TRUE(session.readySince().isValid());
    EXPECT_FALSE(session.isLocal());
    EXPECT_EQ(session.controlEndpoint().port, f.engine.port());
    ASSERT_TRUE(telemetry.wait(5000));
    EXPECT_EQ(f.subscribeInterval, 250);
    EXPECT_EQ(telemetry.at(0).at(0).value<TelemetrySample>().processes.size(), 1u);
}

TEST(EngineSession, PollsTheStatusWhileReady)
{
    Fixture f;
    EngineSession session;
    session.setTelemetryInterval(0);
    session.setStatusPollInterval(50ms);
    session.attach(f.attachOptions());
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
    QSignalSpy status(&session, &EngineSession::statusAvailable);
    QTRY_VERIFY_WITH_TIMEOUT(status.size() >= 3, 5000);
    EXPECT_EQ(f.subscribeInterval, 0); // no telemetry asked for
}

TEST(EngineSession, ReloadAppliedReportsTheNewGeneration)
{
    Fixture f;
    EngineSession session;
    session.attach(f.attachOptions());
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
    QSignalSpy reloaded(&session, &EngineSession::reloaded);
    std::optional<ReloadOutcome> outcome;
    session.reload(u"WSGIDaemonProcess g threads=4\n"_s, [&](const ReloadOutcome& o) { outcome = o; });
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 5000);
    EXPECT_TRUE(outcome->ok) << outcome->message.toStdString();
    EXPECT_EQ(outcome->generation, 2);
    ASSERT_EQ(reloaded.size(), 1);
    EXPECT_EQ(reloaded.at(0).at(0).value<int64_t>(), 2);
    EXPECT_EQ(session.generation(), 2);
}

TEST(EngineSession, ReloadRejectedCarriesTheEnginesFindingsAndKeepsTheGeneration)
{
    Fixture f;
    EngineSession session;
    session.attach(f.attachOptions());
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
    QSignalSpy reloaded(&session, &EngineSession::reloaded);
    std::optional<ReloadOutcome> outcome;
    session.reload(u"WSGIDaemonProcess g bogus=1\n"_s, [&](const ReloadOutcome& o) { outcome = o; });
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 5000);
    EXPECT_FALSE(outcome->ok);
    EXPECT_EQ(outcome->generation, 1);
    EXPECT_EQ(outcome->errorCode, u"invalid-config"_s);
    EXPECT_TRUE(outcome->message.contains(u"unknown option 'bogus'"_s));
    EXPECT_EQ(outcome->file, u"/tmp/x/engine.conf"_s);
    EXPECT_EQ(outcome->line, 3);
    ASSERT_EQ(outcome->findings.size(), 2);
    const EngineFinding& first = outcome->findings.at(0);
    EXPECT_EQ(first.severity, u"error"_s);
    EXPECT_EQ(first.message, u"WSGIDaemonProcess: unknown option 'bogus'"_s);
    EXPECT_EQ(first.code, u"unknown-option"_s);
    EXPECT_EQ(first.hint, u"did you mean 'threads'?"_s);
    EXPECT_EQ(outcome->findings.at(1).severity, u"warning"_s);
    EXPECT_EQ(outcome->findings.at(1).line, 5);
    EXPECT_EQ(reloaded.size(), 0);
    EXPECT_EQ(session.generation(), 1);
    EXPECT_EQ(session.state(), EngineSession::State::Ready);
}

TEST(EngineSession, ReloadWhenNotReadyAnswersLaterNotInsideTheCall)
{
    EngineSession session;
    std::optional<ReloadOutcome> outcome;
    session.reload(u"x"_s, [&](const ReloadOutcome& o) { outcome = o; });
    EXPECT_FALSE(outcome.has_value());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 2000);
    EXPECT_FALSE(outcome->ok);
    EXPECT_EQ(outcome->errorCode, u"not-ready"_s);
    EXPECT_TRUE(outcome->message.contains(u"idle"_s));
}

TEST(EngineSession, AClosedConnectionIsLostAndRestartAttachesAgain)
{
    Fixture f;
    EngineSession session;
    session.attach(f.attachOptions());
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
    QSignalSpy lost(&session, &EngineSession::lost);
    f.engine.closeClient();
    ASSERT_TRUE(waitForState(session, EngineSession::State::Lost));
    ASSERT_EQ(lost.size(), 1);
    EXPECT_TRUE(lost.at(0).at(0).toString().contains(u"control connection"_s))
        << lost.at(0).at(0).toString().toStdString();
    EXPECT_FALSE(session.readySince().isValid());
    session.restart();
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
}

TEST(EngineSession, StopLeavesAnAttachedEngineAndGoesIdle)
{
    Fixture f;
    EngineSession session;
    session.attach(f.attachOptions());
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
    QSignalSpy lost(&session, &EngineSession::lost);
    session.stop();
    ASSERT_TRUE(waitForState(session, EngineSession::State::Idle));
    QTest::qWait(50);
    EXPECT_EQ(lost.size(), 0);
}

TEST(EngineSession, RestartWhileReadyStopsThenAttachesAgain)
{
    Fixture f;
    EngineSession session;
    session.attach(f.attachOptions());
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
    QSignalSpy states(&session, &EngineSession::stateChanged);
    session.restart();
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready));
    QList<EngineSession::State> seen;
    for (const auto& args : states)
        seen << args.at(0).value<EngineSession::State>();
    EXPECT_EQ(seen,
              (QList<EngineSession::State>{EngineSession::State::Stopping, EngineSession::State::Idle,
                                           EngineSession::State::Connecting, EngineSession::State::Ready}));
}

TEST(EngineSession, AWrongTokenFailsWithAMessageNamingTheFile)
{
    Fixture f;
    QFile bad(f.dir.filePath(u"bad.token"_s));
    bad.open(QIODevice::WriteOnly);
    bad.write("not-the-token\n");
    bad.close();
    bad.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    EngineSession session;
    QSignalSpy failed(&session, &EngineSession::failed);
    session.attach({{u"127.0.0.1"_s, f.engine.port()}, bad.fileName()});
    ASSERT_TRUE(failed.wait(5000));
    EXPECT_TRUE(failed.at(0).at(0).toString().contains(u"bad.token"_s))
        << failed.at(0).at(0).toString().toStdString();
    EXPECT_EQ(session.state(), EngineSession::State::Idle);
}

TEST(EngineSession, AMissingTokenFileFails)
{
    EngineSession session;
    QSignalSpy failed(&session, &EngineSession::failed);
    session.attach({{u"127.0.0.1"_s, 9}, u"/nonexistent/control.token"_s});
    ASSERT_TRUE(failed.wait(2000));
    EXPECT_TRUE(failed.at(0).at(0).toString().contains(u"/nonexistent/control.token"_s));
    EXPECT_EQ(session.state(), EngineSession::State::Idle);
}

TEST(EngineSession, NothingListeningFailsQuickly)
{
    Fixture f;
    quint16 port = 0;
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        port = probe.serverPort();
    }
    EngineSession session;
    session.setControlTimeouts(1000ms, 1000ms);
    QSignalSpy failed(&session, &EngineSession::failed);
    session.attach({{u"127.0.0.1"_s, port}, f.tokenFile});
    ASSERT_TRUE(failed.wait(5000));
    EXPECT_EQ(session.state(), EngineSession::State::Idle);
}

TEST(EngineSession, StartingTwiceIsRefused)
{
    Fixture f;
    EngineSession session;
    session.attach(f.attachOptions());
    QSignalSpy failed(&session, &EngineSession::failed);
    session.attach(f.attachOptions());
    ASSERT_TRUE(failed.wait(2000));
    EXPECT_TRUE(failed.at(0).at(0).toString().contains(u"stop it first"_s));
    EXPECT_TRUE(waitForState(session, EngineSession::State::Ready));
}

// --- a local engine: a stand-in script with the real ready line ------------------------------------

namespace {

// Writes the token where the launcher asked for it, prints a ready line naming the fake endpoint,
// logs, and then waits to be stopped or killed.
QString writeStandInEngine(const QTemporaryDir& dir, quint16 controlPort)
{
    const QString path = dir.filePath(u"fake-engine.sh"_s);
    QFile script(path);
    script.open(QIODevice::WriteOnly);
    script.write(QStringLiteral(R"SH(#!/bin/sh
token=""
while [ $# -gt 0 ]; do
  case "$1" in --control-token-file) token="$2"; shift;; esac
  shift
done
umask 077
echo "%1" > "$token"
echo "wsgi-engine: listening on http://127.0.0.1:8080/"
echo "wsgi-engine: started process 1 of group 'g' (pid 1, 2 threads, Python 3.13)" >&2
echo "wsgi-engine-ready {\"version\":\"0\",\"pid\":$$,\"listen\":[\"127.0.0.1:8080\"],\"control\":\"127.0.0.1:%2\",\"token_file\":\"$token\",\"dispatch\":\"proxy\",\"generation\":0}"
echo "worker says: about to crash" >&2
exec sleep 30
)SH")
                     .arg(QString::fromUtf8(kToken))
                     .arg(controlPort)
                     .toUtf8());
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

} // namespace

TEST(EngineSession, LocalStartReadsTheReadyLineAndKillNineIsLostWithTheLog)
{
    Fixture f;
    EngineSession session;
    QSignalSpy lines(&session, &EngineSession::logLine);
    EngineSession::LocalOptions options;
    options.enginePath = writeStandInEngine(f.dir, f.engine.port());
    options.configText = u"WSGIDaemonProcess g\n"_s;
    options.startTimeout = 5000ms;
    session.setLostGrace(2000ms);
    session.startLocal(options);
    EXPECT_EQ(session.state(), EngineSession::State::Starting);
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready)) << session.lastError().toStdString();
    EXPECT_TRUE(session.isLocal());
    EXPECT_EQ(session.dispatchMode(), u"proxy"_s);
    EXPECT_EQ(session.listenUrl(), u"http://127.0.0.1:8080"_s);
    EXPECT_EQ(session.controlEndpoint().port, f.engine.port());
    const qint64 pid = session.pid();
    ASSERT_GT(pid, 0);
    QTRY_VERIFY_WITH_TIMEOUT(session.logLines().contains(u"worker says: about to crash"_s), 5000);
    for (const QString& line : session.logLines())
        EXPECT_FALSE(line.startsWith(u"wsgi-engine-ready"_s)) << "the ready line is not a log line";
    EXPECT_GE(lines.size(), 3);

    QSignalSpy lost(&session, &EngineSession::lost);
    ::kill(pid_t(pid), SIGKILL);
    ASSERT_TRUE(waitForState(session, EngineSession::State::Lost));
    ASSERT_EQ(lost.size(), 1);
    const QString reason = lost.at(0).at(0).toString();
    EXPECT_TRUE(reason.contains(u"signal 9"_s)) << reason.toStdString();
    EXPECT_TRUE(lost.at(0).at(1).toStringList().contains(u"worker says: about to crash"_s));
}

TEST(EngineSession, AClosedControlConnectionWithTheProcessAliveIsLostAndTheEngineStopped)
{
    Fixture f;
    EngineSession session;
    EngineSession::LocalOptions options;
    options.enginePath = writeStandInEngine(f.dir, f.engine.port());
    options.configText = u"WSGIDaemonProcess g\n"_s;
    session.setLostGrace(100ms);
    session.startLocal(options);
    ASSERT_TRUE(waitForState(session, EngineSession::State::Ready)) << session.lastError().toStdString();
    const qint64 pid = session.pid();
    QSignalSpy lost(&session, &EngineSession::lost);
    f.engine.closeClient();
    ASSERT_TRUE(waitForState(session, EngineSession::State::Lost));
    ASSERT_EQ(lost.size(), 1);
    EXPECT_TRUE(lost.at(0).at(0).toString().contains(u"control connection"_s));
    // An engine nobody can control any more is not left behind.
    QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(pid), 0) != 0, 15000);
}

TEST(EngineSession, AMalformedReadyLineFailsTheStartSayingSo)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"odd-engine.sh"_s);
    QFile script(path);
    script.open(QIODevice::WriteOnly);
    script.write("#!/bin/sh\necho 'wsgi-engine-ready {\"version\": 1}'\nexec sleep 30\n");
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    EngineSession session;
    QSignalSpy failed(&session, &EngineSession::failed);
    EngineSession::LocalOptions options;
    options.enginePath = path;
    options.configText = u"WSGIDaemonProcess g\n"_s;
    session.startLocal(options);
    ASSERT_TRUE(failed.wait(5000));
    const QString reason = failed.at(0).at(0).toString();
    EXPECT_TRUE(reason.contains(u"ready line"_s)) << reason.toStdString();
    EXPECT_TRUE(reason.contains(u"\"version\" must be a string"_s)) << reason.toStdString();
    EXPECT_EQ(session.state(), EngineSession::State::Idle);
}

TEST(EngineSession, LocalStartThatFailsReportsTheEnginesWords)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bad-engine.sh"_s);
    QFile script(path);
    script.open(QIODevice::WriteOnly);
    script.write(
        "#!/bin/sh\necho 'engine.conf:1: error: no such directive [unknown-directive]' >&2\nexit 1\n");
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    EngineSession session;
    QSignalSpy failed(&session, &EngineSession::failed);
    EngineSession::LocalOptions options;
    options.enginePath = path;
    options.configText = u"Bogus\n"_s;
    session.startLocal(options);
    ASSERT_TRUE(failed.wait(5000));
    EXPECT_TRUE(failed.at(0).at(0).toString().contains(u"no such directive"_s));
    EXPECT_EQ(session.state(), EngineSession::State::Idle);
}

TEST(EngineFindings, ParsesTheEnginesFindingLines)
{
    const auto findings = parseEngineFindings(u"rejected:\n"
                                              "a.conf:7: error: bad value [bad-value]\n"
                                              "    hint: use a number\n"
                                              "a.conf: warning: no line here\n"
                                              "note: nowhere at all\n"
                                              "random text\n"_s);
    ASSERT_EQ(findings.size(), 3);
    EXPECT_EQ(findings[0].file, u"a.conf"_s);
    EXPECT_EQ(findings[0].line, 7);
    EXPECT_EQ(findings[0].code, u"bad-value"_s);
    EXPECT_EQ(findings[0].hint, u"use a number"_s);
    EXPECT_EQ(findings[0].text, u"a.conf:7: error: bad value [bad-value]\n    hint: use a number"_s);
    EXPECT_EQ(findings[1].file, u"a.conf"_s);
    EXPECT_EQ(findings[1].line, 0);
    EXPECT_EQ(findings[1].severity, u"warning"_s);
    EXPECT_TRUE(findings[2].file.isEmpty());
    EXPECT_EQ(findings[2].message, u"nowhere at all"_s);
}
