#pragma once
// The engine's supervisor: owns the listen sockets, parses HTTP requests, routes each to its daemon
// group by mount, hands it to an idle request thread of one of the group's worker processes over
// that thread's channel, relays the response, and spawns and supervises the worker processes.
// Single-threaded epoll loop: no locks, and fork() is safe.

#include "channelprotocol.h"
#include "engineplan.h"
#include "httprequestparser.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <sys/types.h>

namespace wsgi::hosting {

struct SupervisorOptions
{
    int keepAliveTimeoutSeconds = 15; // idle keep-alive connection
    int requestTimeoutSeconds = 60;   // a request head or body that stalls (Apache's Timeout)
    bool quiet = false;
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

    // Binds every listen address; false with `error` set when one cannot be bound.
    bool listen(std::string& error);
    const std::vector<ListenSocket>& listenSockets() const { return m_listeners; }

    // Runs until SIGINT/SIGTERM (or requestStop from a signal-safe context); returns the exit code.
    int run();

private:
    struct Connection;
    struct Channel;
    struct Process;
    struct Group;

    // Event loop plumbing.
    void watch(int fd, uint64_t tag, uint32_t events);
    void rewatch(int fd, uint64_t tag, uint32_t events);
    void onListenReadable(size_t listenerIndex);
    void onSignal();
    void onTimer();

    // Client connections.
    void onConnectionEvent(uint64_t id, uint32_t events);
    void readFromClient(Connection& c);
    void processClientInput(Connection& c);
    void startRequest(Connection& c, ParsedRequest& request, size_t headLength);
    void forwardBody(Connection& c);
    void flushClient(Connection& c);
    void updateClientInterest(Connection& c);
    void respondAndClose(Connection& c, int status, std::string_view reason, std::string_view text);
    void closeConnection(uint64_t id);
    void finishResponse(Connection& c, const RequestMetrics& metrics);

    // Worker processes and their channels.
    void spawnProcess(size_t group, int index);
    void onChannelEvent(size_t channel, uint32_t events);
    void handleFrame(Channel& ch, FrameType type, std::string_view payload);
    void channelFailed(Channel& ch, const std::string& why);
    void sendToChannel(Channel& ch, FrameType type, std::string_view payload);
    void flushChannel(Channel& ch);
    void reapChildren();
    void dispatch(size_t group);
    Channel* idleChannel(Group& g);
    void beginShutdown();

    EnginePlan m_plan;
    SupervisorOptions m_options;
    int m_epoll = -1;
    int m_signalFd = -1;
    std::vector<ListenSocket> m_listeners;
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> m_connections;
    uint64_t m_nextConnectionId = 1;
    std::vector<std::unique_ptr<Channel>> m_channels;
    std::vector<std::unique_ptr<Process>> m_processes;
    std::vector<std::unique_ptr<Group>> m_groups;
    bool m_stopping = false;
    int64_t m_stopDeadlineUs = 0;
    int m_exitCode = 0;
};

} // namespace wsgi::hosting
