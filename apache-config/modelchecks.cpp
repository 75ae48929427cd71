#include "modelchecks.h"

#include "apachesyntax.h"
#include "mpmsim.h"
#include "resolve.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace wsgi::config {

namespace {

std::string number(double value)
{
    std::ostringstream out;
    out << std::round(value * 10) / 10;
    return out.str();
}

SourceLocation locate(const ImportedConfig& config, const Origin& origin)
{
    if (origin.file < 0 || std::size_t(origin.file) >= config.files.size())
        return {config.files.empty() ? std::string() : config.files.front().path, origin.line};
    return {config.files[std::size_t(origin.file)].path, origin.line};
}

// Which MPM the settings are for: the one the tree loads, else the only one it configures, else event
// (Debian's default).
MpmKind effectiveMpm(const ImportedConfig& config)
{
    if (config.loadedMpm)
        return *config.loadedMpm;
    std::set<MpmKind> configured;
    for (const MpmBlock& block : config.model.mpm)
        if (block.module)
            configured.insert(*block.module);
    return configured.size() == 1 ? *configured.begin() : MpmKind::Event;
}

// The model's MPM values as httpd reads them: Defines substituted; values with a variable no Define
// sets are left out (only httpd knows them; the import noted each).
WsgiModel resolvedMpm(const ImportedConfig& config)
{
    WsgiModel model;
    model.mpm = config.model.mpm;
    for (MpmBlock& block : model.mpm) {
        for (MpmValue& v : block.values)
            v.value = resolveVariables(v.value, config.defines);
        std::erase_if(block.values, [](const MpmValue& v) { return hasConfigVariable(v.value); });
    }
    return model;
}

void checkMpm(const ImportedConfig& config, FindingSink& sink)
{
    const WsgiModel model = resolvedMpm(config);
    const MpmKind kind = effectiveMpm(config);
    for (const MpmBlock& block : model.mpm)
        for (const MpmValue& v : block.values) {
            const IntegerText n = parseIntegerText(v.value);
            if (!n.hasDigits || !n.ignoredTail.empty())
                sink.warning(codes::MpmValue, locate(config, v.origin),
                             v.name + " " + v.value + " is read by httpd with atoi as " +
                                 std::to_string(n.value),
                             "write a whole number");
        }
    if (kind == MpmKind::Prefork)
        return;
    std::map<std::string, Origin> where;
    const mpm::Settings written = mpm::settingsFromModel(model, kind, &where);
    if (where.empty())
        return; // nothing set: httpd's defaults are consistent
    const mpm::Effective e = mpm::applyStartupCorrections(written);
    const std::string mpmLabel = std::string(mpmName(kind)) + " MPM";
    auto at = [&](const std::string& directive) {
        auto it = where.find(directive);
        if (it != where.end())
            return locate(config, it->second);
        return locate(config, where.begin()->second);
    };
    for (const mpm::Correction& c : e.corrections)
        sink.warning(codes::MpmCorrected, at(c.directive),
                     c.directive + " " + std::to_string(c.written) + " is silently changed by httpd (" +
                         mpmLabel + ") to " + std::to_string(c.used) + ": " + c.reason,
                     "write " + c.directive + " " + std::to_string(c.used) +
                         " so the file says what Apache does");

    // The seed's case: more idle threads at start than MaxSpareThreads allows.
    const mpm::Settings& s = e.used;
    const int startIdle = s.startServers * s.threadsPerChild;
    if (startIdle > s.maxSpareThreads) {
        mpm::LoadProfile none;
        const mpm::Simulation sim = mpm::simulate(kind, s, none, s.startServers + 2);
        int settled = sim.samples.back().processes;
        int seconds = 0;
        for (const mpm::SecondSample& sample : sim.samples)
            if (sample.killed)
                seconds = sample.second;
        sink.warning(
            codes::MpmStartExcess, at("StartServers"),
            "StartServers " + std::to_string(s.startServers) + " starts " + std::to_string(s.startServers) +
                " processes with " + std::to_string(startIdle) + " idle threads (" +
                std::to_string(s.threadsPerChild) + " each), more than MaxSpareThreads " +
                std::to_string(s.maxSpareThreads) + ". With no load Apache stops one process a second " +
                "until idle threads are back under MaxSpareThreads: " + std::to_string(settled) +
                " processes remain after " + std::to_string(seconds) + " seconds, so " +
                std::to_string(s.startServers - settled) + " of the processes it started are thrown away.",
            "start " + std::to_string(settled) + " (StartServers " + std::to_string(settled) + "), or keep " +
                std::to_string(s.startServers) + " by raising MaxSpareThreads to at least " +
                std::to_string(startIdle));
    } else if (startIdle < s.minSpareThreads) {
        sink.note(codes::MpmStartShort, at("StartServers"),
                  "StartServers " + std::to_string(s.startServers) + " gives " + std::to_string(startIdle) +
                      " idle threads, fewer than MinSpareThreads " + std::to_string(s.minSpareThreads) +
                      ": Apache forks more processes (1, 2, 4 ... a second) as soon as it starts",
                  "raise StartServers to " +
                      std::to_string((s.minSpareThreads + s.threadsPerChild - 1) / s.threadsPerChild));
    }
}

void checkSizing(const ImportedConfig& config, const ImportOptions& options, FindingSink& sink)
{
    const EngineConfig& e = config.engine;
    if (e.groups.empty())
        return;
    long long threads = 0;
    long long processes = 0;
    for (const DaemonGroup& g : e.groups) {
        threads += 1LL * g.processes * g.threads;
        processes += g.processes;
    }
    const MpmKind kind = effectiveMpm(config);
    const SourceLocation first = e.groups.front().where;
    if (kind != MpmKind::Prefork) {
        std::map<std::string, Origin> where;
        const mpm::Effective mpm =
            mpm::applyStartupCorrections(mpm::settingsFromModel(config.model, kind, &where));
        // In daemon mode every request in a daemon thread also holds an Apache worker thread, which proxies
        // it.
        if (mpm.used.maxRequestWorkers < threads) {
            auto it = where.find("MaxRequestWorkers");
            sink.warning(codes::SizingWorkers, it != where.end() ? locate(config, it->second) : first,
                         "the daemon groups have " + std::to_string(threads) +
                             " request threads in all, but Apache proxies at most MaxRequestWorkers " +
                             std::to_string(mpm.used.maxRequestWorkers) + " requests at once, so at least " +
                             std::to_string(threads - mpm.used.maxRequestWorkers) +
                             " daemon threads can never be busy",
                         "raise MaxRequestWorkers (and ServerLimit) above " + std::to_string(threads) +
                             " plus what Apache serves itself, or give the daemon groups fewer threads");
        }
    }
    if (options.processRssMiB > 0) {
        const double total = options.processRssMiB * double(processes);
        if (options.hostMemoryMiB > 0 && total > 0.8 * options.hostMemoryMiB)
            sink.warning(codes::SizingMemory, first,
                         std::to_string(processes) + " daemon processes at " + number(options.processRssMiB) +
                             " MiB each need " + number(total) + " MiB, more than 80% of the host's " +
                             number(options.hostMemoryMiB) + " MiB",
                         "use fewer processes with more threads, or lower memory per process");
        else
            sink.note(codes::SizingTotal, first,
                      std::to_string(processes) + " daemon processes at " + number(options.processRssMiB) +
                          " MiB each need about " + number(total) + " MiB" +
                          (options.hostMemoryMiB > 0
                               ? " of the host's " + number(options.hostMemoryMiB) + " MiB"
                               : std::string()));
    }
}

int optionInt(const DaemonGroup& g, const char* name, int fallback)
{
    auto it = g.options.find(name);
    return it == g.options.end() ? fallback : int(parseIntegerText(it->second).value);
}

void checkQuirks(const ImportedConfig& config, FindingSink& sink)
{
    for (const DaemonGroup& g : config.engine.groups) {
        // modwsgi.md 8: the monitor thread that enforces request-timeout starts only with one of these.
        if (optionInt(g, "request-timeout", 0) > 0 && optionInt(g, "deadlock-timeout", 300) == 0 &&
            optionInt(g, "inactivity-timeout", 0) == 0) {
            auto line = g.optionLines.find("request-timeout");
            sink.warning(
                codes::MonitorOff,
                SourceLocation{g.where.file, line == g.optionLines.end() ? g.where.line : line->second},
                "request-timeout=" + g.options.at("request-timeout") + " of daemon group '" + g.name +
                    "' never fires: with deadlock-timeout=0 and inactivity-timeout=0 mod_wsgi does not "
                    "start the monitor thread that enforces it",
                "leave deadlock-timeout at its default (300) or set it, e.g. deadlock-timeout=60");
        }
    }
    // memory-limit and virtual-memory-limit are rlimits (RLIMIT_DATA, RLIMIT_AS; modwsgi.md section 1).
    // On Linux both count every thread's stack (8 MiB each by default), so a limit set from a
    // process's RSS stops it from starting its threads, or makes every request fail.
    for (const DaemonGroup& g : config.engine.groups) {
        for (const char* name : {"memory-limit", "virtual-memory-limit"}) {
            const auto it = g.options.find(name);
            if (it == g.options.end())
                continue;
            const long long limit = parseIntegerText(it->second).value;
            const long long floor = (int64_t(std::max(1, g.threads)) * 8 + 32) * 1024 * 1024;
            if (limit <= 0 || limit >= floor)
                continue;
            auto line = g.optionLines.find(name);
            sink.warning(
                codes::LimitTooLow,
                SourceLocation{g.where.file, line == g.optionLines.end() ? g.where.line : line->second},
                std::string(name) + "=" + it->second + " of daemon group '" + g.name + "' is below " +
                    std::to_string(floor / (1024 * 1024)) + " MiB: it is an rlimit that counts each of " +
                    std::to_string(std::max(1, g.threads)) +
                    " thread stacks (8 MiB) and the interpreter, not the RSS, so the process may fail "
                    "to start or every request fail with MemoryError",
                "raise it to at least " + std::to_string(floor / (1024 * 1024)) +
                    " MiB plus what the application needs; to recycle a leak, use maximum-requests or "
                    "restart-interval");
        }
    }
    for (const InterpreterOptions& c : config.engine.containers)
        if (c.applicationGroup && c.applicationGroup->empty() && c.perInterpreterGil.value_or(false))
            sink.warning(codes::GilMainInterpreter, c.perInterpreterGilWhere,
                         "WSGIPerInterpreterGIL On for application-group=%{GLOBAL} has no effect: the main "
                         "interpreter always runs on the shared GIL (mod_wsgi ignores it silently)",
                         "give the applications a named application group, or remove the directive");
}

// mod_wsgi tries a server's WSGIScriptAlias prefixes in the order written and takes the first that matches
// whole path segments, so a later alias under an earlier prefix is never reached.
void checkShadowedAliases(const ImportedConfig& config, const WsgiScope& scope, FindingSink& sink)
{
    auto prefix = [](std::string url) {
        while (!url.empty() && url.back() == '/')
            url.pop_back();
        return url;
    };
    for (std::size_t j = 0; j < scope.aliases.size(); ++j) {
        const ScriptAlias& later = scope.aliases[j];
        if (later.directive != "WSGIScriptAlias")
            continue;
        const std::string url = prefix(later.url);
        for (std::size_t i = 0; i < j; ++i) {
            const ScriptAlias& earlier = scope.aliases[i];
            const std::string p = prefix(earlier.url);
            if (earlier.directive != "WSGIScriptAlias" || !(url == p || url.starts_with(p + "/")))
                continue;
            sink.warning(codes::AliasShadowed, locate(config, later.origin),
                         "WSGIScriptAlias " + later.url + " is never used: the earlier WSGIScriptAlias " +
                             earlier.url + " (line " + std::to_string(earlier.origin.line) +
                             ") matches every URL it would, and mod_wsgi takes the first match",
                         "move the WSGIScriptAlias " + later.url + " above line " +
                             std::to_string(earlier.origin.line));
            break;
        }
    }
}

void checkGilRules(const ImportedConfig& config, const ImportOptions& options, FindingSink& sink)
{
    const EngineConfig& e = config.engine;
    std::set<std::pair<std::string, std::pair<std::string, int>>> seen;
    auto report = [&](const std::vector<Finding>& findings) {
        for (const Finding& f : findings)
            if (seen.insert({f.code, {f.where.file, f.where.line}}).second)
                sink.warning(f.code, f.where, f.message, f.suggestion);
    };
    const std::string defaultPython = !options.python.empty()                ? options.python
                                      : options.dialect == Dialect::ModWsgi4 ? "3.11"
                                                                             : "3.13";
    for (const DaemonGroup& g : e.groups) {
        const std::string python =
            options.dialect == Dialect::Engine && !g.runtime.empty() ? g.runtime : defaultPython;
        const std::optional<RuntimeTraits> runtime = runtimeTraitsFromName(python);
        if (!runtime)
            continue;
        const ProcessPlan process = resolveProcess(e, g, *runtime);
        report(process.findings);
        std::set<std::string> applicationGroups = {""};
        for (const Mount& m : e.mounts)
            if (resolveProcessGroup(e, m) == g.name)
                applicationGroups.insert(resolveApplicationGroup(e, m));
        for (const InterpreterOptions& c : e.containers)
            if (c.applicationGroup && (!c.processGroup || *c.processGroup == g.name))
                applicationGroups.insert(*c.applicationGroup);
        for (const std::string& app : applicationGroups)
            report(resolveInterpreter(e, g, app, *runtime, process).findings);
    }
}

} // namespace

void checkModel(const ImportedConfig& config, const ImportOptions& options, FindingSink& sink)
{
    checkMpm(config, sink);
    checkSizing(config, options, sink);
    checkQuirks(config, sink);
    checkShadowedAliases(config, config.model.server, sink);
    for (const VirtualHostBlock& host : config.model.virtualHosts)
        checkShadowedAliases(config, host.scope, sink);
    if (options.dialect != Dialect::ModWsgi4)
        checkGilRules(config, options, sink);
}

} // namespace wsgi::config
