#include "httprequestparser.h"

#include "httptext.h"
#include "requesttarget.h"

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

namespace {

// The next line of `data` from `pos`: without its CRLF or bare LF; npos when no line end has arrived.
size_t lineEnd(std::string_view data, size_t pos, std::string_view& line)
{
    const size_t lf = data.find('\n', pos);
    if (lf == std::string_view::npos)
        return lf;
    line = data.substr(pos, lf - pos);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return lf;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool allDigits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), isDigit);
}

// "METHOD SP request-target SP HTTP-version" (RFC 9112 3). `authority` gets an absolute-form
// target's host.
HeadParseResult parseRequestLine(std::string_view requestLine, ParsedRequest& out, std::string& authority)
{
    const size_t sp1 = requestLine.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : requestLine.find(' ', sp1 + 1);
    if (sp1 != std::string_view::npos && sp2 == std::string_view::npos && sp1 > 0)
        return fail(400, "request line without an HTTP version (HTTP/0.9 is not served)");
    if (sp1 == 0 || sp2 == std::string_view::npos || sp2 == sp1 + 1 ||
        requestLine.find(' ', sp2 + 1) != std::string_view::npos)
        return fail(400, "malformed request line (expected 'METHOD target HTTP/1.x')");
    const std::string_view method = requestLine.substr(0, sp1);
    const std::string_view target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = requestLine.substr(sp2 + 1);
    if (!std::all_of(method.begin(), method.end(), [](char c) { return isTokenChar(c); }))
        return fail(400, "invalid character in request method");
    out.method = method;
    // HTTP-version = "HTTP/" DIGIT "." DIGIT. A later 1.x is served as 1.1 (RFC 9110 2.5), another
    // major version is not HTTP/1 at all.
    const bool wellFormed = version.size() == 8 && version.substr(0, 5) == "HTTP/" && isDigit(version[5]) &&
                            version[6] == '.' && isDigit(version[7]);
    if (wellFormed && version[5] == '1')
        out.http11 = version[7] != '0';
    else if (wellFormed || (version.substr(0, 5) == "HTTP/" && version.size() <= 8 && version.size() > 5 &&
                            std::all_of(version.begin() + 5, version.end(), isDigit)))
        return fail(505, "HTTP version '" + std::string(version) + "' is not supported (only HTTP/1.x)");
    else
        return fail(400, "malformed HTTP version");
    for (unsigned char c : target)
        if (c <= 0x20 || c == 0x7f)
            return fail(400, "invalid character in request target");
    RequestTarget parsed;
    if (!parseRequestTarget(method, target, parsed))
        return fail(parsed.errorStatus, parsed.errorText);
    out.target = target;
    out.path = std::move(parsed.path);
    authority = std::move(parsed.authority);
    HeadParseResult r;
    r.status = ParseStatus::Complete;
    return r;
}

} // namespace

