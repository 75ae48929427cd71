#include "configbuilder.h"

#include "apachesyntax.h"
#include "daemonoptions.h"
#include "directivetable.h"
#include "directivevalues.h"
#include "scriptalias.h"
#include "timeoutdirectives.h"

#include <filesystem>
#include <map>

namespace wsgi::config {

namespace {

namespace fs = std::filesystem;

struct Context
{
    int virtualHost = -1; // index into BuildFacts::virtualHosts
    int container = -1;   // index into EngineConfig::containers
};

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

fs::path configDirectory(const std::string& fileName)
{
    std::error_code ec;
    if (fileName.empty())
        return fs::current_path(ec);
    const fs::path absolute = fs::absolute(fs::path(fileName), ec);
    return ec ? fs::path(fileName).parent_path() : absolute.parent_path();
}

class Builder
{
public:
    Builder(const DirectiveTree& tree, EngineConfig& config, BuildFacts& facts, FindingSink& sink)
        : m_tree(tree), m_config(config), m_facts(facts), m_sink(sink),
          m_baseDirectory(configDirectory(tree.fileName))
    {
    }

    void run() { walk(m_tree.nodes, Context{}); }

private:
    void walk(const std::vector<ConfigNode>& nodes, const Context& ctx)
    {
        for (const ConfigNode& node : nodes) {
            if (node.isSection())
                section(node, ctx);
            else if (node.isDirective())
                directive(node, ctx);
        }
    }

    // ---- sections -------------------------------------------------------------------------------

    void section(const ConfigNode& node, const Context& ctx)
    {
        const int line = node.where.line;
        const SectionRole role = findSection(node.name);
        if (ctx.container >= 0) {
            m_sink.error(codes::Context, line,
                         "<" + node.name + "> is not allowed inside <WSGIInterpreterOptions>",
                         "close the <WSGIInterpreterOptions> from line " +
                             std::to_string(m_config.containers[ctx.container].where.line) + " first");
            return;
        }
        switch (role) {
        case SectionRole::VirtualHost: {
            if (ctx.virtualHost >= 0) {
                m_sink.error(codes::Context, line, "<VirtualHost> cannot occur within <VirtualHost> section",
                             "close the <VirtualHost> from line " +
                                 std::to_string(m_facts.virtualHosts[ctx.virtualHost].where.line) + " first");
                return;
            }
            if (node.args.empty())
                m_sink.error(codes::Arguments, line, "<VirtualHost> needs at least one address",
                             "write <VirtualHost *:80>");
            m_facts.virtualHosts.push_back({m_sink.at(line), std::nullopt, std::nullopt, std::nullopt});
            Context inner = ctx;
            inner.virtualHost = static_cast<int>(m_facts.virtualHosts.size()) - 1;
            walk(node.children, inner);
            return;
        }
        case SectionRole::IfModule: {
            if (node.args.size() != 1) {
                m_sink.error(codes::Arguments, line, "<IfModule> takes one argument, a module name or file",
                             "write <IfModule wsgi_module>");
                return;
            }
            const std::string module = toLower(node.args.front());
            if (module == "!wsgi_module" || module == "!mod_wsgi.c") {
                m_sink.note(codes::IgnoredSection, line,
                            "<IfModule " + node.args.front() +
                                "> is skipped: the engine behaves as if mod_wsgi is loaded");
                return;
            }
            walk(node.children, ctx); // entered transparently: the engine has every module it needs
            return;
        }
        case SectionRole::InterpreterOptions:
            interpreterOptions(node, ctx);
            return;
        case SectionRole::PathScope:
            m_sink.note(codes::IgnoredSection, line,
                        "<" + node.name + (node.rawArgs.empty() ? "" : " " + node.rawArgs) +
                            "> is ignored by the engine: its access rules do not apply to WSGI mounts there");
            pathScopeContents(node.children, node.name);
            return;
        case SectionRole::Unsupported:
            m_sink.error(codes::UnsupportedDirective, line,
                         "section <" + node.name + "> is not implemented by the engine",
                         "remove it (and its contents) to run this configuration in the engine");
            return;
        }
    }

