#include "engineplan.h"

#include "apache-config/resolve.h"
#include "routing.h"

#include <algorithm>
#include <set>

namespace wsgi::hosting {

namespace fs = std::filesystem;

bool EnginePlan::ok() const
{
    return std::none_of(findings.begin(), findings.end(),
                        [](const config::Finding& f) { return f.severity == config::Severity::Error; });
}

int EnginePlan::route(std::string_view path) const
{
    return longestPrefixMatch(path, mounts.size(),
                              [this](size_t i) { return std::string_view(mounts[i].urlPrefix); });
}

std::vector<std::string> RuntimeCatalog::available() const
{
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(workerDir, ec)) {
        const std::string file = entry.path().filename().string();
        const std::string prefix = "wsgi-worker-";
        if (file.rfind(prefix, 0) == 0)
            names.push_back(file.substr(prefix.size()));
    }
    std::sort(names.begin(), names.end());
    return names;
}

config::RuntimeTraits runtimeTraits(const std::string& runtimeName)
{
    // Names come from the built worker binaries; one that does not parse is caught as E-NO-RUNTIME.
    return config::runtimeTraitsFromName(runtimeName).value_or(config::RuntimeTraits{});
}

namespace {

config::Finding error(const config::SourceLocation& where, std::string code, std::string message,
                      std::string suggestion = {})
{
    return {config::Severity::Error, std::move(code), where, std::move(message), std::move(suggestion)};
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& s : items)
        out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? "none" : out;
}

} // namespace

