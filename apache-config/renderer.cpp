#include "renderer.h"

#include "apachesyntax.h"
#include "modwsgifeatures.h"
#include "mpmsettings.h"

namespace wsgi::config {

namespace {

// Section arguments are written unquoted; ap_getword_conf still turns "\\\\" into "\\" there, so
// backslashes are doubled.
std::string bare(std::string_view value)
{
    std::string escaped;
    for (char c : value)
        escaped += c == '\\' ? std::string("\\\\") : std::string(1, c);
    return escaped;
}

bool needsQuotes(std::string_view value)
{
    if (value.empty())
        return true;
    for (char c : value)
        if (isConfigSpace(c) || c == '\'' || c == '"' || c == '\\')
            return true;
    return false;
}

std::string quotedWord(std::string_view value)
{
    // Prefer '...' (mod_wsgi-express does); use "..." when that needs no escapes and '...' would.
    const char quote =
        value.find('\'') != std::string_view::npos && value.find('"') == std::string_view::npos ? '"' : '\'';
    std::string out(1, quote);
    for (char c : value) {
        if (c == '\\' || c == quote)
            out += '\\';
        out += c;
    }
    return out + quote;
}

std::string comment(std::string_view indent, std::string_view text)
{
    // A comment ending in a backslash would continue onto (and swallow) the next line.
    const bool backslash = !text.empty() && text.back() == '\\';
    return std::string(indent) + "# " + std::string(text) + (backslash ? " \n" : "\n");
}

std::string notesText(const Notes& notes, const RenderOptions& options, std::string_view indent)
{
    std::string out;
    if (options.comments)
        for (const std::string& line : notes.lines)
            out += comment(indent, line);
    return out;
}

// Joins words into one directive, continuing it with " \" onto indented lines past the wrap column.
std::string wrapWords(const std::vector<std::string>& words, std::string_view indent, std::size_t column)
{
    std::string out;
    std::string line(indent);
    bool first = true;
    for (const std::string& word : words) {
        if (!first && line.size() + 1 + word.size() > column && line.size() > indent.size() + 4) {
            out += line + " \\\n";
            line = std::string(indent) + "    " + word;
        } else {
            line += (first ? "" : " ") + word;
        }
        first = false;
    }
    return out + line + "\n";
}

std::string optionWord(const NameValue& option)
{
    // display-name is always quoted, as mod_wsgi-express writes display-name='%{GROUP}'.
    return option.name + "=" +
           (option.name == "display-name" ? quotedWord(option.value) : quoteConfigWord(option.value));
}

std::string directiveExplanation(const WsgiDirective& d)
{
    const std::string value = d.args.empty() ? std::string() : d.args.front();
    const bool on = d.args.size() == 1 && parseOnOff(value).value_or(false);
    if (equalsIgnoreCase(d.name, "WSGIRestrictEmbedded") && on)
        return "no Python in Apache's own processes: every mount must name a daemon group";
    if (equalsIgnoreCase(d.name, "WSGIProcessGroup"))
        return value == "%{GLOBAL}"
                   ? "requests run embedded, in Apache's own processes"
                   : "requests run in daemon group '" + value + "' unless a mount says otherwise";
    if (equalsIgnoreCase(d.name, "WSGIApplicationGroup") && value == "%{GLOBAL}")
        return "applications run in the main interpreter (C extensions that need it work there)";
    if (equalsIgnoreCase(d.name, "WSGISwitchInterval"))
        return "GIL switch interval in seconds (Python's default is 0.005)";
    if (equalsIgnoreCase(d.name, "WSGIPerInterpreterGIL") && on)
        return "sub-interpreters get a GIL of their own (Python 3.12+; extensions must support it)";
    if (equalsIgnoreCase(d.name, "WSGIFreeThreading") && on)
        return "the GIL is off in these processes (free-threaded Python 3.13+ only)";
    return {};
}

// What each MPM value does, and what httpd will really use where it corrects the value at start-up.
std::string mpmComments(const MpmBlock& block, std::string_view indent)
{
    static const std::vector<std::pair<std::string_view, std::string_view>> kMeaning = {
        {"StartServers", "processes started with Apache (default 3)"},
        {"ServerLimit", "most processes the scoreboard holds (default 16)"},
        {"ThreadLimit", "most threads per process ThreadsPerChild may be raised to (default 64)"},
        {"ThreadsPerChild", "threads per process (default 25)"},
        {"MaxRequestWorkers",
         "requests served at once, MaxRequestWorkers / ThreadsPerChild processes (default 400)"},
        {"MinSpareThreads", "fewer idle threads than this fork processes, 1, 2, 4 ... a second (default 75)"},
        {"MaxSpareThreads", "more idle threads than this stop one process a second (default 250)"},
        {"MaxConnectionsPerChild", "connections before a process is replaced, 0 = never (default 0)"},
    };
    const MpmKind kind = block.module.value_or(MpmKind::Event);
    if (kind == MpmKind::Prefork)
        return {};
    WsgiModel alone;
    alone.mpm.push_back(block);
    const mpm::Effective e = mpm::applyStartupCorrections(mpm::settingsFromModel(alone, kind));
    std::string out =
        comment(indent, std::string(block.module ? mpmName(kind) : "worker/event") + " MPM settings:");
    for (const MpmValue& v : block.values) {
        const std::string name = mpm::canonicalDirective(v.name);
        for (const auto& [directive, meaning] : kMeaning)
            if (name == directive)
                out += comment(indent, "  " + v.name + " " + v.value + ": " + std::string(meaning));
    }
    for (const mpm::Correction& c : e.corrections)
        out += comment(indent, "  httpd uses " + c.directive + " " + std::to_string(c.used) + ", not " +
                                   std::to_string(c.written) + ": " + c.reason);
    const mpm::Settings& used = e.used;
    if (used.startServers * used.threadsPerChild > used.maxSpareThreads)
        out += comment(
            indent,
            "  StartServers x ThreadsPerChild = " + std::to_string(used.startServers * used.threadsPerChild) +
                " idle threads at start, more than MaxSpareThreads: with no load Apache stops "
                "one process a second until they fit");
    return out;
}

void appendDropped(std::string& out, const std::vector<DroppedItem>& dropped, const RenderOptions& options)
{
    if (dropped.empty())
        return;
    out += "\n# Not written, because " + std::string(dialectName(options.target)) +
           " cannot express them (see the findings):\n";
    for (const DroppedItem& item : dropped)
        out += comment("", "  " + item.text) + "#       " + item.reason + "\n";
}

void appendFiles(std::string& out, const std::vector<GeneratedFile>& files)
{
    for (const GeneratedFile& file : files) {
        out += "\n# ---- " + file.path + " (install this file; WSGIImportScript above loads it) ----\n";
        std::size_t start = 0;
        while (start < file.content.size()) {
            const std::size_t nl = file.content.find('\n', start);
            const std::size_t end = nl == std::string::npos ? file.content.size() : nl;
            out += "#| " + file.content.substr(start, end - start) + "\n";
            start = end + 1;
        }
    }
}

std::string renderScope(const WsgiScope& scope, const RenderOptions& options, std::string_view indent,
                        const std::vector<InterpreterOptionsBlock>* containers)
{
    std::string out;
    for (const WsgiDirective& d : scope.directives)
        out += renderWsgiDirective(d, options, indent);
    for (const DaemonProcess& d : scope.daemons)
        out += renderDaemonProcess(d, options, indent);
    if (containers)
        for (const InterpreterOptionsBlock& block : *containers)
            out += renderContainer(block, options, indent);
    for (const ImportScript& i : scope.imports)
        out += renderImportScript(i, options, indent);
    for (const ScriptAlias& a : scope.aliases)
        out += renderScriptAlias(a, options, indent);
    return out;
}

} // namespace

std::string quoteConfigWord(std::string_view value)
{
    return needsQuotes(value) ? quotedWord(value) : std::string(value);
}

std::string renderDaemonProcess(const DaemonProcess& daemon, const RenderOptions& options,
                                std::string_view indent)
{
    std::string out = notesText(daemon.notes, options, indent);
    if (options.comments) {
        const std::string* processes = daemon.options.find("processes");
        const std::string* threads = daemon.options.find("threads");
        const long long p = processes ? parseIntegerText(*processes).value : 1;
        const long long t = threads ? parseIntegerText(*threads).value : 15;
        out +=
            comment(indent, "Daemon group '" + daemon.name + "': " + std::to_string(p) + " process" +
                                (p == 1 ? "" : "es") + " x " + std::to_string(t) + " thread" +
                                (t == 1 ? "" : "s") + " = " + std::to_string(p * t) + " requests at once.");
        for (const NameValue& option : daemon.options.items)
            if (option.name != "processes" && option.name != "display-name")
                if (const std::string why = explainDaemonOption(option.name, option.value); !why.empty())
                    out += comment(indent, "  " + why);
    }
    std::vector<std::string> words = {"WSGIDaemonProcess", quoteConfigWord(daemon.name)};
    for (const NameValue& option : daemon.options.items)
        words.push_back(optionWord(option));
    return out + wrapWords(words, indent, options.wrapColumn);
}

std::string renderScriptAlias(const ScriptAlias& alias, const RenderOptions& options, std::string_view indent)
{
    std::string out = notesText(alias.notes, options, indent);
    const std::string* group = alias.options.find("process-group");
    const std::string* app = alias.options.find("application-group");
    if (options.comments && group && app)
        out += comment(indent,
                       "Both groups are named, so mod_wsgi loads " + alias.script + " when " +
                           (*group == "%{GLOBAL}" ? std::string("Apache's own processes start (embedded).")
                                                  : "each process of '" + *group + "' starts."));
    std::vector<std::string> words = {alias.directive, quoteConfigWord(alias.url),
                                      quoteConfigWord(alias.script)};
    for (const NameValue& option : alias.options.items)
        words.push_back(optionWord(option));
    return out + wrapWords(words, indent, options.wrapColumn);
}

std::string renderImportScript(const ImportScript& import, const RenderOptions& options,
                               std::string_view indent)
{
    std::vector<std::string> words = {"WSGIImportScript", quoteConfigWord(import.script)};
    for (const NameValue& option : import.options.items)
        words.push_back(optionWord(option));
    return notesText(import.notes, options, indent) + wrapWords(words, indent, options.wrapColumn);
}

std::string renderWsgiDirective(const WsgiDirective& directive, const RenderOptions& options,
                                std::string_view indent)
{
    std::string out = notesText(directive.notes, options, indent);
    if (options.comments)
        if (const std::string why = directiveExplanation(directive); !why.empty())
            out += comment(indent, why);
    std::string line = std::string(indent) + directive.name;
    for (const std::string& arg : directive.args)
        line += " " + quoteConfigWord(arg);
    return out + line + "\n";
}

std::string renderContainer(const InterpreterOptionsBlock& block, const RenderOptions& options,
                            std::string_view indent)
{
    // Selectors stay bare: mod_wsgi reads "process-group=NAME" as one word, quotes included.
    std::string out = notesText(block.notes, options, indent);
    out += std::string(indent) + "<WSGIInterpreterOptions";
    if (block.processGroup)
        out += " process-group=" + bare(*block.processGroup);
    if (block.applicationGroup)
        out += " application-group=" + bare(*block.applicationGroup);
    out += ">\n";
    const std::string inner = std::string(indent) + "    ";
    for (const WsgiDirective& d : block.directives)
        out += renderWsgiDirective(d, options, inner);
    return out + std::string(indent) + "</WSGIInterpreterOptions>\n";
}

std::string renderMpmValue(const MpmValue& value, std::string_view indent)
{
    return std::string(indent) + value.name + " " + quoteConfigWord(value.value) + "\n";
}

std::string renderMpmBlock(const MpmBlock& block, const RenderOptions& options, std::string_view indent)
{
    std::string out;
    std::string inner(indent);
    if (options.comments)
        out += mpmComments(block, indent);
    if (block.module) {
        out += std::string(indent) + "<IfModule " + std::string(mpmModuleName(*block.module)) + ">\n";
        inner += "    ";
    }
    for (const MpmValue& value : block.values)
        out += renderMpmValue(value, inner);
    if (block.module)
        out += std::string(indent) + "</IfModule>\n";
    return out;
}

std::string renderVirtualHost(const VirtualHostBlock& host, const RenderOptions& options)
{
    std::string out = "<VirtualHost";
    for (const std::string& address : host.addresses)
        out += " " + bare(address);
    out += ">\n";
    if (!host.serverName.empty())
        out += "    ServerName " + quoteConfigWord(host.serverName) + "\n";
    return out + renderScope(host.scope, options, "    ", nullptr) + "</VirtualHost>\n";
}

RenderResult renderSnippet(const WsgiModel& model, const RenderOptions& options)
{
    LoweredModel lowered = lowerForTarget(model, options);
    const WsgiModel& m = lowered.model;
    std::string out;
    if (options.comments) {
        out += "# Apache configuration for " + std::string(dialectName(options.target)) +
               ", written by WSGI Tuning Studio.\n";
        if (!lowered.files.empty())
            out += "# It loads " + std::to_string(lowered.files.size()) +
                   " generated import script(s); their content is at the end.\n";
    }
    for (const MpmBlock& block : m.mpm)
        out += renderMpmBlock(block, options, "");
    for (const VerbatimBlock& block : m.otherMpm) {
        out += block.text;
        if (!block.text.empty() && block.text.back() != '\n')
            out += '\n';
    }
    out += renderScope(m.server, options, "", &m.containers);
    for (const VirtualHostBlock& host : m.virtualHosts)
        out += renderVirtualHost(host, options);
    if (options.comments) {
        appendDropped(out, lowered.dropped, options);
        appendFiles(out, lowered.files);
    }
    RenderResult result;
    result.text = std::move(out);
    result.files = std::move(lowered.files);
    result.findings = std::move(lowered.findings);
    result.lowered = std::move(lowered.model);
    return result;
}

} // namespace wsgi::config
