#include "daemonoptions.h"

#include "apachesyntax.h"
#include "directivevalues.h"
#include "modwsgifeatures.h"

#include <algorithm>
#include <climits>
#include <map>

namespace wsgi::config {

namespace {

using K = OptionValueKind;
using S = OptionSupport;

// Every mod_wsgi 6.0 WSGIDaemonProcess option, in the order of modwsgi.md section 1, plus python=.
// The support column is a decision, and the reason says why: options that only tune the Apache
// child <-> daemon hop, or fail-safes that never fire in a healthy run, are harmless to skip (Note);
// options that recycle processes on a timer or on idleness are skipped with a Warning because a long
// benchmark would see restarts under mod_wsgi and none under the engine; options that change who the
// process runs as, what it may allocate, or how stuck requests are killed are Errors, because running
// without them is a different deployment, not a slightly different one.
const std::vector<DaemonOptionSpec> kOptions = {
    {"processes", K::Integer, 1, INT_MAX, S::Implemented, ""},
    {"threads", K::Integer, 0, 65533, S::Implemented, ""},
    {"display-name", K::Text, 0, 0, S::Implemented, ""},
    {"home", K::AbsolutePath, 0, 0, S::Implemented, ""},
    {"user", K::Account, 0, 0, S::NotImplemented,
     "workers run as the user who started the engine; switching users needs root"},
    {"group", K::Account, 0, 0, S::NotImplemented,
     "workers run with the group of the user who started the engine; switching groups needs root"},
    {"supplementary-groups", K::Text, 0, 0, S::NotImplemented, "switching groups needs root"},
    {"umask", K::Octal, 0, 0, S::Ignored,
     "only affects files the application creates; workers inherit the engine's umask"},
    {"lang", K::Text, 0, 0, S::Ignored,
     "workers inherit the engine's LANG; set it in the engine's environment if the application depends on "
     "it"},
    {"locale", K::Text, 0, 0, S::Ignored,
     "workers inherit the engine's LC_ALL; set it in the engine's environment if the application depends on "
     "it"},
    {"chroot", K::AbsolutePath, 0, 0, S::NotImplemented,
     "a chroot jail needs root (and is deprecated in mod_wsgi)"},
    {"script-user", K::Account, 0, 0, S::NotImplemented,
     "the script ownership check (403 on mismatch) is not implemented"},
    {"script-group", K::Account, 0, 0, S::NotImplemented,
     "the script ownership check (403 on mismatch) is not implemented"},
    {"python-home", K::Text, 0, 0, S::Implemented, ""},
    {"python-path", K::PathList, 0, 0, S::Implemented, ""},
    {"python-eggs", K::Text, 0, 0, S::Ignored,
     "it only sets PYTHON_EGG_CACHE for long-obsolete egg installs"},
    {"switch-interval", K::Float, 0, 0, S::Implemented, ""},
    {"stack-size", K::Integer, 1, INT_MAX, S::Ignored,
     "request threads use the platform's default stack size"},
    {"maximum-requests", K::Integer, 0, INT_MAX, S::Implemented, ""},
    // The lifecycle options follow mod_wsgi 6.0 (modwsgi.md section 1): the supervisor recycles on
    // uptime, idleness and CPU time; the limits are rlimits set in the worker before exec.
    {"restart-interval", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"cpu-time-limit", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"cpu-priority", K::Integer, -20, 20, S::IgnoredWithCaveat,
     "workers run at the engine's priority, so groups with different priorities are not treated differently"},
    {"memory-limit", K::Bytes64, 0, 0, S::Implemented, ""},
    {"virtual-memory-limit", K::Bytes64, 0, 0, S::Implemented, ""},
    {"inactivity-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    // The worker's monitor (hosting/worker/lifecyclemonitor.h): a request running past request-timeout
    // x (1 + ln threads) restarts its process after its stacks are logged; with interrupt-timeout its
    // thread first gets RequestTimeout (504); a GIL held past deadlock-timeout restarts it too.
    {"request-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"interrupt-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"graceful-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"eviction-timeout", K::Seconds, 0, INT_MAX, S::Ignored,
     "it only applies to Apache's SIGUSR1 graceful restart; the engine's restart drains with "
     "graceful-timeout"},
    {"shutdown-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"deadlock-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"startup-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"connect-timeout", K::Seconds, 0, INT_MAX, S::Ignored,
     "it bounds the Apache child's connect to the daemon socket, a hop the engine does not have"},
    {"socket-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"response-socket-timeout", K::Seconds, 0, INT_MAX, S::NotImplemented,
     "a separate timeout for writes to the HTTP client is not implemented; socket-timeout applies to them"},
    {"queue-timeout", K::Seconds, 0, INT_MAX, S::Implemented, ""},
    {"listen-backlog", K::Integer, 0, INT_MAX, S::Implemented, ""},
    {"socket-user", K::Account, 0, 0, S::NotImplemented,
     "socket ownership for PrivilegesMode/ITK needs root"},
    {"send-buffer-size", K::Bytes, 512, INT_MAX, S::Ignored,
     "it tunes the Apache child <-> daemon socket, a hop the engine does not have"},
    {"receive-buffer-size", K::Bytes, 512, INT_MAX, S::Ignored,
     "it tunes the Apache child <-> daemon socket, a hop the engine does not have"},
    {"header-buffer-size", K::Bytes, 8192, INT_MAX, S::Ignored,
     "it limits response headers on the Apache child <-> daemon hop, which the engine does not have"},
    {"response-buffer-size", K::Bytes, 65536, INT_MAX, S::Ignored,
     "it forces flushes on the Apache child <-> daemon hop, which the engine does not have"},
    {"response-flush-delay", K::Milliseconds, 0, INT_MAX, S::Ignored,
     "it delays flushes on the Apache child <-> daemon hop, which the engine does not have"},
    {"server-metrics", K::OnOff, 0, 0, S::Ignored,
     "mod_wsgi.server_metrics() reads Apache's scoreboard, which the engine does not have; it returns None "
     "as with Off"},
    {"python", K::Runtime, 0, 0, S::EngineOnly, ""},
};

std::string describeAllowed(const DaemonOptionSpec& spec)
{
    switch (spec.kind) {
    case K::Integer:
        if (spec.max != 0 && spec.max != INT_MAX)
            return "an integer from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
        return "an integer >= " + std::to_string(spec.min);
    case K::Seconds:
        return "whole seconds >= 0";
    case K::Milliseconds:
        return "whole milliseconds >= 0";
    case K::Bytes:
        return "0 (the default) or a byte count >= " + std::to_string(spec.min);
    case K::Bytes64:
        return "a byte count >= 0";
    case K::Float:
        return "a number of seconds > 0, such as 0.005";
    case K::Text:
        return "any text";
    case K::AbsolutePath:
        return "an absolute directory starting with '/'";
    case K::PathList:
        return "directories separated by ':'";
    case K::Octal:
        return "an octal mask such as 022";
    case K::OnOff:
        return "On or Off";
    case K::Account:
        return "a name or #id";
    case K::Runtime:
        return "a Python runtime such as 3.11, 3.13 or 3.13t";
    }
    return {};
}

bool isNumericKind(OptionValueKind kind)
{
    return kind == K::Integer || kind == K::Seconds || kind == K::Milliseconds || kind == K::Bytes ||
           kind == K::Bytes64;
}

bool isRuntimeName(const std::string& v, std::string& problem)
{
    if (v.size() < 3 || v.compare(0, 2, "3.") != 0) {
        problem = "";
        return false;
    }
    std::size_t i = 2;
    int minor = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9' && minor < 1000)
        minor = minor * 10 + (v[i++] - '0');
    if (i == 2)
        return false;
    if (i == v.size())
        return true;
    if (v[i] == 't' && i + 1 == v.size()) {
        if (minor < 13) {
            problem = "free-threaded ('t') builds exist from Python 3.13 on";
            return false;
        }
        return true;
    }
    return false;
}

class DaemonParser
{
public:
    DaemonParser(const ConfigNode& node, FindingSink& sink, Dialect dialect)
        : m_node(node), m_sink(sink), m_dialect(dialect)
    {
    }

    DaemonGroup parse()
    {
        m_group.where = m_sink.at(m_node.where.line);
        std::size_t pos = 0;
        m_group.name = getWordConf(m_node.rawArgs, pos);
        if (m_group.name.empty()) {
            m_sink.error(codes::Arguments, m_node.where.line, "WSGIDaemonProcess needs a group name",
                         "write WSGIDaemonProcess NAME option=value ...");
            return m_group;
        }
        if (m_group.name.find('=') != std::string::npos)
            m_sink.warning(codes::BadValue, m_node.where.line,
                           "daemon group name '" + m_group.name +
                               "' looks like an option; mod_wsgi takes the first word as the name",
                           "put the group name first: WSGIDaemonProcess NAME " + m_group.name);

        OptionWord option;
        while (true) {
            const OptionParse r = parseOption(m_node.rawArgs, pos, option);
            if (r == OptionParse::End)
                break;
            const int line = m_node.lineOfArgument(option.offset);
            if (r == OptionParse::Malformed) {
                reportMalformed(option.name, line);
                if (!option.name.empty() && option.name.front() == '#')
                    break; // the rest of the line is the would-be comment: one error is enough
                continue;
            }
            handle(option, line);
        }
        if (m_group.options.count("script-user") && m_group.options.count("script-group"))
            m_sink.error(codes::BadValue, m_node.where.line,
                         "options 'script-user' and 'script-group' of WSGIDaemonProcess cannot both be set",
                         "keep only one of them");
        return m_group;
    }

private:
    void reportMalformed(const std::string& word, int line)
    {
        if (!word.empty() && word.front() == '#') {
            m_sink.error(codes::UnknownOption, line,
                         "'" + word +
                             "' starts a comment after WSGIDaemonProcess options, but Apache has no trailing "
                             "comments: mod_wsgi would read it as an invalid option",
                         "put the comment on a line of its own");
            return;
        }
        m_sink.error(codes::UnknownOption, line,
                     "invalid option '" + word + "' to WSGIDaemonProcess: not of the form name=value",
                     "options are written name=value, e.g. processes=2");
    }

    void handle(const OptionWord& option, int line)
    {
        const DaemonOptionSpec* spec = findDaemonOption(option.name);
        if (!spec) {
            reportUnknown(option.name, line);
            return;
        }
        if (auto seen = m_seenAt.find(option.name); seen != m_seenAt.end())
            m_sink.warning(codes::RepeatedOption, line,
                           "option '" + option.name + "' of WSGIDaemonProcess is given twice (lines " +
                               std::to_string(seen->second) + " and " + std::to_string(line) +
                               "); mod_wsgi uses the last value",
                           "remove one of them");
        m_seenAt[option.name] = line;
        m_group.options[option.name] = option.value;
        m_group.optionLines[option.name] = line;
        // ${NAME} still in the value: no Define gives it one, so only httpd knows it (a Note says so).
        const bool unknownValue = hasConfigVariable(option.value);

        if (m_dialect != Dialect::Engine) {
            // Apache's rules: the engine's support levels do not matter, the mod_wsgi version does.
            if (!daemonOptionExists(option.name, m_dialect)) {
                reportNotInDialect(option, line);
                return;
            }
            if (!unknownValue && validate(*spec, option.value, line))
                apply(*spec, option.value, line);
            return;
        }
        const bool valid = !unknownValue && validate(*spec, option.value, line);
        switch (spec->support) {
        case S::Implemented:
        case S::EngineOnly:
            if (valid)
                apply(*spec, option.value, line);
            break;
        case S::Ignored:
            m_sink.note(codes::IgnoredOption, line,
                        "option '" + option.name +
                            "' of WSGIDaemonProcess is accepted but ignored by the engine: " +
                            std::string(spec->reason));
            break;
        case S::IgnoredWithCaveat:
            m_sink.warning(codes::CaveatOption, line,
                           "option '" + option.name +
                               "' of WSGIDaemonProcess is accepted but not applied by the engine: " +
                               std::string(spec->reason),
                           "remove it while benchmarking, or keep runs shorter than its effect");
            break;
        case S::NotImplemented:
            m_sink.error(
                codes::UnsupportedOption, line,
                "option '" + option.name +
                    "' of WSGIDaemonProcess is not implemented by the engine: " + std::string(spec->reason),
                "remove " + option.name + "=" + option.value + " to run this configuration in the engine");
            break;
        }
    }

    void reportNotInDialect(const OptionWord& option, int line)
    {
        const std::string written = option.name + "=" + option.value;
        if (option.name == "python")
            m_sink.error(
                codes::UnknownOption, line,
                "'" + written +
                    "' is the engine's own option (which Python runs the group): mod_wsgi rejects it "
                    "with \"Invalid option to WSGI daemon process definition.\"",
                "export the configuration for Apache (wsgi-studio-cli export), which leaves it out");
        else
            m_sink.error(codes::UnknownOption, line,
                         "option '" + option.name + "' of WSGIDaemonProcess does not exist in " +
                             (m_dialect == Dialect::ModWsgi4 ? "mod_wsgi 4.9" : "mod_wsgi 6.0") +
                             ": Apache fails with \"Invalid option to WSGI daemon process definition.\"",
                         m_dialect == Dialect::ModWsgi4
                             ? "remove it, or export for modwsgi-4, which writes a 4.9 "
                               "equivalent where there is one"
                             : "remove it");
    }

    void reportUnknown(const std::string& name, int line)
    {
        std::string hint;
        if (!name.empty() && (name.front() == '\'' || name.front() == '"'))
            hint = "quote only the value, not the whole option: name='value'";
        else {
            std::vector<std::string_view> names;
            names.reserve(kOptions.size());
            for (const DaemonOptionSpec& spec : kOptions)
                names.push_back(spec.name);
            const std::string close = closestMatch(name, names);
            if (!close.empty() && equalsIgnoreCase(close, name))
                hint = "option names are case-sensitive: write '" + close + "'";
            else if (!close.empty())
                hint = "did you mean '" + close + "'?";
            else
                hint = "see modwsgi.md section 1 for the options of WSGIDaemonProcess";
        }
        m_sink.error(codes::UnknownOption, line, "invalid option '" + name + "' to WSGIDaemonProcess", hint);
    }

    void badValue(const DaemonOptionSpec& spec, const std::string& value, int line,
                  const std::string& extra = {})
    {
        m_sink.error(codes::BadValue, line,
                     "invalid value '" + value + "' for option '" + std::string(spec.name) +
                         "' of WSGIDaemonProcess: expected " + describeAllowed(spec) + extra,
                     std::string(spec.name) + "=" + example(spec));
    }

    static std::string example(const DaemonOptionSpec& spec)
    {
        switch (spec.kind) {
        case K::Float:
            return "0.005";
        case K::AbsolutePath:
            return "/srv/app";
        case K::Octal:
            return "022";
        case K::OnOff:
            return "Off";
        case K::Runtime:
            return "3.13t";
        case K::Account:
            return "www-data";
        case K::Bytes:
            return std::to_string(spec.min);
        case K::Seconds:
            return "60";
        case K::Milliseconds:
            return "5";
        default:
            break;
        }
        if (spec.name == "processes")
            return "2";
        if (spec.name == "threads")
            return "5";
        return std::to_string(std::max<long long>(spec.min, 0));
    }

    bool validate(const DaemonOptionSpec& spec, const std::string& value, int line)
    {
        if (isNumericKind(spec.kind))
            return validateNumber(spec, value, line);
        switch (spec.kind) {
        case K::Float: {
            const std::optional<double> d = parseStrictDouble(value);
            if (!d || *d <= 0) {
                badValue(spec, value, line, " (mod_wsgi: \"Invalid switch interval\")");
                return false;
            }
            return true;
        }
        case K::AbsolutePath:
            if (value.empty() || value.front() != '/') {
                badValue(spec, value, line);
                return false;
            }
            return true;
        case K::Octal: {
            const bool ok =
                !value.empty() && value.size() <= 11 &&
                std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '7'; });
            if (!ok)
                badValue(spec, value, line);
            return ok;
        }
        case K::OnOff:
            if (!parseOnOff(value)) {
                badValue(spec, value, line);
                return false;
            }
            return true;
        case K::Account:
            if (value.empty()) {
                badValue(spec, value, line);
                return false;
            }
            if (spec.name == "user" && (value == "root" || value == "#0")) {
                m_sink.error(codes::BadValue, line,
                             "user=" + value + ": WSGI process blocked from running as root",
                             "run the daemon group as an unprivileged user");
                return false;
            }
            return true;
        case K::Runtime: {
            std::string problem;
            if (!isRuntimeName(value, problem)) {
                badValue(spec, value, line, problem.empty() ? std::string() : " (" + problem + ")");
                return false;
            }
            return true;
        }
        default:
            return true;
        }
    }