EnginePlan planEngine(const config::EngineConfig& config, const RuntimeCatalog& runtimes, Dispatch dispatch)
{
    EnginePlan plan;
    plan.listen = config.listen;
    const config::RequestReadTimeoutSettings& rt = config.requestReadTimeout;
    plan.readTimeouts = ReadTimeoutLimits{rt.headerSeconds, rt.headerMaxSeconds, rt.headerMinRate,
                                          rt.bodySeconds,   rt.bodyMaxSeconds,   rt.bodyMinRate};
    plan.keepAliveTimeoutMs = config.keepAliveTimeoutMilliseconds;
    plan.timeoutSeconds = config.timeoutSeconds;
    const std::vector<std::string> available = runtimes.available();

    // Every defined group starts, used by a mount or not, as in mod_wsgi.
    for (const auto& group : config.groups) {
        GroupPlan g;
        g.name = group.name;
        g.processes = group.processes;
        g.threads = std::max(1, group.threads);
        g.listenBacklog = group.listenBacklog;
        g.queueTimeoutSeconds = group.queueTimeout;
        // mod_wsgi: socket-timeout defaults to Apache's Timeout directive (60 s unless set).
        g.socketTimeoutSeconds = group.socketTimeout > 0 ? group.socketTimeout : config.timeoutSeconds;
        g.shutdownTimeoutSeconds = group.shutdownTimeout;
        g.maximumRequests = group.maximumRequests;
        g.gracefulTimeoutSeconds = group.gracefulTimeout;
        g.restartIntervalSeconds = group.restartIntervalSeconds;
        g.inactivityTimeoutSeconds = group.inactivityTimeoutSeconds;
        g.startupTimeoutSeconds = group.startupTimeoutSeconds;
        g.cpuTimeLimitSeconds = group.cpuTimeLimitSeconds;
        g.memoryLimitBytes = group.memoryLimitBytes;
        g.virtualMemoryLimitBytes = group.virtualMemoryLimitBytes;
        g.processTitle = group.processTitle();

        if (group.threads == 0)
            plan.findings.push_back(
                error(group.where, "E-SERVICE-SCRIPT",
                      "threads=0 (mod_wsgi's service-script mode) is not implemented by the engine",
                      "give daemon group '" + group.name + "' at least one thread"));
        const std::string runtime = group.runtime.empty() ? runtimes.defaultRuntime : group.runtime;
        g.workerBinary = runtimes.workerDir / ("wsgi-worker-" + runtime);
        if (std::find(available.begin(), available.end(), runtime) == available.end()) {
            plan.findings.push_back(error(group.where, "E-NO-RUNTIME",
                                          "daemon group '" + group.name + "' needs Python runtime " +
                                              runtime + " but no wsgi-worker-" + runtime +
                                              " was built (available: " + joined(available) + ")",
                                          "build that runtime with installers/python-runtimes.sh and re-run "
                                          "cmake, or pick an available one with python="));
        }
        const config::RuntimeTraits traits = runtimeTraits(runtime);
        const config::ProcessPlan process = config::resolveProcess(config, group, traits);

        WorkerSpec& spec = g.spec;
        spec.group = group.name;
        spec.processes = group.processes;
        spec.multiprocess = group.processesExplicit || group.processes > 1;
        spec.threads = g.threads;
        spec.gracefulTimeoutSeconds = group.gracefulTimeout;
        // mod_wsgi starts the monitor that enforces request-timeout only when deadlock-timeout or
        // inactivity-timeout is set (modwsgi.md section 5.1); the validator warns, the engine agrees.
        const bool monitorRuns = group.deadlockTimeoutSeconds > 0 || group.inactivityTimeoutSeconds > 0;
        spec.requestTimeoutSeconds = monitorRuns ? group.requestTimeoutSeconds : 0;
        if (!monitorRuns && group.requestTimeoutSeconds > 0)
            spec.notes.push_back(
                "request-timeout=" + std::to_string(group.requestTimeoutSeconds) +
                " is not enforced: with deadlock-timeout=0 and inactivity-timeout=0 mod_wsgi "
                "starts no monitor thread, and neither does this engine");
        spec.interruptTimeoutSeconds = group.interruptTimeoutSeconds;
        spec.deadlockTimeoutSeconds = group.deadlockTimeoutSeconds;
        spec.runtime = runtime;
        spec.freeThreading = process.freeThreading;
        spec.switchInterval = process.switchInterval;
        spec.pythonPath = process.pythonPath;
        spec.pythonHome = process.pythonHome;
        spec.home = group.home;
        spec.serverName = config.serverName;
        for (const auto& f : process.findings)
            spec.notes.push_back(config::formatFinding(f));
        plan.findings.insert(plan.findings.end(), process.findings.begin(), process.findings.end());
        plan.groups.push_back(std::move(g));
    }

    std::set<std::pair<size_t, std::string>> interpretersDone;
    for (const auto& mount : config.mounts) {
        const std::string groupName = config::resolveProcessGroup(config, mount);
        const auto it = std::find_if(plan.groups.begin(), plan.groups.end(),
                                     [&](const GroupPlan& g) { return g.name == groupName; });
        if (it == plan.groups.end())
            continue; // parseEngineConfig has reported it (E-UNKNOWN-GROUP or E-EMBEDDED-MODE)
        const size_t groupIndex = size_t(it - plan.groups.begin());
        const std::string appGroup = config::resolveApplicationGroup(config, mount);
        MountSpec m;
        m.index = uint32_t(plan.mounts.size());
        m.urlPrefix = mount.urlPrefix;
        m.scriptPath = mount.scriptPath;
        m.callableObject = mount.callableObject;
        m.applicationGroup = appGroup;
        it->spec.mounts.push_back(m);
        plan.mounts.push_back({mount.urlPrefix, groupIndex});

        if (interpretersDone.insert({groupIndex, appGroup}).second) {
            const config::DaemonGroup* group = config.findGroup(groupName);
            const config::ProcessPlan process =
                config::resolveProcess(config, *group, runtimeTraits(it->spec.runtime));
            const config::InterpreterPlan interp = config::resolveInterpreter(
                config, *group, appGroup, runtimeTraits(it->spec.runtime), process);
            it->spec.interpreters.push_back(
                {appGroup, interp.ownGil, interp.switchInterval, interp.pythonPath});
            for (const auto& f : interp.findings)
                it->spec.notes.push_back(config::formatFinding(f));
            plan.findings.insert(plan.findings.end(), interp.findings.begin(), interp.findings.end());
        }
    }
    const bool oneGroup = plan.groups.size() == 1;
    if (dispatch == Dispatch::Direct && !oneGroup)
        plan.findings.push_back(
            error({}, "E-DIRECT-GROUPS",
                  "--dispatch direct needs a single daemon group serving every mount (this "
                  "configuration has " +
                      std::to_string(plan.groups.size()) + ")",
                  "use --dispatch proxy or auto"));
    plan.direct = oneGroup && dispatch != Dispatch::Proxy;
    for (auto& g : plan.groups) {
        g.spec.direct = plan.direct;
        g.spec.queueTimeoutSeconds = g.queueTimeoutSeconds;
        g.spec.maximumRequests = g.maximumRequests;
        // Direct mode's workers apply the client timeouts themselves.
        g.spec.listenBacklog = g.listenBacklog;
        g.spec.socketTimeoutSeconds = g.socketTimeoutSeconds > 0 ? g.socketTimeoutSeconds : 60;
        g.spec.readTimeouts = plan.readTimeouts;
        g.spec.keepAliveMilliseconds = plan.keepAliveTimeoutMs;
        g.spec.keepAliveSeconds = (plan.keepAliveTimeoutMs + 999) / 1000;
    }
    if (plan.mounts.empty())
        plan.findings.push_back(error({}, "E-NO-MOUNTS", "the configuration mounts no application",
                                      "add a WSGIScriptAlias line"));
    return plan;
}

} // namespace wsgi::hosting
