#include "core/loadgen/responseparser.h"

#include <algorithm>
#include <cstring>

namespace wsgi::loadgen {

namespace {

constexpr size_t kMaxChunkLine = 1024; // hex size plus extensions; anything longer is hostile

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}

bool nameIs(const char* name, size_t len, const char* want, size_t wantLen)
{
    if (len != wantLen)
        return false;
    for (size_t i = 0; i < len; ++i) {
        if (lower(name[i]) != want[i])
            return false;
    }
    return true;
}

// Case-insensitive search for a comma-separated token ("close" in "keep-alive, Close").
bool hasToken(const char* v, const char* end, const char* token)
{
    const size_t tl = strlen(token);
    while (v < end) {
        while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
            ++v;
        const char* start = v;
        while (v < end && *v != ',')
            ++v;
        const char* stop = v;
        while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
            --stop;
        if (nameIs(start, size_t(stop - start), token, tl))
            return true;
    }
    return false;
}

// The last transfer coding decides the framing (RFC 9112 6.3).
bool lastTokenIs(const char* v, const char* end, const char* token)
{
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        --end;
    const char* start = end;
    while (start > v && start[-1] != ',' && start[-1] != ' ' && start[-1] != '\t')
        --start;
    return nameIs(start, size_t(end - start), token, strlen(token));
}

} // namespace

void ResponseParser::reset(bool headRequest)
{
    m_state = State::Headers;
    m_headRequest = headRequest;
    m_keepAlive = true;
    m_started = false;
    m_status = 0;
    m_interim = 0;
    m_remaining = 0;
    m_bodyBytes = 0;
    m_error = "";
    m_carry.clear();
}

ResponseParser::Step ResponseParser::fail(const char* why)
{
    m_state = State::Failed;
    m_error = why;
    return {Status::Error, 0};
}

ResponseParser::Step ResponseParser::feed(const char* data, size_t len)
{
    if (len > 0)
        m_started = true;
    if (m_carry.empty()) {
        Step step = parse(data, len);
        if (step.status == Status::NeedMore && step.consumed < len) {
            m_carry.assign(data + step.consumed, len - step.consumed);
            step.consumed = len;
        }
        return step;
    }
    // Rare path: the previous read ended inside a header block or chunk line.
    const size_t old = m_carry.size();
    m_carry.append(data, len);
    Step step = parse(m_carry.data(), m_carry.size());
    switch (step.status) {
    case Status::NeedMore:
        m_carry.erase(0, step.consumed);
        if (m_carry.size() > kMaxHeaderBytes + kMaxChunkLine)
            return fail("header block too large");
        return {Status::NeedMore, len};
    case Status::Complete:
        // The carried bytes were one incomplete element, so completing means using all of them.
        step.consumed = step.consumed > old ? step.consumed - old : 0;
        m_carry.clear();
        return step;
    case Status::Error:
        m_carry.clear();
        return step;
    }
    return step;
}

ResponseParser::Status ResponseParser::finishAtEof()
{
    if (m_state == State::UntilClose || m_state == State::Done) {
        m_state = State::Done;
        return Status::Complete;
    }
    if (m_state != State::Failed)
        fail(m_started ? "connection closed mid-response" : "connection closed before a response");
    return Status::Error;
}

