#include "directivevalues.h"

#include "apachesyntax.h"

#include <algorithm>
#include <cctype>

namespace wsgi::config {

namespace {

std::optional<int> parsePort(std::string_view text)
{
    if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        }))
        return std::nullopt;
    const int port = std::stoi(std::string(text));
    if (port > 65535)
        return std::nullopt;
    return port;
}

} // namespace

ListenParse parseListenArgument(std::string_view argument)
{
    ListenParse r;
    std::string host;
    std::string_view portText;
    if (!argument.empty() && argument.front() == '[') {
        const std::size_t close = argument.find(']');
        if (close == std::string_view::npos) {
            r.error = "unterminated IPv6 address in '" + std::string(argument) + "'";
            r.suggestion = "write Listen [::1]:8080";
            return r;
        }
        host = std::string(argument.substr(1, close - 1));
        if (close + 1 >= argument.size() || argument[close + 1] != ':') {
            r.error = "Listen '" + std::string(argument) + "' has no port";
            r.suggestion = "write Listen [" + host + "]:8080";
            return r;
        }
        portText = argument.substr(close + 2);
    } else {
        const std::size_t colon = argument.rfind(':');
        if (colon == std::string_view::npos) {
            portText = argument;
        } else {
            // Like apr_parse_addr_port, the port is after the last ':', so "::1:8080" is [::1]:8080.
            host = std::string(argument.substr(0, colon));
            portText = argument.substr(colon + 1);
            if (host.empty()) {
                r.error = "Listen '" + std::string(argument) + "' has an empty host";
                r.suggestion = "write Listen " + std::string(portText) + " to listen on all addresses";
                return r;
            }
        }
    }
    const std::optional<int> port = parsePort(portText);
    if (!port) {
        r.error = "invalid port '" + std::string(portText) + "' in Listen " + std::string(argument) +
                  ": expected a number from 1 to 65535";
        r.suggestion = "write Listen 127.0.0.1:8080";
        return r;
    }
    if (host == "*")
        host.clear(); // Apache treats "*" as every address
    r.address = ListenAddress{host, *port, {}};
    return r;
}

std::string serverNameHost(std::string_view argument)
{
    const std::size_t scheme = argument.find("://");
    if (scheme != std::string_view::npos)
        argument.remove_prefix(scheme + 3);
    if (!argument.empty() && argument.front() == '[') {
        const std::size_t close = argument.find(']');
        return std::string(close == std::string_view::npos ? argument : argument.substr(0, close + 1));
    }
    const std::size_t colon = argument.find(':');
    return std::string(argument.substr(0, colon));
}

GroupValueKind classifyGroupValue(std::string_view value)
{
    if (value.substr(0, 2) != "%{")
        return GroupValueKind::Literal;
    if (value == "%{GLOBAL}")
        return GroupValueKind::Global;
    if (value == "%{RESOURCE}")
        return GroupValueKind::Resource;
    if (value == "%{SERVER}")
        return GroupValueKind::Server;
    if (value == "%{HOST}")
        return GroupValueKind::Host;
    if (value.substr(0, 6) == "%{ENV:" && value.back() == '}')
        return GroupValueKind::Env;
    return GroupValueKind::UnknownSubstitution;
}

std::vector<std::string> splitPythonPath(std::string_view value)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= value.size()) {
        const std::size_t colon = value.find(':', start);
        const std::size_t end = colon == std::string_view::npos ? value.size() : colon;
        if (end > start)
            parts.emplace_back(value.substr(start, end - start));
        if (colon == std::string_view::npos)
            break;
        start = colon + 1;
    }
    return parts;
}

std::string normaliseUrlPrefix(std::string_view url)
{
    while (!url.empty() && url.back() == '/')
        url.remove_suffix(1);
    return std::string(url);
}

bool checkGroupValue(const std::string& value, int line, const std::string& what, bool applicationGroup,
                     FindingSink& sink)
{
    switch (classifyGroupValue(value)) {
    case GroupValueKind::Literal:
    case GroupValueKind::Global:
        return true;
    case GroupValueKind::Resource:
    case GroupValueKind::Server:
        if (applicationGroup)
            return true;
        [[fallthrough]];
    case GroupValueKind::Host:
    case GroupValueKind::Env:
        sink.error(codes::UnsupportedValue, line,
                   what + " '" + value +
                       "' is resolved per request by mod_wsgi; the engine needs a fixed name",
                   applicationGroup ? "write the application group name itself, or %{GLOBAL}"
                                    : "write the daemon group name itself");
        return false;
    case GroupValueKind::UnknownSubstitution:
        sink.warning(codes::LiteralSubstitution, line,
                     "mod_wsgi does not expand '" + value + "' in " + what + "; it is used as a literal name",
                     "use %{GLOBAL}, %{RESOURCE}, %{SERVER} or a plain name");
        return true;
    }
    return true;
}

void parseInterpreterSelector(const std::string& word, int line, InterpreterOptions& options,
                              FindingSink& sink)
{
    const std::size_t eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
        sink.error(codes::BadValue, line,
                   "selector '" + word + "' of <WSGIInterpreterOptions> is not key=value",
                   "use process-group=NAME and/or application-group=NAME");
        return;
    }
    const std::string key = toLower(word.substr(0, eq)); // mod_wsgi compares selector keys case-insensitively
    std::string value = word.substr(eq + 1);
    std::optional<std::string>* target = nullptr;
    if (key == "process-group")
        target = &options.processGroup;
    else if (key == "application-group")
        target = &options.applicationGroup;
    else {
        sink.error(codes::BadValue, line,
                   "unknown selector '" + word.substr(0, eq) + "' of <WSGIInterpreterOptions>",
                   "only process-group= and application-group= are allowed");
        return;
    }
    if (target->has_value()) {
        sink.error(codes::DuplicateSelector, line,
                   "selector '" + key + "' is given twice in <WSGIInterpreterOptions>", "keep one of them");
        return;
    }
    if (value.empty()) {
        sink.error(codes::BadValue, line,
                   "selector '" + key + "' of <WSGIInterpreterOptions> has an empty value",
                   "write " + key + "=NAME, or " + key + "=%{GLOBAL}");
        return;
    }
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        sink.warning(codes::QuotedSelector, line,
                     "mod_wsgi reads '" + word +
                         "' as one word, so the quotes are part of the name and this "
                         "container only matches a " +
                         key + " literally named " + value,
                     "write " + key + "=" + value.substr(1, value.size() - 2) + " without quotes");
    if (value == "%{GLOBAL}")
        value.clear();
    *target = value;
}

} // namespace wsgi::config
