#include "supervisor.h"

#include "core/clock.h"
#include "requesthead.h"
#include "requesttarget.h"
#include "responsehead.h"
#include "routing.h"
#include "socketaddress.h"
#include "supervisorstate.h"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsgi::hosting {

namespace {

} // namespace

Supervisor::Supervisor(EnginePlan plan, SupervisorOptions options)
    : m_plan(std::move(plan)), m_options(options)
{
    m_epollFd.reset(epoll_create1(EPOLL_CLOEXEC));
    m_epoll = m_epollFd.get();
    makeGroups();
}

Supervisor::Group::~Group()
{
    if (balance)
        munmap(balance, size_t(plan.processes) * sizeof(std::atomic<int32_t>));
    if (balanceFd >= 0)
        ::close(balanceFd);
}

void Supervisor::makeGroups()
{
    m_groups.clear();
    for (const auto& g : m_plan.groups) {
        auto group = std::make_unique<Group>();
        group->plan = g;
        if (m_plan.direct) {
            const size_t bytes = size_t(g.processes) * sizeof(std::atomic<int32_t>);
            group->balanceFd = memfd_create("wsgi-engine-balance", MFD_CLOEXEC);
            if (group->balanceFd >= 0 && ftruncate(group->balanceFd, off_t(bytes)) == 0) {
                void* shared = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, group->balanceFd, 0);
                if (shared != MAP_FAILED)
                    group->balance = static_cast<std::atomic<int32_t>*>(shared);
            }
        }
        group->processes.assign(size_t(g.processes), SIZE_MAX);
        group->respawnAtUs.assign(size_t(g.processes), 0);
        group->restarts.assign(size_t(g.processes), 0);
        group->backoff.assign(size_t(g.processes), RestartBackoff{});
        m_groups.push_back(std::move(group));
    }
}

Supervisor::~Supervisor()
{
    m_connections.clear();
    m_channels.clear();
    for (auto& l : m_listeners)
        if (l.fd >= 0)
            ::close(l.fd);
}

bool Supervisor::listen(std::string& error)
{
    for (const auto& address : m_plan.listen) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        addrinfo* found = nullptr;
        const std::string port = std::to_string(address.port);
        const int rc =
            getaddrinfo(address.host.empty() ? nullptr : address.host.c_str(), port.c_str(), &hints, &found);
        if (rc != 0) {
            error = "cannot resolve listen address '" + address.host + "': " + gai_strerror(rc);
            return false;
        }
        const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        // Direct mode: the workers accept from this socket, which is then the daemon socket whose
        // backlog listen-backlog= sets in mod_wsgi; proxy mode: Apache's own listener (ListenBacklog).
        const int backlog = m_plan.direct && !m_plan.groups.empty() && m_plan.groups[0].listenBacklog > 0
                                ? m_plan.groups[0].listenBacklog
                                : 1024;
        if (fd < 0 || bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, backlog) != 0) {
            error =
                "cannot listen on " + (address.host.empty() ? std::string("*") : address.host) + ":" + port +
                ": " + std::strerror(errno) +
                (errno == EADDRINUSE ? " (another server uses this port; pick another with --listen)" : "");
            freeaddrinfo(found);
            if (fd >= 0)
                ::close(fd);
            return false;
        }
        freeaddrinfo(found);
        sockaddr_storage bound{};
        socklen_t len = sizeof bound;
        getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
        ListenSocket ls;
        ls.fd = fd;
        uint16_t boundPort = 0;
        ls.host = addressText(bound, boundPort);
        ls.port = boundPort;
        m_listeners.push_back(ls);
    }
    watchListeners(!m_plan.direct);
    if (m_options.controlPort >= 0) {
        m_control = std::make_unique<ControlServer>(
            m_epoll, makeTag(Tag::ControlListener, 0), makeTag(Tag::ControlClient, 0), m_options.controlToken,
            [this](uint64_t client, const Json& id, const std::string& op, const Json& request) {
                onControlRequest(client, id, op, request);
            });
        m_control->onClientClosed = [this](uint64_t client) {
            std::erase_if(m_subscribers, [client](const auto& s) { return s->client == client; });
        };
        if (!m_control->listen(m_options.controlHost, m_options.controlPort, error))
            return false;
    }
    return true;
}

