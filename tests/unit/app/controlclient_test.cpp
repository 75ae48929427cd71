// The control client against an in-process fake engine: hello checks, request/reply matching,
// typed signals, timeouts, malformed lines, lost connections, and the token staying out of errors.

#include "fakeengine.h"
#include "protocolsamples.h"
#include "session/controlclient.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QThread>

#include <gtest/gtest.h>

#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using namespace wsgi::studio;
using namespace wsgi::studio::testing;

namespace {

const QByteArray kToken = "tok-5ecr3t-value";

// Answers status and subscribe like the engine does.
void engineLikeResponder(FakeEngine& engine, const QJsonObject& request)
{
    const QString op = request.value(u"op"_s).toString();
    if (request.value(u"token"_s).toString().toUtf8() != kToken)
        engine.replyError(request, u"unauthorized"_s, u"wrong token"_s);
    else if (op == u"status"_s)
        engine.reply(request, statusResultJson({ProcessSpec{}}));
    else if (op == u"subscribe"_s)
        engine.reply(request, {{u"interval_ms"_s, request.value(u"interval_ms"_s)}});
    else
        engine.replyError(request, u"unknown-op"_s, u"unknown op"_s);
}

ControlError lastError(const QSignalSpy& spy)
{
    return spy.last().at(0).value<ControlError>();
}

} // namespace

TEST(ControlClient, ConnectsAfterAValidHello)
{
    FakeEngine engine;
    ControlClient client;
    QSignalSpy connected(&client, &ControlClient::connected);
    client.connectToEngine(engine.endpoint(), kToken);
    ASSERT_TRUE(connected.wait(5000));
    EXPECT_EQ(client.state(), ControlClient::State::Ready);
    EXPECT_EQ(client.hello().pid, 4242);
    EXPECT_EQ(connected.at(0).at(0).value<ControlHello>().version, 1);
}

TEST(ControlClient, StatusReplyBecomesStatusAvailable)
{
    FakeEngine engine;
    engine.setResponder(engineLikeResponder);
    ControlClient client;
    QSignalSpy status(&client, &ControlClient::statusAvailable);
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    client.connectToEngine(engine.endpoint(), kToken);
    // Asked before the hello arrived: the request waits for it.
    std::optional<ControlReply> reply;
    client.requestStatus([&](const ControlReply& r) { reply = r; });
    ASSERT_TRUE(status.wait(5000));
    const auto s = status.at(0).at(0).value<EngineStatus>();
    EXPECT_EQ(s.engine.pid, 4242);
    ASSERT_EQ(s.groups.size(), 1u);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok);
    EXPECT_EQ(reply->op, u"status"_s);
    EXPECT_TRUE(reply->result.contains(u"engine"_s));
    EXPECT_EQ(errors.count(), 0);

    // What went on the wire: one line with id, op and the token.
    ASSERT_EQ(engine.received().size(), 1);
    const QJsonObject sent = QJsonDocument::fromJson(engine.received().at(0)).object();
    EXPECT_EQ(sent.value(u"op"_s).toString(), u"status"_s);
    EXPECT_EQ(sent.value(u"token"_s).toString().toUtf8(), kToken);
    EXPECT_GE(sent.value(u"id"_s).toInteger(), 1);
}

TEST(ControlClient, RepliesAreMatchedByIdEvenOutOfOrder)
{
    FakeEngine engine;
    QList<QJsonObject> requests;
    engine.setResponder([&](FakeEngine& e, const QJsonObject& request) {
        requests << request;
        if (requests.size() == 2) { // answer the second first
            e.reply(requests[1], {{u"which"_s, 2}});
            e.reply(requests[0], {{u"which"_s, 1}});
        }
    });
    ControlClient client;
    client.connectToEngine(engine.endpoint(), kToken);
    QList<int> order;
    const uint64_t first = client.request(
        u"a"_s, {}, [&](const ControlReply& r) { order << r.result.value(u"which"_s).toInt(); });
    const uint64_t second = client.request(
        u"b"_s, {}, [&](const ControlReply& r) { order << r.result.value(u"which"_s).toInt(); });
    EXPECT_NE(first, second);
    ASSERT_TRUE(QTest::qWaitFor([&] { return order.size() == 2; }, 5000));
    EXPECT_EQ(order, (QList<int>{2, 1}));
}

