// Client connections in proxy mode: accepting (with a back-off when file descriptors run out),
// reading heads and bodies against their deadlines, relaying responses, and closing the way Apache
// does (the write side first, then a bounded drain). The request head itself is parsed and routed in
// supervisor.cpp (startRequest).

#include "supervisor.h"

#include "core/clock.h"
#include "requesthead.h"
#include "responsehead.h"
#include "socketaddress.h"
#include "supervisorstate.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

namespace wsgi::hosting {

// ---------------------------------------------------------------------------------------------------
// Policies

bool AcceptBackoff::isShortage(int error)
{
    return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

AcceptBackoff::Decision AcceptBackoff::onAcceptError(int error, int64_t nowUs)
{
    Decision d;
    if (!isShortage(error))
        return d; // ECONNABORTED and the like concern one connection only: take the next
    d.pause = true;
    d.log = !m_inEpisode;
    m_inEpisode = true;
    m_resumeAtUs = nowUs + m_pauseUs;
    ++m_pauses;
    return d;
}

void LingerBudget::start(int64_t nowUs, const LingerLimits& limits)
{
    m_limits = limits;
    m_untilUs = nowUs + limits.totalUs;
    m_idleUntilUs = nowUs + limits.idleUs;
    m_bytes = 0;
}

bool LingerBudget::onBytes(size_t n, int64_t nowUs)
{
    m_bytes += n;
    m_idleUntilUs = nowUs + m_limits.idleUs;
    return m_bytes <= m_limits.maxBytes && !expired(nowUs);
}

// ---------------------------------------------------------------------------------------------------
// Accepting

void Supervisor::updateListenerWatch()
{
    const bool on = m_listenersWanted && !m_acceptBackoff.paused(monotonicMicros());
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

void Supervisor::watchListeners(bool on)
{
    m_listenersWanted = on;
    updateListenerWatch();
}

void Supervisor::onListenReadable(size_t listenerIndex)
{
    const int lfd = m_listeners[listenerIndex].fd;
    for (int accepted = 0; accepted < 64; ++accepted) {
        sockaddr_storage peer{};
        socklen_t len = sizeof peer;
        const int fd = accept4(lfd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (error == EAGAIN || error == EWOULDBLOCK || error == EINTR)
                return;
            const int64_t now = monotonicMicros();
            const auto decision = m_acceptBackoff.onAcceptError(error, now);
            if (!decision.pause)
                continue;
            // The pending connection stays in the backlog and the listener stays readable: polling it
            // again at once would spin. Serve what is open, try again shortly.
            if (decision.log)
                std::fprintf(stderr,
                             "wsgi-engine: cannot accept connections: %s; pausing accept for %lld ms at a "
                             "time while it lasts (%zu connections open; raise the limit with ulimit -n)\n",
                             std::strerror(error),
                             static_cast<long long>((m_acceptBackoff.resumeAtUs() - now) / 1000),
                             m_connections.size());
            updateListenerWatch();
            return;
        }
        m_acceptBackoff.onAccepted();
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto c = std::make_unique<Connection>();
        c->id = m_nextConnectionId++;
        c->fd.reset(fd);
        c->remoteAddr = addressText(peer, c->remotePort);
        sockaddr_storage local{};
        len = sizeof local;
        getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
        c->localAddr = addressText(local, c->localPort);
        c->lastActivityUs = monotonicMicros();
        c->readDeadline.setLimits(m_plan.readTimeouts);
        c->readDeadline.start(ReadPhase::Header, c->lastActivityUs);
        c->interest = EPOLLIN;
        watch(fd, makeTag(Tag::Connection, c->id), EPOLLIN);
        m_connections.emplace(c->id, std::move(c));
    }
}

// ---------------------------------------------------------------------------------------------------
// Reading

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
    const ssize_t n = readAppend(c.fd.get(), c.in);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        // The client closed (or reset). A request in flight is cancelled: its thread stops producing.
        closeConnection(c.id);
        return;
    }
    const int64_t now = monotonicMicros();
    if (c.state == Connection::State::Lingering) {
        c.in.clear();
        if (!c.linger.onBytes(size_t(n), now))
            closeConnection(c.id);
        return;
    }
    c.lastActivityUs = now;
    if (c.state == Connection::State::ReadingHead && !c.readDeadline.active())
        c.readDeadline.start(ReadPhase::Header,
                             now); // the first byte of a kept-alive connection's next request
    c.readDeadline.onBytes(size_t(n), now);
    processClientInput(c);
}

void Supervisor::processClientInput(Connection& c)
{
    if ((c.state == Connection::State::Dispatched && !c.bodyDone) || c.heldBodyDiscard) {
        forwardBody(c);
        if (!m_connections.count(c.id))
            return;
    } else if (c.state == Connection::State::ReadingBody) {
        if (int64_t(c.in.size()) >= c.bodyRemaining) {
            // Queue time starts now: the wait for the client's body is not the engine's.
            c.head.acceptedUs = monotonicMicros();
            queueRequest(c);
            if (!m_connections.count(c.id))
                return;
        }
    } else if (c.state == Connection::State::ReadingHead && !c.in.empty()) {
        ParsedRequest request;
        const HeadParseResult r = parseRequestHead(c.in, request);
        if (r.status == ParseStatus::Error) {
            c.head = RequestHead{}; // not the previous request's: its method and version do not apply
            c.head.method = std::move(request.method); // this one's, as far as its request line went
            c.head.http11 = request.http11;
            respondAndClose(c, r.errorStatus, reasonPhrase(r.errorStatus), r.errorText);
            return;
        }
        if (r.status == ParseStatus::Complete) {
            startRequest(c, request, r.consumed);
            if (!m_connections.count(c.id))
                return;
        }
    }
    updateClientInterest(c);
}

void Supervisor::beginBody(Connection& c)
{
    const int64_t now = monotonicMicros();
    c.planGeneration = m_generation;
    c.bodyEndedUs = 0;
    if (c.head.hasBody)
        c.readDeadline.start(ReadPhase::Body, now);
    else
        c.readDeadline.stop();
    c.hold.start(c.head.bodyChunked, c.head.expectContinue);
    c.held.clear();
    c.heldEnd.reset();
    c.heldBodyDiscard = false;
}

void Supervisor::forwardBody(Connection& c)
{
    Channel* ch = c.channel; // none when the worker has finished and the body is only being checked
    if (c.in.empty() || c.bodyDone)
        return;
    std::string decoded;
    bool ended = false;
    if (c.head.bodyChunked) {
        const auto r = c.chunked.feed(c.in, decoded);
        c.in.erase(0, r.consumed);
        c.hold.onBodyBytes(r.consumed);
        if (ch && !decoded.empty())
            sendToChannel(*ch, FrameType::Body, decoded);
        if (r.error) {
            std::fprintf(stderr, "wsgi-engine: bad chunked request body from %s: %s\n", c.remoteAddr.c_str(),
                         r.errorText.c_str());
            c.bodyDone = true;
            c.keepAlive = false;
            c.readDeadline.stop();
            if (ch)
                cancelRequest(*ch); // the application sees a failed read, its response is dropped
            if (!c.responseStarted) {
                // Nothing has reached the client yet: it gets the real answer.
                c.channel = nullptr;
                c.held.clear();
                c.heldEnd.reset();
                c.heldBodyDiscard = false;
                c.hold.release();
                respondAndClose(c, 400, "Bad Request", "malformed chunked request body: " + r.errorText);
            }
            return;
        }
        ended = r.done;
    } else {
        const size_t n = size_t(std::min<int64_t>(c.bodyRemaining, int64_t(c.in.size())));
        if (ch)
            sendToChannel(*ch, FrameType::Body, std::string_view(c.in).substr(0, n));
        c.in.erase(0, n);
        c.bodyRemaining -= int64_t(n);
        ended = c.bodyRemaining == 0;
    }
    if (ended) {
        if (ch && ch->bodyOpen) {
            sendToChannel(*ch, FrameType::BodyEnd, {});
            ch->bodyOpen = false;
        }
        c.bodyDone = true;
        c.bodyEndedUs = monotonicMicros();
        c.readDeadline.stop();
        c.hold.release();
    }
    if (ch)
        flushChannel(*ch);
    if (m_connections.count(c.id) && !c.hold.active() && (!c.held.empty() || c.heldEnd))
        releaseHold(c);
}

void Supervisor::releaseHold(Connection& c)
{
    c.hold.release();
    if (!c.held.empty()) {
        c.responseStarted = true;
        c.out += c.held;
        c.held.clear();
    }
    c.heldBodyDiscard = false;
    if (c.heldEnd) {
        const RequestMetrics metrics = *c.heldEnd;
        c.heldEnd.reset();
        finishResponse(c, metrics);
    } else {
        flushClient(c);
    }
}

// ---------------------------------------------------------------------------------------------------
// Writing and closing

void Supervisor::flushClient(Connection& c)
{
    bool progressed = false;
    while (c.pendingOut() > 0) {
        const ssize_t n = ::send(c.fd.get(), c.out.data() + c.outOffset, c.pendingOut(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            closeConnection(c.id);
            return;
        }
        c.outOffset += size_t(n);
        progressed = true;
    }
    if (c.pendingOut() > 0 && (progressed || c.writeStalledUs == 0))
        c.writeStalledUs = monotonicMicros(); // Timeout counts from the last byte the client took
    if (c.pendingOut() == 0) {
        c.writeStalledUs = 0;
        c.out.clear();
        c.outOffset = 0;
        if (c.state == Connection::State::Closing) {
            startLinger(c);
            return;
        }
    }
    // A channel paused because this client lagged can go on.
    if (c.channel && c.pendingOut() < kHighWater)
        resumeChannelInput(*c.channel);
    updateClientInterest(c);
}

void Supervisor::startLinger(Connection& c)
{
    // As Apache's lingering close: the client gets a FIN after the response, and what it still sends
    // (an unread body, the rest of a refused request) is read and dropped for a while. Closing with
    // unread bytes would send a reset, which can destroy the response before the client reads it.
    if (::shutdown(c.fd.get(), SHUT_WR) != 0) {
        closeConnection(c.id);
        return;
    }
    if (c.channel)
        cancelRequest(*c.channel);
    c.channel = nullptr;
    c.state = Connection::State::Lingering;
    c.in.clear();
    c.readDeadline.stop();
    c.linger.start(monotonicMicros());
    updateClientInterest(c);
}

void Supervisor::updateClientInterest(Connection& c)
{
    uint32_t want = 0;
    // Read while waiting for a head, or while streaming a body the channel keeps up with. A queued
    // request's body waits in the buffer, bounded by the high-water mark.
    const bool channelLags = c.channel && c.channel->out.size() - c.channel->outOffset > kHighWater;
    if (c.state == Connection::State::Lingering)
        want |= EPOLLIN;
    else if (c.state == Connection::State::ReadingHead && c.pendingOut() < kHighWater)
        want |= EPOLLIN;
    else if (c.state == Connection::State::ReadingBody)
        want |= EPOLLIN;
    else if (c.heldBodyDiscard)
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
        rewatch(c.fd.get(), makeTag(Tag::Connection, c.id), want);
    }
}

void Supervisor::respondAndClose(Connection& c, int status, std::string_view reason, std::string_view text)
{
    (void)reason; // engineResponse gives the standard phrase for `status`
    c.out += engineResponse(status, text, false, c.head.http11, c.head.method == "HEAD");
    c.state = Connection::State::Closing;
    flushClient(c);
}

void Supervisor::closeConnection(uint64_t id)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    Connection& c = *it->second;
    if (c.channel)
        cancelRequest(*c.channel); // nobody will read what the thread still produces
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd.get(), nullptr);
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
        flushClient(c);
        return;
    }
    c.state = Connection::State::ReadingHead;
    c.lastActivityUs = monotonicMicros();
    // Between requests the keep-alive timeout applies; the next head's deadline starts with its first byte.
    if (c.in.empty())
        c.readDeadline.stop();
    else
        c.readDeadline.start(ReadPhase::Header, c.lastActivityUs);
    flushClient(c);
    if (m_connections.count(c.id) && !c.in.empty())
        processClientInput(c); // a pipelined request
}

