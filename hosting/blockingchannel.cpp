#include "blockingchannel.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace wsgi::hosting {

bool BlockingChannel::fill(size_t need, std::string& error)
{
    if (m_pos > 0 && m_pos == m_buffer.size()) {
        m_buffer.clear();
        m_pos = 0;
    }
    while (m_buffer.size() - m_pos < need) {
        if (m_pos > 0) {
            m_buffer.erase(0, m_pos);
            m_pos = 0;
        }
        // Read into a scratch buffer and append: growing the string first would zero-fill it.
        thread_local char scratch[64 * 1024];
        const ssize_t n = ::read(m_fd, scratch, sizeof scratch);
        if (n > 0)
            m_buffer.append(scratch, size_t(n));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error = n == 0 ? "the supervisor closed the channel" : std::strerror(errno);
            return false;
        }
    }
    return true;
}

bool BlockingChannel::readFrame(FrameType& type, std::string& payload, std::string& error)
{
    if (!fill(kFrameHeaderSize, error))
        return false;
    const auto header = decodeFrameHeader(m_buffer.data() + m_pos);
    if (!header) {
        error = "malformed frame header on the channel";
        return false;
    }
    if (!fill(kFrameHeaderSize + header->length, error))
        return false;
    type = header->type;
    payload.assign(m_buffer.data() + m_pos + kFrameHeaderSize, header->length);
    m_pos += kFrameHeaderSize + header->length;
    return true;
}

bool BlockingChannel::hasPendingFrame(FrameType type)
{
    thread_local char scratch[64 * 1024];
    while (true) {
        const ssize_t n = ::recv(m_fd, scratch, sizeof scratch, MSG_DONTWAIT);
        if (n > 0) {
            m_buffer.append(scratch, size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break; // EAGAIN, or end of stream / an error, which the next readFrame reports
    }
    size_t pos = m_pos;
    while (m_buffer.size() - pos >= kFrameHeaderSize) {
        const auto header = decodeFrameHeader(m_buffer.data() + pos);
        if (!header)
            return false;
        if (header->type == type)
            return true;
        if (m_buffer.size() - pos - kFrameHeaderSize < header->length)
            return false;
        pos += kFrameHeaderSize + header->length;
    }
    return false;
}

bool BlockingChannel::writeAll(std::string_view data)
{
    while (!data.empty()) {
        const ssize_t n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(size_t(n));
    }
    return true;
}

} // namespace wsgi::hosting