TEST(ControlClient, RejectedTokenReachesTheHandlerAsEngineError)
{
    FakeEngine engine;
    engine.setResponder(engineLikeResponder);
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    client.connectToEngine(engine.endpoint(), "wrong");
    std::optional<ControlReply> reply;
    client.requestStatus([&](const ControlReply& r) { reply = r; });
    ASSERT_TRUE(QTest::qWaitFor([&] { return reply.has_value(); }, 5000));
    EXPECT_FALSE(reply->ok);
    EXPECT_EQ(reply->error.kind, ControlError::Kind::Engine);
    EXPECT_EQ(reply->error.code, u"unauthorized"_s);
    EXPECT_EQ(errors.count(), 0); // the handler owned it
}

TEST(ControlClient, FailureWithoutHandlerGoesToErrorOccurred)
{
    FakeEngine engine;
    engine.setResponder(engineLikeResponder);
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    client.connectToEngine(engine.endpoint(), kToken);
    client.request(u"frobnicate"_s);
    ASSERT_TRUE(errors.wait(5000));
    EXPECT_EQ(lastError(errors).kind, ControlError::Kind::Engine);
    EXPECT_EQ(lastError(errors).code, u"unknown-op"_s);
    EXPECT_EQ(client.state(), ControlClient::State::Ready); // one failed request is not a lost connection
}

TEST(ControlClient, WrongProtocolIsReportedAndDisconnects)
{
    FakeEngine engine;
    engine.setHello(R"({"protocol":"something-else","version":1})");
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    QSignalSpy disconnected(&client, &ControlClient::disconnected);
    std::optional<ControlReply> reply;
    client.connectToEngine(engine.endpoint(), kToken);
    client.requestStatus([&](const ControlReply& r) { reply = r; });
    ASSERT_TRUE(disconnected.wait(5000));
    ASSERT_EQ(errors.count(), 1);
    EXPECT_EQ(lastError(errors).kind, ControlError::Kind::Protocol);
    EXPECT_TRUE(lastError(errors).message.contains(u"something-else"_s));
    ASSERT_TRUE(reply); // the pending request heard it too
    EXPECT_EQ(reply->error.kind, ControlError::Kind::Protocol);
    EXPECT_EQ(client.state(), ControlClient::State::Disconnected);
    // The token never went out to a peer that is not the engine.
    EXPECT_TRUE(engine.received().isEmpty());
}

TEST(ControlClient, WrongVersionIsReported)
{
    FakeEngine engine;
    engine.setHello(R"({"protocol":"wsgi-engine-control","version":9,"pid":1,"auth":"token"})");
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    client.connectToEngine(engine.endpoint(), kToken);
    ASSERT_TRUE(errors.wait(5000));
    EXPECT_EQ(lastError(errors).kind, ControlError::Kind::Protocol);
    EXPECT_TRUE(lastError(errors).message.contains(u"version 9"_s))
        << lastError(errors).message.toStdString();
}

TEST(ControlClient, NoHelloTimesOutWithAHint)
{
    FakeEngine engine;
    engine.setHello({}); // like an HTTP server: waits for the client to speak first
    ControlClient client;
    client.setConnectTimeout(200ms);
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    client.connectToEngine(engine.endpoint(), kToken);
    ASSERT_TRUE(errors.wait(5000));
    EXPECT_EQ(lastError(errors).kind, ControlError::Kind::Timeout);
    EXPECT_TRUE(lastError(errors).message.contains(u"no hello"_s)) << lastError(errors).message.toStdString();
}

TEST(ControlClient, UnansweredRequestTimesOut)
{
    FakeEngine engine; // never answers
    ControlClient client;
    client.setRequestTimeout(150ms);
    client.connectToEngine(engine.endpoint(), kToken);
    std::optional<ControlReply> reply;
    client.request(u"status"_s, {}, [&](const ControlReply& r) { reply = r; });
    ASSERT_TRUE(QTest::qWaitFor([&] { return reply.has_value(); }, 5000));
    EXPECT_FALSE(reply->ok);
    EXPECT_EQ(reply->error.kind, ControlError::Kind::Timeout);
    EXPECT_TRUE(reply->error.message.contains(u"'status'"_s));
    EXPECT_EQ(client.state(), ControlClient::State::Ready);
}

