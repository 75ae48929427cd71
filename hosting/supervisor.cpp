#include "supervisor.h"

#include "core/clock.h"
#include "socketaddress.h"
#include "responsehead.h"
#include "routing.h"
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
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
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
        group->backoffUs.assign(size_t(g.processes), 500000);
        m_groups.push_back(std::move(group));
    }
}

Supervisor::~Supervisor()
{
    for (auto& [id, c] : m_connections)
        ::close(c->fd);
    for (auto& ch : m_channels)
        if (ch->fd >= 0)
            ::close(ch->fd);
    for (auto& l : m_listeners)
        ::close(l.fd);
    if (m_signalFd >= 0)
        ::close(m_signalFd);
    if (m_epoll >= 0)
        ::close(m_epoll);
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
        const int rc = getaddrinfo(address.host.empty() ? nullptr : address.host.c_str(), port.c_str(), &hints, &found);
        if (rc != 0) {
            error = "cannot resolve listen address '" + address.host + "': " + gai_strerror(rc);
            return false;
        }
        const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd < 0 || bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
            error = "cannot listen on " + (address.host.empty() ? std::string("*") : address.host) + ":" + port +
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

void Supervisor::watchListeners(bool on)
{
    if (on == m_listenersWatched)
        return;
    m_listenersWatched = on;
    for (size_t i = 0; i < m_listeners.size(); ++i) {
        if (m_listeners[i].fd < 0)
            continue;
        if (on)
            watch(m_listeners[i].fd, makeTag(Tag::Listener, i), EPOLLIN);
        else
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_listeners[i].fd, nullptr);
    }
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
    m_signalFd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    watch(m_signalFd, makeTag(Tag::Signal, 0), EPOLLIN);

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
    while (read(m_signalFd, &info, sizeof info) == sizeof info) {
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
        }
    }
}

void Supervisor::onTimer()
{
    const int64_t now = monotonicMicros();
    std::vector<uint64_t> expired;
    for (auto& [id, c] : m_connections) {
        const int64_t idle = now - c->lastActivityUs;
        if (c->state == Connection::State::ReadingHead && c->pendingOut() == 0) {
            const bool partial = !c->in.empty();
            if ((!partial && idle > int64_t(m_options.keepAliveTimeoutSeconds) * 1000000) ||
                (partial && idle > int64_t(m_options.requestTimeoutSeconds) * 1000000))
                expired.push_back(id);
        }
    }
    // socket-timeout: a worker that sends nothing for this long gets its client a 504, as mod_wsgi's
    // "Timeout when reading response headers from daemon process"; the thread finishes on its own.
    for (auto& [id, c] : m_connections) {
        if (c->state != Connection::State::Dispatched || !c->channel)
            continue;
        const int timeout = m_groups.size() > c->group ? m_groups[c->group]->plan.socketTimeoutSeconds : 0;
        if (timeout > 0 && now - std::max(c->lastResponseUs, c->head.acceptedUs) > int64_t(timeout) * 1000000)
            expired.push_back(id);
    }
    for (uint64_t id : expired) {
        auto it = m_connections.find(id);
        if (it == m_connections.end())
            continue;
        Connection& c = *it->second;
        if (c.state == Connection::State::Dispatched) {
            // The thread keeps running; whatever it still sends for this request is dropped.
            if (c.channel->bodyOpen) {
                sendToChannel(*c.channel, FrameType::Abort, {});
                c.channel->bodyOpen = false;
                flushChannel(*c.channel);
            }
            c.channel = nullptr;
            c.bodyDone = true;
            if (!c.responseStarted)
                respondAndClose(c, 504, "Gateway Timeout",
                                "the daemon process sent no response within socket-timeout");
            else
                closeConnection(id);
        } else if (!c.in.empty()) {
            respondAndClose(c, 408, "Request Timeout", "the request head did not arrive in time");
        } else {
            closeConnection(id);
        }
    }
    for (size_t i = 0; i < m_stackRequests.size();) {
        if (now > m_stackRequests[i]->deadlineUs) {
            finishStackRequest(*m_stackRequests[i], true);
            m_stackRequests.erase(m_stackRequests.begin() + long(i));
        } else {
            ++i;
        }
    }
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
                if (it != m_connections.end() && now - it->second->head.acceptedUs <= limit)
                    break;
                group.queue.pop_front();
                if (it != m_connections.end())
                    respondAndClose(*it->second, 504, "Gateway Timeout",
                                    "no request thread of daemon group '" + group.plan.name +
                                        "' became free within queue-timeout");
            }
        }
    }
}

