#include "core/loadgen/loadspec.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wsgi::loadgen {

namespace {

bool equalsIgnoreCase(const std::string& a, const char* b)
{
    size_t i = 0;
    for (; i < a.size() && b[i]; ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return i == a.size() && !b[i];
}

} // namespace

bool parseUrl(const std::string& url, Target* target, std::string* error)
{
    static constexpr std::string_view kScheme = "http://";
    if (url.size() < kScheme.size() ||
        !std::equal(kScheme.begin(), kScheme.end(), url.begin(), [](char want, char got) {
            return want == std::tolower(static_cast<unsigned char>(got));
        })) {
        *error = "only http:// URLs are supported: " + url;
        return false;
    }
    const size_t hostStart = kScheme.size();
    size_t pathStart = url.find_first_of("/?", hostStart);
    const std::string authority =
        url.substr(hostStart, pathStart == std::string::npos ? std::string::npos : pathStart - hostStart);
    if (authority.empty()) {
        *error = "no host in URL: " + url;
        return false;
    }
    if (authority.find('@') != std::string::npos) {
        *error = "credentials in URLs are not supported: " + url;
        return false;
    }
    Target t;
    size_t colon = authority.rfind(':');
    // "[::1]:8080": the colon inside brackets is not the port separator.
    if (colon != std::string::npos && authority.find(']') != std::string::npos && colon < authority.find(']'))
        colon = std::string::npos;
    if (colon != std::string::npos) {
        const std::string portText = authority.substr(colon + 1);
        unsigned port = 0;
        auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
        if (ec != std::errc() || end != portText.data() + portText.size() || port == 0 || port > 65535) {
            *error = "bad port in URL: " + url;
            return false;
        }
        t.port = static_cast<uint16_t>(port);
        t.host = authority.substr(0, colon);
    } else {
        t.host = authority;
    }
    if (t.host.size() >= 2 && t.host.front() == '[' && t.host.back() == ']')
        t.host = t.host.substr(1, t.host.size() - 2);
    if (t.host.empty()) {
        *error = "no host in URL: " + url;
        return false;
    }
    t.hostHeader = authority;
    if (pathStart == std::string::npos) {
        t.path = "/";
    } else {
        t.path = url.substr(pathStart);
        if (t.path.front() == '?')
            t.path.insert(t.path.begin(), '/');
    }
    const size_t fragment = t.path.find('#');
    if (fragment != std::string::npos)
        t.path.resize(fragment);
    for (char c : t.path) {
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
            *error = "URL path must not contain spaces or control characters: " + url;
            return false;
        }
    }
    *target = std::move(t);
    return true;
}

std::string buildRequest(const LoadSpec& spec, const Target& target)
{
    std::string r;
    r.reserve(128 + spec.body.size());
    r += spec.method.empty() ? std::string("GET") : spec.method;
    r += ' ';
    r += target.path;
    r += " HTTP/1.1\r\n";
    bool haveHost = false;
    bool haveLength = false;
    for (const auto& [name, value] : spec.headers) {
        haveHost = haveHost || equalsIgnoreCase(name, "host");
        haveLength = haveLength || equalsIgnoreCase(name, "content-length");
    }
    if (!haveHost)
        r += "Host: " + target.hostHeader + "\r\n";
    for (const auto& [name, value] : spec.headers)
        r += name + ": " + value + "\r\n";
    // A body always gets its length; so does a bodiless POST/PUT, or servers wait for one.
    const bool wantsBody =
        !spec.body.empty() || spec.method == "POST" || spec.method == "PUT" || spec.method == "PATCH";
    if (wantsBody && !haveLength)
        r += "Content-Length: " + std::to_string(spec.body.size()) + "\r\n";
    r += "\r\n";
    r += spec.body;
    return r;
}

} // namespace wsgi::loadgen
