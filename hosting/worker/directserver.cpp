#include "directserver.h"

#include "core/clock.h"
#include "hosting/requesthead.h"
#include "hosting/routing.h"
#include "hosting/socketaddress.h"
#include "requestthread.h"
#include "socketio.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsgi::worker {

using hosting::addressText;
using hosting::ReadDeadline;
using hosting::ReadPhase;

namespace {

// epoll data: connections by pointer (even), listen sockets and the wake fd as small odd tags.
constexpr uint64_t kWakeTag = 1;
uint64_t listenTag(size_t index)
{
    return (uint64_t(index) << 1) | 1u | 2u << 20;
}
bool isListenTag(uint64_t tag)
{
    return (tag & 1u) && tag != kWakeTag;
}
size_t listenIndex(uint64_t tag)
{
    return size_t((tag & ~(uint64_t(2) << 20)) >> 1);
}

// Out of descriptors or memory: accepting again at once would fail again while the listener stays
// readable, so accepting pauses for this long (Apache's accept loop backs off likewise).
constexpr int64_t kAcceptPauseUs = 250000;
bool isShortage(int error)
{
    return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

// How long a process that holds more connections than another of its group leaves a new connection
// to the others before it takes it itself.
constexpr int kFairShareGraceMs = 1;

// How long the overflow thread leaves a pending connection to an idle thread of another process
// before it takes it for its own busy one.
constexpr int kOverflowGraceMs = 3;
constexpr int kOverflowUnfairGraceMs = 20;

DirectLimits limitsOf(const hosting::WorkerSpec& spec)
{
    DirectLimits l;
    l.readTimeouts = spec.readTimeouts;
    l.keepAliveMs = spec.keepAliveMilliseconds;
    l.socketTimeoutSeconds = spec.socketTimeoutSeconds;
    l.queueTimeoutSeconds = spec.queueTimeoutSeconds;
    l.listenBacklog = spec.listenBacklog;
    return l;
}

std::string headTimeoutText(const DirectLimits& l)
{
    return "the request head did not arrive within RequestReadTimeout " +
           l.readTimeouts.text().substr(0, l.readTimeouts.text().find(' '));
}

std::string bodyTimeoutText(const DirectLimits& l)
{
    const std::string t = l.readTimeouts.text();
    return "the request body did not arrive within RequestReadTimeout " + t.substr(t.find(' ') + 1);
}

} // namespace

DirectServer::DirectServer(const hosting::WorkerSpec& spec, std::vector<int> listenFds,
                           std::atomic<int32_t>* counts)
    : m_epoll(epoll_create1(EPOLL_CLOEXEC)), m_wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      m_metricsDue(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), m_listenFds(std::move(listenFds)),
      m_limits(limitsOf(spec)), m_counts(counts), m_slots(spec.processes), m_slot(spec.processIndex),
      m_threads(spec.threads), m_maximumRequests(spec.maximumRequests), m_oneShot(spec.threads > 1)
{
    for (const auto& m : spec.mounts)
        m_mounts.emplace_back(m.index, m.urlPrefix);
    epoll_event ev{};
    ev.events = EPOLLIN; // level-triggered: once written, every waiting thread sees it
    ev.data.u64 = kWakeTag;
    epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_wake.get(), &ev);
    {
        std::lock_guard lock(m_lock);
        setListening(true);
    }
    m_overflow = std::thread([this] { overflowLoop(); });
}

DirectServer::~DirectServer()
{
    stop();
    if (m_overflow.joinable())
        m_overflow.join();
}

void DirectServer::stop()
{
    {
        // A stopping process hands its slot to its replacement: it no longer counts in it.
        std::lock_guard lock(m_lock);
        m_counts = nullptr;
        setListening(false);
        m_stopping = true;
    }
    const uint64_t one = 1;
    const ssize_t n = ::write(m_wake.get(), &one, sizeof one);
    (void)n;
}

std::string DirectServer::takeMetrics()
{
    uint64_t drained = 0;
    const ssize_t r = ::read(m_metricsDue.get(), &drained, sizeof drained);
    (void)r;
    std::lock_guard lock(m_lock);
    std::string out;
    out.swap(m_metrics);
    return out;
}

