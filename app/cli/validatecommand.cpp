#include "cli/validatecommand.h"

#include "apache-config/engineconfig.h"
#include "apache-config/modeljson.h"
#include "session/format.h"

#include <QFileInfo>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace configcli {

std::optional<config::Dialect> parseTarget(const CommandOptions& options)
{
    const QString text = options.value(u"target"_s);
    std::optional<config::Dialect> target = config::dialectFromName(text.toStdString());
    if (!target)
        options.usageError(u"--target must be "_s + targetHelp() + u", not '"_s + text + u'\'');
    return target;
}

QString targetHelp()
{
    return u"modwsgi-6 (mod_wsgi 6.0), modwsgi-4 (mod_wsgi 4.9, Debian 12's) or engine (the engine's own rules)"_s;
}

int printFindings(const std::vector<config::Finding>& findings, bool notes)
{
    int errors = 0;
    for (const config::Finding& f : findings) {
        errors += f.severity == config::Severity::Error ? 1 : 0;
        if (f.severity == config::Severity::Note && !notes)
            continue;
        printError(QString::fromStdString(config::formatFinding(f)) + u'\n');
    }
    return errors;
}

bool isFatal(const config::Finding& f)
{
    return f.severity == config::Severity::Error &&
           (f.code == "E-IO" || f.code == "E-SYNTAX" || f.code == "E-INCLUDE" || f.code == "E-INCLUDE-CYCLE");
}

bool blocksExport(const config::Finding& f, config::Dialect target)
{
    if (f.severity != config::Severity::Error)
        return false;
    if (target == config::Dialect::Engine)
        return true;
    return f.code != "E-UNSUPPORTED-OPTION" && f.code != "E-UNSUPPORTED-VALUE" &&
           f.code != "E-EMBEDDED-MODE" && f.code != "E-DUPLICATE-MOUNT";
}

} // namespace configcli

namespace {

const QString kCommand = u"validate"_s;

bool parsePositive(const QString& text, double& out)
{
    bool ok = false;
    out = text.toDouble(&ok);
    return ok && out > 0;
}

ExitCode runValidate(const QStringList& arguments)
{
    CommandOptions options(
        kCommand, u"FILE [--target TARGET] [--json] [options]"_s,
        u"Checks an httpd.conf, and every file it Includes, the way Apache and mod_wsgi will read it: "
        "WSGIDaemonProcess options with their units and ranges, unknown options and directives, duplicate "
        "daemon groups, %{GLOBAL} and embedded mode, directives in the wrong context, daemon groups used "
        "before they are defined, mod_wsgi 6's GIL rules (the meaning of its WSGI0198..WSGI0205 warnings), "
        "known quirks, the MPM values httpd silently corrects at start-up (with the value it really uses), "
        "StartServers that MaxSpareThreads undoes, and daemon sizing against MaxRequestWorkers and memory."
        "\n\n"
        "Each finding has a stable code, a severity, the file and line, and a suggested fix. Exit status: "
        "0 no errors (warnings allowed), 1 errors or an unreadable file, 2 usage error. With --json one "
        "document {\"file\", \"target\", \"ok\", \"errors\", \"warnings\", \"findings\": [{\"severity\", "
        "\"code\", \"file\", \"line\", \"message\", \"suggestion\"}]} goes to stdout."_s,
        {
            {{u"target"_s}, u"TARGET"_s, u"Whose rules: "_s + configcli::targetHelp() + u'.', u"modwsgi-6"_s},
            {{u"json"_s}, {}, u"Print the findings as JSON on stdout."_s, {}},
            {{u"notes"_s}, {}, u"Also print notes (text output; JSON always has them)."_s, {}},
            {{u"python"_s},
             u"VERSION"_s,
             u"The Python mod_wsgi runs, for the GIL rules: 3.11, 3.13, 3.13t... Default: 3.11 for modwsgi-4 "
             "(Debian 12), 3.13 otherwise."_s,
             {}},
            {{u"server-root"_s},
             u"DIR"_s,
             u"Where relative Includes start when the file sets no ServerRoot. "
             "Default: the file's directory."_s,
             {}},
            {{u"rss"_s},
             u"MIB"_s,
             u"Resident memory of one daemon process, for the memory sizing check."_s,
             {}},
            {{u"memory"_s}, u"MIB"_s, u"Memory of the host, for the memory sizing check."_s, {}},
        });
    if (const std::optional<ExitCode> exit = options.parseOrExit(arguments, u"FILE is required"_s))
        return *exit;
    const QStringList files = options.positionalArguments();
    const std::optional<config::Dialect> target = configcli::parseTarget(options);
    if (!target)
        return ExitCode::UsageError;
    config::ImportOptions importOptions;
    importOptions.dialect = *target;
    importOptions.python = options.value(u"python"_s).toStdString();
    importOptions.serverRoot = options.value(u"server-root"_s).toStdString();
    if (options.isSet(u"rss"_s) && !parsePositive(options.value(u"rss"_s), importOptions.processRssMiB))
        return options.usageError(u"--rss must be a positive number of MiB, not '"_s +
                                  options.value(u"rss"_s) + u'\'');
    if (options.isSet(u"memory"_s) && !parsePositive(options.value(u"memory"_s), importOptions.hostMemoryMiB))
        return options.usageError(u"--memory must be a positive number of MiB, not '"_s +
                                  options.value(u"memory"_s) + u'\'');

    const std::string file = files.front().toStdString();
    // The engine's own rules are the engine's parser; Apache targets read the whole tree.
    std::vector<config::Finding> findings = *target == config::Dialect::Engine
                                                ? config::loadEngineConfig(file).findings
                                                : config::importConfigFile(file, importOptions).findings;
    const auto count = [&](config::Severity s) {
        return int(std::count_if(findings.begin(), findings.end(),
                                 [&](const config::Finding& f) { return f.severity == s; }));
    };
    const int errors = count(config::Severity::Error);
    if (options.isSet(u"json"_s)) {
        Json out = Json::object();
        out.set("file", file)
            .set("target", config::dialectName(*target))
            .set("ok", errors == 0)
            .set("errors", errors)
            .set("warnings", count(config::Severity::Warning))
            .set("findings", config::findingsToJson(findings));
        printOut(QString::fromStdString(out.dump(2)) + u'\n');
    } else {
        configcli::printFindings(findings, options.isSet(u"notes"_s));
        printError(files.front() + u": "_s + formatCount(errors, u"error"_s, u"errors"_s) + u", "_s +
                   formatCount(count(config::Severity::Warning), u"warning"_s, u"warnings"_s) + u" under "_s +
                   QString::fromStdString(std::string(config::dialectName(*target))) + u" rules\n"_s);
    }
    return errors == 0 ? ExitCode::Ok : configcli::kConfigError;
}

} // namespace

Command validateCommand()
{
    return {u"validate"_s, u"Check an httpd.conf (and its Includes) for mod_wsgi 6, 4.9 or the engine"_s,
            runValidate};
}

} // namespace wsgi::studio::cli
