#pragma once
// Random WsgiModels for the property tests (round trip here, apache2 -t in tests/integration/apache):
// deterministic for a seed, and valid the way a studio user can make them: unique daemon names, every
// alias and import script naming a group defined before it where Apache needs that, values inside
// mod_wsgi's ranges, and awkward text (blanks, quotes, backslashes) where Apache allows it. They use
// mod_wsgi 6 features freely; the 4.9 export must carry them over or say why not.

#include "apache-config/wsgimodel.h"

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace wsgi::config::test {

// The mod_wsgi 4.9 property test's models: the unit round trip and the integration apache2 -t loop both
// walk this same sequence, so every snippet read back in one is configtested in the other.
inline constexpr unsigned kModWsgi4Seed = 4049;
inline constexpr int kPropertyModels = 400;

class ModelGenerator
{
public:
    explicit ModelGenerator(unsigned seed) : m_rng(seed) {}

    // `engineOptions`: also the engine-only python= (only the engine dialect reads it back).
    WsgiModel next(bool engineOptions = false)
    {
        m_engine = engineOptions;
        m_daemonCount = 0;
        WsgiModel m;
        if (chance(0.5))
            m.mpm.push_back(mpmBlock(std::nullopt));
        if (chance(0.5))
            m.mpm.push_back(mpmBlock(MpmKind::Event));
        if (chance(0.2))
            m.mpm.push_back(mpmBlock(MpmKind::Worker));
        const bool restrict = chance(0.5);
        if (chance(0.7))
            m.server.directives.push_back({"WSGIRestrictEmbedded", {restrict ? "On" : "Off"}, {}, {}});
        if (chance(0.3))
            m.server.directives.push_back({"WSGIPythonHome", {"/usr"}, {}, {}});
        if (chance(0.3))
            m.server.directives.push_back(
                {"WSGIPythonPath", {pick({"/srv/lib", "/srv/a:/srv/b", "/srv/my lib"})}, {}, {}});
        if (chance(0.3))
            m.server.directives.push_back(
                {"WSGISwitchInterval", {pick({"0.001", "0.0025", "0.01"})}, {}, {}});
        if (chance(0.2))
            m.server.directives.push_back({"WSGIPerInterpreterGIL", {pick({"On", "Off"})}, {}, {}});
        if (chance(0.15))
            m.server.directives.push_back({"WSGIFreeThreading", {pick({"On", "Off"})}, {}, {}});
        if (chance(0.2))
            m.server.directives.push_back(
                {"WSGIApplicationGroup", {pick({"%{GLOBAL}", "shared", "%{RESOURCE}"})}, {}, {}});

        const int serverDaemons = int(uniform(0, 3));
        for (int i = 0; i < serverDaemons; ++i)
            m.server.daemons.push_back(daemon());
        std::vector<std::string> serverGroups;
        for (const DaemonProcess& d : m.server.daemons)
            serverGroups.push_back(d.name);
        if (!serverGroups.empty() && chance(0.3))
            m.server.directives.push_back({"WSGIProcessGroup", {pick(serverGroups)}, {}, {}});
        fillScope(m.server, serverGroups, serverGroups, restrict, "");

        const int containers = serverGroups.empty() ? 0 : int(uniform(0, 2));
        for (int i = 0; i < containers; ++i)
            m.containers.push_back(container(serverGroups));

        const int hosts = int(uniform(0, 2));
        for (int h = 0; h < hosts; ++h) {
            VirtualHostBlock host;
            host.addresses = {chance(0.5) ? "*:80" : "127.0.0.1:8080"};
            if (chance(0.8))
                host.serverName = "site" + std::to_string(h) + ".example.test";
            const int own = int(uniform(0, 2));
            std::vector<std::string> local;
            for (int i = 0; i < own; ++i) {
                host.scope.daemons.push_back(daemon());
                local.push_back(host.scope.daemons.back().name);
            }
            std::vector<std::string> reachable = serverGroups;
            reachable.insert(reachable.end(), local.begin(), local.end());
            if (!reachable.empty() && chance(0.4))
                host.scope.directives.push_back({"WSGIProcessGroup", {pick(reachable)}, {}, {}});
            if (chance(0.3))
                host.scope.directives.push_back({"WSGIApplicationGroup", {"%{GLOBAL}"}, {}, {}});
            fillScope(host.scope, reachable, reachable, restrict, "/h" + std::to_string(h));
            m.virtualHosts.push_back(std::move(host));
        }
        return m;
    }

private:
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(m_rng) < p; }
    long long uniform(long long lo, long long hi)
    {
        return std::uniform_int_distribution<long long>(lo, hi)(m_rng);
    }
    std::string pick(const std::vector<std::string>& from)
    {
        return from[std::size_t(uniform(0, long(from.size()) - 1))];
    }

    MpmBlock mpmBlock(std::optional<MpmKind> module)
    {
        MpmBlock b;
        b.module = module;
        const std::vector<std::string> names = {
            "StartServers",    "ServerLimit",       "ThreadLimit",
            "ThreadsPerChild", "MaxRequestWorkers", "MaxClients",
            "MinSpareThreads", "MaxSpareThreads",   "MaxConnectionsPerChild"};
        const int n = int(uniform(1, 5));
        for (int i = 0; i < n; ++i) {
            const std::string name = pick(names);
            const long long value = name == "ThreadLimit" || name == "ThreadsPerChild" ? uniform(1, 64)
                                    : name == "ServerLimit" || name == "StartServers"  ? uniform(1, 32)
                                                                                       : uniform(0, 800);
            b.values.push_back({name, std::to_string(value), {}});
        }
        return b;
    }

    DaemonProcess daemon()
    {
        DaemonProcess d;
        d.name = "g" + std::to_string(m_daemonCount++) + pick({"", "_app", "-web", ".api"});
        OptionList& o = d.options;
        if (chance(0.8))
            o.set("processes", std::to_string(uniform(1, 8)));
        if (chance(0.8))
            o.set("threads", std::to_string(uniform(1, 40)));
        if (chance(0.7))
            o.set("display-name", pick({"%{GROUP}", "wsgi app", "it's"}));
        struct Choice
        {
            const char* name;
            std::vector<std::string> values;
        };
        static const std::vector<Choice> kChoices = {
            {"home", {"/tmp", "/srv/my app", "/srv/o'brien"}},
            {"user", {"www-data", "nobody"}},
            {"group", {"www-data", "nogroup"}},
            {"umask", {"022", "0007"}},
            {"lang", {"en_US.UTF-8", "C.UTF-8"}},
            {"locale", {"C.UTF-8"}},
            {"python-home", {"/usr", "/opt/venv"}},
            {"python-path", {"/srv/app", "/srv/a:/srv/b", "/srv/with space"}},
            {"python-eggs", {"/tmp/eggs"}},
            {"switch-interval", {"0.002", "0.0005", "0.02"}},
            {"stack-size", {"524288", "1048576"}},
            {"maximum-requests", {"0", "1000"}},
            {"restart-interval", {"3600"}},
            {"cpu-time-limit", {"600"}},
            {"cpu-priority", {"-5", "10"}},
            {"memory-limit", {"1073741824"}},
            {"virtual-memory-limit", {"4294967296"}},
            {"inactivity-timeout", {"300"}},
            {"request-timeout", {"60"}},
            {"interrupt-timeout", {"5"}},
            {"graceful-timeout", {"15", "30"}},
            {"eviction-timeout", {"10"}},
            {"shutdown-timeout", {"5", "10"}},
            {"deadlock-timeout", {"60"}},
            {"startup-timeout", {"15"}},
            {"connect-timeout", {"15"}},
            {"socket-timeout", {"60"}},
            {"response-socket-timeout", {"30"}},
            {"queue-timeout", {"45"}},
            {"listen-backlog", {"100", "500"}},
            {"socket-user", {"www-data"}},
            {"send-buffer-size", {"0", "65536"}},
            {"receive-buffer-size", {"512"}},
            {"header-buffer-size", {"32768"}},
            {"response-buffer-size", {"65536", "8388608"}},
            {"response-flush-delay", {"5", "20"}},
            {"server-metrics", {"On", "Off"}},
            {"script-user", {"www-data"}},
        };
        const int extra = int(uniform(0, 8));
        for (int i = 0; i < extra; ++i) {
            const Choice& c = kChoices[std::size_t(uniform(0, long(kChoices.size()) - 1))];
            o.set(c.name, pick(c.values));
        }
        if (m_engine && chance(0.5))
            o.set("python", pick({"3.11", "3.13", "3.13t"}));
        return d;
    }

    void fillScope(WsgiScope& scope, const std::vector<std::string>& preloadable,
                   const std::vector<std::string>& reachable, bool restrict, const std::string& prefix)
    {
        const int aliases = int(uniform(0, 3));
        for (int i = 0; i < aliases; ++i) {
            ScriptAlias a;
            a.url = i == 0 ? (prefix.empty() ? "/" : prefix) : prefix + "/app" + std::to_string(i);
            a.script = pick({"/srv/app/wsgi.py", "/srv/my site/app.wsgi", "/srv/x/y.py"});
            if (!reachable.empty() && (restrict || chance(0.8)))
                a.options.set("process-group", pick(reachable));
            else if (!restrict)
                a.options.set("process-group", "%{GLOBAL}");
            if (chance(0.6))
                a.options.set("application-group",
                              pick({"%{GLOBAL}", "app" + std::to_string(i), "%{RESOURCE}"}));
            if (chance(0.2))
                a.options.set("callable-object", "app");
            if (chance(0.2))
                a.options.set("pass-authorization", pick({"On", "Off"}));
            // Both groups named: mod_wsgi preloads, which needs the group defined earlier.
            const std::string* group = a.options.find("process-group");
            const std::string* app = a.options.find("application-group");
            if (group && app && *group != "%{GLOBAL}" &&
                std::find(preloadable.begin(), preloadable.end(), *group) == preloadable.end())
                a.options.remove("application-group");
            if (restrict && !group)
                continue; // would be an embedded-mode mount under WSGIRestrictEmbedded On
            scope.aliases.push_back(std::move(a));
        }
        if (!preloadable.empty() && chance(0.3)) {
            ImportScript s;
            s.script = "/srv/app/preload.py";
            s.options.set("process-group", pick(preloadable));
            s.options.set("application-group", pick({"%{GLOBAL}", "preload"}));
            scope.imports.push_back(std::move(s));
        }
    }

    InterpreterOptionsBlock container(const std::vector<std::string>& groups)
    {
        InterpreterOptionsBlock c;
        if (chance(0.8))
            c.processGroup = pick(groups);
        if (chance(0.5))
            c.applicationGroup = pick({"%{GLOBAL}", "app1", "cpu_app"});
        const int n = int(uniform(0, 3));
        for (int i = 0; i < n; ++i) {
            const int which = int(uniform(0, 4));
            if (which == 0)
                c.directives.push_back({"WSGIPerInterpreterGIL", {pick({"On", "Off"})}, {}, {}});
            else if (which == 1)
                c.directives.push_back({"WSGISwitchInterval", {pick({"0.001", "0.004"})}, {}, {}});
            else if (which == 2)
                c.directives.push_back({"WSGIPythonPath", {pick({"/srv/extra", "/srv/x:/srv/y"})}, {}, {}});
            else if (which == 3)
                c.directives.push_back({"WSGIFreeThreading", {pick({"On", "Off"})}, {}, {}});
            else
                c.directives.push_back({"WSGIRestrictStdout", {"Off"}, {}, {}});
        }
        return c;
    }

    std::mt19937 m_rng;
    bool m_engine = false;
    int m_daemonCount = 0;
};

} // namespace wsgi::config::test