void DirectServer::recordMetrics(const hosting::RequestMetrics& m)
{
    // Bounds the memory a batch takes between the supervisor's pulls (it pulls only while someone
    // subscribes to telemetry; otherwise the main thread sends every second).
    constexpr size_t kDueBytes = 256 * 1024;
    const std::string encoded = m.encode();
    bool due = false;
    {
        std::lock_guard lock(m_lock);
        const uint32_t n = uint32_t(encoded.size());
        m_metrics.append(reinterpret_cast<const char*>(&n), sizeof n);
        m_metrics += encoded;
        ++m_recorded;
        due = m_metrics.size() >= kDueBytes || (m_maximumRequests > 0 && m_recorded == m_maximumRequests);
    }
    if (due) {
        const uint64_t one = 1;
        const ssize_t w = ::write(m_metricsDue.get(), &one, sizeof one);
        (void)w;
    }
}

void DirectServer::serve(RequestThread& thread)
{
    while (!m_stopping.load()) {
        epoll_event ev{};
        const int n = epoll_wait(m_epoll.get(), &ev, 1, -1);
        if (n <= 0)
            continue;
        if (ev.data.u64 == kWakeTag)
            continue; // stop() was called; the loop condition ends it
        if (isListenTag(ev.data.u64)) {
            acceptFrom(listenIndex(ev.data.u64));
            continue;
        }
        serveEvent(thread, static_cast<DirectConnection*>(ev.data.ptr));
    }
    drain(thread);
}

void DirectServer::serveEvent(RequestThread& thread, DirectConnection* c)
{
    m_active.fetch_add(1);
    Outcome outcome = serveConnection(thread, *c);
    m_active.fetch_sub(1);
    // Once stopping, a connection is kept only to finish the request head it has begun (a head
    // is complete within moments, or the drain ends first); after a response it closes.
    if (m_stopping.load() && c->state.load() != ConnectionState::Head &&
        c->state.load() != ConnectionState::Body)
        outcome = Outcome::Close;
    if (outcome == Outcome::Close) {
        closeConnection(c);
        return;
    }
    if (m_oneShot) {
        epoll_event rearm{};
        rearm.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
        rearm.data.ptr = c;
        epoll_ctl(m_epoll.get(), EPOLL_CTL_MOD, c->fd.get(), &rearm);
    }
}

bool DirectServer::awaitingRequests(int64_t nowUs) const
{
    // Accepted moments ago, or a head begun: the client sent its request to a process that was still
    // serving, so it is answered rather than dropped by a restart or a reload.
    constexpr int64_t kFreshUs = 500000;
    std::lock_guard lock(m_lock);
    for (const DirectConnection* c : m_all) {
        const ConnectionState state = c->state.load();
        if (state == ConnectionState::Body ||
            (state == ConnectionState::Head && nowUs - c->acceptedUs < kFreshUs))
            return true;
    }
    return false;
}

void DirectServer::drain(RequestThread& thread)
{
    // After stop(): connections whose request is here or on its way are still served, for a bounded
    // time; idle keep-alive connections are left to close with the process.
    constexpr int64_t kDrainUs = 2000000;
    const int64_t until = monotonicMicros() + kDrainUs;
    while (monotonicMicros() < until) {
        epoll_event events[8];
        const int n = epoll_wait(m_epoll.get(), events, 8, 0); // the wake fd stays readable: never block
        bool served = false;
        for (int i = 0; i < n; ++i) {
            if (events[i].data.u64 == kWakeTag || isListenTag(events[i].data.u64))
                continue;
            serveEvent(thread, static_cast<DirectConnection*>(events[i].data.ptr));
            served = true;
        }
        if (!served) {
            if (!awaitingRequests(monotonicMicros()))
                return;
            poll(nullptr, 0, 5);
        }
    }
}

void DirectServer::acceptFrom(size_t index)
{
    // Every process of the group is woken for a new connection. The one holding the fewest
    // connections takes it at once; the others leave it that long first, then take it if it is still
    // there (that process's threads may all be busy). So connections spread evenly, and none waits
    // for more than a moment to be accepted.
    if (m_counts && !leastLoaded())
        poll(nullptr, 0, kFairShareGraceMs);
    // One connection per wake-up: a thread that took one goes on to serve it, and the next
    // connection wakes an idle thread, here or in another process.
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd =
        accept4(m_listenFds[index], reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        acceptFailed(errno);
        return;
    }
    adopt(fd, peer, false);
}

