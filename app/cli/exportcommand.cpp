#include "cli/exportcommand.h"

#include "cli/validatecommand.h"

#include "apache-config/documentexport.h"
#include "apache-config/renderer.h"
#include "session/format.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

const QString kCommand = u"export"_s;

bool writeFile(const QString& path, const std::string& content, QString& error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(content.data(), qint64(content.size())) != qint64(content.size()) || !file.commit()) {
        error = u"cannot write "_s + path + u": "_s + file.errorString();
        return false;
    }
    return true;
}

ExitCode runExport(const QStringList& arguments)
{
    CommandOptions options(
        kCommand, u"CONFIG --target TARGET [-o FILE] [options]"_s,
        u"Writes CONFIG (an engine or httpd configuration, with whatever it Includes) for Apache. By "
        "default the output is CONFIG itself with only its WSGI and MPM lines rewritten for the target: "
        "everything else stays byte for byte. --snippet writes just the WSGI and MPM configuration, laid "
        "out fresh: MPM blocks, directives, daemon groups before everything that preloads into them, "
        "containers, import scripts, aliases, then virtual hosts, with a comment on every non-default value."
        "\n\n"
        "The engine-only python= option is left out with a note. For modwsgi-4 (mod_wsgi 4.9, Debian 12) "
        "what 4.9 cannot express is done another way where possible (switch intervals and per-interpreter "
        "python paths through small WSGIImportScript files, written to --script-dir with -o and shown in "
        "the snippet) and otherwise named on stderr and commented in the output, never dropped silently. "
        "Exit status: 0 written, 1 CONFIG unreadable or broken, or the output could not be written, 2 usage error."_s,
        {
            {{u"target"_s},
             u"TARGET"_s,
             u"modwsgi-6 (mod_wsgi 6.0), modwsgi-4 (mod_wsgi 4.9) or engine."_s,
             {}},
            {{u"o"_s, u"output"_s}, u"FILE"_s, u"Write to FILE instead of stdout."_s, {}},
            {{u"snippet"_s}, {}, u"Write only the WSGI and MPM configuration, freshly laid out."_s, {}},
            {{u"script-dir"_s},
             u"DIR"_s,
             u"Where the modwsgi-4 import scripts live (named in WSGIImportScript; written there with -o). "
             "Default: the directory of FILE with -o, else /etc/apache2/wsgi-studio."_s,
             {}},
            {{u"no-comments"_s}, {}, u"Leave out the explanatory comments."_s, {}},
            {{u"server-root"_s},
             u"DIR"_s,
             u"Where relative Includes start when CONFIG sets no ServerRoot."_s,
             {}},
        });
    if (const std::optional<ExitCode> exit = options.parseOrExit(arguments, u"CONFIG is required"_s))
        return *exit;
    const QStringList files = options.positionalArguments();
    if (!options.isSet(u"target"_s))
        return options.usageError(u"--target modwsgi-6|modwsgi-4 is required"_s);
    const std::optional<config::Dialect> target = configcli::parseTarget(options);
    if (!target)
        return ExitCode::UsageError;
    const QString output = options.value(u"output"_s);
    if (options.isSet(u"output"_s) && output.isEmpty())
        return options.usageError(u"-o needs a file name"_s);

    // Read with the engine's dialect, the most permissive: python= and every mod_wsgi 6 feature are model.
    config::ImportOptions importOptions;
    importOptions.dialect = config::Dialect::Engine;
    importOptions.serverRoot = options.value(u"server-root"_s).toStdString();
    const config::ImportedConfig imported =
        config::importConfigFile(files.front().toStdString(), importOptions);
    // A line with an error would be dropped from a snippet or written back broken: refuse, as for syntax.
    std::vector<config::Finding> fatal;
    for (const config::Finding& f : imported.findings)
        if (configcli::isFatal(f) || configcli::blocksExport(f, *target))
            fatal.push_back(f);
    if (!fatal.empty()) {
        configcli::printFindings(fatal, false);
        reportError(kCommand, files.front() + u" cannot be exported until these are fixed"_s);
        return configcli::kConfigError;
    }

    config::RenderOptions render;
    render.target = *target;
    render.comments = !options.isSet(u"no-comments"_s);
    render.fileNames = imported.fileNames();
    render.engineRelativePaths = true; // read under the engine's rules, see importOptions above
    if (options.isSet(u"script-dir"_s))
        render.scriptDirectory = QDir(options.value(u"script-dir"_s)).absolutePath().toStdString();
    else if (!output.isEmpty())
        render.scriptDirectory = QFileInfo(output).absoluteDir().absolutePath().toStdString();

    std::string text;
    std::vector<config::GeneratedFile> scripts;
    std::vector<config::Finding> findings;
    if (options.isSet(u"snippet"_s)) {
        config::RenderResult r = config::renderSnippet(imported.model, render);
        text = std::move(r.text);
        scripts = std::move(r.files);
        findings = std::move(r.findings);
    } else {
        config::DocumentExport r = config::exportDocument(imported, imported.model, render);
        for (std::size_t i = 1; i < r.configFiles.size(); ++i)
            if (r.changed[i]) {
                reportError(kCommand, u"the export changes "_s +
                                          QString::fromStdString(r.configFiles[i].path) +
                                          u", a file CONFIG includes; use --snippet to write one file"_s);
                return configcli::kConfigError;
            }
        text = std::move(r.configFiles.front().content);
        scripts = std::move(r.scripts);
        findings = std::move(r.findings);
    }
    configcli::printFindings(findings, true);

    QString error;
    if (output.isEmpty()) {
        printOut(QString::fromStdString(text));
        if (!scripts.empty() && !options.isSet(u"snippet"_s))
            reportError(kCommand, u"note: "_s +
                                      formatCount(qint64(scripts.size()), u"import script is"_s,
                                                  u"import scripts are"_s) +
                                      u" needed; use -o FILE to write them, or --snippet to see them"_s);
        return ExitCode::Ok;
    }
    QDir().mkpath(QFileInfo(output).absolutePath());
    if (!writeFile(output, text, error)) {
        reportError(kCommand, error);
        return configcli::kConfigError;
    }
    for (const config::GeneratedFile& script : scripts) {
        const QString path = QString::fromStdString(script.path);
        QDir().mkpath(QFileInfo(path).absolutePath());
        if (!writeFile(path, script.content, error)) {
            reportError(kCommand, error);
            return configcli::kConfigError;
        }
        printError(u"wrote "_s + path + u'\n');
    }
    printError(u"wrote "_s + output + u'\n');
    return ExitCode::Ok;
}

} // namespace

Command exportCommand()
{
    return {u"export"_s,
            u"Write a configuration for mod_wsgi 6 or 4.9 (Debian 12), in place or as a snippet"_s,
            runExport};
}

} // namespace wsgi::studio::cli
