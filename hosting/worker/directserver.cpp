#include "directserver.h"

#include "core/clock.h"
#include "hosting/routing.h"
#include "hosting/socketaddress.h"
#include "requestthread.h"
#include "socketio.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
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

int64_t realtimeMicros()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

} // namespace

DirectServer::DirectServer(const hosting::WorkerSpec& spec, std::vector<int> listenFds,
                           std::atomic<int32_t>* counts)
    : m_listenFds(std::move(listenFds)), m_queueTimeoutSeconds(spec.queueTimeoutSeconds),
      m_keepAliveSeconds(spec.keepAliveSeconds), m_counts(counts), m_slots(spec.processes),
      m_slot(spec.processIndex), m_maximumRequests(spec.maximumRequests), m_oneShot(spec.threads > 1)
{
    for (const auto& m : spec.mounts)
        m_mounts.emplace_back(m.index, m.urlPrefix);
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    m_metricsDue = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN; // level-triggered: once written, every waiting thread sees it
    ev.data.u64 = kWakeTag;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
    for (size_t i = 0; i < m_listenFds.size(); ++i) {
        // EPOLLEXCLUSIVE: a new connection wakes one waiting thread of one process, not all of them.
        epoll_event lev{};
        lev.events = EPOLLIN | EPOLLEXCLUSIVE;
        lev.data.u64 = listenTag(i);
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listenFds[i], &lev);
    }
}

DirectServer::~DirectServer()
{
    ::close(m_wake);
    ::close(m_metricsDue);
    ::close(m_epoll);
}

void DirectServer::stop()
{
    {
        // A stopping process hands its slot to its replacement: it no longer counts in it.
        std::lock_guard lock(m_lock);
        m_counts = nullptr;
    }
    m_stopping = true;
    for (int fd : m_listenFds)
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    const uint64_t one = 1;
    const ssize_t n = ::write(m_wake, &one, sizeof one);
    (void)n;
}

std::string DirectServer::takeMetrics()
{
    uint64_t drained = 0;
    const ssize_t r = ::read(m_metricsDue, &drained, sizeof drained);
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
        const ssize_t w = ::write(m_metricsDue, &one, sizeof one);
        (void)w;
    }
}

void DirectServer::serve(RequestThread& thread)
{
    while (!m_stopping.load()) {
        epoll_event ev{};
        const int n = epoll_wait(m_epoll, &ev, 1, -1);
        if (n <= 0)
            continue;
        if (ev.data.u64 == kWakeTag)
            continue; // stop() was called; the loop condition ends it
        if (isListenTag(ev.data.u64)) {
            acceptConnections(m_listenFds[listenIndex(ev.data.u64)]);
            continue;
        }
        auto* c = static_cast<DirectConnection*>(ev.data.ptr);
        m_active.fetch_add(1, std::memory_order_relaxed);
        const bool keep = serveConnection(thread, *c) && !m_stopping.load();
        m_active.fetch_sub(1, std::memory_order_relaxed);
        if (!m_accepting.load(std::memory_order_relaxed)) {
            // Connections elsewhere in the group may have closed while this one ran.
            std::lock_guard lock(m_lock);
            setAccepting(leastLoaded());
        }
        if (!keep) {
            closeConnection(c);
            continue;
        }
        c->lastActiveUs = monotonicMicros();
        if (m_oneShot) {
            epoll_event rearm{};
            rearm.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
            rearm.data.ptr = c;
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, c->fd, &rearm);
        }
    }
}

void DirectServer::acceptConnections(int listenFd)
{
    // One connection per wake-up: a thread that took one goes on to serve it, and the next
    // connection wakes an idle thread elsewhere, so a burst of connections spreads over processes.
    {
        std::lock_guard lock(m_lock);
        if (!leastLoaded()) {
            setAccepting(false); // a process with fewer connections takes it
            return;
        }
    }
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd = accept4(listenFd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Kernel receive timestamps give the time a request's bytes arrived, so queue time includes
    // the wait for a free thread even for the later requests of a keep-alive connection.
    const int stamping = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &stamping, sizeof stamping);
    auto* c = new DirectConnection;
    c->fd = fd;
    c->acceptedUs = monotonicMicros();
    c->lastActiveUs = c->acceptedUs;
    c->remoteAddr = addressText(peer, c->remotePort);
    sockaddr_storage local{};
    len = sizeof local;
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    c->localAddr = addressText(local, c->localPort);
    {
        std::lock_guard lock(m_lock);
        ++m_connections;
        m_idle.push_back(c);
        if (m_counts)
            m_counts[m_slot].fetch_add(1, std::memory_order_relaxed);
        setAccepting(leastLoaded());
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (m_oneShot ? EPOLLONESHOT : 0u);
    ev.data.ptr = c;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
}

void DirectServer::closeConnection(DirectConnection* c)
{
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, c->fd, nullptr);
    ::close(c->fd);
    {
        std::lock_guard lock(m_lock);
        --m_connections;
        std::erase(m_idle, c);
        if (m_counts)
            m_counts[m_slot].fetch_sub(1, std::memory_order_relaxed);
        setAccepting(leastLoaded());
    }
    delete c;
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

void DirectServer::setAccepting(bool on)
{
    if (on == m_accepting.load(std::memory_order_relaxed) || m_stopping.load())
        return;
    m_accepting.store(on, std::memory_order_relaxed);
    for (size_t i = 0; i < m_listenFds.size(); ++i) {
        if (on) {
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLEXCLUSIVE;
            ev.data.u64 = listenTag(i);
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listenFds[i], &ev);
        } else {
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_listenFds[i], nullptr);
        }
    }
}

