#include "controlserver.h"

#include "core/clock.h"
#include "socketaddress.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <vector>

namespace wsgi::hosting {

struct ControlServer::Client
{
    uint64_t id = 0;
    int fd = -1;
    std::string in;
    std::string out;
    size_t outOffset = 0;
    uint32_t interest = EPOLLIN;
    bool authenticated = false; // sent one request with the right token
    int failures = 0;           // refused lines before that
    int64_t acceptedUs = 0;
};

namespace {

bool constantTimeEquals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

int g_authTimeoutMs = kControlDefaultAuthTimeoutMs;

} // namespace

void setControlAuthTimeoutMs(int ms)
{
    g_authTimeoutMs = ms;
}

ControlServer::ControlServer(int epollFd, uint64_t listenerTag, uint64_t clientTagBase, std::string token,
                             Handler handler)
    : m_epoll(epollFd), m_listenerTag(listenerTag), m_clientTagBase(clientTagBase), m_token(std::move(token)),
      m_handler(std::move(handler)), m_authTimeoutMs(g_authTimeoutMs)
{
}

ControlServer::~ControlServer()
{
    for (auto& [id, c] : m_clients)
        ::close(c->fd);
    if (m_listenFd >= 0)
        ::close(m_listenFd);
    if (m_timerFd >= 0)
        ::close(m_timerFd);
}

bool ControlServer::listen(const std::string& host, int port, std::string& error)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
        error = "cannot resolve control address '" + host + "': " + gai_strerror(rc);
        return false;
    }
    m_listenFd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool ok = m_listenFd >= 0 && bind(m_listenFd, found->ai_addr, found->ai_addrlen) == 0 &&
                    ::listen(m_listenFd, 64) == 0;
    freeaddrinfo(found);
    if (!ok) {
        error =
            "cannot listen for control connections on " + host + ":" + service + ": " + std::strerror(errno);
        return false;
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&bound), &len);
    uint16_t boundPort = 0;
    m_host = addressText(bound, boundPort);
    m_port = boundPort;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = m_listenerTag;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listenFd, &ev);
    // The auth timer shares the listener's tag: the supervisor's loop needs no new kind of event.
    m_timerFd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_timerFd >= 0)
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_timerFd, &ev);
    return true;
}

void ControlServer::onListenerReadable()
{
    uint64_t expirations = 0;
    if (m_timerFd >= 0 && ::read(m_timerFd, &expirations, sizeof expirations) > 0)
        expireUnauthenticated(monotonicMicros());
    acceptClients();
    armAuthTimer();
}

size_t ControlServer::unauthenticatedCount() const
{
    size_t n = 0;
    for (const auto& [id, c] : m_clients)
        n += c->authenticated ? 0 : 1;
    return n;
}

void ControlServer::expireUnauthenticated(int64_t nowUs)
{
    std::vector<uint64_t> expired;
    for (const auto& [id, c] : m_clients)
        if (!c->authenticated && nowUs - c->acceptedUs >= int64_t(m_authTimeoutMs) * 1000)
            expired.push_back(id);
    for (uint64_t id : expired) {
        replyError(id, Json(), "unauthorized",
                   "no request with the token within " + std::to_string(m_authTimeoutMs) +
                       " ms; closing the connection");
        if (auto it = m_clients.find(id); it != m_clients.end())
            flush(*it->second);
        close(id);
    }
}

void ControlServer::armAuthTimer()
{
    if (m_timerFd < 0)
        return;
    int64_t earliest = 0;
    for (const auto& [id, c] : m_clients)
        if (!c->authenticated && (earliest == 0 || c->acceptedUs < earliest))
            earliest = c->acceptedUs;
    itimerspec spec{};
    if (earliest != 0) {
        // At least 1 ms: a zero it_value would disarm the timer.
        const int64_t dueUs =
            std::max<int64_t>(1000, earliest + int64_t(m_authTimeoutMs) * 1000 - monotonicMicros());
        spec.it_value.tv_sec = time_t(dueUs / 1000000);
        spec.it_value.tv_nsec = long(dueUs % 1000000) * 1000;
    }
    timerfd_settime(m_timerFd, 0, &spec, nullptr);
}

void ControlServer::acceptClients()
{
    for (int i = 0; i < 16; ++i) {
        const int fd = accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        if (unauthenticatedCount() >= kControlMaxUnauthenticatedClients) {
            // The oldest waiting connection goes: a real client authenticates in its first
            // milliseconds, so what has waited longest is the likeliest to be a squatter.
            uint64_t oldest = 0;
            for (const auto& [id, c] : m_clients)
                if (!c->authenticated && (oldest == 0 || id < oldest))
                    oldest = id;
            close(oldest);
        }
        // Replies and samples are single writes that must go at once: with Nagle, a sample written
        // soon after a reply waits for the client's delayed ACK of the reply (40 ms on Linux).
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto c = std::make_unique<Client>();
        c->id = m_nextClient++;
        c->fd = fd;
        c->acceptedUs = monotonicMicros();
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = m_clientTagBase | c->id;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
        Json hello = Json::object();
        hello.set("protocol", Json("wsgi-engine-control"));
        hello.set("version", Json(int64_t(kControlProtocolVersion)));
        hello.set("pid", Json(int64_t(getpid())));
        hello.set("auth", Json("token"));
        Client& ref = *c;
        m_clients.emplace(c->id, std::move(c));
        send(ref, hello.dump());
    }
}