bool DirectServer::acceptFailed(int error)
{
    if (!isShortage(error))
        return false; // EAGAIN (another thread or process took it), ECONNABORTED, ...
    std::lock_guard lock(m_lock);
    if (m_pausedUntilUs.load() > monotonicMicros())
        return true;
    m_pausedUntilUs = monotonicMicros() + kAcceptPauseUs;
    setListening(false); // tick() resumes
    // Said once, not once per pause: a limit that lets a descriptor free now and then would
    // otherwise fill the log. Again only after a minute.
    const int64_t now = monotonicMicros();
    if (m_shortageLoggedUs == 0 || now - m_shortageLoggedUs > 60 * int64_t(1000000)) {
        m_shortageLoggedUs = now;
        std::fprintf(
            stderr,
            "wsgi-worker[%d]: cannot accept connections: %s; pausing accepts (%d ms at a time) until "
            "descriptors are free, open connections are still served (raise the limit with ulimit -n)\n",
            int(getpid()), std::strerror(error), int(kAcceptPauseUs / 1000));
        std::fflush(stderr);
    }
    return true;
}

DirectConnection* DirectServer::adopt(int fd, const sockaddr_storage& peer, bool queued)
{
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Kernel receive timestamps give the time a request's bytes arrived (see readArrived).
    const int stamping = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &stamping, sizeof stamping);
    auto* c = new DirectConnection;
    c->fd.reset(fd);
    c->acceptedUs = monotonicMicros();
    c->queued = queued;
    c->remoteAddr = addressText(peer, c->remotePort);
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    c->localAddr = addressText(local, c->localPort);
    // A new connection's first request head is due within RequestReadTimeout header=, counted from
    // the accept: a client that never sends a byte is closed then.
    c->head.setLimits(m_limits.readTimeouts);
    c->head.start(ReadPhase::Header, c->acceptedUs);
    c->state = ConnectionState::Head;
    c->deadlineUs = c->head.active() ? c->head.deadlineUs()
                                     : c->acceptedUs + int64_t(m_limits.socketTimeoutSeconds) * 1000000;
    {
        std::lock_guard lock(m_lock);
        ++m_connections;
        m_all.push_back(c);
        if (m_counts)
            m_counts[m_slot].fetch_add(1, std::memory_order_relaxed);
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (m_oneShot ? EPOLLONESHOT : 0u);
    ev.data.ptr = c;
    epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, fd, &ev);
    return c;
}

void DirectServer::closeConnection(DirectConnection* c)
{
    epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, c->fd.get(), nullptr);
    {
        std::lock_guard lock(m_lock);
        --m_connections;
        std::erase(m_all, c);
        if (m_counts)
            m_counts[m_slot].fetch_sub(1, std::memory_order_relaxed);
    }
    delete c; // closes the socket
}

bool DirectServer::leastLoaded() const
{
    if (!m_counts)
        return true;
    const int32_t mine = m_counts[m_slot].load(std::memory_order_relaxed);
    for (int i = 0; i < m_slots; ++i)
        if (i != m_slot && m_counts[i].load(std::memory_order_relaxed) < mine)
            return false;
    return true;
}

void DirectServer::setListening(bool on)
{
    if (on == m_listening || (on && m_stopping.load()))
        return;
    m_listening = on;
    for (size_t i = 0; i < m_listenFds.size(); ++i) {
        if (on) {
            // Not EPOLLEXCLUSIVE: the exclusive wake-up goes to the first process in the listener's
            // wait queue with a thread waiting, which would take nearly every connection of a burst.
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = listenTag(i);
            epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_listenFds[i], &ev);
        } else {
            epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, m_listenFds[i], nullptr);
        }
    }
}

void DirectServer::expire(DirectConnection& c, int64_t nowUs)
{
    if (c.state.load() == ConnectionState::Busy) {
        // socket-timeout: nothing moved for this long. Before any response byte the client gets a
        // 504, as mod_wsgi's "Timeout when reading response headers from daemon process"; after, the
        // connection is cut. The thread finishes on its own and closes the connection.
        ResponseOwner none = ResponseOwner::None;
        if (c.response.compare_exchange_strong(none, ResponseOwner::Watchdog)) {
            const std::string r =
                hosting::simpleResponse(504, "Gateway Timeout",
                                        "the application sent no response within socket-timeout=" +
                                            std::to_string(m_limits.socketTimeoutSeconds) + " s",
                                        false, true);
            const ssize_t n = ::send(c.fd.get(), r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)n;
        }
        shutdown(c.fd.get(), SHUT_RDWR);
        c.progressUs = nowUs; // not again before another socket-timeout
        return;
    }
    // Ending the read side wakes the connection's epoll entry; the thread that picks it up sees
    // `expired` and answers 408 or closes.
    if (!c.expired.exchange(true))
        shutdown(c.fd.get(), SHUT_RD);
}

