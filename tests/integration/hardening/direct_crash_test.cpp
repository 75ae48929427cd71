// Direct mode's documented trade-off (README, dispatch modes): a worker process that crashes takes
// the connections it holds with it, idle keep-alive ones included; the other processes' connections
// are untouched and new connections are served at once.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <vector>

using namespace wsgi::testing;

namespace {

TEST(DirectCrash, ACrashClosesOnlyTheConnectionsOfTheProcessThatDied)
{
    if (!directDispatch())
        GTEST_SKIP() << "proxy mode: the supervisor holds the connections and answers 500 (engine_test)";
    EngineProcess engine("WSGIDaemonProcess g processes=2 threads=1\n"
                         "WSGIScriptAlias / " +
                         testAppPath("gilstate.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    // At least ten keep-alive connections, and more until both processes hold some: on a loaded
    // machine the second process may still be starting when the first answers.
    std::vector<std::unique_ptr<HttpConnection>> clients;
    std::vector<std::string> pids;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (clients.size() < 10 || (std::set<std::string>(pids.begin(), pids.end()).size() < 2 &&
                                   std::chrono::steady_clock::now() < deadline)) {
        if (clients.size() >= 10)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        clients.push_back(std::make_unique<HttpConnection>(engine.port()));
        clients.back()->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const HttpResponse r = clients.back()->read();
        ASSERT_EQ(r.status, 200);
        pids.push_back(pidOf(r.body));
    }
    const std::string victim = pids[0];
    size_t survivors = 0;
    for (const auto& p : pids)
        survivors += p != victim;
    ASSERT_GT(survivors, 0u) << "all " << clients.size() << " connections went to one process";

    clients[0]->send("GET /crash HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_TRUE(clients[0]->read(false, std::chrono::seconds(10)).incomplete);
    for (size_t i = 1; i < clients.size(); ++i) {
        if (pids[i] == victim) {
            EXPECT_TRUE(clients[i]->peerClosed(std::chrono::seconds(5))) << "connection " << i;
            continue;
        }
        clients[i]->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const HttpResponse r = clients[i]->read(false, std::chrono::seconds(5));
        EXPECT_EQ(r.status, 200) << "connection " << i << " of the surviving process";
        EXPECT_EQ(pidOf(r.body), pids[i]);
    }
    // A new connection is served at once, by the survivor or the replacement.
    EXPECT_EQ(httpGet(engine.port(), "/").status, 200);
}

} // namespace
