#pragma once
// Direct mode: the worker's request threads serve client connections themselves, accepting on the
// listen sockets the supervisor shares with them (used when one daemon group serves every mount, so
// no request needs routing). Leader/follower: every request thread waits on one epoll set; a
// connection is armed one-shot (when the process has more than one thread), so exactly one thread reads,
// parses and runs its next request, with no hand-off between threads or processes. Connections stay with the
// process that accepted them, so a process accepts only while it holds no more connections than the least
// loaded process of its group (counts in memory shared by the group), which spreads keep-alive connections
// evenly.

#include "hosting/channelprotocol.h"
#include "hosting/httprequestparser.h"
#include "hosting/workerspec.h"

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
    // `spec` is this process's (mounts, threads, limits); `counts` the group's shared array of
    // connection counts, one entry per process, indexed by spec.processIndex.
    DirectServer(const hosting::WorkerSpec& spec, std::vector<int> listenFds, std::atomic<int32_t>* counts);
    ~DirectServer();

    void serve(RequestThread& thread); // a request thread's body; returns after stop()
    void stop();                       // stop accepting; threads return once idle

    // Measurements of finished requests since the last call, each encoded and length-prefixed,
    // for the supervisor's telemetry; and how many threads are running a request now.
    std::string takeMetrics();
    int activeThreads() const { return m_active.load(std::memory_order_relaxed); }
    void recordMetrics(const hosting::RequestMetrics& m);
    // Readable (an eventfd) when the measurements should go out before the next pull: the batch is
    // large, or the process reached maximum-requests and the supervisor must learn it now.
    int metricsDueFd() const { return m_metricsDue; }
    // Called by the main thread: keep-alive timeouts, and whether to accept now. How soon it wants
    // the next call: soon while it does not accept (another process may drop below it), else
    // seconds, because an idle process should not wake up.
    int tick(int64_t nowUs);

private:
    void acceptConnections(int listenFd);
    bool serveConnection(RequestThread& thread, DirectConnection& c); // false: close it
    void closeConnection(DirectConnection* c);
    void setAccepting(bool on); // with m_lock held
    bool leastLoaded() const;   // no other process of the group holds fewer connections

    int m_epoll = -1;
    int m_wake = -1;       // eventfd: wakes every waiting thread on stop()
    int m_metricsDue = -1; // eventfd: see metricsDueFd()
    std::vector<int> m_listenFds;
    int m_queueTimeoutSeconds;
    int m_keepAliveSeconds;
    std::vector<std::pair<uint32_t, std::string>> m_mounts;
    std::atomic<int32_t>* m_counts;
    int m_slots;
    int m_slot;
    int m_maximumRequests;
    // With one request thread, nothing else can pick up a connection mid-request: connections stay
    // armed (level-triggered) instead of being re-armed one-shot after every request.
    bool m_oneShot;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_accepting{true}; // written with m_lock held; read without it to skip the lock
    std::atomic<int> m_active{0};
    std::mutex m_lock; // guards the fields below
    int m_connections = 0;
    int64_t m_recorded = 0;
    std::vector<DirectConnection*> m_idle; // candidates for the keep-alive timeout
    std::string m_metrics;
};

} // namespace wsgi::worker