void ControlServer::onClientEvent(uint64_t clientId, uint32_t events)
{
    auto it = m_clients.find(clientId);
    if (it == m_clients.end())
        return;
    Client& c = *it->second;
    if (events & EPOLLOUT) {
        flush(c);
        if (!alive(clientId))
            return;
    }
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        return;
    // Until the token was seen, read no more than the small limit allows: junk is never buffered.
    char buf[65536];
    const size_t limit = c.authenticated ? kControlMaxLine : kControlMaxUnauthenticatedLine;
    const size_t room = c.in.size() > limit ? 1 : std::min(sizeof buf, limit - c.in.size() + 1);
    const ssize_t n = ::read(c.fd, buf, room);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        close(clientId);
        return;
    }
    c.in.append(buf, size_t(n));
    size_t start = 0;
    bool tooLarge = false;
    while (alive(clientId)) {
        const size_t nl = c.in.find('\n', start);
        if (nl == std::string::npos)
            break;
        const bool wasAuthenticated = c.authenticated;
        if (!wasAuthenticated && nl - start > kControlMaxUnauthenticatedLine) {
            tooLarge = true;
            break;
        }
        std::string_view line(c.in.data() + start, nl - start);
        start = nl + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty())
            continue;
        if (!handleLine(c, line) && !wasAuthenticated && ++c.failures >= kControlMaxUnauthenticatedFailures &&
            alive(clientId)) {
            replyError(clientId, Json(), "unauthorized",
                       std::to_string(kControlMaxUnauthenticatedFailures) +
                           " requests without the right token; closing the connection");
            flush(c);
            close(clientId);
        }
    }
    if (!alive(clientId))
        return;
    c.in.erase(0, start);
    const size_t max = c.authenticated ? kControlMaxLine : kControlMaxUnauthenticatedLine;
    if (tooLarge || c.in.size() > max) {
        replyError(clientId, Json(), "too-large",
                   "message longer than " + std::to_string(max) + " bytes" +
                       (c.authenticated ? ""
                                        : " before one request with the token (send a small one, such as "
                                          "status, first)") +
                       "; closing the connection");
        flush(c);
        close(clientId);
    }
}

bool ControlServer::handleLine(Client& c, std::string_view line)
{
    std::string error;
    const auto message = Json::parse(line, error);
    if (!message) {
        replyError(c.id, Json(), "bad-json", "the message is not valid JSON: " + error);
        return false;
    }
    if (!message->isObject()) {
        replyError(c.id, Json(), "bad-request", "a request must be a JSON object with \"op\" and \"token\"");
        return false;
    }
    const Json& id = (*message)["id"];
    const Json& token = (*message)["token"];
    if (!token.isString() || !constantTimeEquals(token.asString(), m_token)) {
        replyError(c.id, id, "unauthorized",
                   token.isString() ? "wrong token"
                                    : "the request carries no \"token\" (see --control-token-file)");
        return false;
    }
    if (!c.authenticated) {
        c.authenticated = true;
        armAuthTimer();
    }
    const Json& op = (*message)["op"];
    if (!op.isString()) {
        replyError(c.id, id, "bad-request", "the request has no \"op\" string");
        return true;
    }
    m_handler(c.id, id, op.asString(), *message);
    return true;
}

void ControlServer::reply(uint64_t client, const Json& id, Json result)
{
    auto it = m_clients.find(client);
    if (it == m_clients.end())
        return;
    Json r = Json::object();
    r.set("id", id);
    r.set("ok", Json(true));
    r.set("result", std::move(result));
    send(*it->second, r.dump());
}

void ControlServer::replyError(uint64_t client, const Json& id, const std::string& code,
                               const std::string& message)
{
    auto it = m_clients.find(client);
    if (it == m_clients.end())
        return;
    Json e = Json::object();
    e.set("code", Json(code));
    e.set("message", Json(message));
    Json r = Json::object();
    r.set("id", id);
    r.set("ok", Json(false));
    r.set("error", std::move(e));
    send(*it->second, r.dump());
}

void ControlServer::sendEvent(uint64_t client, const Json& event)
{
    auto it = m_clients.find(client);
    if (it != m_clients.end())
        send(*it->second, event.dump());
}

void ControlServer::send(Client& c, const std::string& line)
{
    if (c.out.size() - c.outOffset + line.size() > kControlMaxPending) {
        // A client that does not read would make the engine buffer without bound.
        close(c.id);
        return;
    }
    c.out += line;
    c.out += '\n';
    flush(c);
}

void ControlServer::flush(Client& c)
{
    while (c.outOffset < c.out.size()) {
        const ssize_t n = ::send(c.fd, c.out.data() + c.outOffset, c.out.size() - c.outOffset, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            close(c.id);
            return;
        }
        c.outOffset += size_t(n);
    }
    if (c.outOffset == c.out.size()) {
        c.out.clear();
        c.outOffset = 0;
    }
    const uint32_t want = EPOLLIN | (c.out.empty() ? 0u : uint32_t(EPOLLOUT));
    if (want != c.interest) {
        c.interest = want;
        epoll_event ev{};
        ev.events = want;
        ev.data.u64 = m_clientTagBase | c.id;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    }
}

void ControlServer::close(uint64_t clientId)
{
    auto it = m_clients.find(clientId);
    if (it == m_clients.end())
        return;
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, it->second->fd, nullptr);
    ::close(it->second->fd);
    m_clients.erase(it);
    if (onClientClosed)
        onClientClosed(clientId);
}

} // namespace wsgi::hosting
