#pragma once
// The worker process's fail-safes, mod_wsgi 6.0's daemon monitor (modwsgi.md section 5):
// request-timeout (with interrupt-timeout: RequestTimeout raised in just the stuck thread first) and
// deadlock-timeout (the GIL held too long). Before the process retires for either it logs the reason
// and every thread's request and Python stack, and tells the supervisor why (a Retiring frame).
//
// request-timeout is checked by the worker's main thread, which may take the GIL to read stacks and
// raise the exception. The deadlock watch runs on a thread of its own that never takes the GIL, since
// then the GIL is exactly what nobody can get.

#include "hosting/blockingchannel.h"
#include "hosting/channelprotocol.h"
#include "threadstacks.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace wsgi::worker {

class PythonHost;
class RequestThread;
struct ThreadActivity;

// The control channel, written by the main thread and by the deadlock watch.
class ControlWriter
{
public:
    explicit ControlWriter(hosting::BlockingChannel& channel) : m_channel(channel) {}
    bool send(hosting::FrameType type, std::string_view payload);

private:
    std::mutex m_lock;
    hosting::BlockingChannel& m_channel;
};

// mod_wsgi 6.0's request-timeout threshold, per thread (modwsgi.md section 5.2, wsgi_daemon.c
// l.3066-3078): request-timeout x (1 + ln(threads)), e.g. x1 at 1 thread, x2.39 at 4, x3.71 at 15.
// Before 6.0 the rule compared the average elapsed time of the busy threads (version-6.0.0.rst);
// 6.0 compares each thread's own request on its own, and so does this engine.
inline double requestTimeoutThresholdSeconds(int requestTimeoutSeconds, int threads)
{
    return requestTimeoutSeconds * (1.0 + std::log(double(std::max(threads, 1))));
}

struct Retirement
{
    std::string reason; // core/restartreason.h name: "request-timeout" or "deadlock"
    std::string detail; // one line
};

class LifecycleMonitor
{
public:
    LifecycleMonitor(PythonHost& host, const std::vector<std::unique_ptr<RequestThread>>& threads,
                     ControlWriter& control);
    ~LifecycleMonitor();

    // Starts the deadlock watch when deadlock-timeout applies (not under free-threading: there is no
    // GIL to hold, which is logged once), and returns once its watchdog is armed: call it before the
    // request threads serve.
    void start();
    // Main thread, about every pollMs(): interrupts stuck threads, and when the process must go,
    // logs the reason with every thread's stack, sends Retiring, and returns true; the caller then
    // drains the requests that are not stale (drainDone) and exits.
    bool check(int64_t nowUs);
    int pollMs() const;
    // True once every request still running is stale (older than request-timeout +
    // interrupt-timeout): mod_wsgi's drain does not wait for those (modwsgi.md section 5.5).
    bool drainDone(int64_t nowUs) const;
    int staleThreads(int64_t nowUs) const;
    // Main thread, no GIL held: every thread's Python stack with the request it serves.
    std::vector<ThreadStack> readStacks();

private:
    void watchDeadlock();
    void probeGil();
    std::vector<ThreadStack> withRequests(std::vector<ThreadStack> python, int64_t nowUs) const;
    void retire(const Retirement& r, const std::vector<ThreadStack>& stacks, int inFlight);
    int requestsInFlight() const;

    PythonHost& m_host;
    const std::vector<std::unique_ptr<RequestThread>>& m_threads;
    ControlWriter& m_control;
    double m_thresholdSeconds = 0; // 0: request-timeout off
    int m_interruptSeconds = 0;
    int m_deadlockSeconds = 0;                 // 0: no deadlock watch
    std::vector<uint64_t> m_interruptedSerial; // per thread: the request RequestTimeout was raised in
    std::vector<int64_t> m_interruptedUs;
    std::atomic<bool> m_retired{false};
    // Deadlock watch.
    std::atomic<int64_t> m_lastGilUs{0};
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_armed{false}; // the probe armed faulthandler's watchdog once
    int m_dumpPipe[2] = {-1, -1};     // faulthandler's watchdog writes the stacks here
    std::thread m_probe;
    std::thread m_watch;
};

} // namespace wsgi::worker
