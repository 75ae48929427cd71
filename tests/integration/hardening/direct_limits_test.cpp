// Direct mode's limits: listen-backlog (connections accepted while every thread is busy wait for a
// thread up to the limit, beyond it the answer is 503, as mod_wsgi's full daemon backlog gets from
// Apache) and socket-timeout (a request that sends nothing gets 504, a stalled response is cut).
// Proxy mode has the same behaviour from the supervisor, tested in engine_test and proxy_*_test.

#include "enginefixture.h"
#include "hardening/proxy_rawclient.h"

#include <gtest/gtest.h>

#include <thread>

using namespace wsgi::testing;
using Clock = std::chrono::steady_clock;

namespace {

std::string config(const std::string& groupOptions)
{
    return "WSGIDaemonProcess g " + groupOptions + "\n" + "WSGIScriptAlias / " + testAppPath("hardening.py") +
           " process-group=g application-group=%{GLOBAL}\n";
}

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

TEST(DirectLimits, ListenBacklogFullAnswers503AndTheQueuedAreServed)
{
    if (!directDispatch())
        GTEST_SKIP()
            << "proxy mode: the supervisor's queue, tested in engine_test (ListenBacklogFullAnswers503)";
    EngineProcess engine(config("processes=1 threads=1 listen-backlog=2"));
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
    EngineProcess engine(config("processes=1 threads=1 socket-timeout=2"));
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
    EngineProcess engine(config("processes=1 threads=1 socket-timeout=1"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    RawClient c(engine.port());
    const auto start = Clock::now();
    c.send("GET /stream?chunks=3&size=10&delay=3000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_TRUE(c.pump(std::chrono::seconds(6)));
    EXPECT_EQ(c.status(), 200);
    EXPECT_LT(secondsSince(start), 2.8) << "the stalled stream was not cut at socket-timeout=1";
}

TEST(DirectLimits, AClientThatStopsReadingIsDroppedAfterTimeout)
{
    if (!directDispatch())
        GTEST_SKIP() << "proxy mode: the supervisor's relay, tested in proxy_vanished_test";
    // No socket-timeout: it defaults to Apache's Timeout, here 2 s.
    EngineProcess engine("Timeout 2\n"
                         "WSGIDaemonProcess g processes=1 threads=1\n"
                         "WSGIScriptAlias / " +
                         testAppPath("hardening.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    // An endless download whose client reads the head and then nothing more, without leaving.
    RawClient stalled(engine.port(), 16384);
    stalled.send("GET /stream?chunks=1000000&size=65536 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    stalled.pump(std::chrono::milliseconds(300));
    ASSERT_EQ(stalled.status(), 200);
    // Once nothing moves for Timeout, the write gives up, the stream's close() runs and the only
    // thread serves the next client.
    const auto start = Clock::now();
    HttpConnection next(engine.port());
    next.send("GET /closed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const HttpResponse r = next.read(false, std::chrono::seconds(10));
    EXPECT_EQ(r.status, 200) << engine.log();
    EXPECT_EQ(r.body.rfind("closed 1 ", 0), 0u) << r.body;
    EXPECT_LT(secondsSince(start), 6.0);
}

} // namespace
