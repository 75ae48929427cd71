// Connections that send nothing, or nothing more: they are closed at the request-head deadline
// (RequestReadTimeout header=, counted from the accept) or at KeepAliveTimeout between requests,
// instead of piling up for ever. Both dispatch modes.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"
#include "hardening/proxy_rawclient.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

using namespace wsgi::testing;
using Clock = std::chrono::steady_clock;

namespace {

TEST(SlowClients, ConnectionsThatNeverSendAByteAreClosedAtTheHeadDeadline)
{
    EngineProcess engine(hardeningConfig("RequestReadTimeout header=2-3,MinRate=500 body=2,MinRate=500\n"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    constexpr int kClients = 30;
    std::vector<std::unique_ptr<RawClient>> silent;
    const auto start = Clock::now();
    for (int i = 0; i < kClients; ++i) {
        silent.push_back(std::make_unique<RawClient>(engine.port()));
        ASSERT_TRUE(silent.back()->connected());
    }
    std::vector<double> closedAfter(kClients, -1);
    int open = kClients;
    while (open > 0 && secondsSince(start) < 10) {
        for (int i = 0; i < kClients; ++i)
            if (closedAfter[size_t(i)] < 0 && silent[size_t(i)]->pump(std::chrono::milliseconds(10))) {
                closedAfter[size_t(i)] = secondsSince(start);
                --open;
            }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(open, 0) << "connections that never sent a byte are still open after 10 s with header=2-3";
    for (int i = 0; i < kClients; ++i) {
        EXPECT_GE(closedAfter[size_t(i)], 1.5) << "client " << i << " closed before the 2 s head deadline";
        EXPECT_LE(closedAfter[size_t(i)], 6.0) << "client " << i;
    }
    // The engine still serves.
    EXPECT_EQ(httpGet(engine.port(), "/").status, 200);
}

TEST(SlowClients, AnIdleKeepAliveConnectionIsClosedAtKeepAliveTimeout)
{
    EngineProcess engine(hardeningConfig("KeepAliveTimeout 1\n"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    HttpConnection c(engine.port());
    c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const HttpResponse r = c.read();
    ASSERT_EQ(r.status, 200);
    ASSERT_FALSE(r.closed);
    const auto start = Clock::now();
    EXPECT_TRUE(c.peerClosed(std::chrono::seconds(6))) << "idle keep-alive connection open after 6 s";
    EXPECT_GE(secondsSince(start), 0.5);
    EXPECT_LE(secondsSince(start), 4.0);
}

TEST(SlowClients, AKeepAliveConnectionGetsTheFullHeadDeadlineForItsNextRequest)
{
    // The keep-alive wait ends with the next request's first byte; from then on the head deadline
    // applies, so a request that arrives in pieces within it is served.
    EngineProcess engine(
        hardeningConfig("KeepAliveTimeout 1\nRequestReadTimeout header=4-6,MinRate=500 body=4\n"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    RawClient c(engine.port());
    ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_TRUE(c.send("GET / HTTP/1.1\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // past KeepAliveTimeout, within header=4
    ASSERT_TRUE(c.send("Host: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    c.pump(std::chrono::seconds(5));
    EXPECT_EQ(c.received().find("HTTP/1.1 200"), 0u) << c.received();
    EXPECT_NE(c.received().find("HTTP/1.1 200", 5), std::string::npos) << c.received();
}

TEST(SlowClients, AClientThatStopsReadingIsDroppedAfterTimeout)
{
    // No socket-timeout: it defaults to Apache's Timeout, here 2 s.
    EngineProcess engine(hardeningConfig("Timeout 2\n", "processes=1 threads=1"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    // An endless download whose client reads the head and then nothing more, without leaving.
    RawClient stalled(engine.port(), 16384);
    stalled.send("GET /stream?chunks=1000000&size=65536 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    stalled.pump(std::chrono::milliseconds(300));
    ASSERT_EQ(stalled.status(), 200);
    // Once nothing moves for Timeout, the write (direct mode) or the supervisor's relay (proxy mode)
    // gives up, the stream's close() runs and the only thread serves the next client.
    const auto start = Clock::now();
    HttpConnection next(engine.port());
    next.send("GET /closed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const HttpResponse r = next.read(false, std::chrono::seconds(10));
    EXPECT_EQ(r.status, 200) << engine.log();
    EXPECT_EQ(r.body.rfind("closed 1 ", 0), 0u) << r.body;
    EXPECT_LT(secondsSince(start), 7.0);
}

} // namespace