int DirectServer::tick(int64_t nowUs)
{
    int64_t next = nowUs + 1000000;
    std::lock_guard lock(m_lock);
    const int64_t paused = m_pausedUntilUs.load();
    if (paused != 0) {
        if (nowUs >= paused) {
            m_pausedUntilUs = 0;
            setListening(true);
        } else {
            next = std::min(next, paused);
        }
    }
    const int64_t socketTimeoutUs = int64_t(m_limits.socketTimeoutSeconds) * 1000000;
    for (DirectConnection* c : m_all) {
        int64_t due = ReadDeadline::kNone;
        if (c->state.load() == ConnectionState::Busy) {
            if (socketTimeoutUs > 0)
                due = c->progressUs.load() + socketTimeoutUs;
        } else if (!c->expired.load()) {
            due = c->deadlineUs.load();
        }
        if (due == ReadDeadline::kNone)
            continue;
        if (nowUs >= due)
            expire(*c, nowUs);
        else
            next = std::min(next, due);
    }
    return int(std::max<int64_t>(1, (next - nowUs + 999) / 1000));
}

DirectServer::Outcome DirectServer::lingerOrClose(DirectConnection& c, bool clientThere)
{
    if (!clientThere || c.response.load() == ResponseOwner::Watchdog)
        return Outcome::Close;
    startLinger(c, m_limits, monotonicMicros());
    return drainLinger(c, m_limits) ? Outcome::Keep : Outcome::Close;
}

DirectServer::Outcome DirectServer::respondAndLinger(DirectConnection& c, const std::string& response)
{
    const bool sent = sendAllBytes(
        c.fd.get(), response, m_limits.socketTimeoutSeconds > 0 ? m_limits.socketTimeoutSeconds * 1000 : -1);
    return lingerOrClose(c, sent);
}