    // Inside <Directory>/<Location>/<Files> only WSGI directives matter: they would scope a mount's
    // settings by path, which the engine does not do, so they must not be dropped silently.
    void pathScopeContents(const std::vector<ConfigNode>& nodes, const std::string& scope)
    {
        for (const ConfigNode& node : nodes) {
            if (node.isSection()) {
                pathScopeContents(node.children, scope);
                continue;
            }
            if (!node.isDirective())
                continue;
            const DirectiveSpec* spec = findDirective(node.name);
            const int line = node.where.line;
            if (spec && (spec->role == DirectiveRole::ProcessGroup ||
                         spec->role == DirectiveRole::ApplicationGroup)) {
                const std::string option =
                    spec->role == DirectiveRole::ProcessGroup ? "process-group=" : "application-group=";
                m_sink.error(codes::UnsupportedDirective, line,
                             "directive '" + node.name + "' inside <" + scope +
                                 "> is not implemented by the engine",
                             "give " + option + (node.args.empty() ? "NAME" : node.args.front()) +
                                 " on the WSGIScriptAlias instead");
            } else if (spec && spec->role != DirectiveRole::IgnoredCore &&
                       spec->role != DirectiveRole::UnsupportedWsgi &&
                       spec->role != DirectiveRole::Unsupported) {
                m_sink.error(codes::Context, line,
                             "directive '" + node.name + "' is not allowed inside <" + scope + ">",
                             "move it outside the <" + scope + "> section");
            } else if (spec ? spec->role == DirectiveRole::UnsupportedWsgi
                            : startsWith(toLower(node.name), "wsgi")) {
                unsupported(node, spec);
            }
        }
    }

    void interpreterOptions(const ConfigNode& node, const Context& ctx)
    {
        const int line = node.where.line;
        if (ctx.virtualHost >= 0) {
            m_sink.error(codes::Context, line,
                         "<WSGIInterpreterOptions> cannot occur within <VirtualHost> section",
                         "move it to the top level (server config only)");
            return;
        }
        InterpreterOptions options;
        options.where = m_sink.at(line);
        for (const std::string& word : node.args)
            parseInterpreterSelector(word, line, options, m_sink);
        m_config.containers.push_back(std::move(options));
        Context inner = ctx;
        inner.container = static_cast<int>(m_config.containers.size()) - 1;
        walk(node.children, inner);
    }

    // ---- directives -----------------------------------------------------------------------------

