#include "responsehead.h"

#include "httptext.h"

#include <charconv>
#include <ctime>

namespace wsgi::hosting {
std::string_view httpDateNow()
{
    thread_local time_t cachedSecond = 0;
    thread_local char cached[40] = {};
    const time_t now = time(nullptr);
    if (now != cachedSecond) {
        tm utc{};
        gmtime_r(&now, &utc);
        strftime(cached, sizeof cached, "%a, %d %b %Y %H:%M:%S GMT", &utc);
        cachedSecond = now;
    }
    return cached;
}

ResponseHead buildResponseHead(const ResponseHeadRequest& request)
{
    ResponseHead head;
    int code = 0;
    std::from_chars(request.status.data(), request.status.data() + std::min<size_t>(3, request.status.size()),
                    code);
    head.statusCode = code;

    std::optional<int64_t> declared;
    bool haveServer = false, haveDate = false;
    for (const auto& [name, value] : *request.headers) {
        if (iequals(name, "Content-Length")) {
            int64_t n = -1;
            const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec == std::errc() && ptr == value.data() + value.size() && n >= 0)
                declared = n;
        } else if (iequals(name, "Server")) {
            haveServer = true;
        } else if (iequals(name, "Date")) {
            haveDate = true;
        }
    }

    const bool noBodyStatus = (code >= 100 && code < 200) || code == 204 || code == 304;
    bool addLength = false;
    if (noBodyStatus) {
        head.framing = BodyFraming::None;
    } else if (declared) {
        head.framing = request.headRequest ? BodyFraming::None : BodyFraming::ContentLength;
        head.contentLength = *declared;
    } else if (request.knownLength) {
        head.framing = request.headRequest ? BodyFraming::None : BodyFraming::ContentLength;
        head.contentLength = *request.knownLength;
        addLength = true;
    } else if (request.headRequest) {
        head.framing = BodyFraming::None; // nothing to delimit; the client knows HEAD has no body
    } else if (request.http11) {
        head.framing = BodyFraming::Chunked;
    } else {
        head.framing = BodyFraming::UntilClose;
    }
    head.keepAlive = request.keepAliveRequested && head.framing != BodyFraming::UntilClose;

    std::string& out = head.bytes;
    out.reserve(256);
    out += request.http11 ? "HTTP/1.1 " : "HTTP/1.0 ";
    out += request.status;
    out += "\r\n";
    if (!haveDate) {
        out += "Date: ";
        out += httpDateNow();
        out += "\r\n";
    }
    if (!haveServer)
        out += "Server: wsgi-engine\r\n";
    for (const auto& [name, value] : *request.headers) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    if (addLength) {
        out += "Content-Length: ";
        out += std::to_string(head.contentLength);
        out += "\r\n";
    }
    if (head.framing == BodyFraming::Chunked)
        out += "Transfer-Encoding: chunked\r\n";
    if (request.http11 && !head.keepAlive)
        out += "Connection: close\r\n";
    else if (!request.http11 && head.keepAlive)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    return head;
}

void appendChunkHeader(std::string& out, size_t n)
{
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf - 2, n, 16);
    (void)ec;
    out.append(buf, end);
    out += "\r\n";
}

const char* reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 414:
        return "URI Too Long";
    case 417:
        return "Expectation Failed";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

std::string simpleResponse(int status, std::string_view reason, std::string_view text, bool keepAlive,
                           bool http11)
{
    std::string body(text);
    body += '\n';
    std::string out;
    out += http11 ? "HTTP/1.1 " : "HTTP/1.0 ";
    out += std::to_string(status);
    out += ' ';
    out += reason;
    out += "\r\nDate: ";
    out += httpDateNow();
    out += "\r\nServer: wsgi-engine\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += keepAlive ? (http11 ? "\r\n" : "\r\nConnection: keep-alive\r\n") : "\r\nConnection: close\r\n";
    out += "\r\n";
    out += body;
    return out;
}

} // namespace wsgi::hosting
