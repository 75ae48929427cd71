#include "core/readyline.h"

#include "core/json.h"

#include <charconv>

namespace wsgi {

std::string formatReadyLine(const ReadyLine& ready)
{
    Json listen = Json::array();
    for (const std::string& l : ready.listen)
        listen.push(l);
    Json o = Json::object();
    o.set("version", ready.version);
    o.set("pid", ready.pid);
    o.set("listen", std::move(listen));
    o.set("control", ready.control.empty() ? Json() : Json(ready.control));
    o.set("token_file", ready.tokenFile.empty() ? Json() : Json(ready.tokenFile));
    o.set("dispatch", ready.dispatch);
    o.set("generation", ready.generation);
    return std::string(kReadyLinePrefix) + o.dump();
}

bool isReadyLine(std::string_view line)
{
    return line.starts_with(kReadyLinePrefix);
}

bool splitHostPort(std::string_view text, std::string& host, int& port)
{
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size())
        return false;
    std::string_view h = text.substr(0, colon);
    if (h.front() == '[') {
        if (h.size() < 3 || h.back() != ']')
            return false;
        h = h.substr(1, h.size() - 2);
    } else if (h.find(':') != std::string_view::npos) {
        return false; // an IPv6 address needs its brackets
    }
    const std::string_view p = text.substr(colon + 1);
    int value = 0;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc() || end != p.data() + p.size() || value < 1 || value > 65535)
        return false;
    host = std::string(h);
    port = value;
    return true;
}

namespace {

bool readString(const Json& o, const char* key, bool nullable, std::string& out, std::string& error)
{
    const Json* v = o.get(key);
    if (!v || (nullable && v->isNull())) {
        if (!v && !nullable) {
            error = std::string("ready line: \"") + key + "\" is missing";
            return false;
        }
        out.clear();
        return true;
    }
    if (!v->isString()) {
        error = std::string("ready line: \"") + key + "\" must be a string";
        return false;
    }
    out = v->asString();
    return true;
}

bool readInt(const Json& o, const char* key, int64_t& out, std::string& error)
{
    const Json* v = o.get(key);
    if (!v || !v->isInt()) {
        error = std::string("ready line: \"") + key + "\" must be an integer";
        return false;
    }
    out = v->asInt();
    return true;
}

} // namespace

std::optional<ReadyLine> parseReadyLine(std::string_view line, std::string& error)
{
    error.clear();
    if (!isReadyLine(line))
        return std::nullopt;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    std::string parseError;
    const auto json = Json::parse(line.substr(kReadyLinePrefix.size()), parseError);
    if (!json) {
        error = "ready line is not JSON: " + parseError;
        return std::nullopt;
    }
    if (!json->isObject()) {
        error = "ready line: expected a JSON object";
        return std::nullopt;
    }
    ReadyLine r;
    if (!readString(*json, "version", false, r.version, error) || !readInt(*json, "pid", r.pid, error) ||
        !readString(*json, "control", true, r.control, error) ||
        !readString(*json, "token_file", true, r.tokenFile, error) ||
        !readString(*json, "dispatch", false, r.dispatch, error) ||
        !readInt(*json, "generation", r.generation, error))
        return std::nullopt;
    const Json* listen = json->get("listen");
    if (!listen || !listen->isArray()) {
        error = "ready line: \"listen\" must be an array of HOST:PORT strings";
        return std::nullopt;
    }
    std::string host;
    int port = 0;
    for (const Json& l : listen->elements()) {
        if (!l.isString() || !splitHostPort(l.asString(), host, port)) {
            error = "ready line: \"listen\" holds " + l.dump() + ", not HOST:PORT";
            return std::nullopt;
        }
        r.listen.push_back(l.asString());
    }
    if (!r.control.empty() && !splitHostPort(r.control, host, port)) {
        error = "ready line: \"control\" is '" + r.control + "', not HOST:PORT";
        return std::nullopt;
    }
    if (r.dispatch != "direct" && r.dispatch != "proxy") {
        error = "ready line: \"dispatch\" is '" + r.dispatch + "', not direct or proxy";
        return std::nullopt;
    }
    return r;
}

} // namespace wsgi