ResponseParser::Step ResponseParser::parse(const char* p, size_t n)
{
    size_t pos = 0;
    // Each iteration consumes an element or returns; the element count bounds the loop.
    for (;;) {
        switch (m_state) {
        case State::Headers: {
            if (pos == n)
                return {Status::NeedMore, pos};
            const size_t used = parseHeaders(p + pos, n - pos);
            if (m_state == State::Failed)
                return {Status::Error, pos};
            if (used == 0)
                return {Status::NeedMore, pos};
            pos += used;
            if (m_state == State::Done)
                return {Status::Complete, pos};
            break;
        }
        case State::Body:
        case State::ChunkData: {
            const size_t take = size_t(std::min<int64_t>(m_remaining, int64_t(n - pos)));
            pos += take;
            m_remaining -= int64_t(take);
            m_bodyBytes += int64_t(take);
            if (m_remaining > 0)
                return {Status::NeedMore, pos};
            if (m_state == State::Body) {
                m_state = State::Done;
                return {Status::Complete, pos};
            }
            m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkSize: {
            const char* nl = static_cast<const char*>(memchr(p + pos, '\n', n - pos));
            if (!nl) {
                if (n - pos > kMaxChunkLine)
                    return fail("chunk-size line too long");
                return {Status::NeedMore, pos};
            }
            const char* c = p + pos;
            int64_t size = 0;
            int digits = 0;
            for (; c < nl; ++c, ++digits) {
                const char ch = lower(*c);
                int v;
                if (ch >= '0' && ch <= '9')
                    v = ch - '0';
                else if (ch >= 'a' && ch <= 'f')
                    v = ch - 'a' + 10;
                else
                    break;
                if (digits >= 15)
                    return fail("chunk size too large");
                size = size * 16 + v;
            }
            // After the digits only whitespace, an extension (";...") or the CR may follow.
            if (digits == 0 || (c < nl && *c != ';' && *c != '\r' && *c != ' ' && *c != '\t'))
                return fail("bad chunk size");
            pos = size_t(nl - p) + 1;
            if (size == 0) {
                m_state = State::Trailers;
            } else {
                m_remaining = size;
                m_state = State::ChunkData;
            }
            break;
        }
        case State::ChunkDataEnd: {
            if (pos == n)
                return {Status::NeedMore, pos};
            if (p[pos] == '\n') {
                pos += 1;
            } else if (p[pos] == '\r') {
                if (n - pos < 2)
                    return {Status::NeedMore, pos};
                if (p[pos + 1] != '\n')
                    return fail("missing CRLF after chunk data");
                pos += 2;
            } else {
                return fail("missing CRLF after chunk data");
            }
            m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            const char* nl = static_cast<const char*>(memchr(p + pos, '\n', n - pos));
            if (!nl) {
                if (n - pos > kMaxHeaderBytes)
                    return fail("trailer section too large");
                return {Status::NeedMore, pos};
            }
            const bool empty = nl == p + pos || (nl == p + pos + 1 && p[pos] == '\r');
            pos = size_t(nl - p) + 1;
            if (empty) {
                m_state = State::Done;
                return {Status::Complete, pos};
            }
            break;
        }
        case State::UntilClose:
            m_bodyBytes += int64_t(n - pos);
            return {Status::NeedMore, n};
        case State::Done:
            return {Status::Complete, pos};
        case State::Failed:
            return {Status::Error, pos};
        }
    }
}

size_t ResponseParser::parseHeaders(const char* data, size_t len)
{
    const char* end = static_cast<const char*>(memmem(data, len, "\r\n\r\n", 4));
    if (!end) {
        if (len > kMaxHeaderBytes)
            fail("header block too large");
        // A status line that cannot be HTTP is reported now, not after 64 KiB of waiting.
        else if (memcmp(data, "HTTP/1.", std::min<size_t>(len, 7)) != 0)
            fail("not an HTTP/1.x response");
        return 0;
    }
    if (size_t(end - data) > kMaxHeaderBytes) {
        fail("header block too large");
        return 0;
    }
    if (!parseHeaderBlock(data, end + 2))
        return 0;
    return size_t(end - data) + 4;
}

bool ResponseParser::parseHeaderBlock(const char* begin, const char* end)
{
    // Status line: "HTTP/1.x SSS[ reason]\r\n".
    const char* eol = static_cast<const char*>(memchr(begin, '\n', size_t(end - begin)));
    const size_t lineLen = size_t(eol - begin);
    if (lineLen < 13 || memcmp(begin, "HTTP/1.", 7) != 0 || (begin[7] != '0' && begin[7] != '1') ||
        begin[8] != ' ' || begin[9] < '1' || begin[9] > '9' || begin[10] < '0' || begin[10] > '9' ||
        begin[11] < '0' || begin[11] > '9' || (begin[12] != ' ' && begin[12] != '\r')) {
        fail("bad status line");
        return false;
    }
    const int status = (begin[9] - '0') * 100 + (begin[10] - '0') * 10 + (begin[11] - '0');
    bool keepAlive = begin[7] == '1'; // HTTP/1.0 closes unless it says otherwise
    bool chunked = false;
    bool transferEncoding = false;
    bool hasLength = false;
    int64_t length = 0;

    for (const char* line = eol + 1; line < end;) {
        const char* nl = static_cast<const char*>(memchr(line, '\n', size_t(end - line)));
        const char* lineEnd = (nl > line && nl[-1] == '\r') ? nl - 1 : nl;
        const char* colon = static_cast<const char*>(memchr(line, ':', size_t(lineEnd - line)));
        if (!colon || colon == line || *line == ' ' || *line == '\t') {
            fail("malformed header line");
            return false;
        }
        const char* v = colon + 1;
        while (v < lineEnd && (*v == ' ' || *v == '\t'))
            ++v;
        const char* vEnd = lineEnd;
        while (vEnd > v && (vEnd[-1] == ' ' || vEnd[-1] == '\t'))
            --vEnd;
        const size_t nameLen = size_t(colon - line);
        if (nameIs(line, nameLen, "content-length", 14)) {
            int64_t value = 0;
            if (v == vEnd || vEnd - v > 15) {
                fail("bad Content-Length");
                return false;
            }
            for (const char* c = v; c < vEnd; ++c) {
                if (*c < '0' || *c > '9') {
                    fail("bad Content-Length");
                    return false;
                }
                value = value * 10 + (*c - '0');
            }
            if (hasLength && value != length) {
                fail("conflicting Content-Length headers");
                return false;
            }
            hasLength = true;
            length = value;
        } else if (nameIs(line, nameLen, "transfer-encoding", 17)) {
            transferEncoding = true;
            chunked = lastTokenIs(v, vEnd, "chunked");
        } else if (nameIs(line, nameLen, "connection", 10)) {
            if (hasToken(v, vEnd, "close"))
                keepAlive = false;
            else if (hasToken(v, vEnd, "keep-alive"))
                keepAlive = true;
        }
        line = nl + 1;
    }

    if (status < 200) {
        if (status == 101) {
            fail("101 Switching Protocols is not supported");
            return false;
        }
        ++m_interim; // 100 Continue, 103 Early Hints: the final answer follows
        m_state = State::Headers;
        return true;
    }
    m_status = status;
    m_keepAlive = keepAlive;
    m_remaining = 0;
    if (m_headRequest || status == 204 || status == 304) {
        m_state = State::Done;
    } else if (chunked) {
        m_state = State::ChunkSize;
    } else if (transferEncoding) {
        // A coding we cannot frame: the body runs to the close (RFC 9112 6.3, item 4).
        m_state = State::UntilClose;
        m_keepAlive = false;
    } else if (hasLength) {
        m_remaining = length;
        m_state = length == 0 ? State::Done : State::Body;
    } else {
        m_state = State::UntilClose;
        m_keepAlive = false;
    }
    return true;
}

} // namespace wsgi::loadgen
