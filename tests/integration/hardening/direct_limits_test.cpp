// Direct mode's limits: listen-backlog (connections accepted while every thread is busy wait for a
// thread up to the limit, beyond it the answer is 503, as mod_wsgi's full daemon backlog gets from
// Apache) and socket-timeout (a request that sends nothing gets 504, a stalled response is cut).
// Proxy mode has the same behaviour from the supervisor, tested in engine_test and proxy_*_test.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"
#include "hardening/proxy_rawclient.h"

#include <gtest/gtest.h>

#include <thread>

using namespace wsgi::testing;
using Clock = std::chrono::steady_clock;

namespace {

TEST(DirectLimits, ListenBacklogFullAnswers503AndTheQueuedAreServed)
{
    if (!directDispatch())
        GTEST_SKIP()
            << "proxy mode: the supervisor's queue, tested in engine_test (ListenBacklogFullAnswers503)";
    EngineProcess engine(hardeningConfig("", "processes=1 threads=1 listen-backlog=2"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    RawClient busy(engine.port());
    busy.send("GET /hang?seconds=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // Two wait for the one thread; the next ones are refused at once.
    std::vector<std::unique_ptr<RawClient>> queued;
    for (int i = 0; i < 2; ++i) {
        queued.push_back(std::make_unique<RawClient>(engine.port()));
        queued.back()->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const auto start = Clock::now();
    RawClient refused(engine.port());
    refused.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(refused.pump(std::chrono::seconds(5)));
    EXPECT_EQ(refused.status(), 503) << refused.received();
    EXPECT_LT(secondsSince(start), 1.0) << "the refusal waited for the busy thread";
    EXPECT_NE(refused.received().find("listen-backlog=2"), std::string::npos) << refused.received();
    EXPECT_FALSE(refused.reset());
    busy.pump(std::chrono::seconds(5));
    EXPECT_EQ(busy.status(), 200);
    for (auto& q : queued) {
        q->pump(std::chrono::seconds(5));
        EXPECT_EQ(q->status(), 200) << q->received();
    }
}

TEST(DirectLimits, SocketTimeoutAnswers504AndTheThreadComesBack)
{
    if (!directDispatch())
        GTEST_SKIP() << "proxy mode: tested in engine_test (SocketTimeoutAnswers504AndTheThreadComesBack)";
    EngineProcess engine(hardeningConfig("", "processes=1 threads=1 socket-timeout=2"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    const auto start = Clock::now();
    const HttpResponse slow = httpGet(engine.port(), "/hang?seconds=4");
    EXPECT_EQ(slow.status, 504) << engine.log();
    EXPECT_NE(slow.body.find("socket-timeout"), std::string::npos) << slow.body;
    EXPECT_GE(secondsSince(start), 1.5);
    EXPECT_LT(secondsSince(start), 3.8) << "the 504 waited for the application";
    // Once the hung request ends, its thread serves again.
    const HttpResponse next = httpGet(engine.port(), "/");
    EXPECT_EQ(next.status, 200);
    EXPECT_LT(secondsSince(start), 8.0);
}

TEST(DirectLimits, AResponseThatStallsLongerThanSocketTimeoutIsCut)
{
    if (!directDispatch())
        GTEST_SKIP() << "proxy mode: the supervisor's socket-timeout, tested in proxy_slowclients_test";
    EngineProcess engine(hardeningConfig("", "processes=1 threads=1 socket-timeout=1"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    RawClient c(engine.port());
    const auto start = Clock::now();
    c.send("GET /stream?chunks=3&size=10&delay=3000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_TRUE(c.pump(std::chrono::seconds(6)));
    EXPECT_EQ(c.status(), 200);
    EXPECT_LT(secondsSince(start), 2.8) << "the stalled stream was not cut at socket-timeout=1";
}

} // namespace
