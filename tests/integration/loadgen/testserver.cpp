#include "testserver.h"

#include "core/clock.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsgi::loadgen::test {

namespace {

constexpr int64_t kMaxWaitUs = 10 * 1000; // the stop flag is checked at least this often

struct Conn
{
    int fd = -1;
    uint32_t generation = 0;
    std::string in;
    std::string out;
    size_t outOffset = 0;
    bool closeAfterWrite = false;
    bool pending = false; // an answer waits for its timer
    std::string pendingResponse;
    bool pendingClose = false;
    int64_t readAtUs = 0;
};

const char* reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

// Content-Length of a request header block (case-insensitive), 0 when absent.
size_t requestBodyLength(const char* begin, const char* end)
{
    static const char kName[] = "\ncontent-length:";
    for (const char* p = begin; p + sizeof kName - 1 < end; ++p) {
        size_t i = 0;
        while (i < sizeof kName - 1 && std::tolower(static_cast<unsigned char>(p[i])) == kName[i])
            ++i;
        if (i == sizeof kName - 1) {
            p += i;
            while (p < end && *p == ' ')
                ++p;
            size_t v = 0;
            while (p < end && *p >= '0' && *p <= '9')
                v = v * 10 + size_t(*p++ - '0');
            return v;
        }
    }
    return 0;
}

int waitEvents(int epfd, epoll_event* events, int max, int64_t timeoutUs)
{
    timespec ts{time_t(timeoutUs / 1000000), long(timeoutUs % 1000000) * 1000};
    const int n = epoll_pwait2(epfd, events, max, &ts, nullptr);
    if (n < 0 && errno == ENOSYS)
        return epoll_wait(epfd, events, max, int((timeoutUs + 999) / 1000));
    return n;
}

} // namespace

struct TestServer::Thread
{
    int listenFd = -1;
    int epfd = -1;
    std::thread thread;
    std::vector<std::unique_ptr<Conn>> conns;               // by fd
    std::vector<std::tuple<int64_t, int, uint32_t>> timers; // min-heap (due, fd, generation)
    uint32_t nextGeneration = 1;
    Histogram service;
    std::string defaultResponse;
    std::string body;
};

TestServer::TestServer(TestServerOptions options) : m_options(std::move(options)) {}

TestServer::~TestServer()
{
    stop();
}

std::string TestServer::url(const std::string& path) const
{
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
}

void TestServer::stallAt(int64_t startUs, int64_t durationUs)
{
    m_stallEndUs.store(startUs + durationUs);
    m_stallStartUs.store(startUs);
}

Histogram TestServer::serviceTimes() const
{
    std::lock_guard lock(m_mutex);
    return m_serviceTimes;
}

