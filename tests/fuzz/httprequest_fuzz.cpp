// The shared HTTP request parsing (head, target normalisation, chunked decoding), on arbitrary bytes.
// Beyond "no crash, no hang", what the parser accepts must keep the rules both dispatch modes rely on:
// no fragment, a normalised path that the worker finds again from the target it is sent, digits-only lengths,
// one Host and one Content-Type, and a verdict that does not change as more bytes arrive.
#include "hosting/httprequestparser.h"
#include "hosting/httptext.h"
#include "hosting/requesttarget.h"

#include <algorithm>
#include <cstdint>
#include <string>

using namespace wsgi::hosting;

extern "C" const char* const* wsgiFuzzSeeds()
{
    static const char* const seeds[] = {
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /a?b=c HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n",
        "GET http://h/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET /a/./b/../../c/%2e%2E/%73ub/x%20y?q=/../#f HTTP/1.1\r\nHost: h:80\r\n\r\n",
        "GET https://[::1]:8443/a/..?x HTTP/1.2\nHost: other\nContent-Type: a/b\n\n",
        "OPTIONS * HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
        "POST /%2F/%00/%zz HTTP/1.1\r\nHost: h\r\nContent-Length: -0\r\nHost: x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2 \t;a=\"b c\"\r\nab\r\n2 "
        "junk\r\ncd\r\n0\r\n\r\n",
        nullptr,
    };
    return seeds;
}

namespace {

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

bool hasDotSegment(std::string_view path)
{
    size_t start = 0;
    while (start <= path.size()) {
        const size_t slash = path.find('/', start);
        const std::string_view seg =
            path.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (start > 0 && (seg == "." || seg == ".."))
            return true;
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    return false;
}

// What parseRequestTarget promises about a target it accepted.
void checkTarget(const RequestTarget& t)
{
    check(t.errorStatus == 0);
    if (t.path == "*") {
        check(t.origin == "*" && t.authority.empty());
        return;
    }
    check(!t.path.empty() && t.path.front() == '/');
    check(!t.origin.empty() && t.origin.front() == '/');
    check(t.origin.find('#') == std::string::npos);
    check(!hasDotSegment(t.path));
    check(t.path.find('\0') == std::string::npos);
    std::string decoded;
    check(percentDecode(t.origin.substr(0, t.origin.find('?')), decoded) && decoded == t.path);
    // No encoded '/' survives: the segments of the path are those of the origin.
    const std::string_view originPath = std::string_view(t.origin).substr(0, t.origin.find('?'));
    check(std::count(originPath.begin(), originPath.end(), '/') ==
          std::count(t.path.begin(), t.path.end(), '/'));
    check(isValidAuthority(t.authority));
}

// RFC 3986 5.2.4 remove_dot_segments, written as the RFC states it: the oracle for the parser's own
// segment-list version.
std::string removeDotSegments(std::string in)
{
    std::string out;
    auto starts = [&](std::string_view p) { return std::string_view(in).substr(0, p.size()) == p; };
    auto popSegment = [&] {
        const size_t slash = out.rfind('/');
        out.erase(slash == std::string::npos ? 0 : slash);
    };
    while (!in.empty()) {
        if (starts("../")) {
            in.erase(0, 3);
        } else if (starts("./")) {
            in.erase(0, 2);
        } else if (starts("/./")) {
            in.replace(0, 3, "/");
        } else if (in == "/.") {
            in = "/";
        } else if (starts("/../")) {
            in.replace(0, 4, "/");
            popSegment();
        } else if (in == "/..") {
            in = "/";
            popSegment();
        } else if (in == "." || in == "..") {
            in.clear();
        } else {
            const size_t next = in.find('/', in[0] == '/' ? 1 : 0);
            out += in.substr(0, next);
            in.erase(0, next == std::string::npos ? in.size() : next);
        }
    }
    return out;
}

// What parseRequestHead promises about a head it accepted from `in`.
void checkComplete(std::string_view in, const HeadParseResult& r, const ParsedRequest& request)
{
    check(r.consumed <= in.size());
    // The worker recomputes the path from the target it is sent: it must find the routed one.
    std::string storage;
    check(requestPath(request.target, storage) == request.path);
    check(request.target.find('#') == std::string::npos);
    check(request.path == "*" || (!request.path.empty() && request.path.front() == '/'));
    check(!hasDotSegment(request.path));
    check(request.target != "*" || request.method == "OPTIONS");
    int hosts = 0, contentTypes = 0;
    for (const auto& [name, value] : request.headers) {
        if (iequals(name, "Content-Length"))
            check(!value.empty() &&
                  std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }));
        if (iequals(name, "Host")) {
            ++hosts;
            check(isValidAuthority(value));
        }
        contentTypes += iequals(name, "Content-Type") ? 1 : 0;
    }
    check(hosts <= 1 && contentTypes <= 1);
    check(request.contentLength >= -1);
    check(!(request.chunked && request.contentLength >= 0));

    // More bytes never change a verdict: every shorter prefix of the head still needs more.
    for (const size_t cut : {r.consumed - 1, r.consumed / 2}) {
        ParsedRequest partial;
        check(parseRequestHead(in.substr(0, cut), partial).status == ParseStatus::NeedMore);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);

    // The target rules on their own, over the first line's worth of bytes, and in a head that is
    // otherwise valid (most mutated heads fail earlier, so this is where the target rules get their
    // coverage).
    // (The target is the second word when the input starts like a request line.)
    const size_t space = in.find(' ');
    const size_t from = space != std::string_view::npos && space < 16 ? space + 1 : 0;
    const size_t end = in.find_first_of(" \r\n", from);
    const std::string_view raw =
        in.substr(from, std::min<size_t>(end == in.npos ? in.size() - from : end - from, 512));
    {
        RequestTarget t;
        if (parseRequestTarget(size % 2 ? "OPTIONS" : "GET", raw, t))
            checkTarget(t);
        else
            check((t.errorStatus == 400 || t.errorStatus == 404) && !t.errorText.empty());
        const std::string head =
            std::string(size % 2 ? "OPTIONS " : "GET ") + std::string(raw) + " HTTP/1.1\r\nHost: h\r\n\r\n";
        ParsedRequest request;
        const auto r = parseRequestHead(head, request);
        if (r.status == ParseStatus::Complete)
            checkComplete(head, r, request);
        // An origin-form path that parsed is the RFC's dot-segment removal of its decoded form.
        std::string decoded;
        const std::string_view rawPath = raw.substr(0, raw.find('?'));
        if (r.status == ParseStatus::Complete && !rawPath.empty() && rawPath.front() == '/' &&
            percentDecode(rawPath, decoded))
            check(removeDotSegments(decoded) == request.path);
    }

    ParsedRequest request;
    const auto r = parseRequestHead(in, request);
    if (r.status == ParseStatus::Error)
        check(r.errorStatus >= 400 && r.errorStatus < 600 && !r.errorText.empty());
    if (r.status != ParseStatus::Complete)
        return 0;
    checkComplete(in, r, request);

    ChunkedDecoder decoder;
    std::string body;
    const auto c = decoder.feed(in.substr(r.consumed), body);
    check(c.consumed <= in.size() - r.consumed && body.size() <= in.size());
    return 0;
}