HeadParseResult parseRequestHead(std::string_view data, ParsedRequest& out, const HttpLimits& limits)
{
    out = ParsedRequest{};
    size_t pos = 0;
    while (pos < data.size() &&
           (data[pos] == '\n' || (data[pos] == '\r' && pos + 1 < data.size() && data[pos + 1] == '\n'))) {
        pos += data[pos] == '\r' ? 2 : 1;
        if (pos > limits.maxRequestLine)
            return fail(400, "too many empty lines before the request line");
    }

    std::string_view requestLine;
    size_t eol = lineEnd(data, pos, requestLine);
    if (eol == std::string_view::npos) {
        // Check the limit on what has arrived so far, so a client cannot make us buffer forever (the
        // last byte may be the line's CR).
        if (data.size() - pos > limits.maxRequestLine + 1)
            return fail(414, "request line longer than " + std::to_string(limits.maxRequestLine) + " bytes");
        return {};
    }
    if (requestLine.size() > limits.maxRequestLine)
        return fail(414, "request line longer than " + std::to_string(limits.maxRequestLine) + " bytes");
    std::string authority;
    if (HeadParseResult line = parseRequestLine(requestLine, out, authority);
        line.status == ParseStatus::Error)
        return line;

    // Header lines, checked as they arrive.
    out.headers.reserve(16); // a browser sends about a dozen
    size_t headEnd = std::string_view::npos;
    for (size_t p = eol + 1;;) {
        std::string_view field;
        eol = lineEnd(data, p, field);
        if (eol == std::string_view::npos) {
            if (data.size() - p > limits.maxHeaderLine + 2)
                return fail(431,
                            "header line longer than " + std::to_string(limits.maxHeaderLine) + " bytes");
            return {};
        }
        p = eol + 1;
        if (field.empty()) {
            headEnd = p;
            break;
        }
        if (field.size() > limits.maxHeaderLine)
            return fail(431, "header line longer than " + std::to_string(limits.maxHeaderLine) + " bytes");
        if (field.front() == ' ' || field.front() == '\t')
            return fail(400, "obsolete header line folding is not accepted");
        const size_t colon = field.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return fail(400, "header line without a field name and ':'");
        const std::string_view name = field.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(), [](char c) { return isTokenChar(c); }))
            return fail(400, "invalid character in header name '" + std::string(name) + "'");
        const std::string_view value = trimOws(field.substr(colon + 1));
        for (unsigned char c : value)
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return fail(400, "control character in the value of header '" + std::string(name) + "'");
        if (out.headers.size() >= limits.maxHeaderCount)
            return fail(431, "more than " + std::to_string(limits.maxHeaderCount) + " header fields");
        out.headers.emplace_back(std::string(name), std::string(value));
    }

    // Framing (RFC 9112 6): Transfer-Encoding wins, but both together are refused as a smuggling risk.
    bool sawLength = false;
    int hosts = 0, contentTypes = 0;
    for (auto& [name, value] : out.headers) {
        if (iequals(name, "Content-Length")) {
            // Digits only (RFC 9110 8.6): from_chars alone would take "-0".
            int64_t n = -1;
            const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (!allDigits(value) || value.size() > 18 || ec != std::errc() ||
                ptr != value.data() + value.size())
                return fail(400, "invalid Content-Length '" + value + "' (digits only)");
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
        } else if (iequals(name, "Host")) {
            // RFC 9112 3.2: more than one Host, or an invalid one, is a 400.
            if (++hosts > 1)
                return fail(400, "more than one Host header");
            if (!isValidAuthority(value))
                return fail(400, "invalid Host header '" + value + "'");
            if (!authority.empty())
                value = authority; // RFC 9112 3.2.2: an absolute-form target's host wins
        } else if (iequals(name, "Content-Type")) {
            // Joining two media types makes none; dropping one would hide what the client sent.
            if (++contentTypes > 1)
                return fail(400, "more than one Content-Type header");
        }
    }
    if (out.chunked && sawLength)
        return fail(400, "both Content-Length and Transfer-Encoding given");
    if (out.chunked && !out.http11)
        return fail(400, "chunked Transfer-Encoding in an HTTP/1.0 request");
    if (out.http11 && hosts == 0)
        return fail(400, "HTTP/1.1 request without a Host header");
    if (hosts == 0 && !authority.empty())
        out.headers.emplace_back("Host", authority);

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
    r.consumed = headEnd;
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
            } else if (c == ';') {
                m_state = State::SizeExt;
                ++i;
            } else if (c == ' ' || c == '\t') {
                m_state = State::SizeBws;
                m_lineLength = 1;
                ++i;
            } else if (c == '\r') {
                m_state = State::SizeLf;
                ++i;
            } else {
                return error("invalid character after chunk size");
            }
            break;
        }
        case State::SizeBws:
            // Only whitespace (at most 10, as Apache allows), then ';ext' or the line end: "2 junk"
            // must not pass as a size of 2.
            if (c == ';')
                m_state = State::SizeExt;
            else if (c == '\r')
                m_state = State::SizeLf;
            else if ((c != ' ' && c != '\t') || ++m_lineLength > 10)
                return error(
                    "invalid character after chunk size (only whitespace and ';extension' may follow)");
            ++i;
            break;
        case State::SizeExt:
            if (c == '\r')
                m_state = State::SizeLf;
            else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
                return error("control character in a chunk extension");
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
