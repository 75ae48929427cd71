// importConfig: walks the main file and its includes under Apache's rules, filling the WsgiModel (what
// the studio edits and exports), the EngineConfig (what the rule checks and resolve.h read), and the
// findings of each directive where it is written.

#include "modelbuilder.h"
#include "apachesyntax.h"
#include "configbuilder.h"
#include "configimport.h"
#include "daemonoptions.h"
#include "directivevalues.h"
#include "findingsink.h"
#include "includes.h"
#include "modelchecks.h"
#include "modwsgifeatures.h"
#include "scriptalias.h"
#include "timeoutdirectives.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace wsgi::config {

namespace {

namespace fs = std::filesystem;

void appendNodeText(const ConfigNode& node, std::string& out)
{
    out += node.text;
    for (const ConfigNode& child : node.children)
        appendNodeText(child, out);
    out += node.closeText;
}

// Conditional sections entered as if their condition held: the import cannot know what httpd loads.
bool isConditional(std::string_view name)
{
    for (std::string_view s :
         {"IfModule", "IfDefine", "IfDirective", "IfFile", "IfVersion", "IfSection", "If", "ElseIf", "Else"})
        if (equalsIgnoreCase(name, s))
            return true;
    return false;
}

bool isPathScope(std::string_view name)
{
    for (std::string_view s : {"Directory", "DirectoryMatch", "Location", "LocationMatch", "Files",
                               "FilesMatch", "Proxy", "ProxyMatch", "Limit", "LimitExcept"})
        if (equalsIgnoreCase(name, s))
            return true;
    return false;
}

bool isWsgi(std::string_view name)
{
    return name.size() > 4 && equalsIgnoreCase(name.substr(0, 4), "WSGI");
}

// The directives mod_wsgi also allows inside <Directory>/<Location>/<Files> (ACCESS_CONF or .htaccess).
bool allowedInPathScope(std::string_view name)
{
    for (std::string_view s : {"WSGIProcessGroup",    "WSGIApplicationGroup",  "WSGIRestrictProcess",
                               "WSGIDispatchScript",  "WSGIHandlerScript",     "WSGIPassApacheRequest",
                               "WSGICallableObject",  "WSGIPassAuthorization", "WSGIScriptReloading",
                               "WSGIErrorOverride",   "WSGIChunkedRequest",    "WSGIMapHEADToGET",
                               "WSGIIgnoreActivity",  "WSGITrustedProxies",    "WSGITrustedProxyHeaders",
                               "WSGIEnableSendfile",  "WSGIAccessScript",      "WSGIAuthUserScript",
                               "WSGIAuthGroupScript", "WSGIGroupAuthoritative"})
        if (equalsIgnoreCase(name, s))
            return true;
    return false;
}

bool allowedInContainer(std::string_view name)
{
    for (std::string_view s :
         {"WSGIPerInterpreterGIL", "WSGIFreeThreading", "WSGISwitchInterval", "WSGIPythonPath",
          "WSGIRestrictStdin", "WSGIRestrictStdout", "WSGIRestrictSignal"})
        if (equalsIgnoreCase(name, s))
            return true;
    return false;
}

std::string canonical(const std::string& path)
{
    std::error_code ec;
    const fs::path c = fs::weakly_canonical(fs::path(path), ec);
    return ec ? path : c.string();
}

} // namespace

ModelBuilder::ModelBuilder(ImportedConfig& out, const ImportOptions& options) : m_out(out), m_options(options)
{
    m_facts.dialect = options.dialect;
}

void ModelBuilder::run(std::string_view text, const std::string& fileName)
{
    std::error_code ec;
    const fs::path absolute = fileName.empty() ? fs::path() : fs::absolute(fileName, ec);
    m_out.serverRoot = !m_options.serverRoot.empty() ? m_options.serverRoot
                       : absolute.has_parent_path()  ? absolute.parent_path().string()
                                                     : fs::current_path(ec).string();
    const int main = addFile(fileName, text);
    m_stack.push_back(canonical(fileName));
    walk(main, m_out.files[std::size_t(main)].tree.nodes, Context{});
    FindingSink sink(m_out.findings, fileName);
    checkEngineConfig(m_out.engine, m_facts, sink);
    checkModel(m_out, m_options, sink);
    for (const SourceFile& f : m_out.files)
        dropFollowOnFindings(f.tree, m_out.findings);
    std::stable_sort(m_out.findings.begin(), m_out.findings.end(), [&](const Finding& a, const Finding& b) {
        return fileOrder(a.where.file) != fileOrder(b.where.file)
                   ? fileOrder(a.where.file) < fileOrder(b.where.file)
                   : a.where.line < b.where.line;
    });
}

