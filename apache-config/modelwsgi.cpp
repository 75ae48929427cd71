// The WSGI directives of an imported file: each becomes a model item (kept as written) and, where it
// matters for the rule checks, an EngineConfig setting. Messages quote what mod_wsgi / apache2 -t says.

#include "apachesyntax.h"
#include "daemonoptions.h"
#include "directivevalues.h"
#include "modelbuilder.h"
#include "modelchecks.h"
#include "modwsgifeatures.h"
#include "scriptalias.h"
#include "timeoutdirectives.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wsgi::config {

namespace {

bool isFlagDirective(std::string_view name)
{
    for (std::string_view s :
         {"WSGIRestrictEmbedded", "WSGIRestrictStdin", "WSGIRestrictStdout", "WSGIRestrictSignal",
          "WSGIPerInterpreterGIL", "WSGIFreeThreading", "WSGIScriptReloading", "WSGIPassAuthorization",
          "WSGIChunkedRequest", "WSGIMapHEADToGET", "WSGIErrorOverride", "WSGIEnableSendfile",
          "WSGIDontWriteBytecode", "WSGICaseSensitivity", "WSGIServerMetrics", "WSGILazyInitialization",
          "WSGIPassApacheRequest", "WSGIDestroyInterpreter"})
        if (equalsIgnoreCase(name, s))
            return true;
    return false;
}

// The name=value words after `skipWords` plain words, in order, as mod_wsgi reads them.
OptionList optionsAfter(const std::string& raw, std::size_t skipWords, std::vector<std::string>& words)
{
    std::size_t pos = 0;
    for (std::size_t i = 0; i < skipWords; ++i)
        words.push_back(getWordConf(raw, pos));
    OptionList options;
    OptionWord option;
    while (true) {
        const OptionParse r = parseOption(raw, pos, option);
        if (r == OptionParse::End)
            break;
        if (r == OptionParse::Ok)
            options.set(option.name, option.value);
    }
    return options;
}

} // namespace

void ModelBuilder::wsgiDirective(int file, const ConfigNode& node, const Context& ctx)
{
    if (equalsIgnoreCase(node.name, "WSGIDaemonProcess")) {
        daemonProcess(file, node, ctx);
        return;
    }
    if (equalsIgnoreCase(node.name, "WSGIScriptAlias") ||
        equalsIgnoreCase(node.name, "WSGIScriptAliasMatch")) {
        scriptAlias(file, node, ctx);
        return;
    }
    if (equalsIgnoreCase(node.name, "WSGIImportScript")) {
        importScript(file, node, ctx);
        return;
    }
    FindingSink s = sink(file);
    const bool variable = hasConfigVariable(node.rawArgs); // not known here: a Note said so
    if (!variable && isFlagDirective(node.name) &&
        (node.args.size() != 1 || !parseOnOff(node.args.front()))) {
        s.error(codes::BadValue, node.where.line, node.name + " must be On or Off",
                "write " + node.name + " On or " + node.name + " Off");
        return;
    }
    WsgiDirective directive{node.name, written(node).args, origin(file, node), {}};
    if (ctx.container >= 0)
        m_out.model.containers[std::size_t(ctx.container)].directives.push_back(std::move(directive));
    else
        scope(ctx).directives.push_back(std::move(directive));
    if (!variable)
        engineSetting(file, node, ctx);
}

void ModelBuilder::daemonProcess(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    DaemonGroup group = parseDaemonProcess(node, s, m_options.dialect);
    if (group.name.empty())
        return;
    if (const DaemonGroup* previous = m_out.engine.findGroup(group.name)) {
        s.error(codes::DuplicateGroup, node.where.line,
                "daemon group '" + group.name + "' is already defined at " + previous->where.file + ":" +
                    std::to_string(previous->where.line) +
                    " (mod_wsgi: \"Name duplicates previous WSGI daemon definition.\")",
                "give each WSGIDaemonProcess a unique name");
        return;
    }
    DaemonProcess daemon;
    std::vector<std::string> words;
    daemon.options = optionsAfter(written(node).rawArgs, 1, words);
    daemon.name = words.front().empty() ? group.name : words.front();
    daemon.origin = origin(file, node);
    scope(ctx).daemons.push_back(std::move(daemon));
    m_out.engine.groups.push_back(std::move(group));
    m_facts.groupVirtualHost.push_back(ctx.vhost);
}

