#pragma once
// Direct mode: the worker's request threads serve client connections themselves, accepting on the
// listen sockets the supervisor shares with them (used when one daemon group serves every mount, so
// no request needs routing). Leader/follower: every request thread waits on one epoll set; a
// connection is armed one-shot (when the process has more than one thread), so exactly one thread
// reads, parses and runs its next request, with no hand-off between threads or processes.
//
// Accepting never waits for a timer: a new connection wakes an idle thread in every process of the
// group. Connections stay with the process that accepted them, so to spread keep-alive connections
// evenly the process holding the fewest takes it at once and the others only after a millisecond
// (counts in memory shared by the group). When every thread of a process is busy, its overflow thread accepts
// what no idle process took: up to listen-backlog connections wait for a thread, beyond that the answer is
// 503, as mod_wsgi's full daemon socket backlog gets from Apache.
//
// The main thread's tick() enforces the client timeouts (RequestReadTimeout, KeepAliveTimeout,
// socket-timeout, lingering close); see directconnection.h for how it acts without owning a connection.

#include "directconnection.h"
#include "hosting/channelprotocol.h"
#include "hosting/httprequestparser.h"
#include "hosting/uniquefd.h"
#include "hosting/workerspec.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace wsgi::worker {

class RequestThread;

class DirectServer
{
public:
    // `spec` is this process's (mounts, threads, limits); `counts` the group's shared array of
    // connection counts, one entry per process, indexed by spec.processIndex.
    DirectServer(const hosting::WorkerSpec& spec, std::vector<int> listenFds, std::atomic<int32_t>* counts);
    ~DirectServer();

    void serve(RequestThread& thread); // a request thread's body; returns after stop()
    void stop();                       // stop accepting; threads serve the requests already here, then return

    // Measurements of finished requests since the last call, each encoded and length-prefixed,
    // for the supervisor's telemetry; and how many threads are running a request now.
    std::string takeMetrics();
    int activeThreads() const { return m_active.load(std::memory_order_relaxed); }
    void recordMetrics(const hosting::RequestMetrics& m);
    // Readable (an eventfd) when the measurements should go out before the next pull: the batch is
    // large, or the process reached maximum-requests and the supervisor must learn it now.
    int metricsDueFd() const { return m_metricsDue.get(); }
    // Called by the main thread: the client timeouts, and the end of an accept pause. Returns how
    // many milliseconds until it wants the next call.
    int tick(int64_t nowUs);

    const DirectLimits& limits() const { return m_limits; }

private:
    enum class Outcome
    {
        Keep,
        Close
    };
    void acceptFrom(size_t listenIndex);
    bool acceptFailed(int error); // true when accepting pauses (out of descriptors)
    DirectConnection* adopt(int fd, const sockaddr_storage& peer, bool queued);
    Outcome serveConnection(RequestThread& thread, DirectConnection& c);
    void serveEvent(RequestThread& thread, DirectConnection* c); // then closes or re-arms it
    void drain(RequestThread& thread);
    bool awaitingRequests(int64_t nowUs) const;
    int waitingRequests() const; // queued connections whose request head has arrived
    // Runs one request on this thread; nothing when the connection goes on to its next request.
    std::optional<Outcome> runRequest(RequestThread& thread, DirectConnection& c,
                                      const hosting::RequestHead& head, int64_t readyUs);
    Outcome lingerOrClose(DirectConnection& c, bool clientThere);
    Outcome respondAndLinger(DirectConnection& c, const std::string& response);
    void closeConnection(DirectConnection* c);
    void overflowLoop();
    void setListening(bool on); // with m_lock held
    bool leastLoaded() const;   // no other process of the group holds fewer connections
    void expire(DirectConnection& c, int64_t nowUs);

    hosting::UniqueFd m_epoll;
    hosting::UniqueFd m_wake;       // eventfd: wakes every waiting thread on stop()
    hosting::UniqueFd m_metricsDue; // eventfd: see metricsDueFd()
    std::vector<int> m_listenFds;
    DirectLimits m_limits;
    std::vector<std::pair<uint32_t, std::string>> m_mounts;
    std::atomic<int32_t>* m_counts;
    int m_slots;
    int m_slot;
    int m_threads;
    int m_maximumRequests;
    // With one request thread, nothing else can pick up a connection mid-request: connections stay
    // armed (level-triggered) instead of being re-armed one-shot after every request.
    bool m_oneShot;
    std::atomic<bool> m_stopping{false};
    std::atomic<int> m_active{0};  // threads serving a connection
    std::atomic<int> m_waiting{0}; // connections the overflow thread accepted that no thread has started
    std::atomic<int64_t> m_pausedUntilUs{0};
    std::thread m_overflow;
    mutable std::mutex m_lock; // guards the fields below
    bool m_listening = false;
    int64_t m_shortageLoggedUs = 0; // when running out of descriptors was last logged
    int m_connections = 0;
    int64_t m_recorded = 0;
    std::vector<DirectConnection*> m_all; // every open connection, for tick()
    std::string m_metrics;
};

} // namespace wsgi::worker
