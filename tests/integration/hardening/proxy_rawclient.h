#pragma once
// A bare TCP client for tests that misbehave on purpose (send a byte at a time, stop reading, leave
// in the middle): it reports what arrived and whether the server closed or reset the connection.

#include "hardening/hardeningsupport.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace wsgi::testing {

class RawClient
{
public:
    explicit RawClient(int port, int receiveBuffer = 0) : m_fd(connectLoopback(port, receiveBuffer))
    {
        const timeval sendTimeout{10, 0}; // a test never blocks for good on a server that stops reading
        if (m_fd >= 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, sizeof sendTimeout);
    }
    ~RawClient() { close(); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return m_fd >= 0; }
    // Sends what the socket takes; false once the server has closed or reset.
    bool send(const std::string& bytes)
    {
        size_t off = 0;
        while (m_fd >= 0 && off < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            off += size_t(n);
        }
        return m_fd >= 0;
    }
    // Reads what arrives within `timeout`; returns true when the server closed (FIN or reset).
    bool pump(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (m_fd >= 0 && !m_closed) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, int(std::max<long>(0, left.count()))) <= 0)
                break;
            char buf[65536];
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n > 0) {
                m_received.append(buf, size_t(n));
                continue;
            }
            m_closed = true;
            m_reset = n < 0 && errno == ECONNRESET;
        }
        return m_closed;
    }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    // Closes with a reset, as a client that vanishes does.
    void abort()
    {
        if (m_fd < 0)
            return;
        const linger l{1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close();
    }
    const std::string& received() const { return m_received; }
    bool closed() const { return m_closed; }
    bool reset() const { return m_reset; }
    int status() const // of the first response received, 0 if none
    {
        if (m_received.size() < 12 || m_received.compare(0, 5, "HTTP/") != 0)
            return 0;
        return std::atoi(m_received.c_str() + 9);
    }

private:
    int m_fd = -1;
    std::string m_received;
    bool m_closed = false;
    bool m_reset = false;
};

} // namespace wsgi::testing
