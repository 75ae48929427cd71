// The generator against the in-process test server: counts, keep-alive, framing, status classes and
// errors by kind. Each test runs for about a second at most.

#include "testserver.h"

#include "core/loadgen/loadgenerator.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace wsgi::loadgen;
using wsgi::loadgen::test::TestServer;
using wsgi::loadgen::test::TestServerOptions;

namespace {

LoadSpec countSpec(const TestServer& server, int64_t requests, int connections = 8, int threads = 2)
{
    LoadSpec spec;
    spec.url = server.url("/");
    spec.connections = connections;
    spec.threads = threads;
    spec.requestCount = requests;
    spec.durationSec = 20; // only a limit here
    spec.timeoutMs = 2000;
    return spec;
}

TestServerOptions withBody(size_t bytes)
{
    TestServerOptions o;
    o.bodyBytes = bytes;
    return o;
}

} // namespace

TEST(LoadgenBehaviour, RequestCountMatchesWhatTheServerSaw)
{
    TestServer server(withBody(100));
    ASSERT_TRUE(server.start());
    const LoadResult r = LoadGenerator().run(countSpec(server, 3000));
    server.stop();
    EXPECT_EQ(r.stoppedBy, StopReason::Count) << r.failure;
    EXPECT_EQ(r.requests, 3000);
    EXPECT_EQ(r.status[1], 3000);
    EXPECT_EQ(r.errorCount(), 0);
    EXPECT_EQ(server.requests(), 3000);
    EXPECT_EQ(r.requestsSentTotal, 3000);
    EXPECT_EQ(r.responsesTotal, 3000);
    EXPECT_EQ(r.latency.count(), 3000);
    EXPECT_EQ(r.latencyUncorrected.count(), 3000);
    EXPECT_GT(r.achievedRate, 0);
    // Every byte of every answer: status line + Content-Length header + body.
    const int64_t answer =
        int64_t(std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n").size()) + 100;
    EXPECT_EQ(r.bytesRead, 3000 * answer);
}

TEST(LoadgenBehaviour, DurationRunWithWarmupAccountsForEveryRequest)
{
    TestServer server;
    ASSERT_TRUE(server.start());
    LoadSpec spec;
    spec.url = server.url("/");
    spec.connections = 4;
    spec.threads = 2;
    spec.warmupSec = 0.3;
    spec.durationSec = 0.7;
    const LoadResult r = LoadGenerator().run(spec);
    server.stop();
    EXPECT_EQ(r.stoppedBy, StopReason::Duration);
    EXPECT_GT(r.requests, 0);
    EXPECT_EQ(r.errorCount(), 0);
    // Warm-up answers are served but not measured; nothing sent is lost.
    EXPECT_EQ(server.requests(), r.requestsSentTotal);
    EXPECT_EQ(r.responsesTotal, r.requestsSentTotal);
    EXPECT_LT(r.requests, r.responsesTotal);
    EXPECT_DOUBLE_EQ(r.durationSec, 0.7);
    ASSERT_EQ(r.timeline.size(), 1u);
    EXPECT_EQ(r.timeline[0].requests, r.requests);
}

TEST(LoadgenBehaviour, KeepAliveReusesConnections)
{
    TestServer server;
    ASSERT_TRUE(server.start());
    const LoadResult r = LoadGenerator().run(countSpec(server, 2000, 8, 2));
    server.stop();
    EXPECT_EQ(r.requests, 2000);
    EXPECT_EQ(server.connectionsAccepted(), 8);
    EXPECT_EQ(r.connectionsOpened, 8);
}

TEST(LoadgenBehaviour, ConnectionCloseAnswersReconnectWithoutErrors)
{
    TestServerOptions o;
    o.closeEvery = 1;
    TestServer server(o);
    ASSERT_TRUE(server.start());
    const LoadResult r = LoadGenerator().run(countSpec(server, 500, 4, 1));
    server.stop();
    EXPECT_EQ(r.requests, 500);
    EXPECT_EQ(r.errorCount(), 0);
    EXPECT_EQ(server.requests(), 500);
    // One connection per answer, plus the ones left open when the count ran out.
    EXPECT_GE(r.connectionsOpened, 500);
    EXPECT_LE(r.connectionsOpened, 504);
    EXPECT_EQ(server.connectionsAccepted(), r.connectionsOpened);
}

TEST(LoadgenBehaviour, ChunkedAnswersAreFramed)
{
    TestServerOptions o;
    o.chunked = true;
    o.bodyBytes = 1050; // 10 full chunks and a short one
    TestServer server(o);
    ASSERT_TRUE(server.start());
    const LoadResult r = LoadGenerator().run(countSpec(server, 1000));
    server.stop();
    EXPECT_EQ(r.requests, 1000);
    EXPECT_EQ(r.errorCount(), 0);
    EXPECT_EQ(r.connectionsOpened, 8);
}

TEST(LoadgenBehaviour, StatusClassesAreCounted)
{
    TestServerOptions o;
    o.statusCycle = {200, 301, 404, 503, 204};
    TestServer server(o);
    ASSERT_TRUE(server.start());
    const LoadResult r = LoadGenerator().run(countSpec(server, 1000));
    server.stop();
    EXPECT_EQ(r.requests, 1000);
    EXPECT_EQ(r.status[0], 0);
    EXPECT_EQ(r.status[1], 400); // 200 and 204
    EXPECT_EQ(r.status[2], 200);
    EXPECT_EQ(r.status[3], 200);
    EXPECT_EQ(r.status[4], 200);
    EXPECT_EQ(r.errorCount(), 0); // a 5xx is an answer, not a transport error
}

TEST(LoadgenBehaviour, PostBodyReachesTheServer)
{
    TestServer server;
    ASSERT_TRUE(server.start());
    LoadSpec spec = countSpec(server, 400, 4, 1);
    spec.method = "POST";
    spec.body = std::string(3000, 'b');
    spec.headers = {{"Content-Type", "application/octet-stream"}};
    const LoadResult r = LoadGenerator().run(spec);
    server.stop();
    EXPECT_EQ(r.requests, 400);
    EXPECT_EQ(r.errorCount(), 0);
    EXPECT_EQ(server.requestBodyBytes(), 400 * 3000);
}

TEST(LoadgenBehaviour, ResetsAreCountedAsReset)
{
    TestServerOptions o;
    o.resetEvery = 10;
    TestServer server(o);
    ASSERT_TRUE(server.start());
    const LoadResult r = LoadGenerator().run(countSpec(server, 1000, 4, 1));
    server.stop();
    EXPECT_EQ(r.errors[size_t(ErrorKind::Reset)], 100);
    EXPECT_EQ(r.requests, 900);
    EXPECT_EQ(r.errorCount(), 100);
    EXPECT_EQ(server.requests(), 1000);
}

TEST(LoadgenBehaviour, CloseWithoutAnswerIsCountedAsClosed)
{
    TestServerOptions o;
    o.dropEvery = 10;
    TestServer server(o);
    ASSERT_TRUE(server.start());
    const LoadResult r = LoadGenerator().run(countSpec(server, 1000, 4, 1));
    server.stop();
    EXPECT_EQ(r.errors[size_t(ErrorKind::Closed)], 100);
    EXPECT_EQ(r.requests, 900);
    EXPECT_EQ(r.errorCount(), 100);
}

TEST(LoadgenBehaviour, GarbageIsCountedAsBadResponse)
{
    TestServerOptions o;
    o.garbageEvery = 10;
    TestServer server(o);
    ASSERT_TRUE(server.start());
    const LoadResult r = LoadGenerator().run(countSpec(server, 1000, 4, 1));
    server.stop();
    EXPECT_EQ(r.errors[size_t(ErrorKind::BadResponse)], 100);
    EXPECT_EQ(r.requests, 900);
    EXPECT_EQ(r.errorCount(), 100);
}

TEST(LoadgenBehaviour, SilenceIsCountedAsTimeout)
{
    TestServerOptions o;
    o.silent = true;
    TestServer server(o);
    ASSERT_TRUE(server.start());
    LoadSpec spec;
    spec.url = server.url("/");
    spec.connections = 2;
    spec.threads = 1;
    spec.durationSec = 0.5;
    spec.timeoutMs = 150;
    const LoadResult r = LoadGenerator().run(spec);
    server.stop();
    EXPECT_EQ(r.requests, 0);
    // Each connection times out about every 150 ms; requests sent before the window closes time
    // out during the drain and still count.
    EXPECT_GE(r.errors[size_t(ErrorKind::Timeout)], 4);
    EXPECT_LE(r.errors[size_t(ErrorKind::Timeout)], 10);
    EXPECT_EQ(r.errorCount(), r.errors[size_t(ErrorKind::Timeout)]);
}

TEST(LoadgenBehaviour, RefusedConnectsAreCountedAsConnectErrors)
{
    // A bound but not listening socket: connects to its port are refused, and nobody else gets it.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    LoadSpec spec;
    spec.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
    spec.connections = 2;
    spec.threads = 1;
    spec.durationSec = 0.5;
    spec.timeoutMs = 500;
    const LoadResult r = LoadGenerator().run(spec);
    ::close(fd);
    EXPECT_EQ(r.requests, 0);
    EXPECT_EQ(r.connectionsOpened, 0);
    // Retries back off from 10 ms to 320 ms: a handful per connection in half a second.
    EXPECT_GE(r.errors[size_t(ErrorKind::Connect)], 4);
    EXPECT_LE(r.errors[size_t(ErrorKind::Connect)], 30);
}

TEST(LoadgenBehaviour, BadSpecFailsWithAReason)
{
    LoadSpec spec;
    spec.url = "https://127.0.0.1/";
    const LoadResult r = LoadGenerator().run(spec);
    EXPECT_EQ(r.stoppedBy, StopReason::Failed);
    EXPECT_NE(r.failure.find("http://"), std::string::npos);
}