void DirectServer::overflowLoop()
{
    // Woken by every new connection (not by requests, so keep-alive traffic costs it nothing), it
    // accepts only while every request thread of this process is busy, when nothing else here does.
    struct Refused
    {
        hosting::UniqueFd fd;
        int64_t untilUs;
    };
    std::vector<Refused> refused; // answered 503, lingering
    std::vector<pollfd> fds;
    while (!m_stopping.load()) {
        const bool accepting = m_pausedUntilUs.load() == 0;
        fds.assign(1, pollfd{m_wake.get(), POLLIN, 0});
        for (size_t i = 0; accepting && i < m_listenFds.size(); ++i)
            fds.push_back({m_listenFds[i], POLLIN, 0});
        const size_t firstRefused = fds.size();
        for (const auto& r : refused)
            fds.push_back({r.fd.get(), POLLIN, 0});
        // While paused (out of descriptors), the tick resumes accepting: look again now and then.
        const int waitMs = !refused.empty() || !accepting ? 50 : -1;
        if (poll(fds.data(), fds.size(), waitMs) < 0 || (fds[0].revents & POLLIN))
            continue;
        const int64_t now = monotonicMicros();
        for (size_t i = refused.size(); i-- > 0;) {
            char buf[16384];
            bool done = now >= refused[i].untilUs;
            if (!done && (fds[firstRefused + i].revents & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t n;
                while ((n = ::recv(refused[i].fd.get(), buf, sizeof buf, MSG_DONTWAIT)) > 0) {
                }
                done = !(n < 0 && errno == EAGAIN);
            }
            if (done)
                refused.erase(refused.begin() + long(i));
        }
        for (size_t i = 1; i < firstRefused; ++i) {
            if (!(fds[i].revents & POLLIN))
                continue;
            // An idle thread of another process was woken for this connection too: give it the
            // chance to take it, then take what is left.
            poll(nullptr, 0, kOverflowGraceMs);
            // A process holding more connections than another of its group leaves it longer: an
            // idle thread there, or a thread here coming free, should take it before it is queued.
            if (m_counts && !leastLoaded() && m_active.load() >= m_threads)
                poll(nullptr, 0, kOverflowUnfairGraceMs);
            if (m_active.load() < m_threads)
                break; // a thread here is free: it accepts
            const size_t index = i - 1;
            sockaddr_storage peer{};
            socklen_t len = sizeof peer;
            const int fd = accept4(m_listenFds[index], reinterpret_cast<sockaddr*>(&peer), &len,
                                   SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                acceptFailed(errno);
                continue;
            }
            if (m_limits.listenBacklog <= 0 || m_waiting.load() < m_limits.listenBacklog ||
                waitingRequests() < m_limits.listenBacklog) {
                m_waiting.fetch_add(1);
                adopt(fd, peer, true);
                continue;
            }
            const std::string r = hosting::simpleResponse(
                503, "Service Unavailable",
                "daemon process busy: listen-backlog=" + std::to_string(m_limits.listenBacklog) +
                    " connections are waiting for a thread already",
                false, true);
            const ssize_t n = ::send(fd, r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)n;
            shutdown(fd, SHUT_WR);
            constexpr size_t kMaxRefused = 256;
            if (refused.size() >= kMaxRefused)
                refused.erase(refused.begin());
            refused.push_back({hosting::UniqueFd(fd), now + int64_t(m_limits.lingerIdleMs) * 1000});
        }
    }
}

int DirectServer::waitingRequests() const
{
    // Of the connections waiting for a thread, those whose request head has arrived: a connection
    // still sending its head (slowloris) holds no place in listen-backlog, as in proxy mode, where
    // only complete requests queue. Peeking leaves the bytes to the thread that serves it.
    int n = 0;
    char buf[16384];
    std::lock_guard lock(m_lock);
    for (const DirectConnection* c : m_all) {
        if (!c->queued.load())
            continue;
        const ssize_t got = ::recv(c->fd.get(), buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
        const std::string_view seen(buf, got > 0 ? size_t(got) : 0);
        // A full buffer is a head too large to wait for in full: it counts.
        if (got == ssize_t(sizeof buf) || seen.find("\r\n\r\n") != std::string_view::npos)
            ++n;
    }
    return n;
}

DirectServer::Outcome DirectServer::serveConnection(RequestThread& thread, DirectConnection& c)
{
    if (c.queued.exchange(false))
        m_waiting.fetch_sub(1);
    if (c.state.load() == ConnectionState::Lingering)
        return drainLinger(c, m_limits) ? Outcome::Keep : Outcome::Close;
    const bool expired = c.expired.exchange(false);
    int64_t arrivedUs = 0;
    const ssize_t n = readArrived(c, arrivedUs);
    if ((n == 0 && !expired) || n == -1)
        return Outcome::Close; // the client closed or reset (an expired read side reads as closed)
    if (n > 0) {
        if (c.state.load() == ConnectionState::KeepAlive) {
            // The next request's head phase starts with its first byte (mod_reqtimeout).
            c.head.start(ReadPhase::Header, arrivedUs);
            c.state = ConnectionState::Head;
        }
        c.head.onBytes(size_t(n), arrivedUs); // the body's deadline while state is Body
    }
    if (c.state.load() == ConnectionState::Body) {
        if (expired || c.head.expired(monotonicMicros()))
            return respondAndLinger(
                c, hosting::simpleResponse(408, "Request Timeout", bodyTimeoutText(m_limits), false, true));
        if (int64_t(c.in.size()) < c.pending->contentLength) {
            c.deadlineUs = c.head.deadlineUs();
            return Outcome::Keep;
        }
        // The whole body is here: the request takes this thread now.
        hosting::RequestHead head = std::move(*c.pending);
        c.pending.reset();
        if (const auto outcome = runRequest(thread, c, head, monotonicMicros()))
            return *outcome;
    } else if (expired) {
        // The tick found the deadline passed: a head begun gets 408, an idle connection just ends.
        if (c.in.empty() || c.state.load() == ConnectionState::KeepAlive)
            return Outcome::Close;
        return respondAndLinger(
            c, hosting::simpleResponse(408, "Request Timeout", headTimeoutText(m_limits), false, true));
    }

    // Serve every complete request in the buffer (pipelining), one at a time.
    while (!c.in.empty()) {
        hosting::ParsedRequest request;
        const auto parsed = hosting::parseRequestHead(c.in, request);
        if (parsed.status == hosting::ParseStatus::NeedMore)
            break;
        if (parsed.status == hosting::ParseStatus::Error)
            return respondAndLinger(c, hosting::engineResponse(parsed.errorStatus, parsed.errorText, false,
                                                               request.http11, request.method == "HEAD"));
        c.in.erase(0, parsed.consumed);
        const int mount = hosting::longestPrefixMatch(
            request.path, m_mounts.size(), [this](size_t i) { return std::string_view(m_mounts[i].second); });
        if (mount < 0) {
            const bool hasBody = request.chunked || request.contentLength > 0;
            const bool keep = request.keepAlive && !hasBody;
            const std::string r = hosting::engineResponse(404, "no WSGIScriptAlias mount serves this URL",
                                                          keep, request.http11, request.method == "HEAD");
            if (!keep)
                return respondAndLinger(c, r);
            if (!sendAllBytes(c.fd.get(), r, m_limits.socketTimeoutSeconds * 1000))
                return Outcome::Close;
            continue;
        }
        hosting::RequestHead head = hosting::makeRequestHead(
            std::move(request), {c.remoteAddr, c.remotePort, c.localAddr, c.localPort},
            m_mounts[size_t(mount)].first, std::min(arrivedUs, monotonicMicros()));
        if (head.hasBody && !head.bodyChunked && !head.expectContinue &&
            head.contentLength <= kBufferedBodyMax && int64_t(c.in.size()) < head.contentLength) {
            // A small body is read before the request takes a thread, so a client that trickles it in
            // holds only its connection. (Larger ones stream to the thread; an Expect: 100-continue
            // client waits for the application, so it is not made to wait here.)
            const int64_t now = monotonicMicros();
            c.head.start(ReadPhase::Body, now);
            c.head.onBytes(c.in.size(), now);
            c.deadlineUs = c.head.active() ? c.head.deadlineUs()
                                           : now + int64_t(m_limits.socketTimeoutSeconds) * 1000000;
            c.pending = std::make_unique<hosting::RequestHead>(std::move(head));
            c.state = ConnectionState::Body;
            return Outcome::Keep;
        }
        if (const auto outcome = runRequest(thread, c, head, head.acceptedUs))
            return *outcome;
        arrivedUs = monotonicMicros(); // pipelined requests were already here
    }
    if (c.state.load() == ConnectionState::Head) {
        const int64_t now = monotonicMicros();
        if (!c.head.active()) {
            c.deadlineUs =
                now + int64_t(m_limits.socketTimeoutSeconds) * 1000000; // no RequestReadTimeout header=
        } else if (!c.head.expired(now)) {
            c.deadlineUs = c.head.deadlineUs();
        } else if (c.in.empty()) {
            return Outcome::Close; // not one byte of a request before the deadline
        } else {
            // Bytes trickle in, but below MinRate: the head's total deadline has passed.
            return respondAndLinger(
                c, hosting::simpleResponse(408, "Request Timeout", headTimeoutText(m_limits), false, true));
        }
    }
    return Outcome::Keep;
}

std::optional<DirectServer::Outcome> DirectServer::runRequest(RequestThread& thread, DirectConnection& c,
                                                              const hosting::RequestHead& head,
                                                              int64_t readyUs)
{
    // queue-timeout counts from when the request could run: its head, or the end of a body read first.
    if (m_limits.queueTimeoutSeconds > 0 &&
        monotonicMicros() - readyUs > int64_t(m_limits.queueTimeoutSeconds) * 1000000)
        return respondAndLinger(c, hosting::engineResponse(504,
                                                           "no request thread became free within "
                                                           "queue-timeout",
                                                           false, head.http11, head.method == "HEAD"));
    c.response = ResponseOwner::None;
    c.progressUs = monotonicMicros();
    c.state = ConnectionState::Busy; // socket-timeout watches it from here
    SocketIo io(c, head, m_limits, *this);
    thread.execute(head, io);
    if (!io.reusable())
        return lingerOrClose(c, io.clientThere());
    const int64_t now = monotonicMicros();
    if (c.in.empty()) {
        c.deadlineUs = now + int64_t(m_limits.keepAliveMs) * 1000;
        c.state = ConnectionState::KeepAlive;
    } else {
        c.head.start(ReadPhase::Header, now); // a request pipelined behind this one
        c.head.onBytes(c.in.size(), now);
        c.state = ConnectionState::Head;
    }
    return std::nullopt;
}

} // namespace wsgi::worker
