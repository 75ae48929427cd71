// Accepting in direct mode: connections that arrive together are all accepted at once, whatever the
// processes' connection counts, and still end up spread over the group's processes (a connection
// stays with the process that accepted it). Proxy mode runs the same burst as a reference.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>

using namespace wsgi::testing;
using Clock = std::chrono::steady_clock;

namespace {

TEST(DirectAccept, HundredKeepAliveClientsConnectingTogetherAreAllAnsweredPromptly)
{
    EngineProcess engine("WSGIDaemonProcess g processes=2 threads=2\n"
                         "WSGIScriptAlias / " +
                         testAppPath("gilstate.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();

    // Both processes are up (the second may still be importing when the first answers).
    std::set<std::string> seen;
    for (int i = 0; i < 200 && seen.size() < 2; ++i) {
        seen.insert(pidOf(httpGet(engine.port(), "/").body));
        if (seen.size() < 2)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(seen.size(), 2u) << engine.log();

    constexpr int kClients = 100;
    std::vector<std::unique_ptr<HttpConnection>> clients;
    const auto start = Clock::now();
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<HttpConnection>(engine.port()));
        ASSERT_TRUE(clients.back()->connected()) << "connection " << i;
    }
    for (auto& c : clients)
        c->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    std::map<std::string, int> perProcess;
    double slowest = 0;
    int answered = 0;
    for (auto& c : clients) {
        const HttpResponse r = c->read(false, std::chrono::seconds(25));
        slowest = std::max(slowest, std::chrono::duration<double>(Clock::now() - start).count());
        if (r.status == 200) {
            ++answered;
            ++perProcess[pidOf(r.body)];
        }
    }
    EXPECT_EQ(answered, kClients) << engine.log();
    // Each request takes well under a millisecond: anything near seconds is waiting to be accepted.
    EXPECT_LT(slowest, 4.0) << "the last of " << kClients << " clients waited this long for its first answer";

    if (directDispatch()) {
        // The connections are spread over both processes, or one of them would serve all the load.
        ASSERT_EQ(perProcess.size(), 2u);
        for (const auto& [pid, n] : perProcess)
            EXPECT_GE(n, 25) << "process " << pid << " holds " << n << " of " << kClients << " connections";
    }

    // The same connections, kept alive, are all served again.
    for (auto& c : clients)
        c->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    int again = 0;
    for (auto& c : clients)
        again += c->read(false, std::chrono::seconds(10)).status == 200;
    EXPECT_EQ(again, kClients);
}

TEST(DirectAccept, WavesOfNewConnectionsNeverWaitForATick)
{
    // Each wave leaves the processes' counts uneven for a moment (connections close at different
    // times); a new connection must still be taken at once by whichever process is woken.
    EngineProcess engine("WSGIDaemonProcess g processes=3 threads=1\n"
                         "WSGIScriptAlias / " +
                         testAppPath("gilstate.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    std::vector<std::unique_ptr<HttpConnection>> held;
    for (int i = 0; i < 7; ++i) // uneven counts: 3, 2, 2 or so
        held.push_back(std::make_unique<HttpConnection>(engine.port()));
    for (auto& c : held) {
        c->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        ASSERT_EQ(c->read().status, 200);
    }
    double slowest = 0;
    for (int wave = 0; wave < 20; ++wave) {
        const auto start = Clock::now();
        std::vector<std::unique_ptr<HttpConnection>> burst;
        for (int i = 0; i < 5; ++i) {
            burst.push_back(std::make_unique<HttpConnection>(engine.port()));
            burst.back()->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        }
        for (auto& c : burst)
            EXPECT_EQ(c->read(false, std::chrono::seconds(10)).status, 200);
        slowest = std::max(slowest, std::chrono::duration<double>(Clock::now() - start).count());
    }
    EXPECT_LT(slowest, 1.0) << "a wave of 5 connections took this long to be answered";
}

} // namespace
