// Slow clients against the real engine: a request head or body that trickles in must not hold a
// connection or a request thread past RequestReadTimeout (mod_reqtimeout's total deadline plus
// minimum rate, not a per-read timer), and a request that hangs gets 504 after socket-timeout,
// which defaults to Apache's Timeout. Both dispatch modes.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"
#include "hardening/proxy_rawclient.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace wsgi::testing;
using Clock = std::chrono::steady_clock;

namespace {

TEST(ProxySlowClients, SlowlorisHeadsAreCutAtTheHeaderDeadlineNotKeptAliveByEachByte)
{
    EngineProcess engine(hardeningConfig("RequestReadTimeout header=2-3,MinRate=500 body=20,MinRate=500\n"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();

    // 20 clients each send a request line and then one header byte every 400 ms: far below MinRate,
    // so the deadline moves by 2 ms a byte and stays within header=2-3 however long they go on.
    constexpr int kClients = 20;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<RawClient>(engine.port()));
        ASSERT_TRUE(clients.back()->connected());
        clients.back()->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    }
    const auto start = Clock::now();
    std::vector<double> closedAfter(kClients, -1);
    int open = kClients;
    while (open > 0 && secondsSince(start) < 9) {
        for (int i = 0; i < kClients; ++i) {
            if (closedAfter[size_t(i)] >= 0)
                continue;
            clients[size_t(i)]->send("a");
            if (clients[size_t(i)]->pump(std::chrono::milliseconds(20))) {
                closedAfter[size_t(i)] = secondsSince(start);
                --open;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
    EXPECT_EQ(open, 0) << "slow heads still open after 9 s with header=2-3";
    for (int i = 0; i < kClients; ++i) {
        EXPECT_GE(closedAfter[size_t(i)], 1.5) << "client " << i << " cut before the initial 2 s";
        EXPECT_LE(closedAfter[size_t(i)], 6.0) << "client " << i;
        // A response is still possible: the engine says why it closes.
        EXPECT_EQ(clients[size_t(i)]->status(), 408) << clients[size_t(i)]->received();
    }
    // Other clients are served meanwhile and afterwards.
    EXPECT_EQ(httpGet(engine.port(), "/").status, 200);
}

TEST(ProxySlowClients, SlowBodiesGiveUpTheirThreadsAtTheBodyDeadline)
{
    EngineProcess engine(hardeningConfig("RequestReadTimeout header=20-40,MinRate=500 body=2,MinRate=500\n"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();

    // Two POSTs, one per request thread of the 1x2 group, trickle their bodies a byte every 400 ms.
    // The bodies are large, so they stream to the application as they come (a small one would be
    // read before the request takes a thread: see the next test).
    std::atomic<bool> stop{false};
    std::vector<std::unique_ptr<RawClient>> slow;
    for (int i = 0; i < 2; ++i) {
        slow.push_back(std::make_unique<RawClient>(engine.port()));
        slow.back()->send("POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n" +
                          std::string(1000, 'b'));
    }
    const auto start = Clock::now();
    std::thread trickle([&] {
        while (!stop && secondsSince(start) < 15) {
            for (auto& c : slow)
                if (!c->closed())
                    c->send("b");
            std::this_thread::sleep_for(std::chrono::milliseconds(400));
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // both are being read by their threads

    // A third request needs one of those threads: it is served once the body deadline frees them.
    HttpConnection third(engine.port());
    third.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const HttpResponse r = third.read(false, std::chrono::seconds(10));
    const double servedAfter = secondsSince(start);
    EXPECT_EQ(r.status, 200) << engine.log();
    EXPECT_LT(servedAfter, 7.0) << "a slow body held its request thread past body=2";

    for (auto& c : slow) {
        EXPECT_TRUE(c->pump(std::chrono::seconds(5))) << "a slow body's connection stayed open";
        EXPECT_EQ(c->status(), 408) << c->received();
    }
    stop = true;
    trickle.join();
}

TEST(ProxySlowClients, SmallSlowBodiesDoNotTakeARequestThreadAtAll)
{
    if (directDispatch())
        GTEST_SKIP() << "in direct mode the request thread reads its own body; reading it first is the "
                        "supervisor's";
    EngineProcess engine(hardeningConfig("RequestReadTimeout header=20-40,MinRate=500 body=2,MinRate=500\n"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    std::vector<std::unique_ptr<RawClient>> slow;
    for (int i = 0; i < 4; ++i) { // twice as many as the group has threads
        slow.push_back(std::make_unique<RawClient>(engine.port()));
        slow.back()->send("POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nb");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto start = Clock::now();
    const HttpResponse r = httpGet(engine.port(), "/");
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(secondsSince(start), 1.0) << "a request waited behind bodies that have not arrived";
    for (auto& c : slow) {
        EXPECT_TRUE(c->pump(std::chrono::seconds(5)));
        EXPECT_EQ(c->status(), 408) << c->received();
    }
    // A small body that does arrive is served as usual.
    HttpConnection post(engine.port());
    post.send("POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nab");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    post.send("cde");
    const HttpResponse read = post.read();
    EXPECT_EQ(read.status, 200);
    EXPECT_EQ(read.body, "read 5");
}

TEST(ProxySlowClients, AHangingRequestGets504AfterSocketTimeout)
{
    EngineProcess engine(hardeningConfig("", "processes=1 threads=2 socket-timeout=2"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    const auto start = Clock::now();
    const HttpResponse r = httpGet(engine.port(), "/hang?seconds=5");
    EXPECT_EQ(r.status, 504) << engine.log();
    EXPECT_GE(secondsSince(start), 1.5);
    EXPECT_LT(secondsSince(start), 6.0);
}

TEST(ProxySlowClients, SocketTimeoutCountsFromTheEndOfTheBodyNotItsStart)
{
    // An upload that takes longer than socket-timeout, at a fine rate, is not a hanging request.
    EngineProcess engine(hardeningConfig("", "processes=1 threads=2 socket-timeout=2"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    HttpConnection c(engine.port());
    c.send("POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n");
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        c.send(std::string(200000, 'u'));
    }
    const HttpResponse r = c.read(false, std::chrono::seconds(10));
    EXPECT_EQ(r.status, 200) << engine.log();
    EXPECT_EQ(r.body, "read 1000000");
}

TEST(ProxySlowClients, SocketTimeoutDefaultsToApachesTimeoutDirective)
{
    // No socket-timeout: mod_wsgi takes Apache's Timeout (60 s by default; 2 here to keep it short).
    EngineProcess engine(hardeningConfig("Timeout 2\n"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    const auto start = Clock::now();
    const HttpResponse r = httpGet(engine.port(), "/hang?seconds=5");
    EXPECT_EQ(r.status, 504) << engine.log();
    EXPECT_LT(secondsSince(start), 6.0);
}

} // namespace
