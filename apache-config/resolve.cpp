#include "resolve.h"

#include "directivevalues.h"

#include <algorithm>
#include <sstream>

namespace wsgi::config {

namespace {

std::string seconds(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

std::string pythonName(const RuntimeTraits& runtime)
{
    return "Python " + std::to_string(runtime.major) + "." + std::to_string(runtime.minor) +
           (runtime.freeThreadedBuild ? "t" : "");
}

std::string interpreterName(std::string_view applicationGroup)
{
    return applicationGroup.empty() ? std::string("the main interpreter (%{GLOBAL})")
                                    : "application group '" + std::string(applicationGroup) + "'";
}

Finding warning(const char* code, const SourceLocation& where, std::string message, std::string suggestion)
{
    return {Severity::Warning, code, where, std::move(message), std::move(suggestion)};
}

// One candidate value for a scalar directive. Top-level values have specificity -1 so that any
// container beats them; `order` is the position in the file, later wins among equal specificity.
template <typename T> struct Layer
{
    T value{};
    int specificity = -2; // -2: nothing set
    int order = -1;
    SourceLocation where;
    const InterpreterOptions* container = nullptr; // null: the top level

    bool set() const { return specificity > -2; }
    void offer(const T& v, int spec, int ord, const SourceLocation& at, const InterpreterOptions* from)
    {
        if (spec > specificity || (spec == specificity && ord >= order)) {
            value = v;
            specificity = spec;
            order = ord;
            where = at;
            container = from;
        }
    }
};

bool selectsProcess(const InterpreterOptions& c, const DaemonGroup& group)
{
    return !c.processGroup || *c.processGroup == group.name;
}

bool selectsInterpreter(const InterpreterOptions& c, const DaemonGroup& group,
                        std::string_view applicationGroup)
{
    return selectsProcess(c, group) && (!c.applicationGroup || *c.applicationGroup == applicationGroup);
}

} // namespace

std::optional<RuntimeTraits> runtimeTraitsFromName(std::string_view name)
{
    RuntimeTraits traits;
    if (!name.empty() && name.back() == 't') {
        traits.freeThreadedBuild = true;
        name.remove_suffix(1);
    }
    const std::size_t dot = name.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= name.size())
        return std::nullopt;
    auto number = [](std::string_view digits) -> std::optional<int> {
        if (digits.empty() || digits.size() > 4 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        return std::stoi(std::string(digits));
    };
    const std::optional<int> major = number(name.substr(0, dot));
    const std::optional<int> minor = number(name.substr(dot + 1));
    if (!major || !minor)
        return std::nullopt;
    traits.major = *major;
    traits.minor = *minor;
    return traits;
}

ProcessPlan resolveProcess(const EngineConfig& config, const DaemonGroup& group, const RuntimeTraits& runtime)
{
    ProcessPlan plan;

    // wsgi_resolve_free_threading: the top level, then containers with no selector or only
    // process-group=. Containers with application-group= never count (WSGI0201 at load time).
    Layer<bool> freeThreading;
    if (config.freeThreading)
        freeThreading.offer(*config.freeThreading, -1, -1, config.freeThreadingWhere, nullptr);
    for (std::size_t i = 0; i < config.containers.size(); ++i) {
        const InterpreterOptions& c = config.containers[i];
        if (c.applicationGroup || !selectsProcess(c, group) || !c.freeThreading)
            continue;
        freeThreading.offer(*c.freeThreading, c.specificity(), static_cast<int>(i), c.freeThreadingWhere, &c);
    }
    if (freeThreading.set() && freeThreading.value) {
        if (runtime.freeThreadedBuild) {
            plan.freeThreading = true;
        } else {
            plan.findings.push_back(warning(
                "WSGI0200", freeThreading.where,
                "WSGIFreeThreading On has no effect for daemon group '" + group.name +
                    "': " + pythonName(runtime) + " is not a free-threaded build, so the GIL stays on",
                "run the group on a free-threaded runtime (python=3.13t) or remove WSGIFreeThreading On"));
        }
    }

    if (group.switchInterval) {
        if (plan.freeThreading) {
            const auto written = group.optionLines.find("switch-interval");
            const SourceLocation where = written == group.optionLines.end()
                                             ? group.where
                                             : SourceLocation{group.where.file, written->second};
            plan.findings.push_back(warning(
                "WSGI0204", where,
                "switch-interval=" + seconds(*group.switchInterval) + " of daemon group '" + group.name +
                    "' is skipped: the process runs free-threaded, there is no GIL to hand over",
                "remove switch-interval= from this group, or turn free-threading off"));
        } else {
            plan.switchInterval = group.switchInterval;
        }
    }

    plan.pythonPath = group.pythonPath;
    plan.pythonHome = group.pythonHome.empty() ? config.pythonHome : group.pythonHome;
    return plan;
}

InterpreterPlan resolveInterpreter(const EngineConfig& config, const DaemonGroup& group,
                                   std::string_view applicationGroup, const RuntimeTraits& runtime,
                                   const ProcessPlan& process)
{
    InterpreterPlan plan;

    // wsgi_resolve_interpreter_options: per scalar, the most specific matching block wins, the later one
    // among equals, with the top level as the lowest layer.
    Layer<bool> gil;
    Layer<double> interval;
    if (config.perInterpreterGil)
        gil.offer(*config.perInterpreterGil, -1, -1, config.perInterpreterGilWhere, nullptr);
    if (config.switchInterval)
        interval.offer(*config.switchInterval, -1, -1, config.switchIntervalWhere, nullptr);
    std::vector<const InterpreterOptions*> pathLayers;
    for (std::size_t i = 0; i < config.containers.size(); ++i) {
        const InterpreterOptions& c = config.containers[i];
        if (!selectsInterpreter(c, group, applicationGroup))
            continue;
        const int order = static_cast<int>(i);
        if (c.perInterpreterGil)
            gil.offer(*c.perInterpreterGil, c.specificity(), order, c.perInterpreterGilWhere, &c);
        if (c.switchInterval)
            interval.offer(*c.switchInterval, c.specificity(), order, c.switchIntervalWhere, &c);
        if (!c.pythonPath.empty())
            pathLayers.push_back(&c);
    }

    if (gil.set() && gil.value &&
        !applicationGroup.empty()) { // the main interpreter is attached, never created
        if (!runtime.supportsOwnGil()) {
            plan.findings.push_back(
                warning("WSGI0198", gil.where,
                        "WSGIPerInterpreterGIL On has no effect for " + interpreterName(applicationGroup) +
                            " in daemon group '" + group.name + "': " + pythonName(runtime) +
                            " cannot give a sub-interpreter its own GIL (3.12+ can)",
                        "run the group on Python 3.12 or later, or remove WSGIPerInterpreterGIL On"));
        } else if (process.freeThreading) {
            plan.findings.push_back(
                warning("WSGI0202", gil.where,
                        "WSGIPerInterpreterGIL On is skipped for " + interpreterName(applicationGroup) +
                            " in daemon group '" + group.name +
                            "': the process runs free-threaded, so the interpreter is created without a GIL "
                            "of its own",
                        "use either free-threading or per-interpreter GILs for this group, not both"));
        } else {
            plan.ownGil = true;
        }
    }

    if (interval.set()) {
        const bool fromContainer = interval.container != nullptr;
        const std::string what = "WSGISwitchInterval " + seconds(interval.value) + " for " +
                                 interpreterName(applicationGroup) + " in daemon group '" + group.name + "'";
        if (process.freeThreading) {
            plan.findings.push_back(
                warning(fromContainer ? "WSGI0205" : "WSGI0203", interval.where,
                        what + " is skipped: the process runs free-threaded, there is no GIL to hand over",
                        "remove the switch interval, or turn free-threading off"));
        } else if (fromContainer && interval.container->applicationGroup && !plan.ownGil) {
            plan.findings.push_back(warning(
                "WSGI0199", interval.where,
                what + " is skipped: the interpreter does not have its own GIL, and under a shared GIL the "
                       "interval is process-wide",
                "add WSGIPerInterpreterGIL On to the container (Python 3.12+), or select it with "
                "process-group= only"));
        } else {
            plan.switchInterval = interval.value;
        }
    }

    // WSGIPythonPath layers add up, least specific first; file order among equals.
    std::stable_sort(pathLayers.begin(), pathLayers.end(),
                     [](const InterpreterOptions* a, const InterpreterOptions* b) {
                         return a->specificity() < b->specificity();
                     });
    for (const InterpreterOptions* layer : pathLayers) {
        plan.pythonPathLayers.push_back(layer->pythonPath);
        plan.pythonPath.insert(plan.pythonPath.end(), layer->pythonPath.begin(), layer->pythonPath.end());
    }
    return plan;
}

std::string resolveProcessGroup(const EngineConfig& config, const Mount& mount)
{
    const std::string& value = mount.processGroup              ? *mount.processGroup
                               : mount.virtualHostProcessGroup ? *mount.virtualHostProcessGroup
                                                               : config.processGroup;
    return classifyGroupValue(value) == GroupValueKind::Global ? std::string() : value;
}

std::string resolveApplicationGroup(const EngineConfig& config, const Mount& mount)
{
    return resolveApplicationGroup(config, mount, 0);
}

std::string resolveApplicationGroup(const EngineConfig& config, const Mount& mount, int serverPort)
{
    const std::string& value = mount.applicationGroup              ? *mount.applicationGroup
                               : mount.virtualHostApplicationGroup ? *mount.virtualHostApplicationGroup
                                                                   : config.applicationGroup;
    const std::string server = mount.serverName.empty() ? config.serverName : mount.serverName;
    std::string host = serverPort == 0 || serverPort == 80 || serverPort == 443
                           ? server
                           : server + ":" + std::to_string(serverPort);
    switch (classifyGroupValue(value)) {
    case GroupValueKind::Global:
        return {};
    case GroupValueKind::Resource:
        return host + "|" + mount.urlPrefix; // SCRIPT_NAME: "" for the root mount
    case GroupValueKind::Server:
        return host;
    default:
        return value;
    }
}

} // namespace wsgi::config
