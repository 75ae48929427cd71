#include "workerspec.h"

#include <cstdint>
#include <sstream>

namespace wsgi::hosting {
namespace {

// One record per line, fields separated by tabs; tab, newline and backslash escaped.
std::string escape(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string unescape(const std::string& s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char c = s[++i];
            out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string> splitFields(const std::string& line)
{
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
        const size_t tab = line.find('\t', start);
        fields.push_back(unescape(line.substr(start, tab - start)));
        if (tab == std::string::npos)
            break;
        start = tab + 1;
    }
    return fields;
}

std::string optionalDouble(const std::optional<double>& v)
{
    if (!v)
        return "-";
    std::ostringstream os;
    os.precision(17);
    os << *v;
    return os.str();
}

std::optional<double> parseOptionalDouble(const std::string& s)
{
    if (s == "-")
        return std::nullopt;
    return std::stod(s);
}

} // namespace

std::string WorkerSpec::encode() const
{
    std::ostringstream os;
    auto line = [&os](std::initializer_list<std::string> fields) {
        bool first = true;
        for (const auto& f : fields) {
            if (!first)
                os << '\t';
            os << escape(f);
            first = false;
        }
        os << '\n';
    };
    line({"group", group});
    line({"process", std::to_string(processIndex), std::to_string(processes), multiprocess ? "1" : "0"});
    line({"threads", std::to_string(threads)});
    line({"graceful-timeout", std::to_string(gracefulTimeoutSeconds)});
    line({"direct", direct ? "1" : "0", std::to_string(queueTimeoutSeconds), std::to_string(keepAliveSeconds),
          std::to_string(maximumRequests)});
    const ReadTimeoutLimits& rt = readTimeouts;
    line({"client-timeouts", std::to_string(keepAliveMilliseconds), std::to_string(socketTimeoutSeconds),
          std::to_string(listenBacklog), std::to_string(rt.headerSeconds),
          std::to_string(rt.headerMaxSeconds), std::to_string(rt.headerMinRate),
          std::to_string(rt.bodySeconds), std::to_string(rt.bodyMaxSeconds), std::to_string(rt.bodyMinRate)});
    line({"fail-safes", std::to_string(requestTimeoutSeconds), std::to_string(interruptTimeoutSeconds),
          std::to_string(deadlockTimeoutSeconds)});
    line({"runtime", runtime});
    line({"free-threading", freeThreading ? "1" : "0"});
    line({"switch-interval", optionalDouble(switchInterval)});
    for (const auto& p : pythonPath)
        line({"python-path", p});
    line({"python-home", pythonHome});
    line({"home", home});
    line({"server-name", serverName});
    for (const auto& i : interpreters) {
        line({"interpreter", i.applicationGroup, i.ownGil ? "1" : "0", optionalDouble(i.switchInterval)});
        for (const auto& p : i.pythonPath)
            line({"interpreter-path", p});
    }
    for (const auto& m : mounts)
        line({"mount", std::to_string(m.index), m.urlPrefix, m.scriptPath, m.callableObject,
              m.applicationGroup});
    for (const auto& n : notes)
        line({"note", n});
    line({"end"});
    return os.str();
}

std::optional<WorkerSpec> WorkerSpec::decode(const std::string& text, std::string& error)
{
    WorkerSpec spec;
    std::istringstream is(text);
    std::string raw;
    int lineNo = 0;
    bool ended = false;
    try {
        while (std::getline(is, raw)) {
            ++lineNo;
            const auto f = splitFields(raw);
            const std::string& key = f[0];
            auto need = [&](size_t n) {
                if (f.size() != n)
                    throw std::invalid_argument("'" + key + "' needs " + std::to_string(n - 1) + " fields");
            };
            if (key == "group") {
                need(2);
                spec.group = f[1];
            } else if (key == "process") {
                need(4);
                spec.processIndex = std::stoi(f[1]);
                spec.processes = std::stoi(f[2]);
                spec.multiprocess = f[3] == "1";
            } else if (key == "threads") {
                need(2);
                spec.threads = std::stoi(f[1]);
            } else if (key == "graceful-timeout") {
                need(2);
                spec.gracefulTimeoutSeconds = std::stoi(f[1]);
            } else if (key == "direct") {
                need(5);
                spec.direct = f[1] == "1";
                spec.queueTimeoutSeconds = std::stoi(f[2]);
                spec.keepAliveSeconds = std::stoi(f[3]);
                spec.maximumRequests = std::stoi(f[4]);
            } else if (key == "client-timeouts") {
                need(10);
                spec.keepAliveMilliseconds = std::stoi(f[1]);
                spec.socketTimeoutSeconds = std::stoi(f[2]);
                spec.listenBacklog = std::stoi(f[3]);
                ReadTimeoutLimits& rt = spec.readTimeouts;
                rt.headerSeconds = std::stoi(f[4]);
                rt.headerMaxSeconds = std::stoi(f[5]);
                rt.headerMinRate = std::stoi(f[6]);
                rt.bodySeconds = std::stoi(f[7]);
                rt.bodyMaxSeconds = std::stoi(f[8]);
                rt.bodyMinRate = std::stoi(f[9]);
            } else if (key == "fail-safes") {
                need(4);
                spec.requestTimeoutSeconds = std::stoi(f[1]);
                spec.interruptTimeoutSeconds = std::stoi(f[2]);
                spec.deadlockTimeoutSeconds = std::stoi(f[3]);
            } else if (key == "runtime") {
                need(2);
                spec.runtime = f[1];
            } else if (key == "free-threading") {
                need(2);
                spec.freeThreading = f[1] == "1";
            } else if (key == "switch-interval") {
                need(2);
                spec.switchInterval = parseOptionalDouble(f[1]);
            } else if (key == "python-path") {
                need(2);
                spec.pythonPath.push_back(f[1]);
            } else if (key == "python-home") {
                need(2);
                spec.pythonHome = f[1];
            } else if (key == "home") {
                need(2);
                spec.home = f[1];
            } else if (key == "server-name") {
                need(2);
                spec.serverName = f[1];
            } else if (key == "interpreter") {
                need(4);
                spec.interpreters.push_back({f[1], f[2] == "1", parseOptionalDouble(f[3]), {}});
            } else if (key == "interpreter-path") {
                need(2);
                if (spec.interpreters.empty())
                    throw std::invalid_argument("interpreter-path before any interpreter");
                spec.interpreters.back().pythonPath.push_back(f[1]);
            } else if (key == "mount") {
                need(6);
                spec.mounts.push_back({uint32_t(std::stoul(f[1])), f[2], f[3], f[4], f[5]});
            } else if (key == "note") {
                need(2);
                spec.notes.push_back(f[1]);
            } else if (key == "end") {
                ended = true;
                break;
            } else {
                throw std::invalid_argument("unknown key '" + key + "'");
            }
        }
    } catch (const std::exception& e) {
        error = "worker spec line " + std::to_string(lineNo) + ": " + e.what();
        return std::nullopt;
    }
    if (!ended) {
        error = "worker spec is incomplete (no 'end' line)";
        return std::nullopt;
    }
    if (spec.threads < 1) {
        error = "worker spec: threads must be at least 1";
        return std::nullopt;
    }
    return spec;
}

} // namespace wsgi::hosting
