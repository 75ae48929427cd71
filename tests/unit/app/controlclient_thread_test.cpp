// The control client's socket runs on a thread of its own: requests go out and replies are decoded
// while the owner's thread is blocked (building a window), and are delivered once its event loop
// runs. Against a stand-in engine on another thread, so that it answers while this one is blocked.

#include "fakeengine.h"
#include "session/controlclient.h"
#include "threadedengine.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <optional>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using namespace wsgi::studio;
using namespace wsgi::studio::testing;

namespace {

const QByteArray kToken = "tok-5ecr3t-value";

} // namespace

TEST(ControlClientThread, ARequestIsSentWhileTheOwnerIsBlockedAndItsReplyWaitsForTheEventLoop)
{
    ThreadedEngine engine(FakeEngine::defaultHello());
    ControlClient client;
    QSignalSpy status(&client, &ControlClient::statusAvailable);
    std::optional<ControlReply> reply;
    client.connectToEngine(engine.endpoint(), kToken);
    client.requestStatus([&](const ControlReply& r) { reply = r; });

    std::this_thread::sleep_for(300ms); // the owner is busy: no event loop runs on this thread
    const auto blockEnded = std::chrono::steady_clock::now();

    const auto received = engine.received();
    ASSERT_EQ(received.size(), 1) << "the hello was not answered while the owner was blocked";
    EXPECT_LT(received.at(0).at, blockEnded);
    const QJsonObject sent = QJsonDocument::fromJson(received.at(0).line).object();
    EXPECT_EQ(sent.value(u"op"_s).toString(), u"status"_s);
    EXPECT_EQ(sent.value(u"token"_s).toString().toUtf8(), kToken);
    // Nothing reached this thread while it was blocked: every callback runs on the owner's thread.
    EXPECT_FALSE(reply);
    EXPECT_EQ(status.count(), 0);

    // The reply was read and decoded during the block: one turn of the event loop delivers it.
    QCoreApplication::processEvents();
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok) << reply->error.message.toStdString();
    EXPECT_EQ(status.count(), 1);
    EXPECT_EQ(client.state(), ControlClient::State::Ready);
    EXPECT_EQ(client.hello().pid, 4242);
}

TEST(ControlClientThread, APeerWithABadHelloNeverReceivesTheTokenEvenWhileTheOwnerIsBlocked)
{
    // An HTTP server's first words, say, on a port someone took for the control port.
    // Its bad hello comes late, so a request sent too early would be read before the client hangs up.
    ThreadedEngine peer("HTTP/1.1 400 Bad Request", /*answerStatus=*/false, 100ms);
    ControlClient client;
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    std::optional<ControlReply> reply;
    client.connectToEngine(peer.endpoint(), kToken);
    client.requestStatus([&](const ControlReply& r) { reply = r; });
    std::this_thread::sleep_for(300ms); // the connection's thread alone decides what to send

    ASSERT_TRUE(QTest::qWaitFor([&] { return reply.has_value(); }, 5000));
    EXPECT_EQ(reply->error.kind, ControlError::Kind::Protocol);
    ASSERT_EQ(errors.count(), 1);
    EXPECT_EQ(errors.at(0).at(0).value<ControlError>().kind, ControlError::Kind::Protocol);
    EXPECT_EQ(client.state(), ControlClient::State::Disconnected);
    QTest::qWait(100);
    EXPECT_TRUE(peer.received().isEmpty()); // not the request, not the token
}

TEST(ControlClientThread, WhatAConnectionHadInFlightWhenItWasClosedIsNeverDelivered)
{
    ThreadedEngine engine(FakeEngine::defaultHello());
    ControlClient client;
    QSignalSpy connected(&client, &ControlClient::connected);
    QSignalSpy status(&client, &ControlClient::statusAvailable);
    QSignalSpy errors(&client, &ControlClient::errorOccurred);
    QSignalSpy disconnected(&client, &ControlClient::disconnected);
    bool handled = false;
    client.connectToEngine(engine.endpoint(), kToken);
    client.requestStatus([&](const ControlReply&) { handled = true; });
    std::this_thread::sleep_for(300ms); // the hello and the reply are decoded and queued to this thread
    ASSERT_EQ(engine.received().size(), 1);

    client.disconnectFromEngine();
    QTest::qWait(100);
    EXPECT_EQ(connected.count(), 0);
    EXPECT_EQ(status.count(), 0);
    EXPECT_FALSE(handled);
    EXPECT_EQ(errors.count(), 0);
    EXPECT_EQ(disconnected.count(), 0);
    EXPECT_EQ(client.state(), ControlClient::State::Disconnected);

    // The same client connects again, to another engine, and hears only that one.
    ThreadedEngine second(FakeEngine::defaultHello());
    client.connectToEngine(second.endpoint(), kToken);
    client.requestStatus();
    ASSERT_TRUE(status.wait(5000));
    EXPECT_EQ(status.count(), 1);
    EXPECT_EQ(connected.count(), 1);
}

TEST(ControlClientThread, DeletingTheClientInAHandlerWithMoreLinesQueuedIsSafe)
{
    ThreadedEngine engine(FakeEngine::defaultHello());
    auto* client = new ControlClient;
    QPointer<ControlClient> watch(client);
    int handled = 0;
    client->connectToEngine(engine.endpoint(), kToken);
    for (int i = 0; i < 3; ++i)
        client->requestStatus([&](const ControlReply&) {
            ++handled;
            delete client; // the other two replies are already decoded and queued
        });
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(QTest::qWaitFor([&] { return watch.isNull(); }, 5000));
    QTest::qWait(100);
    EXPECT_EQ(handled, 1);
}
