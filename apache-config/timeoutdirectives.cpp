#include "timeoutdirectives.h"

#include "apachesyntax.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace wsgi::config {

namespace {

bool takeOne(const ConfigNode& node, const std::string& what, FindingSink& sink)
{
    if (node.args.size() == 1)
        return true;
    sink.error(codes::Arguments, node.where.line,
               node.name + " takes one argument, " + what + " (got " + std::to_string(node.args.size()) + ")",
               "write " + node.name + " " + (node.name == "Timeout" ? "60" : "5"));
    return false;
}

// mod_reqtimeout's parse_int: strtol over the whole text, non-negative. Returns the error text, "" if ok.
std::string parseReqtimeoutInt(const std::string& text, int& value)
{
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str())
        return "Value '" + text + "' not numerical";
    if (*end != '\0')
        return "Cannot parse '" + std::string(end) + "'";
    if (v < 0)
        return "Value must be non-negative";
    if (errno == ERANGE || v > INT_MAX)
        return "Value '" + text + "' is too large";
    value = int(v);
    return {};
}

struct PhaseValue
{
    int initial = 0;
    int max = 0;
    int rate = 0;
};

// set_reqtimeout_param: INITIAL[-MAX][,MinRate=RATE]; returns the error text, "" if ok.
std::string parsePhase(const std::string& value, PhaseValue& out)
{
    const std::string lower = toLower(value);
    const std::size_t rateAt = lower.find(",minrate=");
    std::string error;
    if (rateAt != std::string::npos) {
        std::string initial = value.substr(0, rateAt);
        error = parseReqtimeoutInt(value.substr(rateAt + 9), out.rate);
        if (!error.empty())
            return error;
        if (out.rate == 0)
            return "Minimum data rate must be larger than 0";
        if (const std::size_t dash = initial.find('-'); dash != std::string::npos) {
            error = parseReqtimeoutInt(initial.substr(dash + 1), out.max);
            if (!error.empty())
                return error;
            initial.resize(dash);
        }
        error = parseReqtimeoutInt(initial, out.initial);
    } else {
        if (value.find('-') != std::string::npos)
            return "Must set MinRate option if using timeout range";
        error = parseReqtimeoutInt(value, out.initial);
    }
    if (!error.empty())
        return error;
    if (out.max && out.initial >= out.max)
        return "Maximum timeout must be larger than initial timeout";
    return {};
}

std::string phaseText(int initial, int max, int rate)
{
    std::string out = std::to_string(initial);
    if (max > 0)
        out += "-" + std::to_string(max);
    if (rate > 0)
        out += ",MinRate=" + std::to_string(rate);
    return out;
}

} // namespace

bool isCoreTimeoutDirective(std::string_view name)
{
    return equalsIgnoreCase(name, "Timeout") || equalsIgnoreCase(name, "KeepAliveTimeout") ||
           equalsIgnoreCase(name, "RequestReadTimeout");
}

std::optional<int> parseTimeoutDirective(const ConfigNode& node, FindingSink& sink)
{
    if (!takeOne(node, "a number of seconds", sink))
        return std::nullopt;
    const std::string& text = node.args.front();
    const IntegerText value = parseIntegerText(text);
    const int line = node.where.line;
    if (!value.hasDigits || value.overflow || value.value < 1 || value.value > INT_MAX) {
        sink.error(
            codes::BadValue, line,
            "Timeout must be a whole number of seconds, at least 1 (got '" + text + "'" +
                (value.hasDigits ? "" : "; Apache would read it as 0 and time out every read at once") + ")",
            "write Timeout 60 (Apache's default)");
        return std::nullopt;
    }
    if (!value.ignoredTail.empty())
        sink.warning(codes::BadValue, line,
                     "Timeout '" + text + "' is read as " + std::to_string(value.value) +
                         " seconds: Apache ignores '" + value.ignoredTail + "'",
                     "write Timeout " + std::to_string(value.value));
    return int(value.value);
}