int ModelBuilder::fileOrder(const std::string& name) const
{
    for (std::size_t i = 0; i < m_out.files.size(); ++i)
        if (m_out.files[i].path == name)
            return int(i);
    return int(m_out.files.size());
}

int ModelBuilder::addFile(const std::string& path, std::string_view text)
{
    SourceFile file;
    file.path = path;
    file.tree = parseDirectiveTree(text, path);
    // Apache substitutes ${VAR} itself; the engine's "read literally" warning does not apply here.
    std::erase_if(file.tree.findings, [](const Finding& f) { return f.code == "W-ENV-SUBST"; });
    m_out.findings.insert(m_out.findings.end(), file.tree.findings.begin(), file.tree.findings.end());
    m_out.files.push_back(std::move(file));
    return int(m_out.files.size()) - 1;
}

FindingSink ModelBuilder::sink(int file)
{
    return FindingSink(m_out.findings, m_out.files[std::size_t(file)].path);
}

void ModelBuilder::walk(int file, const std::vector<ConfigNode>& nodes, const Context& ctx)
{
    for (const ConfigNode& node : nodes) {
        if (node.isSection())
            section(file, node, ctx);
        else if (node.isDirective())
            directive(file, node, ctx);
    }
}

// ---- sections ---------------------------------------------------------------------------------

void ModelBuilder::section(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    const int line = node.where.line;
    if (ctx.container >= 0) {
        s.error(codes::Context, line, "<" + node.name + "> is not allowed inside <WSGIInterpreterOptions>",
                "close the <WSGIInterpreterOptions> first");
        return;
    }
    if (equalsIgnoreCase(node.name, "VirtualHost")) {
        if (ctx.vhost >= 0 || !ctx.pathScope.empty()) {
            s.error(codes::Context, line,
                    "<VirtualHost> cannot occur within <" +
                        (ctx.vhost >= 0 ? std::string("VirtualHost") : ctx.pathScope) + "> section");
            return;
        }
        VirtualHostBlock host;
        host.addresses = node.args;
        host.origin = origin(file, node);
        m_out.model.virtualHosts.push_back(std::move(host));
        m_facts.virtualHosts.push_back({s.at(line), std::nullopt, std::nullopt, std::nullopt});
        Context inner = ctx;
        inner.vhost = int(m_out.model.virtualHosts.size()) - 1;
        walk(file, node.children, inner);
        return;
    }
    if (equalsIgnoreCase(node.name, "WSGIInterpreterOptions")) {
        interpreterOptions(file, node, ctx);
        return;
    }
    if (equalsIgnoreCase(node.name, "IfModule") && node.args.size() == 1 &&
        isOtherMpmModule(node.args.front()) && ctx.vhost < 0 && ctx.pathScope.empty()) {
        // Its settings are for another MPM: entering it would read them as this server's.
        std::string text;
        appendNodeText(node, text);
        m_out.model.otherMpm.push_back({node.args.front(), std::move(text), origin(file, node)});
        s.note(codes::IgnoredSection, line,
               "<IfModule " + node.args.front() +
                   "> is for an MPM the studio does not model: its contents are kept as written and not "
                   "checked");
        return;
    }
    if (isConditional(node.name)) {
        Context inner = ctx;
        if (equalsIgnoreCase(node.name, "IfModule") && node.args.size() == 1)
            if (std::optional<MpmKind> mpm = mpmFromName(node.args.front()))
                inner.mpm = mpm; // "!mpm_x" does not parse as a module and stays unconditional
        if (inner.mpm != ctx.mpm)
            m_mpmSection = origin(file, node);
        walk(file, node.children, inner);
        return;
    }
    if (isPathScope(node.name)) {
        Context inner = ctx;
        inner.pathScope = node.name;
        walk(file, node.children, inner);
    }
    // Any other section (<Macro>, <Proxy balancer>, modules' own) belongs to its module.
}