void Supervisor::watch(int fd, uint64_t tag, uint32_t events)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = tag;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
}

void Supervisor::rewatch(int fd, uint64_t tag, uint32_t events)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = tag;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
}

int Supervisor::run()
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal(SIGPIPE, SIG_IGN);
    m_signalFd.reset(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
    watch(m_signalFd.get(), makeTag(Tag::Signal, 0), EPOLLIN);

    m_startedUs = monotonicMicros();
    for (size_t g = 0; g < m_groups.size(); ++g)
        for (int i = 0; i < m_groups[g]->plan.processes; ++i)
            spawnProcess(g, i);

    epoll_event events[256];
    int64_t nextTimerUs = monotonicMicros() + 1000000;
    while (true) {
        if (m_stopping) {
            bool anyAlive = false;
            for (const auto& p : m_processes)
                anyAlive = anyAlive || p->state != Process::State::Dead;
            if (!anyAlive)
                break;
            if (monotonicMicros() > m_stopDeadlineUs) {
                for (const auto& p : m_processes)
                    if (p->state != Process::State::Dead)
                        kill(p->pid, SIGKILL);
            }
        }
        const int64_t now = monotonicMicros();
        const int64_t wakeUs = std::min(nextTimerUs, nextSubscriberDue());
        const int timeoutMs = int(std::max<int64_t>(0, (wakeUs - now + 999) / 1000));
        const int n = epoll_wait(m_epoll, events, 256, timeoutMs);
        if (n < 0 && errno != EINTR) {
            std::perror("wsgi-engine: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; ++i) {
            const uint64_t tag = events[i].data.u64;
            switch (tagKind(tag)) {
            case Tag::Listener:
                onListenReadable(tagId(tag));
                break;
            case Tag::Connection:
                onConnectionEvent(tagId(tag), events[i].events);
                break;
            case Tag::Channel:
                onChannelEvent(tagId(tag), events[i].events);
                break;
            case Tag::Signal:
                onSignal();
                break;
            case Tag::ControlListener:
                if (m_control)
                    m_control->onListenerReadable();
                break;
            case Tag::ControlClient:
                if (m_control)
                    m_control->onClientEvent(tagId(tag), events[i].events);
                break;
            case Tag::ProcessControl:
                onProcessControl(tagId(tag));
                break;
            }
        }
        publishDueTelemetry(monotonicMicros());
        if (monotonicMicros() >= nextTimerUs) {
            onTimer();
            nextTimerUs = monotonicMicros() + (m_stopping ? 100000 : 1000000);
        }
    }
    return m_exitCode;
}

void Supervisor::onSignal()
{
    signalfd_siginfo info{};
    while (read(m_signalFd.get(), &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGCHLD) {
            reapChildren();
        } else if (!m_stopping) {
            if (!m_options.quiet)
                std::fprintf(stderr, "wsgi-engine: %s received, stopping\n", strsignal(int(info.ssi_signo)));
            beginShutdown();
        }
    }
}

void Supervisor::beginShutdown()
{
    m_stopping = true;
    for (auto& l : m_listeners) {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, l.fd, nullptr);
        ::close(l.fd);
        l.fd = -1;
    }
    int shutdownSeconds = 5;
    for (const auto& g : m_groups)
        shutdownSeconds = std::max(shutdownSeconds, g->plan.shutdownTimeoutSeconds);
    m_stopDeadlineUs = monotonicMicros() + int64_t(shutdownSeconds) * 1000000;
    for (auto& p : m_processes) {
        if (p->state == Process::State::Running) {
            p->state = Process::State::Stopping;
            kill(p->pid, SIGTERM);
            closeChannelsOfStoppingProcess(*p);
        }
    }
}