void Supervisor::onListenReadable(size_t listenerIndex)
{
    const int lfd = m_listeners[listenerIndex].fd;
    for (int accepted = 0; accepted < 64; ++accepted) {
        sockaddr_storage peer{};
        socklen_t len = sizeof peer;
        const int fd = accept4(lfd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; // EAGAIN, or a transient error such as EMFILE: try again on the next event
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto c = std::make_unique<Connection>();
        c->id = m_nextConnectionId++;
        c->fd = fd;
        c->remoteAddr = addressText(peer, c->remotePort);
        sockaddr_storage local{};
        len = sizeof local;
        getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
        c->localAddr = addressText(local, c->localPort);
        c->lastActivityUs = monotonicMicros();
        c->interest = EPOLLIN;
        watch(fd, makeTag(Tag::Connection, c->id), EPOLLIN);
        m_connections.emplace(c->id, std::move(c));
    }
}

void Supervisor::onConnectionEvent(uint64_t id, uint32_t events)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    Connection& c = *it->second;
    if (events & EPOLLOUT)
        flushClient(c);
    if (!m_connections.count(id))
        return;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        readFromClient(c);
}

void Supervisor::readFromClient(Connection& c)
{
    const ssize_t n = readAppend(c.fd, c.in);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        // The client closed (or reset). A request in flight keeps its thread until End.
        closeConnection(c.id);
        return;
    }
    c.lastActivityUs = monotonicMicros();
    processClientInput(c);
}

void Supervisor::processClientInput(Connection& c)
{
    if (c.state == Connection::State::Dispatched && !c.bodyDone) {
        forwardBody(c);
    } else if (c.state == Connection::State::ReadingHead && !c.in.empty()) {
        ParsedRequest request;
        const HeadParseResult r = parseRequestHead(c.in, request);
        if (r.status == ParseStatus::Error) {
            respondAndClose(c, r.errorStatus, reasonPhrase(r.errorStatus), r.errorText);
            return;
        }
        if (r.status == ParseStatus::Complete)
            startRequest(c, request, r.consumed);
    }
    updateClientInterest(c);
}