void ModelBuilder::interpreterOptions(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    const int line = node.where.line;
    if (!wsgiDirectiveExists("WSGIInterpreterOptions", m_options.dialect)) {
        s.error(
            codes::InvalidCommand, line,
            "<WSGIInterpreterOptions> does not exist in mod_wsgi 4.9: Apache fails with \"Invalid command "
            "'<WSGIInterpreterOptions'\"",
            "export for modwsgi-4, which writes the 4.9 equivalents of its settings");
        return;
    }
    if (ctx.vhost >= 0 || !ctx.pathScope.empty()) {
        s.error(codes::Context, line,
                "<WSGIInterpreterOptions> cannot occur within <" +
                    (ctx.vhost >= 0 ? std::string("VirtualHost") : ctx.pathScope) + "> section",
                "move it to the top level (server config only)");
        return;
    }
    InterpreterOptionsBlock block;
    block.origin = origin(file, node);
    InterpreterOptions engine;
    engine.where = s.at(line);
    for (const std::string& word : node.args) {
        parseInterpreterSelector(word, line, engine, s);
        const std::size_t eq = word.find('=');
        const std::string key = toLower(word.substr(0, eq));
        const std::string value = eq == std::string::npos ? std::string() : word.substr(eq + 1);
        if (key == "process-group" && !block.processGroup)
            block.processGroup = value;
        else if (key == "application-group" && !block.applicationGroup)
            block.applicationGroup = value;
    }
    m_out.model.containers.push_back(std::move(block));
    m_out.engine.containers.push_back(std::move(engine));
    Context inner = ctx;
    inner.container = int(m_out.model.containers.size()) - 1;
    walk(file, node.children, inner);
}

// ---- directives -------------------------------------------------------------------------------

// The directive as httpd hands it to its handler: Defines substituted into the whole line, the words
// split again, continuation lines mapped onto the new text.
ConfigNode ModelBuilder::resolveDefines(const ConfigNode& node, std::vector<std::string>& unresolved) const
{
    ConfigNode out = node;
    std::vector<std::pair<std::size_t, long>> shifts;
    out.rawArgs = resolveVariables(node.rawArgs, m_defines, &unresolved, &shifts);
    out.args = splitWordsConf(out.rawArgs);
    for (auto& [offset, line] : out.rawArgsLines) {
        long shift = 0;
        for (const auto& [after, cumulative] : shifts)
            if (after <= offset)
                shift = cumulative;
        offset = std::size_t(std::max(0L, long(offset) + shift));
    }
    return out;
}

void ModelBuilder::directive(int file, const ConfigNode& asWritten, const Context& ctx)
{
    std::vector<std::string> unresolved;
    const bool substituted = asWritten.rawArgs.find("${") != std::string::npos;
    const ConfigNode resolvedNode = substituted ? resolveDefines(asWritten, unresolved) : ConfigNode{};
    const ConfigNode& node = substituted ? resolvedNode : asWritten;
    const ConfigNode* outer = m_written; // an Include reads more directives before this one returns
    m_written = &asWritten;
    directiveResolved(file, node, ctx, unresolved);
    m_written = outer;
}

