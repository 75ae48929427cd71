#include "requesttarget.h"

#include "httptext.h"

#include <vector>

namespace wsgi::hosting {
namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

bool isAlpha(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// RFC 3986 2.3.
bool isUnreserved(char c)
{
    return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool isSubDelim(char c)
{
    return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool fail(RequestTarget& out, int status, std::string text)
{
    out.errorStatus = status;
    out.errorText = std::move(text);
    return false;
}

// reg-name: unreserved / pct-encoded / sub-delims.
bool isRegName(std::string_view s)
{
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || hexValue(s[i + 1]) < 0 || hexValue(s[i + 2]) < 0)
                return false;
            i += 2;
        } else if (!isUnreserved(s[i]) && !isSubDelim(s[i])) {
            return false;
        }
    }
    return true;
}

// One path segment with the escapes of unreserved characters decoded and every other escape kept as
// sent, so that decoding the result once still gives the decoded segment.
std::string canonicalSegment(std::string_view raw)
{
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size()) {
            const char decoded = char(hexValue(raw[i + 1]) * 16 + hexValue(raw[i + 2]));
            if (isUnreserved(decoded)) {
                out += decoded;
                i += 2;
                continue;
            }
        }
        out += raw[i];
    }
    return out;
}

} // namespace

bool percentDecode(std::string_view in, std::string& out)
{
    out.clear();
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size() || hexValue(in[i + 1]) < 0 || hexValue(in[i + 2]) < 0)
            return false;
        out += char(hexValue(in[i + 1]) * 16 + hexValue(in[i + 2]));
        i += 2;
    }
    return true;
}

std::string_view requestPath(std::string_view target, std::string& storage)
{
    if (!target.empty() && target.front() == '/') {
        const std::string_view path = target.substr(0, target.find('?'));
        if (path.find('%') == std::string_view::npos && path.find("/.") == std::string_view::npos)
            return path; // the common case: nothing to decode, no dot-segment
    }
    RequestTarget parsed;
    if (!parseRequestTarget("OPTIONS", target, parsed))
        return target.substr(0, target.find('?')); // not a target the parser let through
    storage = std::move(parsed.path);
    return storage;
}

std::string originPath(std::string_view target)
{
    std::string storage;
    return std::string(requestPath(target, storage));
}

bool isValidAuthority(std::string_view host)
{
    if (host.empty())
        return true;
    std::string_view port;
    if (host.front() == '[') {
        // IP-literal: IPv6address (with a %25 zone), or IPvFuture; the characters are checked, not
        // the grammar.
        const size_t close = host.find(']');
        if (close == std::string_view::npos || close < 2)
            return false;
        for (char c : host.substr(1, close - 1))
            if (!isUnreserved(c) && !isSubDelim(c) && c != ':' && c != '%')
                return false;
        const std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && rest.front() != ':')
            return false;
        port = rest.empty() ? rest : rest.substr(1);
    } else {
        const size_t colon = host.rfind(':');
        const std::string_view name = host.substr(0, colon);
        if (name.empty() || !isRegName(name))
            return false;
        port = colon == std::string_view::npos ? std::string_view{} : host.substr(colon + 1);
    }
    if (port.size() > 5)
        return false;
    for (char c : port)
        if (!isDigit(c))
            return false;
    return true;
}

bool parseRequestTarget(std::string_view method, std::string_view raw, RequestTarget& out)
{
    out = RequestTarget{};
    if (raw.empty())
        return fail(out, 400, "empty request target");
    // A client never sends a fragment (RFC 9110 7.1); Apache answers 400 rather than guess.
    if (raw.find('#') != std::string_view::npos)
        return fail(out, 400, "request target contains a fragment ('#'), which a client must not send");
    if (raw == "*") {
        if (method != "OPTIONS")
            return fail(out, 400, "the target '*' is only valid for OPTIONS, not " + std::string(method));
        out.path = out.origin = "*";
        return true;
    }

    std::string_view pathAndQuery = raw;
    if (raw.front() != '/') {
        // absolute-form: http(s)://authority[/path][?query]. A scheme other than HTTP's is not ours to
        // serve (the engine is no proxy), and anything else is neither origin- nor absolute-form.
        size_t i = 0;
        while (i < raw.size() && (isAlpha(raw[i]) || (i > 0 && (isDigit(raw[i]) || raw[i] == '+' ||
                                                                raw[i] == '-' || raw[i] == '.'))))
            ++i;
        if (i == 0 || raw.substr(i, 3) != "://")
            return fail(
                out, 400,
                "request target must be an absolute path ('/...'), an absolute URI or '*' (for OPTIONS)");
        const std::string_view scheme = raw.substr(0, i);
        if (!iequals(scheme, "http") && !iequals(scheme, "https"))
            return fail(out, 400,
                        "request target with scheme '" + std::string(scheme) +
                            "': only http and https are served");
        const std::string_view rest = raw.substr(i + 3);
        const size_t end = rest.find_first_of("/?");
        const std::string_view authority = rest.substr(0, end);
        if (authority.find('@') != std::string_view::npos)
            return fail(out, 400, "request target carries user information ('user@'), which is not allowed");
        if (authority.empty() || !isValidAuthority(authority))
            return fail(out, 400, "malformed host '" + std::string(authority) + "' in the request target");
        out.authority = authority;
        pathAndQuery = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    }

    const size_t q = pathAndQuery.find('?');
    std::string_view rawPath = pathAndQuery.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : pathAndQuery.substr(q);
    if (rawPath.empty())
        rawPath = "/";

    // Segments after the leading '/', each kept raw (canonical) and decoded; dot-segments are matched
    // decoded, so "%2e%2E" climbs like "..", as in Apache since 2.4.50.
    struct Segment
    {
        std::string canonical;
        std::string decoded;
    };
    std::vector<Segment> segments;
    std::string decoded;
    size_t start = 1;
    while (true) {
        const size_t slash = rawPath.find('/', start);
        const std::string_view seg =
            rawPath.substr(start, slash == std::string_view::npos ? slash : slash - start);
        const bool last = slash == std::string_view::npos;
        if (!percentDecode(seg, decoded))
            return fail(out, 400, "malformed percent-escape in the request path");
        if (decoded.find('/') != std::string::npos)
            return fail(out, 404,
                        "the path contains an encoded '/' (%2F), which is refused as Apache does "
                        "by default (AllowEncodedSlashes Off)");
        if (decoded.find('\0') != std::string::npos)
            return fail(out, 404, "the path contains an encoded NUL (%00)");
        if (decoded == "." || decoded == "..") {
            if (decoded == "..") {
                if (segments.empty())
                    return fail(out, 400, "the path climbs above the root ('..')");
                segments.pop_back();
            }
            if (last)
                segments.push_back({}); // "/a/b/.." is "/a/": the directory, not "/a"
        } else {
            segments.push_back({canonicalSegment(seg), decoded});
        }
        if (last)
            break;
        start = slash + 1;
    }

    out.path.reserve(rawPath.size());
    out.origin.reserve(rawPath.size() + query.size());
    for (const auto& s : segments) {
        out.path += '/';
        out.path += s.decoded;
        out.origin += '/';
        out.origin += s.canonical;
    }
    if (segments.empty()) {
        out.path = "/";
        out.origin = "/";
    }
    out.origin += query;
    return true;
}

} // namespace wsgi::hosting