    bool validateNumber(const DaemonOptionSpec& spec, const std::string& value, int line)
    {
        const IntegerText n = parseIntegerText(value);
        const std::string unitNote = spec.kind == K::Milliseconds ? " (this option is in milliseconds)" : "";
        if (value.empty() || !n.hasDigits) {
            badValue(spec, value, line, value.empty() ? "" : unitNote + "; mod_wsgi would read it as 0");
            return false;
        }
        const long long upper = spec.kind == K::Bytes64 ? LLONG_MAX : (spec.max ? spec.max : INT_MAX);
        bool inRange = !n.overflow && n.value <= upper;
        if (spec.kind == K::Bytes)
            inRange = inRange && (n.value == 0 || n.value >= spec.min);
        else
            inRange = inRange && n.value >= spec.min;
        if (!inRange) {
            // mod_wsgi passes any cpu-priority to setpriority(), which clamps it; the range is advice.
            if (spec.name == "cpu-priority" && !n.overflow) {
                m_sink.warning(codes::OutOfRange, line,
                               "cpu-priority=" + value + " is outside -20..20; setpriority() clamps it",
                               "use a nice value from -20 to 20");
                return true;
            }
            badValue(spec, value, line, unitNote);
            return false;
        }
        if (!n.ignoredTail.empty()) {
            const std::string unit = spec.kind == K::Seconds        ? " seconds"
                                     : spec.kind == K::Milliseconds ? " ms"
                                                                    : "";
            m_sink.warning(codes::Truncated, line,
                           "option '" + std::string(spec.name) + "' value '" + value + "' is read as " +
                               std::to_string(n.value) + unit +
                               ": mod_wsgi reads it with atoi and ignores '" + n.ignoredTail + "'",
                           "write " + std::string(spec.name) + "=" + std::to_string(n.value));
        }
        return true;
    }