int DirectServer::tick(int64_t nowUs)
{
    // Shutting down a socket (not closing it) makes its event fire, so the thread that picks it
    // up closes it: no thread ever touches a connection another thread is serving.
    std::lock_guard lock(m_lock);
    setAccepting(leastLoaded());
    for (DirectConnection* c : m_idle)
        if (c->idleSinceUs.load() != 0 &&
            nowUs - c->idleSinceUs.load() > int64_t(m_keepAliveSeconds) * 1000000)
            shutdown(c->fd, SHUT_RDWR);
    // A busy process re-checks after every request, so only an idle one that does not accept
    // needs the short period; every other wake-up would cost the applications CPU time.
    return m_accepting.load(std::memory_order_relaxed) ? 1000 : 50;
}

bool DirectServer::serveConnection(RequestThread& thread, DirectConnection& c)
{
    c.idleSinceUs = 0;
    // Read what is there, with the kernel's arrival time of the newest bytes.
    char buf[65536];
    char control[256];
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(c.fd, &msg, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        return false;
    int64_t arrivedUs = monotonicMicros();
    if (n > 0) {
        c.in.append(buf, size_t(n));
        for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING) {
                timespec stamps[3];
                std::memcpy(stamps, CMSG_DATA(cm), sizeof stamps);
                const int64_t realUs = int64_t(stamps[0].tv_sec) * 1000000 + stamps[0].tv_nsec / 1000;
                if (realUs > 0)
                    arrivedUs -= std::max<int64_t>(0, realtimeMicros() - realUs);
            }
        }
    }

    // Serve every complete request in the buffer (pipelining), one at a time.
    while (!c.in.empty()) {
        hosting::ParsedRequest request;
        const auto parsed = hosting::parseRequestHead(c.in, request);
        if (parsed.status == hosting::ParseStatus::NeedMore)
            break;
        if (parsed.status == hosting::ParseStatus::Error) {
            SocketIo::sendAll(c.fd, hosting::simpleResponse(parsed.errorStatus,
                                                            hosting::reasonPhrase(parsed.errorStatus),
                                                            parsed.errorText, false, true));
            return false;
        }
        c.in.erase(0, parsed.consumed);
        const int mount =
            hosting::longestPrefixMatch(hosting::targetPath(request.target), m_mounts.size(),
                                        [this](size_t i) { return std::string_view(m_mounts[i].second); });
        if (mount < 0) {
            const bool hasBody = request.chunked || request.contentLength > 0;
            const bool keep = request.keepAlive && !hasBody;
            if (!SocketIo::sendAll(c.fd, hosting::simpleResponse(404, "Not Found",
                                                                 "no WSGIScriptAlias mount serves this URL",
                                                                 keep, request.http11)) ||
                !keep)
                return false;
            continue;
        }
        hosting::RequestHead head;
        head.acceptedUs = std::min(arrivedUs, monotonicMicros());
        head.mountIndex = m_mounts[size_t(mount)].first;
        head.http11 = request.http11;
        head.keepAliveRequested = request.keepAlive;
        head.hasBody = request.chunked || request.contentLength > 0;
        head.bodyChunked = request.chunked;
        head.expectContinue = request.expectContinue && head.hasBody;
        head.contentLength = request.contentLength;
        head.method = std::move(request.method);
        head.target = std::move(request.target);
        head.remoteAddr = c.remoteAddr;
        head.remotePort = c.remotePort;
        head.localAddr = c.localAddr;
        head.localPort = c.localPort;
        head.headers = std::move(request.headers);
        if (m_queueTimeoutSeconds > 0 &&
            monotonicMicros() - head.acceptedUs > int64_t(m_queueTimeoutSeconds) * 1000000) {
            SocketIo::sendAll(c.fd,
                              hosting::simpleResponse(504, "Gateway Timeout",
                                                      "no request thread became free within queue-timeout",
                                                      false, head.http11));
            return false;
        }
        SocketIo io(c.fd, c.in, head, *this);
        thread.execute(head, io);
        if (!io.reusable())
            return false;
        arrivedUs = monotonicMicros(); // pipelined requests were already here
    }
    c.idleSinceUs = monotonicMicros();
    return true;
}

} // namespace wsgi::worker