void Supervisor::startRequest(Connection& c, ParsedRequest& request, size_t headLength)
{
    c.in.erase(0, headLength);
    const int mount = m_plan.route(targetPath(request.target));
    if (mount < 0) {
        const bool hasBody = request.chunked || request.contentLength > 0;
        c.keepAlive = request.keepAlive && !hasBody;
        c.out += simpleResponse(404, "Not Found", "no WSGIScriptAlias mount serves this URL", c.keepAlive,
                                request.http11);
        if (!c.keepAlive)
            c.state = Connection::State::Closing;
        flushClient(c);
        return;
    }
    RequestHead& h = c.head;
    h = RequestHead{};
    h.acceptedUs = monotonicMicros();
    h.mountIndex = uint32_t(mount);
    h.http11 = request.http11;
    h.keepAliveRequested = request.keepAlive;
    h.hasBody = request.chunked || request.contentLength > 0;
    h.bodyChunked = request.chunked;
    h.expectContinue = request.expectContinue && h.hasBody;
    h.contentLength = request.contentLength;
    h.method = std::move(request.method);
    h.target = std::move(request.target);
    h.remoteAddr = c.remoteAddr;
    h.remotePort = c.remotePort;
    h.localAddr = c.localAddr;
    h.localPort = c.localPort;
    h.headers = std::move(request.headers);

    c.bodyDone = !h.hasBody;
    c.bodyRemaining = request.chunked ? 0 : std::max<int64_t>(0, request.contentLength);
    c.chunked = ChunkedDecoder{};
    c.continueSent = false;
    c.responseStarted = false;
    c.keepAlive = request.keepAlive;
    c.group = m_plan.mounts[size_t(mount)].group;
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

void Supervisor::forwardBody(Connection& c)
{
    Channel& ch = *c.channel;
    if (c.in.empty() || c.bodyDone)
        return;
    std::string decoded;
    if (c.head.bodyChunked) {
        const auto r = c.chunked.feed(c.in, decoded);
        c.in.erase(0, r.consumed);
        if (!decoded.empty())
            sendToChannel(ch, FrameType::Body, decoded);
        if (r.error) {
            // The application sees a failed read; the client gets no further response on this connection.
            sendToChannel(ch, FrameType::Abort, {});
            ch.bodyOpen = false;
            c.bodyDone = true;
            c.keepAlive = false;
            std::fprintf(stderr, "wsgi-engine: bad chunked request body from %s: %s\n", c.remoteAddr.c_str(),
                         r.errorText.c_str());
            return;
        }
        if (r.done) {
            sendToChannel(ch, FrameType::BodyEnd, {});
            ch.bodyOpen = false;
            c.bodyDone = true;
        }
    } else {
        const size_t n = size_t(std::min<int64_t>(c.bodyRemaining, int64_t(c.in.size())));
        sendToChannel(ch, FrameType::Body, std::string_view(c.in).substr(0, n));
        c.in.erase(0, n);
        c.bodyRemaining -= int64_t(n);
        if (c.bodyRemaining == 0) {
            sendToChannel(ch, FrameType::BodyEnd, {});
            ch.bodyOpen = false;
            c.bodyDone = true;
        }
    }
    flushChannel(ch);
}

void Supervisor::flushClient(Connection& c)
{
    while (c.pendingOut() > 0) {
        const ssize_t n = ::send(c.fd, c.out.data() + c.outOffset, c.pendingOut(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            closeConnection(c.id);
            return;
        }
        c.outOffset += size_t(n);
    }
    if (c.pendingOut() == 0) {
        c.out.clear();
        c.outOffset = 0;
        if (c.state == Connection::State::Closing) {
            closeConnection(c.id);
            return;
        }
    }
    // A channel paused because this client lagged can go on.
    if (c.channel && c.pendingOut() < kHighWater && !(c.channel->interest & EPOLLIN) && c.channel->alive) {
        c.channel->interest |= EPOLLIN;
        rewatch(c.channel->fd, makeTag(Tag::Channel, c.channel->index), c.channel->interest);
    }
    updateClientInterest(c);
}

void Supervisor::updateClientInterest(Connection& c)
{
    uint32_t want = 0;
    // Read while waiting for a head, or while streaming a body the channel keeps up with. A queued
    // request's body waits in the buffer, bounded by the high-water mark.
    const bool channelLags = c.channel && c.channel->out.size() - c.channel->outOffset > kHighWater;
    if (c.state == Connection::State::ReadingHead && c.pendingOut() < kHighWater)
        want |= EPOLLIN;
    else if ((c.state == Connection::State::Dispatched && !c.bodyDone && !channelLags) ||
             (c.state == Connection::State::Queued && c.in.size() < kHighWater))
        want |= EPOLLIN;
    else if (c.state == Connection::State::Dispatched && c.bodyDone && c.in.size() < kHighWater)
        want |= EPOLLIN; // pipelined requests, and noticing a client that goes away
    if (c.pendingOut() > 0)
        want |= EPOLLOUT;
    if (want != c.interest) {
        c.interest = want;
        rewatch(c.fd, makeTag(Tag::Connection, c.id), want);
    }
}

void Supervisor::respondAndClose(Connection& c, int status, std::string_view reason, std::string_view text)
{
    c.out += simpleResponse(status, reason, text, false, c.head.http11);
    c.state = Connection::State::Closing;
    flushClient(c);
}

void Supervisor::closeConnection(uint64_t id)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    Connection& c = *it->second;
    if (c.channel) {
        // The thread finishes the request; its output is discarded. Tell it the body ends here.
        if (c.channel->bodyOpen) {
            sendToChannel(*c.channel, FrameType::Abort, {});
            c.channel->bodyOpen = false;
            flushChannel(*c.channel);
        }
    }
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    m_connections.erase(it);
}

void Supervisor::finishResponse(Connection& c, const RequestMetrics& metrics)
{
    c.channel = nullptr;
    if (!c.bodyDone)
        c.keepAlive = false; // unread body bytes are still on the way: the connection cannot be reused
    c.keepAlive = c.keepAlive && metrics.keepAlive && !metrics.truncated;
    if (!c.keepAlive) {
        c.state = Connection::State::Closing;
        if (c.pendingOut() == 0)
            closeConnection(c.id);
        else
            flushClient(c);
        return;
    }
    c.state = Connection::State::ReadingHead;
    c.lastActivityUs = monotonicMicros();
    flushClient(c);
    if (m_connections.count(c.id) && !c.in.empty())
        processClientInput(c); // a pipelined request
}

} // namespace wsgi::hosting