void ModelBuilder::directiveResolved(int file, const ConfigNode& node, const Context& ctx,
                                     const std::vector<std::string>& unresolved)
{
    FindingSink s = sink(file);
    const int line = node.where.line;
    if (ctx.container >= 0 && !allowedInContainer(node.name)) {
        s.error(codes::Context, line,
                "directive '" + node.name +
                    "' is not allowed inside <WSGIInterpreterOptions>: only WSGIPerInterpreterGIL, "
                    "WSGIFreeThreading, WSGISwitchInterval, WSGIPythonPath, WSGIRestrictStdin, "
                    "WSGIRestrictStdout and WSGIRestrictSignal are",
                "move it outside the container");
        return;
    }
    if (equalsIgnoreCase(node.name, "Include") || equalsIgnoreCase(node.name, "IncludeOptional")) {
        include(file, node, ctx);
        return;
    }
    if (equalsIgnoreCase(node.name, "ServerRoot") && node.args.size() == 1 && ctx.vhost < 0) {
        m_out.serverRoot = node.args.front();
        return;
    }
    if (equalsIgnoreCase(node.name, "Define") && !node.args.empty()) {
        m_defines[node.args.front()] = node.args.size() > 1 ? node.args[1] : std::string();
        m_out.defines = m_defines;
        return;
    }
    if (equalsIgnoreCase(node.name, "UnDefine") && node.args.size() == 1) {
        m_defines.erase(node.args.front());
        m_out.defines = m_defines;
        return;
    }
    if (equalsIgnoreCase(node.name, "LoadModule") && !node.args.empty()) {
        if (std::optional<MpmKind> mpm = mpmFromName(node.args.front()))
            m_out.loadedMpm = mpm;
        return;
    }
    if (equalsIgnoreCase(node.name, "ServerName") && node.args.size() == 1 && ctx.pathScope.empty()) {
        serverName(file, node, ctx);
        return;
    }
    const bool modelled = isCoreTimeoutDirective(node.name) || isMpmDirective(node.name) || isWsgi(node.name);
    if (!modelled)
        return; // another module's directive: unrelated text, kept as written
    if (!unresolved.empty()) {
        std::string names;
        for (const std::string& name : unresolved)
            names += (names.empty() ? "${" : ", ${") + name + "}";
        s.note(codes::UndefinedVariable, line,
               node.name + " uses " + names +
                   ", which no Define in this configuration sets: httpd takes the value from its environment "
                   "(e.g. /etc/apache2/envvars) at start-up, so the values that use it are not checked here",
               "Define it in the configuration to have its values checked");
    }
    if (isCoreTimeoutDirective(node.name)) {
        coreTimeout(file, node, ctx);
        return;
    }
    if (isMpmDirective(node.name)) {
        mpmDirective(file, node, ctx);
        return;
    }
    if (!wsgiDirectiveExists(node.name, m_options.dialect)) {
        invalidCommand(s, node);
        return;
    }
    if (!ctx.pathScope.empty() && !allowedInPathScope(node.name)) {
        s.error(codes::Context, line, node.name + " not allowed here (inside <" + ctx.pathScope + ">)",
                "move it to the server or <VirtualHost> level");
        return;
    }
    if (ctx.vhost >= 0 && isServerConfigOnlyWsgiDirective(node.name)) {
        s.error(codes::Context, line,
                "directive '" + node.name +
                    "' cannot occur within <VirtualHost> section (server config only)",
                "move it to the top level");
        return;
    }
    if (!ctx.pathScope.empty())
        return; // allowed there, but per-path settings are not part of the model
    wsgiDirective(file, node, ctx);
}

void ModelBuilder::invalidCommand(FindingSink& s, const ConfigNode& node)
{
    std::string hint;
    if (wsgiDirectiveExists(node.name, Dialect::ModWsgi6))
        hint = "it is mod_wsgi 6 only; export for modwsgi-4 to get the 4.9 equivalent, if there is one";
    else if (wsgiDirectiveExists(node.name, Dialect::ModWsgi4))
        hint = "mod_wsgi 6.0 removed it; delete it";
    else if (const std::string close = closestMatch(node.name, wsgiDirectiveNames()); !close.empty())
        hint = "did you mean '" + close + "'?";
    s.error(codes::InvalidCommand, node.where.line,
            "Invalid command '" + node.name +
                "', perhaps misspelled or defined by a module not included in "
                "the server configuration (" +
                std::string(dialectName(m_options.dialect)) + ")",
            hint);
}

WsgiScope& ModelBuilder::scope(const Context& ctx)
{
    return ctx.vhost >= 0 ? m_out.model.virtualHosts[std::size_t(ctx.vhost)].scope : m_out.model.server;
}

void ModelBuilder::serverName(int file, const ConfigNode& node, const Context& ctx)
{
    const std::string host = serverNameHost(node.args.front());
    if (ctx.vhost >= 0) {
        VirtualHostBlock& vh = m_out.model.virtualHosts[std::size_t(ctx.vhost)];
        vh.serverName = node.args.front();
        vh.serverNameOrigin = origin(file, node);
        m_facts.virtualHosts[std::size_t(ctx.vhost)].serverName = host;
    } else {
        m_out.engine.serverName = host;
        m_facts.topLevelServerName = true;
    }
}

