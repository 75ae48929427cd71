#include "httprequestparser.h"

#include "httptext.h"

#include <algorithm>
#include <charconv>

namespace wsgi::hosting {
namespace {

std::string_view trimOws(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// True when a comma-separated header value lists `token` (e.g. Connection: keep-alive, Upgrade).
bool listContains(std::string_view value, std::string_view token)
{
    while (!value.empty()) {
        const size_t comma = value.find(',');
        if (iequals(trimOws(value.substr(0, comma)), token))
            return true;
        if (comma == std::string_view::npos)
            break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

HeadParseResult fail(int status, std::string text)
{
    HeadParseResult r;
    r.status = ParseStatus::Error;
    r.errorStatus = status;
    r.errorText = std::move(text);
    return r;
}

} // namespace

std::string_view ParsedRequest::header(std::string_view name) const
{
    for (const auto& [n, v] : headers)
        if (iequals(n, name))
            return v;
    return {};
}

HeadParseResult parseRequestHead(std::string_view data, ParsedRequest& out, const HttpLimits& limits)
{
    size_t pos = 0;
    while (pos + 1 < data.size() && data[pos] == '\r' && data[pos + 1] == '\n')
        pos += 2;
    const size_t headEnd = data.find("\r\n\r\n", pos);
    if (headEnd == std::string_view::npos) {
        // Check the limits on what has arrived so far, so a client cannot make us buffer forever.
        const size_t firstEol = data.find("\r\n", pos);
        if (firstEol == std::string_view::npos && data.size() - pos > limits.maxRequestLine)
            return fail(414, "request line longer than " + std::to_string(limits.maxRequestLine) + " bytes");
        if (data.size() - pos > limits.maxRequestLine + limits.maxHeaderCount * (limits.maxHeaderLine + 2))
            return fail(431, "request head too large");
        return {};
    }

    out = ParsedRequest{};
    std::string_view head = data.substr(pos, headEnd - pos);
    size_t lineEnd = head.find("\r\n");
    std::string_view requestLine = head.substr(0, lineEnd);
    head = lineEnd == std::string_view::npos ? std::string_view{} : head.substr(lineEnd + 2);
    if (requestLine.size() > limits.maxRequestLine)
        return fail(414, "request line longer than " + std::to_string(limits.maxRequestLine) + " bytes");

    const size_t sp1 = requestLine.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : requestLine.find(' ', sp1 + 1);
    if (sp1 == 0 || sp2 == std::string_view::npos || sp2 == sp1 + 1 ||
        requestLine.find(' ', sp2 + 1) != std::string_view::npos)
        return fail(400, "malformed request line (expected 'METHOD target HTTP/1.x')");
    const std::string_view method = requestLine.substr(0, sp1);
    const std::string_view target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = requestLine.substr(sp2 + 1);
    if (!std::all_of(method.begin(), method.end(), [](char c) { return isTokenChar(c); }))
        return fail(400, "invalid character in request method");
    for (unsigned char c : target)
        if (c <= 0x20 || c == 0x7f)
            return fail(400, "invalid character in request target");
    if (target.front() != '/' && target != "*" && target.find("://") == std::string_view::npos)
        return fail(400, "request target must be an absolute path");
    if (version == "HTTP/1.1")
        out.http11 = true;
    else if (version == "HTTP/1.0")
        out.http11 = false;
    else if (version.substr(0, 5) == "HTTP/")
        return fail(505, "HTTP version '" + std::string(version) + "' is not supported");
    else
        return fail(400, "malformed HTTP version");
    out.method = method;
    out.target = target;
    out.headers.reserve(16); // a browser sends about a dozen

    while (!head.empty()) {
        lineEnd = head.find("\r\n");
        std::string_view line = head.substr(0, lineEnd);
        head = lineEnd == std::string_view::npos ? std::string_view{} : head.substr(lineEnd + 2);
        if (line.size() > limits.maxHeaderLine)
            return fail(431, "header line longer than " + std::to_string(limits.maxHeaderLine) + " bytes");
        if (line.front() == ' ' || line.front() == '\t')
            return fail(400, "obsolete header line folding is not accepted");
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return fail(400, "header line without a field name and ':'");
        const std::string_view name = line.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(), [](char c) { return isTokenChar(c); }))
            return fail(400, "invalid character in header name '" + std::string(name) + "'");
        const std::string_view value = trimOws(line.substr(colon + 1));
        for (unsigned char c : value)
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return fail(400, "control character in the value of header '" + std::string(name) + "'");
        if (out.headers.size() >= limits.maxHeaderCount)
            return fail(431, "more than " + std::to_string(limits.maxHeaderCount) + " header fields");
        out.headers.emplace_back(std::string(name), std::string(value));
    }

    // Framing (RFC 9112 6): Transfer-Encoding wins, but both together are refused as a smuggling risk.
    bool sawLength = false;
    for (const auto& [name, value] : out.headers) {
        if (iequals(name, "Content-Length")) {
            int64_t n = -1;
            const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc() || ptr != value.data() + value.size() || n < 0 || value.empty())
                return fail(400, "invalid Content-Length '" + value + "'");
            if (sawLength && n != out.contentLength)
                return fail(400, "conflicting Content-Length headers");
            sawLength = true;
            out.contentLength = n;
        } else if (iequals(name, "Transfer-Encoding")) {
            if (!iequals(trimOws(value), "chunked"))
                return fail(501, "Transfer-Encoding '" + value + "' is not supported (only chunked)");
            if (out.chunked)
                return fail(400, "repeated Transfer-Encoding");
            out.chunked = true;
        }
    }
    if (out.chunked && sawLength)
        return fail(400, "both Content-Length and Transfer-Encoding given");
    if (out.chunked && !out.http11)
        return fail(400, "chunked Transfer-Encoding in an HTTP/1.0 request");
    if (out.http11 && out.header("Host").empty() &&
        std::none_of(out.headers.begin(), out.headers.end(),
                     [](auto& h) { return iequals(h.first, "Host"); }))
        return fail(400, "HTTP/1.1 request without a Host header");

