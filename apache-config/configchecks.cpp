// Whole-file rules: each needs every directive read first (a mount may come before its daemon group,
// a ServerName after the mounts of its virtual host).

#include "apachesyntax.h"
#include "configbuilder.h"
#include "directivevalues.h"
#include "resolve.h"

#include <map>
#include <sstream>

namespace wsgi::config {

namespace {

std::string prefixName(const Mount& mount)
{
    return mount.urlPrefix.empty() ? std::string("/") : mount.urlPrefix;
}

std::string seconds(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

bool isQuoted(const std::string& v)
{
    return v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front();
}

// mod_wsgi maps %{GLOBAL} to "" before it decides to preload, so only the other %{...} forms prevent it.
bool isPreloadName(const std::string& value)
{
    return value == "%{GLOBAL}" || value.find("%{") == std::string::npos;
}

int groupIndex(const EngineConfig& config, const std::string& name)
{
    for (std::size_t i = 0; i < config.groups.size(); ++i)
        if (config.groups[i].name == name)
            return static_cast<int>(i);
    return -1;
}

void fillMountScopes(EngineConfig& config, const BuildFacts& facts)
{
    for (std::size_t i = 0; i < config.mounts.size(); ++i) {
        Mount& mount = config.mounts[i];
        const int v = facts.mountVirtualHost[i];
        if (v < 0) {
            mount.serverName = config.serverName;
            continue;
        }
        const VirtualHostScope& host = facts.virtualHosts[v];
        // A virtual host without ServerName takes the main server's, as Apache does at startup.
        mount.serverName = host.serverName.value_or(config.serverName);
        mount.virtualHostProcessGroup = host.processGroup;
        mount.virtualHostApplicationGroup = host.applicationGroup;
    }
}

// mod_wsgi (wsgi_config.c, WSGI0150/0151): a daemon group defined inside a <VirtualHost> is reachable only
// from virtual hosts with the same ServerName.
void checkGroupAccess(const EngineConfig& config, const BuildFacts& facts, std::size_t mountIndex, int group,
                      FindingSink& sink)
{
    const int groupHost = facts.groupVirtualHost[group];
    const int mountHost = facts.mountVirtualHost[mountIndex];
    if (groupHost < 0 || groupHost == mountHost)
        return;
    const std::optional<std::string>& groupName = facts.virtualHosts[groupHost].serverName;
    const std::optional<std::string> mountName =
        mountHost >= 0
            ? facts.virtualHosts[mountHost].serverName
            : (facts.topLevelServerName ? std::optional<std::string>(config.serverName) : std::nullopt);
    std::string reason;
    if (groupName && mountName && *groupName != *mountName)
        reason = "WSGI process group not accessible.";
    else if (groupName.has_value() != mountName.has_value())
        reason = "WSGI process group not matchable.";
    else
        return;
    const Mount& mount = config.mounts[mountIndex];
    const DaemonGroup& daemon = config.groups[group];
    sink.error(codes::GroupAccess, mount.where,
               "mount '" + prefixName(mount) + "' uses daemon group '" + daemon.name +
                   "', which is defined inside the <VirtualHost> on line " +
                   std::to_string(facts.virtualHosts[groupHost].where.line) + " (ServerName " +
                   groupName.value_or("unset") + "), from a server whose ServerName is " +
                   mountName.value_or("unset") + " (mod_wsgi: \"" + reason + "\")",
               "define the WSGIDaemonProcess at the top level, or use it only from virtual hosts with the "
               "same ServerName");
}

void checkMounts(const EngineConfig& config, const BuildFacts& facts, FindingSink& sink)
{
    std::map<std::string, const Mount*> byPrefix;
    for (std::size_t i = 0; i < config.mounts.size(); ++i) {
        const Mount& mount = config.mounts[i];
        const int line = mount.where.line;
        const bool engine = facts.dialect == Dialect::Engine;
        // Apache keeps aliases per server; the engine routes by URL prefix alone.
        const std::string key =
            engine ? mount.urlPrefix : std::to_string(facts.mountVirtualHost[i]) + "|" + mount.urlPrefix;
        auto [it, inserted] = byPrefix.emplace(key, &mount);
        if (!inserted && !engine)
            sink.warning(codes::DuplicateMount, mount.where,
                         "URL prefix '" + prefixName(mount) + "' is mounted twice in the same server (line " +
                             std::to_string(it->second->where.line) + " and line " + std::to_string(line) +
                             "): mod_wsgi uses the first alias that matches, so this one is never reached",
                         "remove one of them");
        else if (!inserted)
            sink.error(codes::DuplicateMount, mount.where,
                       "URL prefix '" + prefixName(mount) + "' is mounted twice, on line " +
                           std::to_string(it->second->where.line) + " and on line " + std::to_string(line) +
                           ": the engine routes by URL prefix only",
                       "remove one of them, or give them different prefixes");

        const std::string groupName = resolveProcessGroup(config, mount);
        if (groupName.empty() && !engine) {
            if (config.restrictEmbedded)
                sink.error(
                    codes::EmbeddedRestricted, mount.where,
                    "mount '" + prefixName(mount) +
                        "' runs in embedded mode (no process group), but WSGIRestrictEmbedded On forbids it: "
                        "mod_wsgi answers every request there with 500",
                    config.groups.empty()
                        ? std::string("define a WSGIDaemonProcess and name it with process-group=")
                        : "add process-group=" + config.groups.front().name);
            continue;
        }
        if (!engine && classifyGroupValue(groupName) != GroupValueKind::Literal)
            continue; // %{ENV:...} and friends are chosen per request
        if (groupName.empty()) {
            std::string hint = "add process-group=NAME naming one of its WSGIDaemonProcess groups";
            if (!config.groups.empty())
                hint = "add process-group=" + config.groups.front().name + " to the WSGIScriptAlias";
            sink.error(codes::EmbeddedMode, mount.where,
                       "mount '" + prefixName(mount) +
                           "' resolves to embedded mode: the engine runs daemon mode only: give this mount "
                           "process-group= or a WSGIProcessGroup",
                       hint);
            continue;
        }
        // Both group options on the alias make mod_wsgi preload the script at startup, which needs the
        // daemon group defined above (wsgi_config.c l.196-283); otherwise a missing group fails each request.
        const bool preload = mount.processGroup && mount.applicationGroup &&
                             isPreloadName(*mount.processGroup) && isPreloadName(*mount.applicationGroup);
        const int group = groupIndex(config, groupName);
        if (group < 0) {
            std::vector<std::string_view> names;
            for (const DaemonGroup& g : config.groups)
                names.push_back(g.name);
            const std::string close = closestMatch(groupName, names);
            const std::string modWsgiSays =
                preload ? std::string("\"WSGI process group not yet configured.\" at startup")
                        : "\"No WSGI daemon process called '" + groupName +
                              "' has been configured\" on each request";
            sink.error(codes::UnknownGroup, mount.where,
                       "mount '" + prefixName(mount) + "' uses process group '" + groupName +
                           "', but no WSGIDaemonProcess defines it (mod_wsgi: " + modWsgiSays + ")",
                       close.empty() ? "define it: WSGIDaemonProcess " + groupName + " processes=1 threads=15"
                                     : "did you mean '" + close + "'?");
            continue;
        }
        const DaemonGroup& daemon = config.groups[group];
        if (preload && daemon.where.line > line)
            sink.error(
                codes::GroupOrder, mount.where,
                "WSGIDaemonProcess '" + daemon.name + "' is defined on line " +
                    std::to_string(daemon.where.line) +
                    ", after this WSGIScriptAlias: with both process-group= and application-group= mod_wsgi "
                    "preloads the script and fails with \"WSGI process group not yet configured.\"",
                "move the WSGIDaemonProcess above line " + std::to_string(line));
        checkGroupAccess(config, facts, i, group, sink);
    }
}

// modwsgi.md 2.1: the top-level value is applied again whenever a daemon creates an interpreter, so under
// a shared GIL it can overwrite the daemon's process-wide switch-interval=.
void checkSwitchIntervalOverlap(const EngineConfig& config, FindingSink& sink)
{
    if (!config.switchInterval)
        return;
    for (const DaemonGroup& group : config.groups) {
        if (!group.switchInterval)
            continue;
        const auto written = group.optionLines.find("switch-interval");
        sink.warning(
            codes::SwitchIntervalOverlap,
            SourceLocation{group.where.file,
                           written == group.optionLines.end() ? group.where.line : written->second},
            "daemon group '" + group.name + "' sets switch-interval=" + seconds(*group.switchInterval) +
                " and the top-level WSGISwitchInterval " + seconds(*config.switchInterval) + " (line " +
                std::to_string(config.switchIntervalWhere.line) +
                ") also applies to its interpreters: mod_wsgi sets the daemon value at process start and the "
                "top-level value again whenever it creates an interpreter",
            "keep only one of them: switch-interval= for daemon processes");
    }
}

void checkContainers(const EngineConfig& config, const BuildFacts& facts, FindingSink& sink)
{
    const bool engine = facts.dialect == Dialect::Engine;
    for (const InterpreterOptions& c : config.containers) {
        if (c.processGroup && !isQuoted(*c.processGroup)) {
            // Under Apache embedded mode is a real target unless WSGIRestrictEmbedded On.
            const bool embeddedRuns = !engine && !config.restrictEmbedded;
            if (c.processGroup->empty() && !embeddedRuns)
                sink.warning(codes::ContainerNoMatch, c.where,
                             "<WSGIInterpreterOptions process-group=%{GLOBAL}> selects embedded mode, which "
                             "the engine "
                             "does not run: this container never applies",
                             "select a daemon group by name");
            else if (!c.processGroup->empty() && !config.findGroup(*c.processGroup))
                sink.warning(codes::ContainerNoMatch, c.where,
                             "no WSGIDaemonProcess is named '" + *c.processGroup +
                                 "': this container never applies",
                             "select one of the daemon groups by its exact name");
        }
        if (!c.applicationGroup || isQuoted(*c.applicationGroup) ||
            (c.processGroup && isQuoted(*c.processGroup)) || config.mounts.empty())
            continue;
        bool matched = false;
        std::string example;
        for (const Mount& mount : config.mounts) {
            const std::string groupName = resolveProcessGroup(config, mount);
            if (groupName.empty() || (c.processGroup && *c.processGroup != groupName))
                continue;
            const std::string app = resolveApplicationGroup(config, mount);
            matched = matched || app == *c.applicationGroup;
            if (example.empty())
                example = app;
        }
        if (matched)
            continue;
        const std::string where =
            c.processGroup ? " in daemon group '" + *c.processGroup + "'" : std::string();
        sink.warning(codes::ContainerNoMatch, c.where,
                     "no mount" + where + " resolves to application group '" +
                         (c.applicationGroup->empty() ? std::string("%{GLOBAL}") : *c.applicationGroup) +
                         "': this container never applies" +
                         (example.empty() ? std::string() : " (a mount there resolves to '" + example + "')"),
                     "give the mount application-group=" +
                         (c.applicationGroup->empty() ? std::string("%{GLOBAL}") : *c.applicationGroup) +
                         "; the default %{RESOURCE} resolves to 'server|/prefix'");
    }
}

} // namespace

void checkEngineConfig(EngineConfig& config, const BuildFacts& facts, FindingSink& sink)
{
    fillMountScopes(config, facts);
    checkMounts(config, facts, sink);
    checkSwitchIntervalOverlap(config, sink);
    checkContainers(config, facts, sink);
}

} // namespace wsgi::config