void ModelBuilder::scriptAlias(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    ScriptAlias alias;
    std::vector<std::string> words;
    alias.options = optionsAfter(written(node).rawArgs, 2, words);
    alias.directive = node.name;
    alias.url = words[0];
    alias.script = words[1];
    alias.origin = origin(file, node);
    if (equalsIgnoreCase(node.name, "WSGIScriptAliasMatch")) {
        // A regular expression: the engine's prefix rules do not apply, but the arguments still must.
        if (alias.url.empty() || alias.script.empty()) {
            s.error(
                codes::Arguments, node.where.line,
                "WSGIScriptAliasMatch requires at least two arguments: a regular expression and a script");
            return;
        }
        scope(ctx).aliases.push_back(std::move(alias));
        return;
    }
    const std::filesystem::path base =
        std::filesystem::path(m_out.files[std::size_t(file)].path).parent_path();
    // What Apache accepts decides what is in the model; the engine's narrower rules are validate's
    // business (its --target engine runs the engine's own parser).
    const Dialect rules = m_options.dialect == Dialect::Engine ? Dialect::ModWsgi6 : m_options.dialect;
    std::optional<Mount> mount = parseScriptAlias(node, base, s, rules);
    if (!mount)
        return; // an alias with errors stays as written, outside the model
    scope(ctx).aliases.push_back(std::move(alias));
    if (hasConfigVariable(node.rawArgs))
        return; // its URL, script or groups are only known to httpd: the whole-file checks skip it
    m_out.engine.mounts.push_back(std::move(*mount));
    m_facts.mountVirtualHost.push_back(ctx.vhost);
}

void ModelBuilder::importScript(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    const int line = node.where.line;
    ImportScript import;
    std::vector<std::string> words;
    import.options = optionsAfter(node.rawArgs, 1, words);
    import.script = words[0];
    import.origin = origin(file, node);
    ImportScript asWritten = import; // what the model keeps: ${...} as written
    words.clear();
    asWritten.options = optionsAfter(written(node).rawArgs, 1, words);
    asWritten.script = words[0];
    if (import.script.empty()) {
        s.error(codes::Arguments, line, "WSGIImportScript needs a script file",
                "write WSGIImportScript /path/script.py process-group=NAME application-group=NAME");
        return;
    }
    for (const NameValue& option : import.options.items)
        if (option.name != "process-group" && option.name != "application-group") {
            s.error(
                codes::ImportScript, line,
                "invalid option '" + option.name +
                    "' to WSGIImportScript (mod_wsgi: \"Invalid option to WSGI import script definition.\")",
                "only process-group= and application-group= are allowed");
            return;
        }
    const std::string* group = import.options.find("process-group");
    const std::string* app = import.options.find("application-group");
    if (!group || !app) {
        s.error(codes::ImportScript, line,
                std::string(
                    "WSGIImportScript needs both process-group= and application-group= (mod_wsgi: \"Name of "
                    "WSGI ") +
                    (!app ? "application" : "process") + " group required.\")",
                "add process-group=NAME application-group=%{GLOBAL}");
        return;
    }
    if (*group != "%{GLOBAL}" && group->find("%{") == std::string::npos && !hasConfigVariable(*group)) {
        const DaemonGroup* daemon = m_out.engine.findGroup(*group);
        if (!daemon) {
            s.error(
                codes::GroupOrder, line,
                "WSGIImportScript names daemon group '" + *group +
                    "', which is not defined above it (mod_wsgi: \"WSGI process group not yet configured.\")",
                "define the WSGIDaemonProcess before this line");
            return;
        }
        // Same rule as for mounts: a group inside a <VirtualHost> is reachable only under its ServerName.
        const auto index = std::size_t(daemon - m_out.engine.groups.data());
        const int groupHost = m_facts.groupVirtualHost[index];
        if (groupHost >= 0 && groupHost != ctx.vhost) {
            const auto& name = m_facts.virtualHosts[std::size_t(groupHost)].serverName;
            const std::optional<std::string> here =
                ctx.vhost >= 0
                    ? m_facts.virtualHosts[std::size_t(ctx.vhost)].serverName
                    : (m_facts.topLevelServerName ? std::optional(m_out.engine.serverName) : std::nullopt);
            if (!name || !here || *name != *here)
                s.error(codes::GroupAccess, line,
                        "WSGIImportScript names daemon group '" + *group +
                            "', defined inside another <VirtualHost> with a different ServerName (mod_wsgi: "
                            "\"WSGI "
                            "process group not " +
                            std::string(name && here ? "accessible" : "matchable") + ".\")",
                        "define the group at the top level, or import from a virtual host with the same "
                        "ServerName");
        }
    }
    scope(ctx).imports.push_back(std::move(asWritten));
}