    void directive(const ConfigNode& node, const Context& ctx)
    {
        const int line = node.where.line;
        const DirectiveSpec* spec = findDirective(node.name);
        if (ctx.container >= 0 && (!spec || !allowedInInterpreterOptions(spec->role))) {
            m_sink.error(codes::Context, line,
                         "directive '" + node.name +
                             "' is not allowed inside <WSGIInterpreterOptions>: only "
                             "WSGIPerInterpreterGIL, WSGIFreeThreading, WSGISwitchInterval, WSGIPythonPath, "
                             "WSGIRestrictStdin, WSGIRestrictStdout and WSGIRestrictSignal are",
                         "move it outside the container");
            return;
        }
        if (!spec) {
            unsupported(node, nullptr);
            return;
        }
        if (ctx.virtualHost >= 0 && spec->serverConfigOnly) {
            m_sink.error(codes::Context, line,
                         "directive '" + node.name +
                             "' cannot occur within <VirtualHost> section (server config only)",
                         "move it to the top level, outside the <VirtualHost> from line " +
                             std::to_string(m_facts.virtualHosts[ctx.virtualHost].where.line));
            return;
        }
        switch (spec->role) {
        case DirectiveRole::Listen:
            listen(node);
            break;
        case DirectiveRole::ServerName:
            serverName(node, ctx);
            break;
        case DirectiveRole::DaemonProcess:
            daemonProcess(node, ctx);
            break;
        case DirectiveRole::ScriptAlias:
            scriptAlias(node, ctx);
            break;
        case DirectiveRole::ProcessGroup:
            processGroup(node, ctx);
            break;
        case DirectiveRole::ApplicationGroup:
            applicationGroup(node, ctx);
            break;
        case DirectiveRole::PerInterpreterGil:
            perInterpreterGil(node, ctx);
            break;
        case DirectiveRole::FreeThreading:
            freeThreading(node, ctx);
            break;
        case DirectiveRole::SwitchInterval:
            switchInterval(node, ctx);
            break;
        case DirectiveRole::PythonPath:
            pythonPath(node, ctx);
            break;
        case DirectiveRole::PythonHome:
            if (takeOne(node, "the virtualenv directory")) {
                repeated(node, ctx, "WSGIPythonHome");
                m_config.pythonHome = node.args.front();
            }
            break;
        case DirectiveRole::RestrictEmbedded:
            if (auto on = onOff(node)) {
                repeated(node, ctx, "WSGIRestrictEmbedded");
                m_config.restrictEmbedded = *on;
            }
            break;
        case DirectiveRole::Timeout:
        case DirectiveRole::KeepAliveTimeout:
        case DirectiveRole::RequestReadTimeout:
            timeouts(node, ctx, spec->role);
            break;
        case DirectiveRole::RestrictNoOp:
            if (onOff(node))
                m_sink.note(codes::IgnoredDirective, line,
                            "directive '" + node.name + "' is accepted but has no effect in the engine");
            break;
        case DirectiveRole::IgnoredCore:
        case DirectiveRole::IgnoredWsgi:
            m_sink.note(codes::IgnoredDirective, line,
                        "directive '" + node.name + "' is ignored by the engine" +
                            (spec->detail.empty() ? std::string() : ": " + std::string(spec->detail)));
            break;
        case DirectiveRole::UnsupportedWsgi:
        case DirectiveRole::Unsupported:
            unsupported(node, spec);
            break;
        }
    }

    void unsupported(const ConfigNode& node, const DirectiveSpec* spec)
    {
        std::string hint;
        if (spec && !spec->detail.empty())
            hint = std::string(spec->detail);
        else if (!spec) {
            const std::string close = closestMatch(node.name, knownDirectiveNames());
            if (!close.empty())
                hint = "did you mean '" + close + "'?";
        }
        if (hint.empty())
            hint = "remove it to run this configuration in the engine";
        m_sink.error(codes::UnsupportedDirective, node.where.line,
                     "directive '" + node.name + "' is not implemented by the engine", hint);
    }

    bool takeOne(const ConfigNode& node, const std::string& what)
    {
        if (node.args.size() == 1)
            return true;
        m_sink.error(codes::Arguments, node.where.line,
                     node.name + " takes one argument, " + what + " (got " +
                         std::to_string(node.args.size()) + ")",
                     "quote a value that contains spaces");
        return false;
    }

    std::optional<bool> onOff(const ConfigNode& node)
    {
        if (!takeOne(node, "On or Off"))
            return std::nullopt;
        const std::optional<bool> value = parseOnOff(node.args.front());
        if (!value)
            m_sink.error(codes::BadValue, node.where.line,
                         node.name + " must be one of: Off | On (got '" + node.args.front() + "')",
                         "write " + node.name + " On or " + node.name + " Off");
        return value;
    }

    // Apache keeps the last of a repeated single-valued directive; a repeat is usually an editing slip.
    void repeated(const ConfigNode& node, const Context& ctx, const std::string& canonical)
    {
        const std::string scope = ctx.container >= 0     ? "c" + std::to_string(ctx.container)
                                  : ctx.virtualHost >= 0 ? "v" + std::to_string(ctx.virtualHost)
                                                         : "top";
        auto [it, inserted] = m_seen.emplace(scope + "/" + canonical, node.where.line);
        if (!inserted) {
            m_sink.warning(codes::Repeated, node.where.line,
                           canonical + " is given twice in the same scope (lines " +
                               std::to_string(it->second) + " and " + std::to_string(node.where.line) +
                               "); the last one wins",
                           "remove one of them");
            it->second = node.where.line;
        }
    }