bool TestServer::start(uint16_t port)
{
    const int threads = std::max(1, m_options.threads);
    for (int i = 0; i < threads; ++i) {
        auto t = std::make_unique<Thread>();
        t->listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(t->listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        // One listener per thread on the same port: the kernel spreads connections over them.
        ::setsockopt(t->listenFd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(i == 0 ? port : m_port);
        if (::bind(t->listenFd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(t->listenFd, 1024) != 0) {
            ::close(t->listenFd);
            stop();
            return false;
        }
        if (i == 0) {
            socklen_t len = sizeof addr;
            ::getsockname(t->listenFd, reinterpret_cast<sockaddr*>(&addr), &len);
            m_port = ntohs(addr.sin_port);
        }
        t->epfd = ::epoll_create1(EPOLL_CLOEXEC);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = t->listenFd;
        ::epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->listenFd, &ev);
        t->body.assign(m_options.bodyBytes, 'x');
        t->defaultResponse = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(m_options.bodyBytes) +
                             "\r\n\r\n" + t->body;
        m_threads.push_back(std::move(t));
    }
    for (auto& t : m_threads)
        t->thread = std::thread([this, raw = t.get()] { loop(raw); });
    return true;
}

void TestServer::stop()
{
    m_stop.store(true);
    for (auto& t : m_threads) {
        if (t->thread.joinable())
            t->thread.join();
        for (auto& c : t->conns) {
            if (c)
                ::close(c->fd);
        }
        t->conns.clear();
        if (t->listenFd >= 0)
            ::close(t->listenFd);
        if (t->epfd >= 0)
            ::close(t->epfd);
        std::lock_guard lock(m_mutex);
        m_serviceTimes.merge(t->service);
    }
    m_threads.clear();
}

void TestServer::loop(Thread* t)
{
    ::prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    epoll_event events[256];
    char buf[64 * 1024];

    auto closeConn = [&](Conn* c, bool reset) {
        if (reset) {
            linger lg{1, 0}; // close with RST
            ::setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        const int fd = c->fd;
        ::close(fd);
        t->conns[size_t(fd)].reset();
    };
    auto setWrite = [&](Conn* c, bool want) {
        epoll_event ev{};
        ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
        ev.data.fd = c->fd;
        ::epoll_ctl(t->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    };
    // Returns false when the connection was closed.
    std::function<bool(Conn*)> flush;
    std::function<bool(Conn*, int64_t)> processInput;

    flush = [&](Conn* c) -> bool {
        while (c->outOffset < c->out.size()) {
            const ssize_t n =
                ::send(c->fd, c->out.data() + c->outOffset, c->out.size() - c->outOffset, MSG_NOSIGNAL);
            if (n > 0) {
                c->outOffset += size_t(n);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                setWrite(c, true);
                return true;
            }
            closeConn(c, false);
            return false;
        }
        if (c->outOffset > 0) {
            c->out.clear();
            c->outOffset = 0;
        }
        if (c->closeAfterWrite) {
            closeConn(c, false);
            return false;
        }
        return true;
    };

    auto respond = [&](Conn* c, std::string_view response, bool closeAfter, int64_t now) {
        c->out.append(response);
        c->closeAfterWrite = closeAfter;
        t->service.record(now - c->readAtUs);
    };

    processInput = [&](Conn* c, int64_t now) -> bool {
        // One request at a time: an answer waiting for its timer holds the rest of the input back.
        for (int guard = 0; guard < 1024 && !c->pending && !c->closeAfterWrite; ++guard) {
            const char* data = c->in.data();
            const char* end = static_cast<const char*>(memmem(data, c->in.size(), "\r\n\r\n", 4));
            if (!end)
                break;
            const size_t headerLen = size_t(end - data) + 4;
            const size_t bodyLen = requestBodyLength(data, end);
            if (c->in.size() < headerLen + bodyLen)
                break;
            c->in.erase(0, headerLen + bodyLen);
            c->readAtUs = now;
            const int64_t index = m_requests.fetch_add(1);
            m_bodyBytes.fetch_add(int64_t(bodyLen));
            auto every = [index](int n) { return n > 0 && (index + 1) % n == 0; };
            if (m_options.silent)
                continue;
            if (every(m_options.resetEvery)) {
                closeConn(c, true);
                return false;
            }
            if (every(m_options.dropEvery)) {
                closeConn(c, false);
                return false;
            }
            std::string_view response = t->defaultResponse;
            std::string built;
            bool closeAfter = false;
            if (every(m_options.garbageEvery)) {
                response = "this is not HTTP\r\n\r\n";
                closeAfter = false;
            } else {
                const int status = m_options.statusCycle.empty()
                                       ? 200
                                       : m_options.statusCycle[size_t(index) % m_options.statusCycle.size()];
                closeAfter = every(m_options.closeEvery);
                if (status != 200 || closeAfter || m_options.chunked) {
                    built = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
                    if (closeAfter)
                        built += "Connection: close\r\n";
                    const bool noBody = status == 204 || status == 304;
                    if (noBody) {
                        built += "\r\n";
                    } else if (m_options.chunked) {
                        built += "Transfer-Encoding: chunked\r\n\r\n";
                        for (size_t off = 0; off < t->body.size(); off += 100) {
                            const size_t len = std::min<size_t>(100, t->body.size() - off);
                            char hex[16];
                            std::snprintf(hex, sizeof hex, "%zx\r\n", len);
                            built += hex;
                            built.append(t->body, off, len);
                            built += "\r\n";
                        }
                        built += "0\r\n\r\n";
                    } else {
                        built += "Content-Length: " + std::to_string(t->body.size()) + "\r\n\r\n" + t->body;
                    }
                    response = built;
                }
            }
            int64_t due = now + (m_options.serviceTimeUs ? m_options.serviceTimeUs(index) : 0);
            const int64_t stallStart = m_stallStartUs.load(std::memory_order_relaxed);
            const int64_t stallEnd = m_stallEndUs.load(std::memory_order_relaxed);
            if (stallStart != 0 && due >= stallStart && due < stallEnd)
                due = stallEnd;
            if (due > now) {
                c->pending = true;
                c->pendingResponse.assign(response);
                c->pendingClose = closeAfter;
                t->timers.emplace_back(due, c->fd, c->generation);
                std::push_heap(t->timers.begin(), t->timers.end(), std::greater<>());
                break;
            }
            respond(c, response, closeAfter, now);
        }
        return flush(c);
    };

    while (!m_stop.load(std::memory_order_relaxed)) {
        int64_t now = monotonicMicros();
        while (!t->timers.empty() && std::get<0>(t->timers.front()) <= now) {
            std::pop_heap(t->timers.begin(), t->timers.end(), std::greater<>());
            const auto [due, fd, generation] = t->timers.back();
            t->timers.pop_back();
            Conn* c = size_t(fd) < t->conns.size() ? t->conns[size_t(fd)].get() : nullptr;
            if (!c || c->generation != generation || !c->pending)
                continue;
            c->pending = false;
            respond(c, c->pendingResponse, c->pendingClose, now);
            if (flush(c))
                processInput(c, now);
        }
        int64_t timeout = kMaxWaitUs;
        if (!t->timers.empty())
            timeout = std::clamp<int64_t>(std::get<0>(t->timers.front()) - now, 0, kMaxWaitUs);
        const int n = waitEvents(t->epfd, events, 256, timeout);
        for (int e = 0; e < n; ++e) {
            const int fd = events[e].data.fd;
            if (fd == t->listenFd) {
                for (int i = 0; i < 64; ++i) {
                    const int cfd = ::accept4(t->listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (cfd < 0)
                        break;
                    int one = 1;
                    ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    m_accepted.fetch_add(1);
                    if (size_t(cfd) >= t->conns.size())
                        t->conns.resize(size_t(cfd) + 1);
                    auto c = std::make_unique<Conn>();
                    c->fd = cfd;
                    c->generation = t->nextGeneration++;
                    t->conns[size_t(cfd)] = std::move(c);
                    epoll_event ev{};
                    ev.events = EPOLLIN;
                    ev.data.fd = cfd;
                    ::epoll_ctl(t->epfd, EPOLL_CTL_ADD, cfd, &ev);
                }
                continue;
            }
            Conn* c = size_t(fd) < t->conns.size() ? t->conns[size_t(fd)].get() : nullptr;
            if (!c)
                continue;
            if (events[e].events & EPOLLOUT) {
                if (!flush(c))
                    continue;
                if (c->out.empty())
                    setWrite(c, false);
            }
            if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
                if (got <= 0) {
                    if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                        closeConn(c, false);
                    continue;
                }
                now = monotonicMicros();
                // The common case, a whole request in one read with nothing queued: answer it from
                // the read buffer without copying.
                if (c->in.empty() && !c->pending && c->out.empty() && size_t(got) >= 4 &&
                    memcmp(buf + got - 4, "\r\n\r\n", 4) == 0 && !m_options.silent &&
                    !m_options.serviceTimeUs && m_options.statusCycle.empty() && !m_options.chunked &&
                    !m_options.closeEvery && !m_options.resetEvery && !m_options.dropEvery &&
                    !m_options.garbageEvery && m_stallStartUs.load(std::memory_order_relaxed) == 0 &&
                    memmem(buf, size_t(got), "\r\n\r\n", 4) == buf + got - 4 &&
                    requestBodyLength(buf, buf + got) == 0) {
                    m_requests.fetch_add(1, std::memory_order_relaxed);
                    t->service.record(0);
                    const std::string& r = t->defaultResponse;
                    const ssize_t sent = ::send(fd, r.data(), r.size(), MSG_NOSIGNAL);
                    if (sent == ssize_t(r.size()))
                        continue;
                    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                        closeConn(c, false);
                        continue;
                    }
                    c->out.assign(r, size_t(std::max<ssize_t>(sent, 0)));
                    c->outOffset = 0;
                    setWrite(c, true);
                    continue;
                }
                c->in.append(buf, size_t(got));
                processInput(c, now);
            }
        }
    }
}

} // namespace wsgi::loadgen::test
