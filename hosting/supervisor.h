#pragma once
// The engine's supervisor: owns the listen sockets, parses HTTP requests, routes each to its daemon
// group by mount, hands it to an idle request thread of one of the group's worker processes over
// that thread's channel, relays the response, and spawns and supervises the worker processes.
// Single-threaded epoll loop: no locks, and fork() is safe.

#include "channelprotocol.h"
#include "clientconnections.h"
#include "controlserver.h"
#include "engineplan.h"
#include "httprequestparser.h"
#include "lifecycleevents.h"
#include "uniquefd.h"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <sys/types.h>

namespace wsgi::hosting {

// Client timeouts (RequestReadTimeout, KeepAliveTimeout) and socket-timeout are part of the plan, so
// that a reload applies them too.
struct SupervisorOptions
{
    bool quiet = false;
    // Control endpoint; off when controlPort < 0.
    std::string controlHost = "127.0.0.1";
    int controlPort = -1;
    std::string controlToken;
    std::string configFile;  // shown by status, used to name reloaded text
    RuntimeCatalog runtimes; // for plans made by reload
    Dispatch dispatch = Dispatch::Proxy;
};

struct ListenSocket
{
    int fd = -1;
    std::string host;
    int port = 0; // the bound port, also when 0 was asked for
};

class Supervisor
{
public:
    Supervisor(EnginePlan plan, SupervisorOptions options);
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    // Binds every listen address and the control endpoint; false with `error` set when one cannot be bound.
    bool listen(std::string& error);
    const std::vector<ListenSocket>& listenSockets() const { return m_listeners; }
    const ControlServer* control() const { return m_control.get(); }

    // Runs until SIGINT/SIGTERM (or requestStop from a signal-safe context); returns the exit code.
    int run();

private:
    struct Connection;
    struct Channel;
    struct Process;
    struct Group;
    struct Subscriber;
    struct StackRequest;

    // Event loop plumbing.
    void watch(int fd, uint64_t tag, uint32_t events);
    void rewatch(int fd, uint64_t tag, uint32_t events);
    void onSignal();
    void onTimer();

    // Client connections (clientconnections.cpp; startRequest in supervisor.cpp).
    void onListenReadable(size_t listenerIndex);
    void updateListenerWatch(); // listeners polled when wanted and accepting is not paused
    void onConnectionEvent(uint64_t id, uint32_t events);
    void readFromClient(Connection& c);
    void processClientInput(Connection& c);
    void startRequest(Connection& c, ParsedRequest& request, size_t headLength);
    void queueRequest(Connection& c); // to its group's queue, or 503 when listen-backlog is full
    void beginBody(Connection& c);    // the body's deadline and hold, once the head is parsed
    void forwardBody(Connection& c);
    void releaseHold(Connection& c);
    void flushClient(Connection& c);
    void startLinger(Connection& c);
    void updateClientInterest(Connection& c);
    void respondAndClose(Connection& c, int status, std::string_view reason, std::string_view text);
    void closeConnection(uint64_t id);
    void finishResponse(Connection& c, const RequestMetrics& metrics);
    void expireConnections(int64_t nowUs);

    // Request threads and their channels (workerpool.cpp).
    void onChannelEvent(size_t channel, uint32_t events);
    void handleFrame(Channel& ch, FrameType type, std::string_view payload);
    void channelFailed(Channel& ch, const std::string& why);
    void sendToChannel(Channel& ch, FrameType type, std::string_view payload);
    void flushChannel(Channel& ch);
    void resumeChannelInput(Channel& ch);
    void cancelRequest(Channel& ch); // the request's response is no longer wanted
    // A stopping process's channels end once idle: the worker's threads see the end of their
    // channel and return, so the process exits only after every request sent to it is answered.
    void closeChannelsOfStoppingProcess(Process& p);
    void closeChannelWhenIdle(Channel& ch);
    void dispatch(size_t group);
    Channel* idleChannel(Group& g);

    // Worker processes (workerprocesses.cpp).
    void spawnProcess(size_t group, int index);
    [[noreturn]] void execWorker(const Group& group, const std::vector<int>& childChannels, int controlFd,
                                 int specFd);
    void reapChildren();
    void beginShutdown();
    void makeGroups(); // the runtime state of every group of m_plan, no processes yet
    void retireProcess(size_t process, const std::string& reason);
    void onProcessControl(size_t process);
    void onDirectMetrics(size_t process, std::string_view payload);
    void watchListeners(bool on); // the supervisor accepts in proxy mode only

    // Lifecycle: recycling, limits, restart reasons and their events (lifecycle.cpp).
    void countRestart(const std::string& group, std::string_view reason);
    // Counts `reason`, starts the replacement first, then lets the process drain (graceful-timeout).
    void recycleProcess(size_t process, std::string_view reason);
    void checkLifecycle(int64_t nowUs); // restart-interval, inactivity, cpu-time-limit, start-up, drains
    void onRetiring(size_t process, std::string_view payload);
    // A process was reaped: the event for a planned exit, or the crash's reason, count and back-off.
    void processExited(size_t process, int waitStatus, bool expected);
    void addEvent(LifecycleEvent event);
    Json throttledJson(const Group& g) const;

    // Control endpoint (controlops.cpp).
    void onControlRequest(uint64_t client, const Json& id, const std::string& op, const Json& request);
    Json statusJson() const;
    void opSubscribe(uint64_t client, const Json& id, const Json& request);
    void opReload(uint64_t client, const Json& id, const Json& request);
    void opRestart(uint64_t client, const Json& id, const Json& request);
    void opDumpStacks(uint64_t client, const Json& id, const Json& request);
    void finishStackRequest(StackRequest& r, bool timedOut);
    void publishDueTelemetry(int64_t nowUs);
    bool pullDirectMetrics(int64_t nowUs); // false: no answer to wait for
    void publishTelemetry(Subscriber& s, int64_t nowUs);
    void recordTelemetry(size_t process, const RequestMetrics& m, int64_t startedUs, int64_t nowUs);
    int64_t nextSubscriberDue() const;

    EnginePlan m_plan;
    SupervisorOptions m_options;
    UniqueFd m_epollFd;
    int m_epoll = -1; // m_epollFd's descriptor, which the loop and the control server use everywhere
    UniqueFd m_signalFd;
    std::vector<ListenSocket> m_listeners;
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> m_connections;
    uint64_t m_nextConnectionId = 1;
    std::vector<std::unique_ptr<Channel>> m_channels;
    std::vector<std::unique_ptr<Process>> m_processes;
    std::vector<std::unique_ptr<Group>> m_groups;
    std::unique_ptr<ControlServer> m_control;
    std::vector<std::unique_ptr<Subscriber>> m_subscribers;
    std::vector<std::unique_ptr<StackRequest>> m_stackRequests;
    int64_t m_metricsPullUs = 0; // direct mode: when the workers were asked for measurements (0: not waiting)
    std::map<std::string, std::map<std::string, int>> m_restarts; // group -> reason -> count
    EventRing m_events;
    int m_generation = 0; // bumped by reload: processes of an older generation only drain
    int64_t m_startedUs = 0;
    bool m_listenersWanted = false; // proxy mode: the supervisor accepts
    bool m_listenersWatched = false;
    AcceptBackoff m_acceptBackoff;
    bool m_stopping = false;
    int64_t m_stopDeadlineUs = 0;
    int m_exitCode = 0;
};

} // namespace wsgi::hosting
