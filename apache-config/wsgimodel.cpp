#include "wsgimodel.h"

#include "apachesyntax.h"

#include <algorithm>
#include <array>

namespace wsgi::config {

std::string_view dialectName(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Engine:
        return "engine";
    case Dialect::ModWsgi6:
        return "modwsgi-6";
    case Dialect::ModWsgi4:
        return "modwsgi-4";
    }
    return "modwsgi-6";
}

std::optional<Dialect> dialectFromName(std::string_view name)
{
    for (Dialect d : {Dialect::Engine, Dialect::ModWsgi6, Dialect::ModWsgi4})
        if (equalsIgnoreCase(name, dialectName(d)))
            return d;
    return std::nullopt;
}

const std::string* OptionList::find(std::string_view name) const
{
    for (const NameValue& item : items)
        if (item.name == name)
            return &item.value;
    return nullptr;
}

void OptionList::set(std::string_view name, std::string value)
{
    for (NameValue& item : items)
        if (item.name == name) {
            item.value = std::move(value);
            return;
        }
    items.push_back({std::string(name), std::move(value)});
}

bool OptionList::remove(std::string_view name)
{
    const auto before = items.size();
    std::erase_if(items, [&](const NameValue& item) { return item.name == name; });
    return items.size() != before;
}

std::string_view mpmName(MpmKind kind)
{
    switch (kind) {
    case MpmKind::Event:
        return "event";
    case MpmKind::Worker:
        return "worker";
    case MpmKind::Prefork:
        return "prefork";
    }
    return "event";
}

std::string_view mpmModuleName(MpmKind kind)
{
    switch (kind) {
    case MpmKind::Event:
        return "mpm_event_module";
    case MpmKind::Worker:
        return "mpm_worker_module";
    case MpmKind::Prefork:
        return "mpm_prefork_module";
    }
    return "mpm_event_module";
}

std::optional<MpmKind> mpmFromName(std::string_view name)
{
    // <IfModule> takes a module name (mpm_event_module) or its source file (event.c, mpm_event.c).
    for (MpmKind kind : {MpmKind::Event, MpmKind::Worker, MpmKind::Prefork}) {
        const std::string bare(mpmName(kind));
        if (equalsIgnoreCase(name, bare) || equalsIgnoreCase(name, mpmModuleName(kind)) ||
            equalsIgnoreCase(name, bare + ".c") || equalsIgnoreCase(name, "mpm_" + bare + ".c") ||
            equalsIgnoreCase(name, "mpm_" + bare))
            return kind;
    }
    return std::nullopt;
}

bool isOtherMpmModule(std::string_view name)
{
    // Module names (mpm_itk_module) and source files (mpm_itk.c; OS/2's is mpmt_os2.c).
    for (std::string_view bare : {"itk", "winnt", "os2", "mpmt_os2", "netware", "peruser"}) {
        const std::string b(bare);
        if (equalsIgnoreCase(name, "mpm_" + b + "_module") || equalsIgnoreCase(name, "mpm_" + b + ".c") ||
            equalsIgnoreCase(name, b + ".c") || equalsIgnoreCase(name, "mpm_" + b))
            return true;
    }
    return false;
}

bool isMpmDirective(std::string_view name)
{
    static constexpr std::array<std::string_view, 13> kNames = {
        "StartServers",
        "ServerLimit",
        "ThreadLimit",
        "ThreadsPerChild",
        "MaxRequestWorkers",
        "MaxClients",
        "MinSpareThreads",
        "MaxSpareThreads",
        "MaxConnectionsPerChild",
        "MaxRequestsPerChild",
        "MinSpareServers",
        "MaxSpareServers",
        "AsyncRequestWorkerFactor",
    };
    return std::any_of(kNames.begin(), kNames.end(),
                       [&](std::string_view n) { return equalsIgnoreCase(n, name); });
}

std::vector<const DaemonProcess*> WsgiModel::allDaemons() const
{
    std::vector<const DaemonProcess*> out;
    for (const DaemonProcess& d : server.daemons)
        out.push_back(&d);
    for (const VirtualHostBlock& host : virtualHosts)
        for (const DaemonProcess& d : host.scope.daemons)
            out.push_back(&d);
    return out;
}

const DaemonProcess* WsgiModel::findDaemon(std::string_view name) const
{
    for (const DaemonProcess* d : allDaemons())
        if (d->name == name)
            return d;
    return nullptr;
}

bool isServerConfigOnlyWsgiDirective(std::string_view name)
{
    static constexpr std::array<std::string_view, 26> kNames = {
        "WSGIPythonHome",         "WSGIPythonPath",         "WSGIPythonEggs",         "WSGIPythonHashSeed",
        "WSGIPythonOptimize",     "WSGIPythonWarnings",     "WSGIDontWriteBytecode",  "WSGISwitchInterval",
        "WSGIPerInterpreterGIL",  "WSGIFreeThreading",      "WSGIDestroyInterpreter", "WSGIRestrictEmbedded",
        "WSGIRestrictStdin",      "WSGIRestrictStdout",     "WSGIRestrictSignal",     "WSGICaseSensitivity",
        "WSGIServerMetrics",      "WSGITelemetryService",   "WSGITelemetryOptions",   "WSGISlowRequests",
        "WSGISocketPrefix",       "WSGIVerboseDebugging",   "WSGISocketRotation",     "WSGIAcceptMutex",
        "WSGILazyInitialization", "WSGIInterpreterOptions",
    };
    return std::any_of(kNames.begin(), kNames.end(),
                       [&](std::string_view n) { return equalsIgnoreCase(n, name); });
}

} // namespace wsgi::config