TEST(ControlClient, ConnectionRefusedNamesHostAndPort)
{
    QTcpServer probe;
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close(); // nothing listens there now
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    client.connectToEngine({u"127.0.0.1"_s, port}, kToken);
    ASSERT_TRUE(errors.wait(5000));
    EXPECT_EQ(lastError(errors).kind, ControlError::Kind::Connection);
    const QString message = lastError(errors).message;
    EXPECT_TRUE(message.contains(u"connection refused at 127.0.0.1:"_s + QString::number(port)))
        << message.toStdString();
}

TEST(ControlClient, TelemetryEventsBecomeSamples)
{
    FakeEngine engine;
    engine.setResponder([](FakeEngine& e, const QJsonObject& request) {
        e.reply(request, {{u"interval_ms"_s, 100}});
        ProcessSpec second;
        second.process = 2;
        second.pid = 1002;
        e.send(compact(telemetryEventJson({ProcessSpec{}, second}, 100)));
    });
    ControlClient client;
    QSignalSpy samples(&client, &ControlClient::telemetryAvailable);
    QSignalSpy raw(&client, &ControlClient::eventAvailable);
    client.connectToEngine(engine.endpoint(), kToken);
    client.subscribe(100);
    ASSERT_TRUE(samples.wait(5000));
    const auto sample = samples.at(0).at(0).value<TelemetrySample>();
    ASSERT_EQ(sample.processes.size(), 2u);
    EXPECT_EQ(sample.processes[1].pid, 1002);
    EXPECT_EQ(sample.processes[0].phase(TimingPhase::Request).histogram.count(), 3);
    ASSERT_EQ(raw.count(), 1);
    EXPECT_EQ(raw.at(0).at(0).toJsonObject().value(u"event"_s).toString(), u"telemetry"_s);
    const QJsonObject sent = QJsonDocument::fromJson(engine.received().at(0)).object();
    EXPECT_EQ(sent.value(u"interval_ms"_s).toInt(), 100);
}

TEST(ControlClient, MalformedLinesAreReportedAndSkipped)
{
    FakeEngine engine;
    engine.setResponder([](FakeEngine& e, const QJsonObject& request) {
        e.send("this is not json");
        e.send(R"({"event":"telemetry","processes":[{"request_time_histogram":{"buckets":[[999999,1]]}}]})");
        e.send(R"({"event":"shiny-new-event"})"); // unknown events are ignored, not errors
        e.reply(request, statusResultJson({ProcessSpec{}}));
    });
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    QSignalSpy status(&client, &ControlClient::statusAvailable);
    client.connectToEngine(engine.endpoint(), kToken);
    client.requestStatus();
    ASSERT_TRUE(status.wait(5000)); // the stream stayed usable after the bad lines
    ASSERT_EQ(errors.count(), 2);
    EXPECT_EQ(errors.at(0).at(0).value<ControlError>().kind, ControlError::Kind::Malformed);
    EXPECT_EQ(errors.at(1).at(0).value<ControlError>().kind, ControlError::Kind::Malformed);
    EXPECT_TRUE(errors.at(1).at(0).value<ControlError>().message.contains(u"out of range"_s));
}

TEST(ControlClient, LinesSplitAcrossWritesAreReassembled)
{
    FakeEngine engine;
    engine.setHello({});
    ControlClient client;
    QSignalSpy connected(&client, &ControlClient::connected);
    QSignalSpy samples(&client, &ControlClient::telemetryAvailable);
    client.connectToEngine(engine.endpoint(), kToken);
    ASSERT_TRUE(QTest::qWaitFor([&] { return engine.hasClient(); }, 5000));
    const QByteArray bytes =
        FakeEngine::defaultHello() + "\r\n" + compact(telemetryEventJson({ProcessSpec{}})) + "\n";
    for (qsizetype i = 0; i < bytes.size(); i += 97) {
        engine.sendRaw(bytes.mid(i, 97));
        QTest::qWait(1);
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return samples.count() == 1; }, 5000));
    EXPECT_EQ(connected.count(), 1);
}