    void listen(const ConfigNode& node);
    void serverName(const ConfigNode& node, const Context& ctx);
    void daemonProcess(const ConfigNode& node, const Context& ctx);
    void scriptAlias(const ConfigNode& node, const Context& ctx);
    void processGroup(const ConfigNode& node, const Context& ctx);
    void applicationGroup(const ConfigNode& node, const Context& ctx);
    void perInterpreterGil(const ConfigNode& node, const Context& ctx);
    void freeThreading(const ConfigNode& node, const Context& ctx);
    void switchInterval(const ConfigNode& node, const Context& ctx);
    void pythonPath(const ConfigNode& node, const Context& ctx);
    void timeouts(const ConfigNode& node, const Context& ctx, DirectiveRole role);
    void virtualHostTimeout(const ConfigNode& node, const Context& ctx, bool invalid);

    const DirectiveTree& m_tree;
    EngineConfig& m_config;
    BuildFacts& m_facts;
    FindingSink& m_sink;
    fs::path m_baseDirectory;
    std::map<std::string, int> m_seen;
};

// ---- directive handlers ---------------------------------------------------------------------------

void Builder::listen(const ConfigNode& node)
{
    const int line = node.where.line;
    if (node.args.empty() || node.args.size() > 2) {
        m_sink.error(codes::Arguments, line, "Listen takes [host:]port and an optional protocol",
                     "write Listen 127.0.0.1:8080");
        return;
    }
    ListenParse parsed = parseListenArgument(node.args.front());
    if (!parsed.address) {
        m_sink.error(codes::BadValue, line, parsed.error, parsed.suggestion);
        return;
    }
    if (node.args.size() == 2) {
        const std::string protocol = toLower(node.args[1]);
        if (protocol == "https") {
            m_sink.error(
                codes::UnsupportedValue, line,
                "Listen protocol 'https' is not implemented by the engine: it does not terminate TLS",
                "listen with http and put a TLS proxy in front if needed");
            return;
        }
        if (protocol != "http") {
            m_sink.error(codes::BadValue, line, "unknown Listen protocol '" + node.args[1] + "'", "use http");
            return;
        }
    }
    ListenAddress address = *parsed.address;
    address.where = m_sink.at(line);
    if (address.port == 0)
        m_sink.note(codes::EphemeralPort, line,
                    "Listen port 0: the engine picks a free port (Apache would refuse this)");
    for (const ListenAddress& other : m_config.listen) {
        if (address.port != 0 && other.port == address.port && other.host == address.host) {
            m_sink.error(codes::DuplicateListen, line,
                         "Cannot define multiple Listeners on the same IP:port: " + node.args.front() +
                             " is already on line " + std::to_string(other.where.line),
                         "remove one of the two Listen lines");
            return;
        }
    }
    m_config.listen.push_back(address);
}

void Builder::serverName(const ConfigNode& node, const Context& ctx)
{
    if (!takeOne(node, "the host name"))
        return;
    const std::string host = serverNameHost(node.args.front());
    if (host.empty()) {
        m_sink.error(codes::BadValue, node.where.line,
                     "ServerName '" + node.args.front() + "' has no host name",
                     "write ServerName app.example.com");
        return;
    }
    repeated(node, ctx, "ServerName");
    if (ctx.virtualHost >= 0) {
        m_facts.virtualHosts[ctx.virtualHost].serverName = host;
    } else {
        m_config.serverName = host;
        m_facts.topLevelServerName = true;
    }
}

void Builder::daemonProcess(const ConfigNode& node, const Context& ctx)
{
    DaemonGroup group = parseDaemonProcess(node, m_sink);
    if (group.name.empty())
        return;
    if (const DaemonGroup* previous = m_config.findGroup(group.name)) {
        m_sink.error(codes::DuplicateGroup, node.where.line,
                     "daemon group '" + group.name + "' is defined twice, on line " +
                         std::to_string(previous->where.line) + " and on line " +
                         std::to_string(node.where.line) +
                         " (mod_wsgi: \"Name duplicates previous WSGI daemon definition.\")",
                     "give each WSGIDaemonProcess a unique name");
        return;
    }
    m_config.groups.push_back(std::move(group));
    m_facts.groupVirtualHost.push_back(ctx.virtualHost);
}

void Builder::scriptAlias(const ConfigNode& node, const Context& ctx)
{
    std::optional<Mount> mount = parseScriptAlias(node, m_baseDirectory, m_sink);
    if (!mount)
        return;
    m_config.mounts.push_back(std::move(*mount));
    m_facts.mountVirtualHost.push_back(ctx.virtualHost);
}

void Builder::processGroup(const ConfigNode& node, const Context& ctx)
{
    if (!takeOne(node, "a daemon group name or %{GLOBAL}"))
        return;
    const std::string& value = node.args.front();
    if (!checkGroupValue(value, node.where.line, "WSGIProcessGroup", false, m_sink))
        return;
    repeated(node, ctx, "WSGIProcessGroup");
    if (ctx.virtualHost >= 0)
        m_facts.virtualHosts[ctx.virtualHost].processGroup = value;
    else
        m_config.processGroup = value == "%{GLOBAL}" ? std::string() : value;
}

void Builder::applicationGroup(const ConfigNode& node, const Context& ctx)
{
    if (!takeOne(node, "an application group name, %{GLOBAL}, %{SERVER} or %{RESOURCE}"))
        return;
    const std::string& value = node.args.front();
    if (!checkGroupValue(value, node.where.line, "WSGIApplicationGroup", true, m_sink))
        return;
    repeated(node, ctx, "WSGIApplicationGroup");
    if (ctx.virtualHost >= 0)
        m_facts.virtualHosts[ctx.virtualHost].applicationGroup = value;
    else
        m_config.applicationGroup = value;
}

void Builder::perInterpreterGil(const ConfigNode& node, const Context& ctx)
{
    const std::optional<bool> on = onOff(node);
    if (!on)
        return;
    repeated(node, ctx, "WSGIPerInterpreterGIL");
    if (ctx.container >= 0) {
        m_config.containers[ctx.container].perInterpreterGil = *on;
        m_config.containers[ctx.container].perInterpreterGilWhere = m_sink.at(node.where.line);
    } else {
        m_config.perInterpreterGil = *on;
        m_config.perInterpreterGilWhere = m_sink.at(node.where.line);
    }
}

void Builder::freeThreading(const ConfigNode& node, const Context& ctx)
{
    const std::optional<bool> on = onOff(node);
    if (!on)
        return;
    repeated(node, ctx, "WSGIFreeThreading");
    if (ctx.container < 0) {
        m_config.freeThreading = *on;
        m_config.freeThreadingWhere = m_sink.at(node.where.line);
        return;
    }
    InterpreterOptions& container = m_config.containers[ctx.container];
    if (container.applicationGroup)
        m_sink.warning(
            "WSGI0201", node.where.line,
            "WSGIFreeThreading inside <WSGIInterpreterOptions> with application-group= (line " +
                std::to_string(container.where.line) +
                ") is ignored: free-threading is chosen per process, before any interpreter exists",
            "select the container with process-group= only, or put WSGIFreeThreading at the top level");
    container.freeThreading = *on;
    container.freeThreadingWhere = m_sink.at(node.where.line);
}

void Builder::switchInterval(const ConfigNode& node, const Context& ctx)
{
    if (!takeOne(node, "a number of seconds"))
        return;
    const std::optional<double> seconds = parseStrictDouble(node.args.front());
    if (!seconds || *seconds <= 0) {
        m_sink.error(codes::BadValue, node.where.line,
                     "WSGISwitchInterval must be a positive number of seconds (got '" + node.args.front() +
                         "')",
                     "write WSGISwitchInterval 0.005 (Python's default)");
        return;
    }
    repeated(node, ctx, "WSGISwitchInterval");
    if (ctx.container >= 0) {
        m_config.containers[ctx.container].switchInterval = seconds;
        m_config.containers[ctx.container].switchIntervalWhere = m_sink.at(node.where.line);
    } else {
        m_config.switchInterval = seconds;
        m_config.switchIntervalWhere = m_sink.at(node.where.line);
    }
}

void Builder::pythonPath(const ConfigNode& node, const Context& ctx)
{
    if (!takeOne(node, "directories separated by ':'"))
        return;
    repeated(node, ctx, "WSGIPythonPath");
    std::vector<std::string> path = splitPythonPath(node.args.front());
    if (ctx.container >= 0) {
        m_config.containers[ctx.container].pythonPath = std::move(path);
        m_config.containers[ctx.container].pythonPathWhere = m_sink.at(node.where.line);
        return;
    }
    m_config.pythonPath = std::move(path);
    // modwsgi.md 2.4: the base layer of a daemon process is its python-path=, not this directive.
    m_sink.warning(
        codes::EmbeddedOnly, node.where.line,
        "WSGIPythonPath at the top level applies to embedded mode only, which the engine does not run; "
        "daemon processes start from their python-path= option",
        "use python-path= on WSGIDaemonProcess, or WSGIPythonPath inside <WSGIInterpreterOptions>");
}

void Builder::timeouts(const ConfigNode& node, const Context& ctx, DirectiveRole role)
{
    EngineConfig& c = m_config;
    const SourceLocation at = m_sink.at(node.where.line);
    if (role == DirectiveRole::Timeout) {
        const std::optional<int> seconds = parseTimeoutDirective(node, m_sink);
        if (!seconds || ctx.virtualHost >= 0)
            return virtualHostTimeout(node, ctx, !seconds);
        repeated(node, ctx, "Timeout");
        c.timeoutSeconds = *seconds;
        c.timeoutWhere = at;
    } else if (role == DirectiveRole::KeepAliveTimeout) {
        const std::optional<int> ms = parseKeepAliveTimeoutDirective(node, m_sink);
        if (!ms || ctx.virtualHost >= 0)
            return virtualHostTimeout(node, ctx, !ms);
        repeated(node, ctx, "KeepAliveTimeout");
        c.keepAliveTimeoutMilliseconds = *ms;
        c.keepAliveTimeoutSeconds = (*ms + 999) / 1000;
        c.keepAliveTimeoutWhere = at;
    } else {
        const std::optional<RequestReadTimeoutSettings> settings =
            parseRequestReadTimeoutDirective(node, c.requestReadTimeout, m_sink);
        if (!settings || ctx.virtualHost >= 0)
            return virtualHostTimeout(node, ctx, !settings);
        c.requestReadTimeout = *settings; // cumulative, as in mod_reqtimeout: no "given twice" warning
        c.requestReadTimeoutWhere = at;
    }
}

// Apache allows these per virtual host; the engine serves every mount from one server.
void Builder::virtualHostTimeout(const ConfigNode& node, const Context& ctx, bool invalid)
{
    if (invalid || ctx.virtualHost < 0)
        return;
    m_sink.warning(codes::IgnoredDirective, node.where.line,
                   node.name +
                       " inside <VirtualHost> is ignored by the engine, which has one set of timeouts "
                       "for all virtual hosts",
                   "move it to the top level to have the engine apply it");
}

} // namespace

void buildEngineConfig(const DirectiveTree& tree, EngineConfig& config, BuildFacts& facts, FindingSink& sink)
{
    Builder(tree, config, facts, sink).run();
}

} // namespace wsgi::config
