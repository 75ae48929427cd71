// lowerForTarget: what a model becomes when written for the engine, mod_wsgi 6.0 or mod_wsgi 4.9.
// Every change leaves a trace: a note above the changed item, a finding, and for mod_wsgi 4.9 the
// import scripts that stand in for 6.0 settings (modwsgi.md sections 1, 2 and 7).

#include "apachesyntax.h"
#include "findingsink.h"
#include "modwsgifeatures.h"
#include "renderer.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <set>

namespace wsgi::config {

namespace {

namespace code {
constexpr const char* EngineOnly = "N-ENGINE-ONLY";
constexpr const char* Equivalent = "N-TARGET-EQUIVALENT";
constexpr const char* NotInTarget = "W-NOT-IN-TARGET";
constexpr const char* Unknown = "E-UNKNOWN-FOR-TARGET";
constexpr const char* Unwritable = "E-UNWRITABLE";
} // namespace code

// A config line cannot hold a line break or a NUL in any form, quoted or not.
bool writable(std::string_view word)
{
    return word.find_first_of(std::string_view("\n\r\0", 3)) == std::string_view::npos;
}

bool writable(const OptionList& options)
{
    for (const NameValue& o : options.items)
        if (!writable(o.name) || !writable(o.value) || o.name.empty() ||
            o.name.find_first_of(" \t=\"'") != std::string::npos)
            return false;
    return true;
}

bool writable(const std::vector<std::string>& words)
{
    for (const std::string& w : words)
        if (!writable(w))
            return false;
    return true;
}

// <WSGIInterpreterOptions> selectors are written bare, so their values cannot have blanks or '>'.
bool writableSelector(const std::optional<std::string>& value)
{
    // Quotes are fine: the word starts with the key, so they stay part of the value as written.
    return !value ||
           (!value->empty() && writable(*value) && value->find_first_of(" \t\f\v>") == std::string::npos);
}

std::string shortestDouble(double value)
{
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string out(buffer, r.ptr);
    // A Python float literal needs a '.' or an exponent to stay a float in the generated script.
    if (out.find_first_of(".e") == std::string::npos)
        out += ".0";
    return out;
}

// A Python string literal for any bytes: printable ASCII as is, everything else escaped.
std::string pythonString(std::string_view s)
{
    static const char* const hex = "0123456789abcdef";
    std::string out = "'";
    for (unsigned char c : s) {
        if (c == '\\' || c == '\'') {
            out += '\\';
            out += char(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += char(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out + "'";
}

std::string fileSafe(std::string_view name)
{
    std::string out;
    for (char c : name)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
    return out.empty() ? std::string("group") : out;
}

std::string joinArgs(const std::vector<std::string>& args)
{
    std::string out;
    for (const std::string& a : args)
        out += " " + quoteConfigWord(a);
    return out;
}

bool isOn(const WsgiDirective& d)
{
    return d.args.size() == 1 && parseOnOff(d.args.front()).value_or(false);
}

class Lowering
{
public:
    Lowering(const WsgiModel& model, const RenderOptions& options) : m_options(options)
    {
        m_out.model = model;
    }

    LoweredModel run()
    {
        WsgiModel& m = m_out.model;
        m_restrictEmbedded = false;
        for (const WsgiDirective& d : m.server.directives)
            if (equalsIgnoreCase(d.name, "WSGIRestrictEmbedded"))
                m_restrictEmbedded = isOn(d);
        lowerScope(m.server, true);
        for (VirtualHostBlock& host : m.virtualHosts)
            lowerScope(host.scope, false);
        keepWritable(
            m.virtualHosts,
            [](const VirtualHostBlock& h) {
                return writable(h.addresses) && writable(h.serverName) &&
                       std::none_of(h.addresses.begin(), h.addresses.end(), [](const std::string& a) {
                           return a.empty() || a.find_first_of(" \t>'\"") != std::string::npos;
                       });
            },
            "a <VirtualHost>");
        for (InterpreterOptionsBlock& block : m.containers)
            keepWritable(
                block.directives, [](const WsgiDirective& d) { return writable(d.name) && writable(d.args); },
                "a directive");
        keepWritable(
            m.containers,
            [](const InterpreterOptionsBlock& b) {
                return writableSelector(b.processGroup) && writableSelector(b.applicationGroup);
            },
            "a <WSGIInterpreterOptions> selector (written bare, so without blanks or '>')");
        for (MpmBlock& block : m.mpm)
            keepWritable(
                block.values, [](const MpmValue& v) { return writable(v.value) && !v.value.empty(); },
                "an MPM setting");
        if (m_options.target == Dialect::ModWsgi4)
            lowerContainers();
        return std::move(m_out);
    }

private:
    std::string targetName() const
    {
        switch (m_options.target) {
        case Dialect::ModWsgi4:
            return "mod_wsgi 4.9";
        case Dialect::ModWsgi6:
            return "mod_wsgi 6.0";
        case Dialect::Engine:
            break;
        }
        return "the engine";
    }

    SourceLocation at(const Origin& origin) const
    {
        std::string file;
        if (origin.file >= 0 && std::size_t(origin.file) < m_options.fileNames.size())
            file = m_options.fileNames[std::size_t(origin.file)];
        return {file, origin.line};
    }

    void finding(Severity severity, const char* code, const Origin& origin, std::string message,
                 std::string suggestion = {})
    {
        m_out.findings.push_back({severity, code, at(origin), std::move(message), std::move(suggestion)});
    }

    void drop(const Origin& origin, std::string text, std::string reason, bool wholeNode)
    {
        finding(Severity::Warning, code::NotInTarget, origin,
                "'" + text + "' cannot be written for " + targetName() + ": " + reason,
                m_options.target == Dialect::ModWsgi4
                    ? "the 4.9 export goes without it; export for modwsgi-6 to keep it"
                    : "delete it from the configuration");
        m_out.dropped.push_back({origin, std::move(text), std::move(reason), wholeNode});
    }

    // ---- daemon options and directives of one scope ----------------------------------------------

    template <typename T, typename Pred> void keepWritable(std::vector<T>& items, Pred ok, const char* what)
    {
        std::erase_if(items, [&](const T& item) {
            if (ok(item))
                return false;
            finding(Severity::Error, code::Unwritable, item.origin,
                    std::string(what) + " holds a line break or NUL (or a malformed option name), which no "
                                        "Apache config line can hold; it is left out",
                    "remove the control characters");
            return true;
        });
    }

    void lowerScope(WsgiScope& scope, bool mainServer)
    {
        keepWritable(
            scope.daemons,
            [](const DaemonProcess& d) { return !d.name.empty() && writable(d.name) && writable(d.options); },
            "a WSGIDaemonProcess");
        keepWritable(
            scope.aliases,
            [](const ScriptAlias& a) { return writable(a.url) && writable(a.script) && writable(a.options); },
            "a WSGIScriptAlias");
        keepWritable(
            scope.imports, [](const ImportScript& i) { return writable(i.script) && writable(i.options); },
            "a WSGIImportScript");
        keepWritable(
            scope.directives, [](const WsgiDirective& d) { return writable(d.name) && writable(d.args); },
            "a directive");
        if (m_options.engineRelativePaths && m_options.target != Dialect::Engine) {
            for (ScriptAlias& a : scope.aliases)
                absolute(a.script, a.origin, a.notes);
            for (ImportScript& i : scope.imports)
                absolute(i.script, i.origin, i.notes);
        }
        std::vector<ImportScript> added;
        for (DaemonProcess& daemon : scope.daemons)
            lowerDaemon(daemon, added);
        std::vector<WsgiDirective> kept;
        for (WsgiDirective& d : scope.directives) {
            if (wsgiDirectiveExists(d.name, m_options.target)) {
                kept.push_back(std::move(d));
                continue;
            }
            lowerDirective(d, mainServer, added);
        }
        scope.directives = std::move(kept);
        scope.imports.insert(scope.imports.end(), added.begin(), added.end());
    }

    void absolute(std::string& script, const Origin& origin, Notes& notes)
    {
        if (script.empty() || script.front() == '/' || !origin.imported() ||
            std::size_t(origin.file) >= m_options.fileNames.size())
            return;
        // "${APP_ROOT}/wsgi.py" is whatever httpd makes of the variable (almost always absolute), and
        // "C:/app/wsgi.py" is a Windows path: either is left as written, not put under this file's directory.
        const bool variable = script.starts_with("${");
        const bool windows = script.size() >= 3 && std::isalpha(static_cast<unsigned char>(script[0])) &&
                             script[1] == ':' && (script[2] == '/' || script[2] == '\\');
        if (variable || windows)
            return;
        std::error_code ec;
        const std::filesystem::path file =
            std::filesystem::absolute(m_options.fileNames[std::size_t(origin.file)], ec);
        const std::string resolved = (file.parent_path() / script).lexically_normal().string();
        notes.lines.push_back(script +
                              " is relative to the config file for the engine; Apache would read it "
                              "relative to ServerRoot, so it is written as " +
                              resolved);
        finding(Severity::Note, code::Equivalent, origin,
                "script path '" + script + "' is written as " + resolved);
        script = resolved;
    }

    void lowerDaemon(DaemonProcess& daemon, std::vector<ImportScript>& added)
    {
        std::vector<NameValue> kept;
        for (NameValue& option : daemon.options.items) {
            if (daemonOptionExists(option.name, m_options.target)) {
                kept.push_back(std::move(option));
                continue;
            }
            const std::string written = option.name + "=" + option.value;
            if (option.name == "python") {
                daemon.notes.lines.push_back(
                    written + " left out: it picks the engine's Python runtime for this group; Apache runs "
                              "the Python mod_wsgi was built against");
                finding(Severity::Note, code::EngineOnly, daemon.origin,
                        "'" + written + "' of daemon group '" + daemon.name +
                            "' is engine-only and is left out for " + targetName(),
                        "build or install mod_wsgi against that Python instead");
            } else if (option.name == "switch-interval" && m_options.target == Dialect::ModWsgi4) {
                if (const std::optional<double> seconds = parseStrictDouble(option.value);
                    seconds && *seconds > 0) {
                    const ImportScript& script =
                        switchIntervalScript(daemon.name, "%{GLOBAL}", *seconds,
                                             "each process of daemon group '" + daemon.name + "'");
                    added.push_back(script);
                    daemon.notes.lines.push_back(written + " is mod_wsgi 6 only: WSGIImportScript " +
                                                 script.script + " sets it when each process starts");
                    finding(Severity::Note, code::Equivalent, daemon.origin,
                            "'" + written + "' of daemon group '" + daemon.name +
                                "' is written for mod_wsgi 4.9 as WSGIImportScript " + script.script);
                } else {
                    drop(daemon.origin, written, "it is not a positive number of seconds", false);
                    daemon.notes.lines.push_back(written + " left out: not a positive number of seconds");
                }
            } else if (findDaemonOptionDoc(option.name)) {
                const std::string reason = m_options.target == Dialect::ModWsgi4
                                               ? "mod_wsgi 4.9 has no such option"
                                               : "mod_wsgi 6.0 removed this option";
                drop(daemon.origin, written, reason, false);
                daemon.notes.lines.push_back(written + " left out: " + reason);
            } else {
                finding(Severity::Error, code::Unknown, daemon.origin,
                        "'" + written + "' of daemon group '" + daemon.name + "' is not an option " +
                            targetName() + " knows, so it is left out",
                        "check the spelling against modwsgi.md section 1");
                daemon.notes.lines.push_back(written + " left out: not a mod_wsgi option");
            }
        }
        daemon.options.items = std::move(kept);
    }

    void lowerDirective(const WsgiDirective& d, bool mainServer, std::vector<ImportScript>& added)
    {
        const std::string written = d.name + joinArgs(d.args);
        if (m_options.target != Dialect::ModWsgi4) {
            if (wsgiDirectiveExists(d.name, Dialect::ModWsgi4))
                drop(d.origin, written, "mod_wsgi 6.0 removed it", true);
            else {
                finding(Severity::Error, code::Unknown, d.origin,
                        "'" + d.name + "' is not a mod_wsgi directive, so it is left out");
                m_out.dropped.push_back({d.origin, written, "not a mod_wsgi directive", true});
            }
            return;
        }
        if (equalsIgnoreCase(d.name, "WSGISwitchInterval")) {
            const std::optional<double> seconds =
                d.args.size() == 1 ? parseStrictDouble(d.args.front()) : std::nullopt;
            if (!mainServer || !seconds || *seconds <= 0) {
                drop(d.origin, written,
                     "only a positive number of seconds in the main server can be carried over", true);
            } else if (m_restrictEmbedded) {
                // Documented as embedded-only; with embedded mode off there is nothing to set.
                drop(d.origin, written,
                     "at the top level it applies to embedded mode, which WSGIRestrictEmbedded On turns off",
                     true);
            } else {
                ImportScript script = switchIntervalScript("%{GLOBAL}", "%{GLOBAL}", *seconds,
                                                           "Apache's own processes (embedded mode)");
                script.notes.lines.push_back(written + " is mod_wsgi 6 only: this script sets it instead");
                added.push_back(script);
                finding(Severity::Note, code::Equivalent, d.origin,
                        "'" + written + "' is written for mod_wsgi 4.9 as WSGIImportScript " + script.script);
            }
            return;
        }
        if ((equalsIgnoreCase(d.name, "WSGIPerInterpreterGIL") ||
             equalsIgnoreCase(d.name, "WSGIFreeThreading")) &&
            !isOn(d)) {
            // Off is mod_wsgi 4.9's only behaviour: nothing is lost.
            finding(Severity::Note, code::Equivalent, d.origin,
                    "'" + written + "' is what mod_wsgi 4.9 always does, so the line is left out");
            m_out.dropped.push_back({d.origin, written,
                                     "mod_wsgi 4.9 always does this; the directive does not exist there",
                                     true});
            return;
        }
        drop(d.origin, written, reasonNotIn4(d.name), true);
    }

    static std::string reasonNotIn4(std::string_view name)
    {
        if (equalsIgnoreCase(name, "WSGIPerInterpreterGIL"))
            return "mod_wsgi 4.9 creates every sub-interpreter with the shared GIL (own GILs need mod_wsgi 6 "
                   "and Python 3.12+)";
        if (equalsIgnoreCase(name, "WSGIFreeThreading"))
            return "mod_wsgi 4.9 cannot turn the GIL off (that needs mod_wsgi 6 built against a "
                   "free-threaded "
                   "Python 3.13+)";
        return "mod_wsgi 4.9 has no such directive";
    }

    // ---- <WSGIInterpreterOptions> for mod_wsgi 4.9 ------------------------------------------------

    void lowerContainers()
    {
        WsgiModel& m = m_out.model;
        std::vector<InterpreterOptionsBlock> containers = std::move(m.containers);
        m.containers.clear();
        for (const InterpreterOptionsBlock& block : containers) {
            const std::string opening =
                "<WSGIInterpreterOptions" +
                (block.processGroup ? " process-group=" + *block.processGroup : "") +
                (block.applicationGroup ? " application-group=" + *block.applicationGroup : "") + ">";
            m_out.dropped.push_back(
                {block.origin, opening, "mod_wsgi 4.9 has no <WSGIInterpreterOptions>", true});
            for (const WsgiDirective& d : block.directives)
                lowerContainerDirective(block, opening, d);
        }
    }

    // The daemon scope a literal process-group= names, for the import scripts that stand in.
    WsgiScope* scopeOfDaemon(const std::string& name)
    {
        WsgiModel& m = m_out.model;
        for (const DaemonProcess& d : m.server.daemons)
            if (d.name == name)
                return &m.server;
        for (VirtualHostBlock& host : m.virtualHosts)
            for (const DaemonProcess& d : host.scope.daemons)
                if (d.name == name)
                    return &host.scope;
        return nullptr;
    }

    DaemonProcess* daemonNamed(const std::string& name)
    {
        WsgiScope* scope = scopeOfDaemon(name);
        if (!scope)
            return nullptr;
        for (DaemonProcess& d : scope->daemons)
            if (d.name == name)
                return &d;
        return nullptr;
    }

    // Why a container's setting has no 4.9 equivalent: its group is missing, or it names no single group.
    std::string noDaemonReason(const InterpreterOptionsBlock& block, bool literalGroup)
    {
        if (literalGroup && !scopeOfDaemon(*block.processGroup))
            return "process-group '" + *block.processGroup + "' is not defined by any WSGIDaemonProcess";
        return "only a container that names one daemon group can be carried over";
    }

    void lowerContainerDirective(const InterpreterOptionsBlock& block, const std::string& opening,
                                 const WsgiDirective& d)
    {
        const std::string written = d.name + joinArgs(d.args);
        const std::string within = written + " in " + opening;
        const bool literalGroup = block.processGroup && block.processGroup->find("%{") == std::string::npos;
        const bool literalApp =
            block.applicationGroup && block.applicationGroup->find("%{") == std::string::npos;
        const bool appGlobal = block.applicationGroup && *block.applicationGroup == "%{GLOBAL}";
        if (equalsIgnoreCase(d.name, "WSGISwitchInterval")) {
            const double seconds = d.args.size() == 1 ? parseStrictDouble(d.args.front()).value_or(0.0) : 0.0;
            WsgiScope* scope = literalGroup ? scopeOfDaemon(*block.processGroup) : nullptr;
            if (block.applicationGroup && !appGlobal) {
                // WSGI0199: mod_wsgi 6 itself skips it unless the interpreter has its own GIL, which 4.9
                // never gives.
                drop(d.origin, within,
                     "selected by application group, it only applies to an interpreter with its own GIL "
                     "(WSGI0199), which mod_wsgi 4.9 never creates",
                     false);
            } else if (scope && seconds > 0) {
                ImportScript script =
                    switchIntervalScript(*block.processGroup, "%{GLOBAL}", seconds,
                                         "each process of daemon group '" + *block.processGroup + "'");
                script.notes.lines.push_back(within + " is mod_wsgi 6 only: this script sets it instead");
                scope->imports.push_back(script);
                finding(Severity::Note, code::Equivalent, d.origin,
                        "'" + within + "' is written for mod_wsgi 4.9 as WSGIImportScript " + script.script);
            } else {
                drop(d.origin, within, noDaemonReason(block, literalGroup), false);
            }
            return;
        }
        if (equalsIgnoreCase(d.name, "WSGIPythonPath") && d.args.size() == 1) {
            if (literalGroup && (literalApp || appGlobal) && scopeOfDaemon(*block.processGroup)) {
                ImportScript script =
                    pythonPathScript(*block.processGroup, *block.applicationGroup, d.args.front());
                script.notes.lines.push_back(within +
                                             " is mod_wsgi 6 only: this script adds the directories");
                scopeOfDaemon(*block.processGroup)->imports.push_back(script);
                finding(Severity::Note, code::Equivalent, d.origin,
                        "'" + within + "' is written for mod_wsgi 4.9 as WSGIImportScript " + script.script);
                return;
            }
            if (literalGroup && !block.applicationGroup) {
                if (DaemonProcess* daemon = daemonNamed(*block.processGroup)) {
                    const std::string* existing = daemon->options.find("python-path");
                    daemon->options.set("python-path", existing && !existing->empty()
                                                           ? *existing + ":" + d.args.front()
                                                           : d.args.front());
                    daemon->notes.lines.push_back(
                        "python-path= includes " + d.args.front() + " from " + within +
                        " (mod_wsgi 6 would put those directories in front of sys.path)");
                    finding(Severity::Note, code::Equivalent, d.origin,
                            "'" + within + "' is written for mod_wsgi 4.9 as python-path= of daemon group '" +
                                daemon->name + "'");
                    return;
                }
            }
            drop(d.origin, within, noDaemonReason(block, literalGroup), false);
            return;
        }
        if (!isOn(d) && (equalsIgnoreCase(d.name, "WSGIPerInterpreterGIL") ||
                         equalsIgnoreCase(d.name, "WSGIFreeThreading"))) {
            finding(Severity::Note, code::Equivalent, d.origin,
                    "'" + within + "' is what mod_wsgi 4.9 always does, so it is left out");
            return;
        }
        if (!block.processGroup && !block.applicationGroup &&
            (equalsIgnoreCase(d.name, "WSGIRestrictStdin") ||
             equalsIgnoreCase(d.name, "WSGIRestrictStdout") ||
             equalsIgnoreCase(d.name, "WSGIRestrictSignal"))) {
            // A container without selectors applies everywhere, like the main server.
            WsgiDirective moved = d;
            moved.notes.lines.push_back("moved out of " + opening + ", which mod_wsgi 4.9 does not have");
            m_out.model.server.directives.push_back(std::move(moved));
            return;
        }
        drop(d.origin, within, reasonNotIn4(d.name), false);
    }

    // ---- generated import scripts -----------------------------------------------------------------

    std::string uniquePath(const std::string& stem)
    {
        std::string dir = m_options.scriptDirectory;
        while (dir.size() > 1 && dir.back() == '/')
            dir.pop_back();
        std::string path = dir + "/" + stem + ".py";
        for (int n = 2; m_paths.count(path); ++n)
            path = dir + "/" + stem + "-" + std::to_string(n) + ".py";
        m_paths.insert(path);
        return path;
    }

    ImportScript switchIntervalScript(const std::string& processGroup, const std::string& applicationGroup,
                                      double seconds, const std::string& where)
    {
        const std::string stem =
            (processGroup == "%{GLOBAL}" ? std::string("embedded") : fileSafe(processGroup)) +
            "-switch-interval";
        ImportScript script;
        script.script = uniquePath(stem);
        script.options.set("process-group", processGroup);
        script.options.set("application-group", applicationGroup);
        std::string content =
            "# Written by WSGI Tuning Studio for mod_wsgi 4.9, which has no switch interval setting.\n"
            "# WSGIImportScript runs this in the main interpreter of " +
            where +
            "\n"
            "# when it starts. Under the shared GIL the interval is process-wide.\n"
            "import sys\n\n"
            "sys.setswitchinterval(" +
            shortestDouble(seconds) + ")\n";
        m_out.files.push_back({script.script, std::move(content)});
        return script;
    }

    ImportScript pythonPathScript(const std::string& processGroup, const std::string& applicationGroup,
                                  const std::string& pathList)
    {
        ImportScript script;
        script.script =
            uniquePath(fileSafe(processGroup) + "-" +
                       (applicationGroup == "%{GLOBAL}" ? std::string("main") : fileSafe(applicationGroup)) +
                       "-python-path");
        script.options.set("process-group", processGroup);
        script.options.set("application-group", applicationGroup);
        std::string dirs;
        std::size_t start = 0;
        while (start <= pathList.size()) {
            const std::size_t colon = pathList.find(':', start);
            const std::size_t end = colon == std::string::npos ? pathList.size() : colon;
            if (end > start)
                dirs += (dirs.empty() ? "" : ", ") + pythonString(pathList.substr(start, end - start));
            if (colon == std::string::npos)
                break;
            start = colon + 1;
        }
        std::string content =
            "# Written by WSGI Tuning Studio for mod_wsgi 4.9, which has no <WSGIInterpreterOptions>.\n"
            "# Does what mod_wsgi 6 does for WSGIPythonPath there: each directory is added with\n"
            "# site.addsitedir (so .pth files are read), then the new entries move to the front of "
            "sys.path.\n"
            "import site\nimport sys\n\n"
            "_before = list(sys.path)\n"
            "for _directory in [" +
            dirs +
            "]:\n"
            "    site.addsitedir(_directory)\n"
            "sys.path[:] = [p for p in sys.path if p not in _before] + _before\n";
        m_out.files.push_back({script.script, std::move(content)});
        return script;
    }

    const RenderOptions& m_options;
    LoweredModel m_out;
    bool m_restrictEmbedded = false;
    std::set<std::string> m_paths;
};

} // namespace

LoweredModel lowerForTarget(const WsgiModel& model, const RenderOptions& options)
{
    return Lowering(model, options).run();
}

} // namespace wsgi::config
