#pragma once
// Direct mode: the worker's request threads serve client connections themselves, accepting on the
// listen sockets the supervisor shares with them (used when one daemon group serves every mount, so
// no request needs routing). Leader/follower: every request thread waits on one epoll set; a
// connection is armed one-shot, so exactly one thread reads, parses and runs its next request, with
// no hand-off between threads or processes. A process takes at most as many connections as it
// has threads (plus one more now and then, so no client waits for ever), which spreads a burst of
// keep-alive connections over the processes.

#include "hosting/channelprotocol.h"
#include "hosting/httprequestparser.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace wsgi::worker {

class RequestThread;
struct DirectConnection;

class DirectServer
{
public:
    // `mountPrefixes[i]` is the URL prefix of mount index i of this (only) group.
    DirectServer(std::vector<int> listenFds, int threads, int queueTimeoutSeconds, int keepAliveSeconds,
                 std::vector<std::pair<uint32_t, std::string>> mountPrefixes);
    ~DirectServer();

    void serve(RequestThread& thread); // a request thread's body; returns after stop()
    void stop();                       // stop accepting; threads return once idle

    // Measurements of finished requests since the last call, each encoded and length-prefixed,
    // for the supervisor's telemetry; and how many threads are running a request now.
    std::string takeMetrics();
    int activeThreads() const { return m_active.load(std::memory_order_relaxed); }
    void recordMetrics(const hosting::RequestMetrics& m);
    // Called by the main thread every few tens of ms: keep-alive timeouts, and one more connection
    // allowed beyond capacity so clients beyond the threads of every process are not starved.
    void tick(int64_t nowUs);

private:
    void acceptConnections(int listenFd);
    bool serveConnection(RequestThread& thread, DirectConnection& c); // false: close it
    void closeConnection(DirectConnection* c);
    void setAccepting(bool on); // with m_lock held

    int m_epoll = -1;
    int m_wake = -1; // eventfd: wakes every waiting thread on stop()
    std::vector<int> m_listenFds;
    int m_capacity;
    int m_queueTimeoutSeconds;
    int m_keepAliveSeconds;
    std::vector<std::pair<uint32_t, std::string>> m_mounts;
    std::atomic<bool> m_stopping{false};
    std::atomic<int> m_active{0};
    std::mutex m_lock; // guards the fields below
    int m_connections = 0;
    bool m_accepting = true;
    bool m_overflowAllowed = false;
    int64_t m_lastOverflowUs = 0;
    std::vector<DirectConnection*> m_idle; // candidates for the keep-alive timeout
    std::string m_metrics;
};

} // namespace wsgi::worker