    const std::string_view connection = out.header("Connection");
    out.keepAlive = out.http11 ? !listContains(connection, "close") : listContains(connection, "keep-alive");
    const std::string_view expect = out.header("Expect");
    if (!expect.empty()) {
        if (!iequals(trimOws(expect), "100-continue"))
            return fail(417, "Expect '" + std::string(expect) + "' is not supported");
        out.expectContinue = out.http11;
    }

    HeadParseResult r;
    r.status = ParseStatus::Complete;
    r.consumed = headEnd + 4;
    return r;
}

ChunkedDecoder::Result ChunkedDecoder::feed(std::string_view in, std::string& decoded)
{
    Result r;
    size_t i = 0;
    auto error = [&](std::string text) {
        r.error = true;
        r.errorText = std::move(text);
        r.consumed = i;
        return r;
    };
    while (i < in.size() && m_state != State::Done) {
        const char c = in[i];
        switch (m_state) {
        case State::Size: {
            int digit = -1;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
                digit = (c | 0x20) - 'a' + 10;
            if (digit >= 0) {
                if (++m_sizeDigits > 15)
                    return error("chunk size too large");
                m_remaining = m_remaining * 16 + uint64_t(digit);
                ++i;
            } else if (m_sizeDigits == 0) {
                return error("chunk size is not a hexadecimal number");
            } else if (c == ';' || c == ' ' || c == '\t') {
                m_state = State::SizeExt;
                ++i;
            } else if (c == '\r') {
                m_state = State::SizeLf;
                ++i;
            } else {
                return error("invalid character after chunk size");
            }
            break;
        }
        case State::SizeExt:
            if (c == '\r')
                m_state = State::SizeLf;
            else if (++m_lineLength > 4096)
                return error("chunk extension too long");
            ++i;
            break;
        case State::SizeLf:
            if (c != '\n')
                return error("chunk size line not ended by CRLF");
            ++i;
            m_lineLength = 0;
            m_sizeDigits = 0;
            m_state = m_remaining == 0 ? State::Trailer : State::Data;
            break;
        case State::Data: {
            const size_t n = size_t(std::min<uint64_t>(m_remaining, in.size() - i));
            decoded.append(in.substr(i, n));
            i += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::DataCr;
            break;
        }
        case State::DataCr:
            if (c != '\r')
                return error("chunk data not followed by CRLF");
            ++i;
            m_state = State::DataLf;
            break;
        case State::DataLf:
            if (c != '\n')
                return error("chunk data not followed by CRLF");
            ++i;
            m_state = State::Size;
            break;
        case State::Trailer: // start of a trailer line, or the final CRLF
            if (c == '\r') {
                m_state = State::LastLf;
            } else {
                m_state = State::TrailerLf;
                m_lineLength = 1;
            }
            ++i;
            break;
        case State::TrailerLf:
            if (c == '\n') {
                m_state = State::Trailer;
            } else if (++m_lineLength > 8190) {
                return error("trailer line too long");
            }
            ++i;
            break;
        case State::LastLf:
            if (c != '\n')
                return error("chunked body not ended by CRLF");
            ++i;
            m_state = State::Done;
            break;
        case State::Done:
            break;
        }
    }
    r.consumed = i;
    r.done = m_state == State::Done;
    return r;
}

} // namespace wsgi::hosting
