#include "socketio.h"

#include "core/clock.h"
#include "directserver.h"
#include "hosting/responsehead.h"

#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsgi::worker {

SocketIo::SocketIo(DirectConnection& c, const hosting::RequestHead& head, const DirectLimits& limits,
                   DirectServer& server)
    : m_c(c), m_limits(limits), m_server(server), m_bodyDeadline(limits.readTimeouts),
      m_bodyDone(!head.hasBody), m_chunked(head.bodyChunked),
      m_remaining(head.bodyChunked ? 0 : std::max<int64_t>(0, head.contentLength))
{
    // The body phase starts at the end of the head, dispatched or not (mod_reqtimeout's body=).
    if (!m_bodyDone) {
        m_bodyDeadline.start(hosting::ReadPhase::Body, monotonicMicros());
        m_bodyDeadline.onBytes(c.in.size(), monotonicMicros());
    }
}

bool SocketIo::claimResponse()
{
    ResponseOwner owner = m_c.response.load();
    if (owner == ResponseOwner::None && m_c.response.compare_exchange_strong(owner, ResponseOwner::Thread))
        return true;
    return owner == ResponseOwner::Thread; // otherwise socket-timeout answered for this request already
}

bool SocketIo::write(std::string_view bytes)
{
    if (m_failed || !claimResponse()) {
        m_failed = true;
        return false;
    }
    const int timeoutMs = m_limits.socketTimeoutSeconds > 0 ? m_limits.socketTimeoutSeconds * 1000 : -1;
    // In pieces, so that a slow reader of a large response shows progress to the socket-timeout watch.
    constexpr size_t kPiece = 256 * 1024;
    while (!bytes.empty()) {
        const std::string_view piece = bytes.substr(0, kPiece);
        if (!sendAllBytes(m_c.fd.get(), piece, timeoutMs)) {
            m_failed = true;
            m_peerGone = true;
            return false;
        }
        bytes.remove_prefix(piece.size());
        m_c.progressUs = monotonicMicros();
    }
    return true;
}

void SocketIo::answerBodyTimeout()
{
    // As mod_reqtimeout (and proxy mode) do: the client gets 408 at once if nothing of the response
    // has gone out, and what the application still sends for this request is dropped.
    m_bodyTimedOut = true;
    m_bodyDone = true;
    ResponseOwner none = ResponseOwner::None;
    if (!m_c.response.compare_exchange_strong(none, ResponseOwner::Engine))
        return;
    m_failed = true;
    const std::string r = hosting::simpleResponse(
        408, "Request Timeout",
        "the request body did not arrive within RequestReadTimeout " +
            m_limits.readTimeouts.text().substr(m_limits.readTimeouts.text().find(' ') + 1),
        false, m_http11);
    if (!sendAllBytes(m_c.fd.get(), r, 1000))
        m_peerGone = true;
}

bool SocketIo::fillFromSocket()
{
    char buf[65536];
    while (true) {
        const ssize_t n = ::recv(m_c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
        const int64_t now = monotonicMicros();
        if (n > 0) {
            m_c.in.append(buf, size_t(n));
            m_bodyDeadline.onBytes(size_t(n), now);
            m_c.progressUs = now;
            return true;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            int waitMs = m_limits.socketTimeoutSeconds > 0 ? m_limits.socketTimeoutSeconds * 1000 : -1;
            const int bodyMs = m_bodyDeadline.remainingMs(now);
            if (bodyMs >= 0)
                waitMs = waitMs < 0 ? bodyMs : std::min(waitMs, bodyMs);
            pollfd p{m_c.fd.get(), POLLIN, 0};
            if (waitMs != 0 && poll(&p, 1, waitMs) > 0)
                continue;
            answerBodyTimeout(); // the body deadline or socket-timeout passed without a byte
            return false;
        }
        m_peerGone = true;
        return false; // closed, reset or timed out
    }
}

BodyRead SocketIo::readBody(std::string& append)
{
    while (!m_bodyDone) {
        if (m_c.in.empty() && !fillFromSocket()) {
            m_bodyDone = true;
            m_failed = m_failed || m_peerGone;
            return BodyRead::Aborted;
        }
        if (m_bodyDeadline.expired(monotonicMicros())) {
            // Bytes trickle in, but slower than MinRate: the same end as no bytes at all.
            answerBodyTimeout();
            return BodyRead::Aborted;
        }
        if (m_chunked) {
            const size_t before = append.size();
            const auto r = m_decoder.feed(m_c.in, append);
            m_c.in.erase(0, r.consumed);
            if (r.error) {
                m_bodyDone = true;
                m_bodyTimedOut = false;
                return BodyRead::Aborted;
            }
            m_bodyDone = r.done;
            if (append.size() > before)
                return BodyRead::Data;
        } else {
            const size_t n = size_t(std::min<int64_t>(m_remaining, int64_t(m_c.in.size())));
            append.append(m_c.in, 0, n);
            m_c.in.erase(0, n);
            m_remaining -= int64_t(n);
            m_bodyDone = m_remaining == 0;
            if (n > 0)
                return BodyRead::Data;
        }
    }
    return BodyRead::End;
}

bool SocketIo::sendContinue()
{
    return write("HTTP/1.1 100 Continue\r\n\r\n");
}

bool SocketIo::finish(std::string_view lastBytes, const hosting::RequestMetrics& metrics)
{
    hosting::RequestMetrics m = metrics;
    if (m_c.response.load() == ResponseOwner::Engine) {
        m.status = 408;
        m.keepAlive = false;
    }
    const bool sent = !m_failed && (lastBytes.empty() || write(lastBytes));
    m_server.recordMetrics(m);
    // A body the application did not read is skipped when it is small (within the body deadline);
    // otherwise the connection cannot be reused and ends with a lingering close.
    std::string discard;
    int64_t skipped = 0;
    bool aborted = false;
    while (sent && !m_bodyDone && skipped < 1024 * 1024) {
        if (readBody(discard) == BodyRead::Aborted) {
            aborted = true;
            break;
        }
        skipped += int64_t(discard.size());
        discard.clear();
    }
    m_reusable = sent && m_bodyDone && !aborted && !m_bodyTimedOut && !m_failed && m.keepAlive &&
                 !m.truncated && m_c.response.load() == ResponseOwner::Thread;
    return sent;
}

} // namespace wsgi::worker
