#include "modeljson.h"

namespace wsgi::config {

namespace {

std::string_view severityName(Severity s)
{
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Note:
        return "note";
    }
    return "note";
}

void where(Json& out, const Origin& origin, const std::vector<std::string>& fileNames)
{
    if (!origin.imported())
        return;
    if (std::size_t(origin.file) < fileNames.size())
        out.set("file", fileNames[std::size_t(origin.file)]);
    out.set("line", origin.line);
}

Json options(const OptionList& list)
{
    Json out = Json::array();
    for (const NameValue& o : list.items)
        out.push(Json::object().set("name", o.name).set("value", o.value));
    return out;
}

Json strings(const std::vector<std::string>& list)
{
    Json out = Json::array();
    for (const std::string& s : list)
        out.push(s);
    return out;
}

Json directive(const WsgiDirective& d, const std::vector<std::string>& files)
{
    Json j = Json::object();
    j.set("name", d.name).set("args", strings(d.args));
    where(j, d.origin, files);
    return j;
}

Json scope(const WsgiScope& s, const std::vector<std::string>& files)
{
    Json directives = Json::array();
    for (const WsgiDirective& d : s.directives)
        directives.push(directive(d, files));
    Json daemons = Json::array();
    for (const DaemonProcess& d : s.daemons) {
        Json j = Json::object();
        j.set("name", d.name).set("options", options(d.options));
        where(j, d.origin, files);
        daemons.push(std::move(j));
    }
    Json imports = Json::array();
    for (const ImportScript& i : s.imports) {
        Json j = Json::object();
        j.set("script", i.script).set("options", options(i.options));
        where(j, i.origin, files);
        imports.push(std::move(j));
    }
    Json aliases = Json::array();
    for (const ScriptAlias& a : s.aliases) {
        Json j = Json::object();
        j.set("directive", a.directive)
            .set("url", a.url)
            .set("script", a.script)
            .set("options", options(a.options));
        where(j, a.origin, files);
        aliases.push(std::move(j));
    }
    Json out = Json::object();
    out.set("directives", std::move(directives))
        .set("daemons", std::move(daemons))
        .set("imports", std::move(imports))
        .set("aliases", std::move(aliases));
    return out;
}

Json optionalString(const std::optional<std::string>& s)
{
    return s ? Json(*s) : Json();
}

} // namespace

Json findingToJson(const Finding& f)
{
    Json j = Json::object();
    j.set("severity", severityName(f.severity)).set("code", f.code).set("file", f.where.file);
    j.set("line", f.where.line).set("message", f.message).set("suggestion", f.suggestion);
    return j;
}

Json findingsToJson(const std::vector<Finding>& findings)
{
    Json out = Json::array();
    for (const Finding& f : findings)
        out.push(findingToJson(f));
    return out;
}

Json modelToJson(const WsgiModel& model, const std::vector<std::string>& files)
{
    Json containers = Json::array();
    for (const InterpreterOptionsBlock& c : model.containers) {
        Json directives = Json::array();
        for (const WsgiDirective& d : c.directives)
            directives.push(directive(d, files));
        Json j = Json::object();
        j.set("processGroup", optionalString(c.processGroup))
            .set("applicationGroup", optionalString(c.applicationGroup))
            .set("directives", std::move(directives));
        where(j, c.origin, files);
        containers.push(std::move(j));
    }
    Json hosts = Json::array();
    for (const VirtualHostBlock& h : model.virtualHosts) {
        Json j = Json::object();
        j.set("addresses", strings(h.addresses))
            .set("serverName", h.serverName)
            .set("scope", scope(h.scope, files));
        where(j, h.origin, files);
        hosts.push(std::move(j));
    }
    Json mpm = Json::array();
    for (const MpmBlock& b : model.mpm) {
        Json values = Json::array();
        for (const MpmValue& v : b.values) {
            Json j = Json::object();
            j.set("name", v.name).set("value", v.value);
            where(j, v.origin, files);
            values.push(std::move(j));
        }
        mpm.push(Json::object()
                     .set("module", b.module ? Json(mpmModuleName(*b.module)) : Json())
                     .set("values", std::move(values)));
    }
    Json otherMpm = Json::array();
    for (const VerbatimBlock& b : model.otherMpm) {
        Json j = Json::object();
        j.set("module", b.module).set("text", b.text);
        where(j, b.origin, files);
        otherMpm.push(std::move(j));
    }
    Json out = Json::object();
    out.set("server", scope(model.server, files))
        .set("containers", std::move(containers))
        .set("virtualHosts", std::move(hosts))
        .set("mpm", std::move(mpm))
        .set("otherMpm", std::move(otherMpm));
    return out;
}

Json importToJson(const ImportedConfig& imported)
{
    const std::vector<std::string> files = imported.fileNames();
    Json out = Json::object();
    out.set("files", strings(files))
        .set("serverRoot", imported.serverRoot)
        .set("loadedMpm", imported.loadedMpm ? Json(mpmName(*imported.loadedMpm)) : Json())
        .set("model", modelToJson(imported.model, files))
        .set("findings", findingsToJson(imported.findings));
    return out;
}

Json settingsToJson(const mpm::Settings& s)
{
    Json j = Json::object();
    j.set("StartServers", s.startServers)
        .set("ServerLimit", s.serverLimit)
        .set("ThreadLimit", s.threadLimit)
        .set("ThreadsPerChild", s.threadsPerChild)
        .set("MaxRequestWorkers", s.maxRequestWorkers)
        .set("MinSpareThreads", s.minSpareThreads)
        .set("MaxSpareThreads", s.maxSpareThreads)
        .set("MaxConnectionsPerChild", s.maxConnectionsPerChild)
        .set("buckets", s.buckets);
    return j;
}

Json simulationToJson(const mpm::Simulation& sim)
{
    Json corrections = Json::array();
    for (const mpm::Correction& c : sim.effective.corrections)
        corrections.push(Json::object()
                             .set("directive", c.directive)
                             .set("written", c.written)
                             .set("used", c.used)
                             .set("reason", c.reason));
    Json seconds = Json::array();
    for (const mpm::SecondSample& s : sim.samples)
        seconds.push(Json::object()
                         .set("second", s.second)
                         .set("load", s.load)
                         .set("processes", s.processes)
                         .set("stopping", s.stopping)
                         .set("busy", s.busy)
                         .set("idle", s.idle)
                         .set("waiting", s.waiting)
                         .set("spawned", s.spawned)
                         .set("killed", s.killed)
                         .set("spawnRate", s.spawnRate)
                         .set("event", s.event));
    Json out = Json::object();
    out.set("mpm", mpmName(sim.kind))
        .set("settings", settingsToJson(sim.effective.used))
        .set("activeDaemonsLimit", sim.effective.activeDaemonsLimit)
        .set("corrections", std::move(corrections))
        .set("seconds", std::move(seconds));
    return out;
}

} // namespace wsgi::config