void ModelBuilder::engineSetting(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    const SourceLocation at = s.at(node.where.line);
    EngineConfig& e = m_out.engine;
    InterpreterOptions* container = ctx.container >= 0 ? &e.containers[std::size_t(ctx.container)] : nullptr;
    const std::string value = node.args.size() == 1 ? node.args.front() : std::string();
    if (equalsIgnoreCase(node.name, "WSGIProcessGroup") && node.args.size() == 1) {
        if (ctx.vhost >= 0)
            m_facts.virtualHosts[std::size_t(ctx.vhost)].processGroup = value;
        else
            e.processGroup = value == "%{GLOBAL}" ? std::string() : value;
    } else if (equalsIgnoreCase(node.name, "WSGIApplicationGroup") && node.args.size() == 1) {
        if (ctx.vhost >= 0)
            m_facts.virtualHosts[std::size_t(ctx.vhost)].applicationGroup = value;
        else
            e.applicationGroup = value;
    } else if (equalsIgnoreCase(node.name, "WSGIRestrictEmbedded")) {
        e.restrictEmbedded = parseOnOff(value).value_or(false);
    } else if (equalsIgnoreCase(node.name, "WSGIPythonHome") && node.args.size() == 1) {
        e.pythonHome = value;
    } else if (equalsIgnoreCase(node.name, "WSGIPythonPath") && node.args.size() == 1) {
        (container ? container->pythonPath : e.pythonPath) = splitPythonPath(value);
        if (container)
            container->pythonPathWhere = at;
    } else if (equalsIgnoreCase(node.name, "WSGIPerInterpreterGIL")) {
        (container ? container->perInterpreterGil : e.perInterpreterGil) = parseOnOff(value);
        (container ? container->perInterpreterGilWhere : e.perInterpreterGilWhere) = at;
    } else if (equalsIgnoreCase(node.name, "WSGIFreeThreading")) {
        if (container && container->applicationGroup)
            s.warning(
                "WSGI0201", node.where.line,
                "WSGIFreeThreading inside <WSGIInterpreterOptions> with application-group= is ignored: "
                "free-threading is chosen per process, before any interpreter exists",
                "select the container with process-group= only, or put WSGIFreeThreading at the top level");
        (container ? container->freeThreading : e.freeThreading) = parseOnOff(value);
        (container ? container->freeThreadingWhere : e.freeThreadingWhere) = at;
    } else if (equalsIgnoreCase(node.name, "WSGISwitchInterval")) {
        const std::optional<double> seconds = parseStrictDouble(value);
        if (!seconds || *seconds <= 0) {
            s.error(codes::BadValue, node.where.line,
                    "WSGISwitchInterval must be a positive number of seconds (got '" + value + "')",
                    "write WSGISwitchInterval 0.005 (Python's default)");
            return;
        }
        (container ? container->switchInterval : e.switchInterval) = seconds;
        (container ? container->switchIntervalWhere : e.switchIntervalWhere) = at;
    }
}

// Timeout, KeepAliveTimeout and RequestReadTimeout: model directives of their server scope (so that a
// snippet export keeps them; both mod_wsgi targets accept them, they are Apache's), and the main
// server's values are the EngineConfig's.
void ModelBuilder::coreTimeout(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    if (!ctx.pathScope.empty()) {
        s.error(codes::Context, node.where.line,
                node.name + " cannot occur within <" + ctx.pathScope + "> section",
                "move it to the server or <VirtualHost> level");
        return;
    }
    WsgiDirective directive{node.name, written(node).args, origin(file, node), {}};
    if (hasConfigVariable(node.rawArgs)) {
        scope(ctx).directives.push_back(std::move(directive)); // only httpd knows the value: a Note said so
        return;
    }
    EngineConfig& e = m_out.engine;
    const SourceLocation at = s.at(node.where.line);
    const bool main = ctx.vhost < 0;
    if (equalsIgnoreCase(node.name, "Timeout")) {
        const std::optional<int> seconds = parseTimeoutDirective(node, s);
        if (!seconds)
            return;
        if (main) {
            e.timeoutSeconds = *seconds;
            e.timeoutWhere = at;
        }
    } else if (equalsIgnoreCase(node.name, "KeepAliveTimeout")) {
        const std::optional<int> ms = parseKeepAliveTimeoutDirective(node, s);
        if (!ms)
            return;
        if (main) {
            e.keepAliveTimeoutMilliseconds = *ms;
            e.keepAliveTimeoutSeconds = (*ms + 999) / 1000;
            e.keepAliveTimeoutWhere = at;
        }
    } else {
        const std::optional<RequestReadTimeoutSettings> settings =
            parseRequestReadTimeoutDirective(node, e.requestReadTimeout, s);
        if (!settings)
            return;
        if (main) {
            e.requestReadTimeout = *settings;
            e.requestReadTimeoutWhere = at;
        }
    }
    scope(ctx).directives.push_back(std::move(directive));
}

std::vector<std::string> ImportedConfig::fileNames() const
{
    std::vector<std::string> names;
    for (const SourceFile& f : files)
        names.push_back(f.path);
    return names;
}

const IncludeLink* ImportedConfig::includeAt(int file, std::size_t offset) const
{
    for (const IncludeLink& link : includes)
        if (link.file == file && link.offset == offset)
            return &link;
    return nullptr;
}

bool ImportedConfig::ok() const
{
    return std::none_of(findings.begin(), findings.end(),
                        [](const Finding& f) { return f.severity == Severity::Error; });
}

ImportedConfig importConfig(std::string_view text, const std::string& fileName, const ImportOptions& options)
{
    ImportedConfig out;
    ModelBuilder(out, options).run(text, fileName);
    return out;
}

ImportedConfig importConfigFile(const std::filesystem::path& file, const ImportOptions& options)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (in)
        text << in.rdbuf();
    if (!in || in.bad()) {
        const int error = errno;
        ImportedConfig out;
        out.findings.push_back({Severity::Error,
                                codes::Io,
                                {file.string(), 0},
                                "cannot read the configuration: " + std::string(std::strerror(error)),
                                "check the path and its permissions"});
        return out;
    }
    return importConfig(text.str(), file.string(), options);
}

} // namespace wsgi::config