std::optional<int> parseKeepAliveTimeoutDirective(const ConfigNode& node, FindingSink& sink)
{
    if (!takeOne(node, "a number of seconds, or milliseconds with 'ms'", sink))
        return std::nullopt;
    const std::string& text = node.args.front();
    const int line = node.where.line;
    const auto wrongFormat = [&](const std::string& why) {
        sink.error(codes::BadValue, line,
                   "KeepAliveTimeout has wrong format: '" + text + "' " + why +
                       " (Apache: \"KeepAliveTimeout has wrong format\")",
                   "write KeepAliveTimeout 5 (seconds) or KeepAliveTimeout 500ms");
        return std::nullopt;
    };
    // ap_timeout_parameter_parse: strtoll, then the unit from the first letters of what follows.
    errno = 0;
    char* end = nullptr;
    const long long number = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE)
        return wrongFormat("is out of range");
    const std::string unit = end ? std::string(end) : std::string();
    long long ms = 0;
    if (unit.empty() || unit[0] == 's')
        ms = number * 1000;
    else if (unit[0] == 'h')
        ms = number * 3600 * 1000;
    else if (unit.size() > 1 && unit[0] == 'm' && unit[1] == 's')
        ms = number;
    else if (unit.size() > 1 && unit[0] == 'm' && unit[1] == 'i')
        ms = number * 60 * 1000;
    else
        return wrongFormat(end == text.c_str() ? "is not a number" : "has an unknown unit '" + unit + "'");
    if (end == text.c_str())
        return wrongFormat("is not a number"); // a bare "s" reads as 0 in Apache: surely a slip
    if (number < 0)
        return wrongFormat("is negative");
    if (ms > INT_MAX)
        return wrongFormat("is out of range");
    return int(ms);
}

std::optional<RequestReadTimeoutSettings>
parseRequestReadTimeoutDirective(const ConfigNode& node, const RequestReadTimeoutSettings& current,
                                 FindingSink& sink)
{
    RequestReadTimeoutSettings settings = current;
    const std::string& raw = node.rawArgs;
    std::size_t pos = 0;
    bool any = false;
    while (true) {
        while (pos < raw.size() && isConfigSpace(raw[pos]))
            ++pos;
        if (pos >= raw.size())
            break;
        const std::size_t start = pos;
        const std::string word = getWordConf(raw, pos);
        const int line = node.lineOfArgument(start);
        const std::size_t eq = word.find('=');
        if (eq == std::string::npos) {
            sink.error(
                codes::BadValue, line,
                "RequestReadTimeout: '" + word +
                    "': Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'",
                "write RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500");
            return std::nullopt;
        }
        const std::string key = word.substr(0, eq);
        const std::string value = word.substr(eq + 1);
        const std::string lowerKey = toLower(key);
        if (lowerKey != "header" && lowerKey != "body" && lowerKey != "handshake") {
            sink.error(codes::BadValue, line,
                       "RequestReadTimeout: " + word + ": Unknown RequestReadTimeout parameter '" + key + "'",
                       "the parameters are header=, body= and handshake=");
            return std::nullopt;
        }
        PhaseValue phase;
        const std::string error = parsePhase(value, phase);
        if (!error.empty()) {
            sink.error(codes::BadValue, line, "RequestReadTimeout: " + word + ": " + error,
                       "write " + key + "=SECONDS[-MAXSECONDS][,MinRate=BYTES_PER_SECOND], e.g. " + key +
                           (lowerKey == "body" ? "=20,MinRate=500" : "=20-40,MinRate=500"));
            return std::nullopt;
        }
        any = true;
        if (lowerKey == "header") {
            settings.headerSeconds = phase.initial;
            settings.headerMaxSeconds = phase.max;
            settings.headerMinRate = phase.rate;
        } else if (lowerKey == "body") {
            settings.bodySeconds = phase.initial;
            settings.bodyMaxSeconds = phase.max;
            settings.bodyMinRate = phase.rate;
        } else {
            sink.note(codes::IgnoredOption, line,
                      "RequestReadTimeout " + word +
                          " is accepted and ignored: the handshake phase is TLS, "
                          "which the engine does not terminate");
        }
    }
    if (!any)
        sink.warning(
            codes::Arguments, node.where.line,
            "RequestReadTimeout without parameters changes nothing (Apache accepts it as a no-op)",
            "write RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500, or delete the line");
    return settings;
}

std::string requestReadTimeoutText(const RequestReadTimeoutSettings& s)
{
    return "header=" + phaseText(s.headerSeconds, s.headerMaxSeconds, s.headerMinRate) +
           " body=" + phaseText(s.bodySeconds, s.bodyMaxSeconds, s.bodyMinRate);
}

} // namespace wsgi::config
