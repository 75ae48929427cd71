// Clients that leave in the middle of a streamed response: the application must stop being
// iterated and its close() must run promptly (PEP 3333), so that the request threads are free again.
// Both dispatch modes.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"
#include "hardening/proxy_rawclient.h"

#include <gtest/gtest.h>

#include <thread>

using namespace wsgi::testing;
using Clock = std::chrono::steady_clock;

namespace {

TEST(ProxyVanishedClients, DroppedStreamsFreeTheirThreadsAndAreClosed)
{
    EngineProcess engine(hardeningConfig());
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();

    // Two endless downloads, one per thread of the 1x2 group: one as fast as the client reads (its
    // writes block once the client stops reading), one paced, 20 ms a chunk.
    RawClient fast(engine.port(), 16384);
    RawClient paced(engine.port());
    fast.send("GET /stream?chunks=1000000&size=65536 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    paced.send("GET /stream?chunks=1000000&size=1024&delay=20 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    fast.pump(std::chrono::milliseconds(500));
    paced.pump(std::chrono::milliseconds(500));
    ASSERT_EQ(fast.status(), 200) << fast.received().substr(0, 200);
    ASSERT_EQ(paced.status(), 200) << paced.received().substr(0, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the fast one fills every buffer
    fast.abort();
    paced.close();

    // A third request needs one of the two threads.
    const auto start = Clock::now();
    HttpConnection third(engine.port());
    third.send("GET /closed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    HttpResponse r = third.read(false, std::chrono::seconds(8));
    EXPECT_EQ(r.status, 200) << "no thread came free after both clients left\n" << engine.log();
    EXPECT_LT(secondsSince(start), 5.0);

    // Both responses were closed (not merely abandoned), and nothing iterates them any more.
    std::string closed;
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline) {
        closed = httpGet(engine.port(), "/closed").body;
        if (closed.rfind("closed 2 ", 0) == 0)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(closed.rfind("closed 2 ", 0), 0u) << closed;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(httpGet(engine.port(), "/closed").body, closed) << "a response is still being iterated";
}

} // namespace
