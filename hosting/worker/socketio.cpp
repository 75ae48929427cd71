#include "socketio.h"

#include "directserver.h"

#include <cerrno>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsgi::worker {

namespace {
constexpr int kIoTimeoutMs = 60 * 1000; // a client that stalls this long mid-request is dropped
}

SocketIo::SocketIo(int fd, std::string& buffered, const hosting::RequestHead& head, DirectServer& server)
    : m_fd(fd), m_buffered(buffered), m_server(server), m_bodyDone(!head.hasBody), m_chunked(head.bodyChunked),
      m_remaining(head.bodyChunked ? 0 : std::max<int64_t>(0, head.contentLength))
{
}

bool SocketIo::sendAll(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            pollfd p{fd, POLLOUT, 0};
            if (poll(&p, 1, kIoTimeoutMs) > 0)
                continue;
        }
        return false;
    }
    return true;
}

bool SocketIo::write(std::string_view bytes)
{
    if (m_failed || !sendAll(m_fd, bytes))
        m_failed = true;
    return !m_failed;
}

bool SocketIo::fillFromSocket()
{
    char buf[65536];
    while (true) {
        const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n > 0) {
            m_buffered.append(buf, size_t(n));
            return true;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            pollfd p{m_fd, POLLIN, 0};
            if (poll(&p, 1, kIoTimeoutMs) > 0)
                continue;
        }
        return false; // closed, reset or timed out
    }
}

BodyRead SocketIo::readBody(std::string& append)
{
    while (!m_bodyDone) {
        if (m_buffered.empty() && !fillFromSocket()) {
            m_bodyDone = true;
            m_failed = true;
            return BodyRead::Aborted;
        }
        if (m_chunked) {
            const size_t before = append.size();
            const auto r = m_decoder.feed(m_buffered, append);
            m_buffered.erase(0, r.consumed);
            if (r.error) {
                m_bodyDone = true;
                m_failed = true;
                return BodyRead::Aborted;
            }
            m_bodyDone = r.done;
            if (append.size() > before)
                return BodyRead::Data;
        } else {
            const size_t n = size_t(std::min<int64_t>(m_remaining, int64_t(m_buffered.size())));
            append.append(m_buffered, 0, n);
            m_buffered.erase(0, n);
            m_remaining -= int64_t(n);
            m_bodyDone = m_remaining == 0;
            if (n > 0)
                return BodyRead::Data;
        }
    }
    return BodyRead::End;
}

bool SocketIo::sendContinue() { return write("HTTP/1.1 100 Continue\r\n\r\n"); }

bool SocketIo::finish(std::string_view lastBytes, const hosting::RequestMetrics& metrics)
{
    const bool sent = lastBytes.empty() || write(lastBytes);
    m_server.recordMetrics(metrics);
    // A body the application did not read is skipped when it is small; otherwise the connection
    // cannot be reused.
    std::string discard;
    int64_t skipped = 0;
    while (sent && !m_bodyDone && skipped < 1024 * 1024) {
        if (readBody(discard) == BodyRead::Aborted)
            break;
        skipped += int64_t(discard.size());
        discard.clear();
    }
    m_reusable = sent && m_bodyDone && !m_failed && metrics.keepAlive && !metrics.truncated;
    return sent;
}

} // namespace wsgi::worker
