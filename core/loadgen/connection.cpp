#include "core/loadgen/connection.h"

#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

namespace wsgi::loadgen {

Connection::ConnectStatus Connection::startConnect(const Endpoint& endpoint)
{
    closeSocket();
    m_fd = ::socket(endpoint.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return ConnectStatus::Failed;
    // Requests are single small writes answered before the next one: Nagle would only add delay.
    int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&endpoint.addr), endpoint.addrLen) == 0)
        return ConnectStatus::Connected;
    if (errno == EINPROGRESS)
        return ConnectStatus::InProgress;
    closeSocket();
    return ConnectStatus::Failed;
}

bool Connection::connectSucceeded() const
{
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return false;
    return err == 0;
}

void Connection::closeSocket()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    wantWrite = false;
}

} // namespace wsgi::loadgen