void Supervisor::onTimer()
{
    const int64_t now = monotonicMicros();
    expireConnections(now);
    updateListenerWatch(); // accepting resumes after a pause for lack of file descriptors
    for (size_t i = 0; i < m_stackRequests.size();) {
        if (now > m_stackRequests[i]->deadlineUs) {
            finishStackRequest(*m_stackRequests[i], true);
            m_stackRequests.erase(m_stackRequests.begin() + long(i));
        } else {
            ++i;
        }
    }
    checkLifecycle(now);
    for (size_t g = 0; g < m_groups.size() && !m_stopping; ++g) {
        Group& group = *m_groups[g];
        for (size_t i = 0; i < group.processes.size(); ++i)
            if (group.processes[i] == SIZE_MAX && group.respawnAtUs[i] != 0 && now >= group.respawnAtUs[i])
                spawnProcess(g, int(i));
        // queue-timeout: a request that waited too long for a thread gets 504, as in mod_wsgi.
        if (group.plan.queueTimeoutSeconds > 0) {
            const int64_t limit = int64_t(group.plan.queueTimeoutSeconds) * 1000000;
            while (!group.queue.empty()) {
                auto it = m_connections.find(group.queue.front());
                const bool waiting =
                    it != m_connections.end() && it->second->state == Connection::State::Queued;
                if (waiting && now - it->second->head.acceptedUs <= limit)
                    break;
                group.queue.pop_front();
                if (waiting)
                    respondAndClose(*it->second, 504, "Gateway Timeout",
                                    "no request thread of daemon group '" + group.plan.name +
                                        "' became free within queue-timeout");
            }
        }
    }
}

void Supervisor::startRequest(Connection& c, ParsedRequest& request, size_t headLength)
{
    c.in.erase(0, headLength);
    const int mount = m_plan.route(request.path);
    if (mount < 0) {
        const bool hasBody = request.chunked || request.contentLength > 0;
        c.keepAlive = request.keepAlive && !hasBody;
        c.out += engineResponse(404, "no WSGIScriptAlias mount serves this URL", c.keepAlive, request.http11,
                                request.method == "HEAD");
        if (!c.keepAlive)
            c.state = Connection::State::Closing;
        if (c.in.empty())
            c.readDeadline.stop();
        else
            c.readDeadline.start(ReadPhase::Header, monotonicMicros());
        flushClient(c);
        if (c.keepAlive && m_connections.count(c.id) && !c.in.empty())
            processClientInput(c); // a request pipelined behind this one
        return;
    }
    c.head = makeRequestHead(std::move(request), {c.remoteAddr, c.remotePort, c.localAddr, c.localPort},
                             uint32_t(mount), monotonicMicros());
    const RequestHead& h = c.head;

    c.bodyDone = !h.hasBody;
    c.bodyRemaining = request.chunked ? 0 : std::max<int64_t>(0, request.contentLength);
    c.chunked = ChunkedDecoder{};
    c.continueSent = false;
    c.responseStarted = false;
    c.keepAlive = request.keepAlive;
    beginBody(c);
    c.group = m_plan.mounts[size_t(mount)].group;
    // A small body is read before the request takes a thread, so a client that trickles it in holds
    // only its connection, and only until the body deadline. (Larger ones stream to the thread, as in
    // mod_wsgi; an Expect: 100-continue client waits for the application, so it is not made to wait here.)
    if (h.hasBody && !h.bodyChunked && !h.expectContinue && c.bodyRemaining <= int64_t(kBufferedBodyMax) &&
        int64_t(c.in.size()) < c.bodyRemaining) {
        c.state = Connection::State::ReadingBody;
        return;
    }
    queueRequest(c);
}

void Supervisor::queueRequest(Connection& c)
{
    if (c.planGeneration != m_generation) {
        // A reload came while the body was read: route again with the new mounts, as queued requests are.
        const int mount = m_plan.route(originPath(c.head.target));
        if (mount < 0) {
            respondAndClose(c, 404, "Not Found", "no WSGIScriptAlias mount serves this URL after a reload");
            return;
        }
        c.head.mountIndex = uint32_t(mount);
        c.group = m_plan.mounts[size_t(mount)].group;
        c.planGeneration = m_generation;
    }
    Group& group = *m_groups[c.group];
    if (group.plan.listenBacklog > 0 && int(group.queue.size()) >= group.plan.listenBacklog) {
        // mod_wsgi's daemon socket backlog is full and Apache answers 503; the queue stands in for it.
        respondAndClose(c, 503, "Service Unavailable",
                        "daemon group '" + group.plan.name + "' has listen-backlog=" +
                            std::to_string(group.plan.listenBacklog) + " requests waiting already");
        return;
    }
    c.state = Connection::State::Queued;
    group.queue.push_back(c.id);
    dispatch(c.group);
}

} // namespace wsgi::hosting