void ModelBuilder::mpmDirective(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    if (ctx.vhost >= 0 || !ctx.pathScope.empty()) {
        s.error(codes::Context, node.where.line,
                node.name + " cannot occur within <" +
                    (ctx.vhost >= 0 ? std::string("VirtualHost") : ctx.pathScope) +
                    "> section: MPM settings are server-wide",
                "move it to the top level");
        return;
    }
    if (node.args.size() != 1) {
        s.error(codes::Arguments, node.where.line, node.name + " takes one argument, a number");
        return;
    }
    auto block = std::find_if(m_out.model.mpm.begin(), m_out.model.mpm.end(),
                              [&](const MpmBlock& b) { return b.module == ctx.mpm; });
    if (block == m_out.model.mpm.end()) {
        MpmBlock fresh;
        fresh.module = ctx.mpm;
        if (ctx.mpm)
            fresh.origin = m_mpmSection;
        m_out.model.mpm.push_back(std::move(fresh));
        block = m_out.model.mpm.end() - 1;
    }
    block->values.push_back({node.name,
                             written(node).args.size() == 1 ? written(node).args.front() : node.args.front(),
                             origin(file, node)});
}

void ModelBuilder::include(int file, const ConfigNode& node, const Context& ctx)
{
    FindingSink s = sink(file);
    const bool optional = equalsIgnoreCase(node.name, "IncludeOptional");
    if (node.args.size() != 1) {
        s.error(codes::Arguments, node.where.line,
                node.name + " takes one argument, a file, directory or pattern");
        return;
    }
    if (!m_options.followIncludes)
        return;
    const std::string pattern = substitute(node.args.front());
    if (pattern.find("${") != std::string::npos) {
        s.note(codes::Include, node.where.line,
               node.name + " " + node.args.front() +
                   " is not followed: it uses a variable that is not Defined");
        return;
    }
    if (ctx.depth + 1 > m_options.maxIncludeDepth) {
        s.error(codes::IncludeCycle, node.where.line,
                "Exceeded the maximum include directory nesting level of " +
                    std::to_string(m_options.maxIncludeDepth));
        return;
    }
    const IncludeResolution r = resolveInclude(pattern, m_out.serverRoot, m_out.files[std::size_t(file)].path,
                                               optional, m_options.maxFiles);
    if (!r.error.empty()) {
        s.error(codes::Include, node.where.line, node.name + " " + node.args.front() + ": " + r.error,
                "fix the path, or use IncludeOptional for files that may be missing");
        return;
    }
    if (!r.note.empty())
        s.note(codes::Include, node.where.line, r.note);
    IncludeLink link{file, node.offset, {}};
    for (const std::string& path : r.files) {
        const std::string key = canonical(path);
        if (std::find(m_stack.begin(), m_stack.end(), key) != m_stack.end()) {
            s.error(codes::IncludeCycle, node.where.line,
                    node.name + " " + node.args.front() + " includes " + path +
                        ", which is already being read: the includes form a cycle",
                    "remove the Include that points back");
            continue;
        }
        if (m_out.files.size() >= m_options.maxFiles) {
            s.error(codes::Include, node.where.line,
                    "more than " + std::to_string(m_options.maxFiles) +
                        " configuration files; the rest are not read");
            break;
        }
        std::string text;
        if (!readFile(path, text, s, node.where.line))
            continue;
        const int index = addFile(path, text);
        link.targets.push_back(index);
        m_stack.push_back(key);
        Context inner = ctx;
        inner.depth = ctx.depth + 1;
        walk(index, m_out.files[std::size_t(index)].tree.nodes, inner);
        m_stack.pop_back();
    }
    m_out.includes.push_back(std::move(link));
}

bool ModelBuilder::readFile(const std::string& path, std::string& text, FindingSink& s, int line)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (!ec && size > m_options.maxFileBytes) {
        s.error(codes::Include, line,
                path + " is larger than " + std::to_string(m_options.maxFileBytes) +
                    " bytes; it is not read");
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        s.error(codes::Io, line, "cannot read " + path + ": " + std::strerror(errno));
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    return true;
}

// ${NAME} from Define, then the environment, as httpd resolves Include arguments.
std::string ModelBuilder::substitute(const std::string& value) const
{
    std::string out;
    std::size_t pos = 0;
    while (pos < value.size()) {
        const std::size_t open = value.find("${", pos);
        const std::size_t close = open == std::string::npos ? open : value.find('}', open);
        if (close == std::string::npos) {
            out += value.substr(pos);
            break;
        }
        const std::string name = value.substr(open + 2, close - open - 2);
        out += value.substr(pos, open - pos);
        if (auto it = m_defines.find(name); it != m_defines.end())
            out += it->second;
        else if (const char* env = std::getenv(name.c_str()))
            out += env;
        else
            out += value.substr(open, close - open + 1);
        pos = close + 1;
    }
    return out;
}

} // namespace wsgi::config
