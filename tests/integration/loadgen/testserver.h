#pragma once
// A small HTTP/1.1 server for load-generator tests and benchmarks: epoll, one or more threads, on
// 127.0.0.1 with an ephemeral port. Its service time, status codes and misbehaviour (stall, reset,
// close, garbage, silence) are set per test, and it counts what it saw, so tests can compare the
// generator's numbers with the truth.

#include "core/histogram.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wsgi::loadgen::test {

struct TestServerOptions
{
    int threads = 1;
    size_t bodyBytes = 16;        // response body size
    bool chunked = false;         // Transfer-Encoding: chunked, 100-byte chunks
    std::vector<int> statusCycle; // status of request i = cycle[i % size]; empty: always 200
    // Service time of request i, microseconds; empty: answer at once. Responses are delayed with
    // timers, so a slow answer never holds up another connection.
    std::function<int64_t(int64_t index)> serviceTimeUs;
    int closeEvery = 0;   // every n-th answer carries Connection: close and the socket is closed
    int resetEvery = 0;   // every n-th request is answered with a TCP reset instead
    int dropEvery = 0;    // every n-th request: the socket is closed (FIN) without an answer
    int garbageEvery = 0; // every n-th request gets bytes that are not HTTP
    bool silent = false;  // read requests, never answer
};

class TestServer
{
public:
    explicit TestServer(TestServerOptions options = {});
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    // Binds 127.0.0.1:port (0 = ephemeral) and starts the threads; false with errno on failure.
    bool start(uint16_t port = 0);
    void stop();

    uint16_t port() const { return m_port; }
    std::string url(const std::string& path = "/") const;

    // Every answer whose due time falls in [startUs, startUs + durationUs) (monotonic clock) waits
    // until the end of that window: the whole server freezes, as a GC pause or a stuck GIL would.
    void stallAt(int64_t startUs, int64_t durationUs);

    int64_t requests() const { return m_requests.load(); }
    int64_t connectionsAccepted() const { return m_accepted.load(); }
    int64_t requestBodyBytes() const { return m_bodyBytes.load(); }
    // Time from a request fully read to its answer written, as the server saw it (the truth the
    // client's latency should match). Complete after stop().
    Histogram serviceTimes() const;

private:
    struct Thread;
    void loop(Thread* t);

    TestServerOptions m_options;
    uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int64_t> m_requests{0};
    std::atomic<int64_t> m_accepted{0};
    std::atomic<int64_t> m_bodyBytes{0};
    std::atomic<int64_t> m_stallStartUs{0};
    std::atomic<int64_t> m_stallEndUs{0};
    std::vector<std::unique_ptr<Thread>> m_threads;
    mutable std::mutex m_mutex;
    Histogram m_serviceTimes;
};

} // namespace wsgi::loadgen::test
