// Limits and endings: out of file descriptors, how a connection is closed after a refused request or
// an unread body (Apache's lingering close), and a malformed chunked body that arrives after the
// request was handed to the application.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"
#include "hardening/proxy_rawclient.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace wsgi::testing;
using Clock = std::chrono::steady_clock;

namespace {

// The descriptor number the process would get next: the lowest one not open. A limit of that many
// leaves it none (a limit of the count of open ones would still let it reuse a closed one below).
int lowestFreeFd(pid_t pid)
{
    std::set<int> open;
    if (DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.')
                open.insert(std::atoi(e->d_name));
        closedir(d);
    }
    int fd = 0;
    while (open.count(fd))
        ++fd;
    return fd;
}

TEST(ProxyLimits, OutOfFileDescriptorsTheSupervisorBacksOffAndKeepsServing)
{
    if (directDispatch())
        GTEST_SKIP() << "in direct mode the workers accept connections; this is the supervisor's accept loop";
    EngineProcess engine(hardeningConfig());
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    HttpConnection kept(engine.port());
    kept.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    ASSERT_EQ(kept.read().status, 200);

    // No descriptor left for another connection.
    rlimit original{};
    ASSERT_EQ(prlimit(engine.pid(), RLIMIT_NOFILE, nullptr, &original), 0);
    const rlimit tight{rlim_t(lowestFreeFd(engine.pid())), original.rlim_max};
    ASSERT_EQ(prlimit(engine.pid(), RLIMIT_NOFILE, &tight, nullptr), 0);
    std::vector<std::unique_ptr<RawClient>> waiting;
    for (int i = 0; i < 10; ++i) {
        waiting.push_back(std::make_unique<RawClient>(engine.port())); // completes in the listen backlog
        waiting.back()->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }
    const double cpuBefore = cpuSeconds(engine.pid());
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const double cpuUsed = cpuSeconds(engine.pid()) - cpuBefore;
    EXPECT_LT(cpuUsed, 0.4) << "the supervisor spins on a listener it cannot accept from";

    // The connection it has is still served.
    kept.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(kept.read(false, std::chrono::seconds(5)).status, 200);
    EXPECT_EQ(countOf(engine.log(), "cannot accept connections"), 1u) << engine.log();

    // With descriptors again, the clients that waited are served.
    ASSERT_EQ(prlimit(engine.pid(), RLIMIT_NOFILE, &original, nullptr), 0);
    for (auto& c : waiting) {
        c->pump(std::chrono::seconds(5));
        EXPECT_EQ(c->status(), 200) << c->received();
    }
}

// A client that sends its whole request before it reads the answer (as most do) must get to read
// it: the engine shuts down its write side and drains what is still coming instead of closing with
// unread bytes, which resets the connection under the client's feet.
void expectAnswerAfterSendingEverything(int port, const std::string& request, int status)
{
    RawClient c(port);
    ASSERT_TRUE(c.connected());
    EXPECT_TRUE(c.send(request)) << "the connection was reset while the request was still being sent";
    c.pump(std::chrono::seconds(5));
    EXPECT_EQ(c.status(), status) << c.received().substr(0, 300);
    EXPECT_TRUE(c.closed());
    EXPECT_FALSE(c.reset()) << "closed with a reset";
}

TEST(ProxyLimits, RefusedRequestsAreClosedLingeringSoTheClientReadsTheAnswer)
{
    EngineProcess engine(hardeningConfig());
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    const std::string tail(4 * 1024 * 1024, 'q');
    // 414: the request line is over LimitRequestLine; the rest of the request is still on its way.
    expectAnswerAfterSendingEverything(engine.port(),
                                       "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n" + tail, 414);
    // 400: a malformed head followed by more.
    expectAnswerAfterSendingEverything(engine.port(), "GET / HTTP/1.1\r\nBad Header\r\n\r\n" + tail, 400);
}

TEST(ProxyLimits, AnUnreadBodyIsDrainedBeforeTheConnectionCloses)
{
    EngineProcess engine(hardeningConfig());
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    // "/" answers without reading its 4 MB body.
    const std::string body(4 * 1024 * 1024, 'b');
    expectAnswerAfterSendingEverything(engine.port(),
                                       "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                                           std::to_string(body.size()) + "\r\n\r\n" + body,
                                       200);
}

TEST(ProxyLimits, AMalformedChunkedBodyAfterDispatchIsAnswered400)
{
    if (directDispatch())
        GTEST_SKIP() << "direct mode decodes the body in the worker as the application reads it; the "
                        "supervisor's relay, which can keep the response back, is proxy mode's";
    EngineProcess engine(hardeningConfig());
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    // "/" answers without reading the body, "/read" reads it: either way the client must not see the
    // application's 200 for a request whose body turns out to be malformed.
    for (const std::string target : {"/", "/read"}) {
        RawClient c(engine.port());
        c.send("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // dispatched, the application runs
        c.send("4\r\nabcd\r\nzz\r\n");
        c.pump(std::chrono::seconds(5));
        EXPECT_EQ(c.status(), 400) << target << ": " << c.received();
        EXPECT_TRUE(c.closed()) << target;
    }
    EXPECT_EQ(httpGet(engine.port(), "/").status, 200);
}

} // namespace