// ---------------------------------------------------------------------------------------------------
// Deadlines (from the once-a-second timer)

void Supervisor::expireConnections(int64_t now)
{
    enum class Action
    {
        Close,
        HeadTimeout,
        BodyTimeout,
        SocketTimeout
    };
    std::vector<std::pair<uint64_t, Action>> expired;
    const int64_t keepAliveUs = int64_t(m_plan.keepAliveTimeoutMs) * 1000;
    const int64_t writeTimeoutUs = int64_t(m_plan.timeoutSeconds) * 1000000;
    for (auto& [id, cp] : m_connections) {
        Connection& c = *cp;
        // A client that takes none of its response for Apache's Timeout is gone for our purposes: a
        // streamed response would otherwise hold its request thread for as long as the client likes.
        if (c.writeStalledUs != 0 && writeTimeoutUs > 0 && now - c.writeStalledUs > writeTimeoutUs) {
            expired.emplace_back(id, Action::Close);
            continue;
        }
        switch (c.state) {
        case Connection::State::Lingering:
            if (c.linger.expired(now))
                expired.emplace_back(id, Action::Close);
            break;
        case Connection::State::ReadingHead:
            if (c.pendingOut() > 0)
                break;
            if (c.readDeadline.active()) {
                if (c.readDeadline.expired(now))
                    expired.emplace_back(id, c.in.empty() ? Action::Close : Action::HeadTimeout);
            } else if (c.in.empty() && now - c.lastActivityUs > keepAliveUs) {
                expired.emplace_back(id, Action::Close);
            } else if (!c.in.empty()) {
                c.readDeadline.start(ReadPhase::Header, now);
            }
            break;
        case Connection::State::ReadingBody:
        case Connection::State::Queued:
            if (!c.bodyDone && c.readDeadline.expired(now))
                expired.emplace_back(id, Action::BodyTimeout);
            break;
        case Connection::State::Dispatched: {
            const bool channelLags = c.channel && c.channel->out.size() - c.channel->outOffset > kHighWater;
            if ((!c.bodyDone || c.heldBodyDiscard) && !channelLags && c.readDeadline.expired(now)) {
                expired.emplace_back(id, Action::BodyTimeout);
                break;
            }
            // socket-timeout: a worker that sends nothing for this long gets its client a 504, as
            // mod_wsgi's "Timeout when reading response headers from daemon process". It counts once
            // the body has been handed on: an upload in progress has the body deadline instead.
            const int timeout = m_groups.size() > c.group ? m_groups[c.group]->plan.socketTimeoutSeconds : 0;
            const int64_t since = std::max({c.lastResponseUs, c.head.acceptedUs, c.bodyEndedUs});
            if (c.channel && c.bodyDone && timeout > 0 && now - since > int64_t(timeout) * 1000000)
                expired.emplace_back(id, Action::SocketTimeout);
            break;
        }
        case Connection::State::Closing:
            break;
        }
    }
    for (const auto& [id, action] : expired) {
        auto it = m_connections.find(id);
        if (it == m_connections.end())
            continue;
        Connection& c = *it->second;
        switch (action) {
        case Action::Close:
            closeConnection(id);
            break;
        case Action::HeadTimeout:
            respondAndClose(c, 408, "Request Timeout",
                            "the request head did not arrive in time (RequestReadTimeout " +
                                c.readDeadline.limits().text() + ")");
            break;
        case Action::BodyTimeout:
        case Action::SocketTimeout: {
            // The request's thread is told: a body read fails, the response is no longer wanted.
            if (c.channel)
                cancelRequest(*c.channel);
            c.channel = nullptr;
            c.bodyDone = true;
            c.heldBodyDiscard = false;
            c.heldEnd.reset();
            c.held.clear();
            c.readDeadline.stop();
            if (c.responseStarted) {
                c.state = Connection::State::Closing;
                flushClient(c);
            } else if (action == Action::BodyTimeout) {
                respondAndClose(c, 408, "Request Timeout",
                                "the request body did not arrive in time (RequestReadTimeout " +
                                    c.readDeadline.limits().text() + ")");
            } else {
                respondAndClose(c, 504, "Gateway Timeout",
                                "the daemon process sent no response within socket-timeout");
            }
            break;
        }
        }
    }
}

} // namespace wsgi::hosting