    void apply(const DaemonOptionSpec& spec, const std::string& value, int line)
    {
        const std::string_view name = spec.name;
        const int number = isNumericKind(spec.kind) ? static_cast<int>(parseIntegerText(value).value) : 0;
        if (name == "processes") {
            m_group.processes = number;
            m_group.processesExplicit = true;
        } else if (name == "threads") {
            if (number == 0 && m_dialect == Dialect::Engine) {
                m_sink.error(codes::UnsupportedValue, line,
                             "threads=0 (mod_wsgi's service-script mode, no request threads) is not "
                             "implemented by the engine",
                             "give the group at least one request thread, e.g. threads=5");
                return;
            }
            m_group.threads = number;
        } else if (name == "display-name") {
            m_group.displayName = value;
        } else if (name == "home") {
            m_group.home = value;
        } else if (name == "python-home") {
            m_group.pythonHome = value;
        } else if (name == "python-path") {
            m_group.pythonPath = splitPythonPath(value);
        } else if (name == "switch-interval") {
            m_group.switchInterval = parseStrictDouble(value);
        } else if (name == "maximum-requests") {
            m_group.maximumRequests = number;
        } else if (name == "restart-interval") {
            m_group.restartIntervalSeconds = number;
        } else if (name == "inactivity-timeout") {
            m_group.inactivityTimeoutSeconds = number;
        } else if (name == "startup-timeout") {
            m_group.startupTimeoutSeconds = number;
        } else if (name == "cpu-time-limit") {
            m_group.cpuTimeLimitSeconds = number;
        } else if (name == "memory-limit") {
            m_group.memoryLimitBytes = parseIntegerText(value).value;
        } else if (name == "virtual-memory-limit") {
            m_group.virtualMemoryLimitBytes = parseIntegerText(value).value;
        } else if (name == "request-timeout") {
            m_group.requestTimeoutSeconds = number;
        } else if (name == "interrupt-timeout") {
            m_group.interruptTimeoutSeconds = number;
        } else if (name == "deadlock-timeout") {
            m_group.deadlockTimeoutSeconds = number;
        } else if (name == "graceful-timeout") {
            m_group.gracefulTimeout = number;
        } else if (name == "shutdown-timeout") {
            m_group.shutdownTimeout = number;
        } else if (name == "socket-timeout") {
            m_group.socketTimeout = number;
        } else if (name == "queue-timeout") {
            m_group.queueTimeout = number;
        } else if (name == "listen-backlog") {
            m_group.listenBacklog = number;
        } else if (name == "python") {
            m_group.runtime = value;
        }
    }

    const ConfigNode& m_node;
    FindingSink& m_sink;
    Dialect m_dialect;
    DaemonGroup m_group;
    std::map<std::string, int> m_seenAt;
};

} // namespace

const std::vector<DaemonOptionSpec>& daemonOptionTable()
{
    return kOptions;
}

const DaemonOptionSpec* findDaemonOption(std::string_view name)
{
    auto it = std::find_if(kOptions.begin(), kOptions.end(),
                           [&](const DaemonOptionSpec& s) { return s.name == name; });
    return it == kOptions.end() ? nullptr : &*it;
}

DaemonGroup parseDaemonProcess(const ConfigNode& node, FindingSink& sink, Dialect dialect)
{
    return DaemonParser(node, sink, dialect).parse();
}

} // namespace wsgi::config
