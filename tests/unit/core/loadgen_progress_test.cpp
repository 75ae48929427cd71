// The progress report's latency covers its own interval: a local server answers every request after
// a known delay that changes part-way through the run (10 ms, then 60 ms), and the reports before
// and after the change must show each delay, not a running mix of both (a cumulative figure would
// still say about 10 ms at the end, since most answers came early).

#include "core/clock.h"
#include "core/loadgen/loadgenerator.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace wsgi::loadgen;

namespace {

// One thread per connection, blocking: enough for two keep-alive connections and exact delays.
class DelayServer
{
public:
    // Answers requests after `early` until `switchAtUs` (monotonic), after `late` from then on.
    DelayServer(std::chrono::milliseconds early, std::chrono::milliseconds late, int64_t switchAtUs)
        : m_early(early), m_late(late), m_switchAtUs(switchAtUs)
    {
    }
    ~DelayServer() { stop(); }

    bool start()
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (m_listen < 0 || ::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(m_listen, 16) != 0 ||
            ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return false;
        m_port = ntohs(addr.sin_port);
        m_acceptor = std::thread([this] { acceptLoop(); });
        return true;
    }

    void stop()
    {
        m_stop.store(true);
        if (m_acceptor.joinable())
            m_acceptor.join();
        for (std::thread& t : m_connections)
            t.join();
        m_connections.clear();
        if (m_listen >= 0)
            ::close(m_listen);
        m_listen = -1;
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/"; }

private:
    void acceptLoop()
    {
        while (!m_stop.load()) {
            pollfd p{m_listen, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0)
                continue;
            const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0)
                m_connections.emplace_back([this, fd] { serve(fd); });
        }
    }

    void serve(int fd)
    {
        static const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        std::string pending;
        char buffer[4096];
        while (!m_stop.load()) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0)
                continue;
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0)
                break;
            pending.append(buffer, size_t(n));
            // GET requests without a body: one request per blank line.
            for (size_t end; (end = pending.find("\r\n\r\n")) != std::string::npos;) {
                pending.erase(0, end + 4);
                std::this_thread::sleep_for(wsgi::monotonicMicros() < m_switchAtUs ? m_early : m_late);
                if (::write(fd, answer.data(), answer.size()) != ssize_t(answer.size()))
                    break;
            }
        }
        ::close(fd);
    }

    std::chrono::milliseconds m_early;
    std::chrono::milliseconds m_late;
    int64_t m_switchAtUs;
    int m_listen = -1;
    uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_acceptor;
    std::vector<std::thread> m_connections; // touched by the acceptor thread only, until stop()
};

} // namespace

TEST(LoadgenProgress, EachReportCarriesTheLatencyOfItsOwnInterval)
{
    const int64_t runStart = wsgi::monotonicMicros();
    DelayServer server(std::chrono::milliseconds(10), std::chrono::milliseconds(60), runStart + 1500000);
    ASSERT_TRUE(server.start());
    LoadSpec spec;
    spec.url = server.url();
    spec.connections = 2;
    spec.threads = 2;
    spec.warmupSec = 0.5; // the warm-up's answers count in the live figure too
    spec.durationSec = 3;
    std::vector<LoadProgress> reports;
    const LoadResult r = LoadGenerator().run(spec, [&](const LoadProgress& p) { reports.push_back(p); });
    server.stop();
    ASSERT_EQ(r.stoppedBy, StopReason::Duration) << r.failure;
    ASSERT_GE(reports.size(), 3u);

    // The first report's interval [0, ~1 s) is all 10 ms answers, warm-up included.
    const LoadProgress& first = reports.front();
    EXPECT_LT(first.elapsedSec, 1.4);
    EXPECT_GT(first.intervalAnswers, 50) << "2 connections answering every 10 ms";
    EXPECT_GE(first.intervalP50Ms, 9.5);
    EXPECT_LT(first.intervalP50Ms, 20);
    EXPECT_LT(first.intervalP99Ms, 30);
    EXPECT_GE(first.intervalP99Ms, first.intervalP50Ms);

    // The last report's interval starts well after the switch at 1.5 s: all 60 ms answers.
    const LoadProgress& last = reports.back();
    ASSERT_GE(last.elapsedSec, 2.5);
    EXPECT_GT(last.intervalAnswers, 10) << "2 connections answering every 60 ms";
    EXPECT_LT(last.intervalAnswers, 60);
    EXPECT_GE(last.intervalP50Ms, 59);
    EXPECT_LT(last.intervalP50Ms, 90);
    EXPECT_GE(last.intervalP99Ms, last.intervalP50Ms);
    EXPECT_LT(last.intervalP99Ms, 120);

    // Intervals do not overlap: together they hold no more answers than the run had.
    int64_t reported = 0;
    for (const LoadProgress& p : reports)
        reported += p.intervalAnswers;
    EXPECT_LE(reported, r.responsesTotal);
    EXPECT_GT(reported, r.responsesTotal / 2);
}

TEST(LoadgenProgress, AnIntervalWithoutAnswersSaysSo)
{
    // The server holds every answer for 1.5 s, so the first report's interval has no answer in it.
    const int64_t runStart = wsgi::monotonicMicros();
    DelayServer server(std::chrono::milliseconds(1500), std::chrono::milliseconds(1500), runStart);
    ASSERT_TRUE(server.start());
    LoadSpec spec;
    spec.url = server.url();
    spec.connections = 1;
    spec.threads = 1;
    spec.durationSec = 2.5;
    spec.timeoutMs = 5000;
    std::vector<LoadProgress> reports;
    const LoadResult r = LoadGenerator().run(spec, [&](const LoadProgress& p) { reports.push_back(p); });
    server.stop();
    ASSERT_EQ(r.stoppedBy, StopReason::Duration) << r.failure;
    ASSERT_FALSE(reports.empty());
    EXPECT_LT(reports.front().elapsedSec, 1.4);
    EXPECT_EQ(reports.front().intervalAnswers, 0);
    EXPECT_EQ(reports.front().intervalP50Ms, 0);
    EXPECT_EQ(reports.front().intervalP99Ms, 0);
}
