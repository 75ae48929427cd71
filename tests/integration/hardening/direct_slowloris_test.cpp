// A slowloris and slow-body attack must not slow down a normal client: connections still reading
// their request head or a small body hold neither a request thread nor a listen-backlog slot, only
// their connection (until the RequestReadTimeout deadline). Both dispatch modes; in direct mode the
// request threads read heads themselves, so this is where a trickled body once held every thread.

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

TEST(Slowloris, ANormalClientIsServedPromptlyWhileSlowHeadsAndBodiesTrickle)
{
    // Deadlines longer than the test: the attack stays in place throughout. A small listen-backlog,
    // so slow connections counted as waiting for a thread would turn the normal client away.
    EngineProcess engine("RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500\n"
                         "WSGIDaemonProcess g processes=1 threads=2 listen-backlog=10\n"
                         "WSGIScriptAlias / " +
                         testAppPath("hardening.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();

    constexpr int kHeads = 30;
    constexpr int kBodies = 4; // twice the threads
    std::vector<std::unique_ptr<RawClient>> slow;
    for (int i = 0; i < kHeads + kBodies; ++i) {
        slow.push_back(std::make_unique<RawClient>(engine.port()));
        ASSERT_TRUE(slow.back()->connected());
        slow.back()->send(i < kHeads
                              ? "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                              : "POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n");
    }
    std::atomic<bool> attacking{true};
    std::thread trickle([&] {
        while (attacking.load()) {
            for (auto& c : slow)
                c->send("a");
            for (int i = 0; i < 5 && attacking.load(); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // every slow connection is in place

    std::vector<double> latencies;
    for (int i = 0; i < 20; ++i) {
        const auto start = Clock::now();
        const HttpResponse r = httpGet(engine.port(), "/");
        latencies.push_back(secondsSince(start));
        EXPECT_EQ(r.status, 200) << "request " << i << ": " << r.body;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    attacking = false;
    trickle.join();
    for (size_t i = 0; i < latencies.size(); ++i)
        EXPECT_LT(latencies[i], 1.0) << "request " << i << " waited behind the slow connections";
    // The attack was in place all along: the slow connections are still open (their deadlines are
    // far off), none was turned away.
    int closed = 0;
    for (auto& c : slow)
        closed += c->pump(std::chrono::milliseconds(1)) ? 1 : 0;
    EXPECT_EQ(closed, 0) << "slow connections were closed or refused before their deadline";
}

TEST(Slowloris, SlowHeadsTakeNoListenBacklogPlace)
{
    // The only thread is busy, so new connections wait (direct mode: accepted by the overflow
    // thread). Five slow heads must not fill listen-backlog=2: a complete request still queues.
    EngineProcess engine(hardeningConfig("RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500\n",
                                         "processes=1 threads=1 listen-backlog=2"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    RawClient busy(engine.port());
    busy.send("GET /hang?seconds=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::vector<std::unique_ptr<RawClient>> heads;
    for (int i = 0; i < 5; ++i) {
        heads.push_back(std::make_unique<RawClient>(engine.port()));
        heads.back()->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    RawClient normal(engine.port());
    normal.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(normal.pump(std::chrono::seconds(8)));
    EXPECT_EQ(normal.status(), 200) << normal.received();
    busy.pump(std::chrono::seconds(5));
    EXPECT_EQ(busy.status(), 200) << busy.received();
    for (size_t i = 0; i < heads.size(); ++i) {
        EXPECT_FALSE(heads[i]->pump(std::chrono::milliseconds(1))) << "slow head " << i << " was turned away";
        EXPECT_EQ(heads[i]->received(), "") << "slow head " << i;
    }
}

} // namespace