TEST(ControlClient, PeerClosingFailsPendingRequestsOnce)
{
    FakeEngine engine;
    engine.setResponder([](FakeEngine& e, const QJsonObject&) { e.closeClient(); });
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    QSignalSpy disconnected(&client, &ControlClient::disconnected);
    std::optional<ControlReply> reply;
    client.connectToEngine(engine.endpoint(), kToken);
    client.requestStatus([&](const ControlReply& r) { reply = r; });
    ASSERT_TRUE(disconnected.wait(5000));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error.kind, ControlError::Kind::Connection);
    EXPECT_EQ(errors.count(), 1);
    EXPECT_TRUE(lastError(errors).message.contains(u"closed the connection"_s));
    EXPECT_EQ(disconnected.count(), 1);
}

// Lines are decoded off the client's thread: what the engine sent before it closed is delivered
// before the close, as it was sent.
TEST(ControlClient, AReplySentJustBeforeThePeerClosesIsStillDelivered)
{
    FakeEngine engine;
    engine.setResponder([](FakeEngine& e, const QJsonObject& request) {
        e.reply(request, statusResultJson({ProcessSpec{}}));
        e.closeClient();
    });
    ControlClient client;
    QSignalSpy disconnected(&client, &ControlClient::disconnected);
    QSignalSpy status(&client, &ControlClient::statusAvailable);
    std::optional<ControlReply> reply;
    client.connectToEngine(engine.endpoint(), kToken);
    client.requestStatus([&](const ControlReply& r) { reply = r; });
    ASSERT_TRUE(disconnected.wait(5000));
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok) << reply->error.message.toStdString();
    EXPECT_EQ(status.count(), 1);
}

TEST(ControlClient, SamplesArriveInTheOrderSentThroughAConnectionThreadOfItsOwn)
{
    FakeEngine engine;
    engine.setResponder([](FakeEngine& e, const QJsonObject& request) {
        e.reply(request, {{u"interval_ms"_s, 100}});
        for (int i = 1; i <= 200; ++i) {
            ProcessSpec p;
            p.pid = 1000 + i;
            e.send(compact(telemetryEventJson({p}, 100)));
        }
    });
    ControlClient client;
    QSignalSpy samples(&client, &ControlClient::telemetryAvailable);
    client.connectToEngine(engine.endpoint(), kToken);
    client.subscribe(100);
    ASSERT_TRUE(QTest::qWaitFor([&] { return samples.count() == 200; }, 10000));
    for (int i = 0; i < 200; ++i)
        ASSERT_EQ(samples.at(i).at(0).value<TelemetrySample>().processes.at(0).pid, 1001 + i) << i;
    // The connection's own thread (socket and decoding), not this one.
    const QThread* connection = client.findChild<QThread*>(u"control-connection"_s);
    ASSERT_TRUE(connection);
    EXPECT_NE(connection, QThread::currentThread());
    EXPECT_TRUE(connection->isRunning());
}

TEST(ControlClient, RequestWhileDisconnectedFailsLater)
{
    ControlClient client;
    bool called = false;
    client.request(u"status"_s, {}, [&](const ControlReply& r) {
        called = true;
        EXPECT_EQ(r.error.kind, ControlError::Kind::Connection);
    });
    EXPECT_FALSE(called); // never inside the caller's own call
    ASSERT_TRUE(QTest::qWaitFor([&] { return called; }, 5000));
}

TEST(ControlClient, TheTokenAppearsInNoErrorMessage)
{
    FakeEngine engine;
    engine.setResponder([](FakeEngine& e, const QJsonObject& request) {
        e.replyError(request, u"unauthorized"_s, u"wrong token"_s);
        e.send("garbage");
        e.closeClient();
    });
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    QSignalSpy disconnected(&client, &ControlClient::disconnected);
    QStringList messages;
    client.connectToEngine(engine.endpoint(), kToken);
    client.requestStatus([&](const ControlReply& r) { messages << r.error.message; });
    ASSERT_TRUE(disconnected.wait(5000));
    for (const auto& args : errors)
        messages << args.at(0).value<ControlError>().message;
    ASSERT_FALSE(messages.isEmpty());
    for (const QString& m : messages)
        EXPECT_FALSE(m.contains(QString::fromUtf8(kToken))) << m.toStdString();
}
