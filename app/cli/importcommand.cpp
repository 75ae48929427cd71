#include "cli/importcommand.h"

#include "cli/validatecommand.h"

#include "apache-config/modeljson.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

const QString kCommand = u"import"_s;

ExitCode runImport(const QStringList& arguments)
{
    CommandOptions options(
        kCommand, u"FILE [options]"_s,
        u"Reads FILE and everything it Includes (relative to ServerRoot, wildcards and directories as httpd "
        "reads them) and prints the model as one JSON document: {\"files\", \"serverRoot\", \"loadedMpm\", "
        "\"model\": {\"server\", \"containers\", \"virtualHosts\", \"mpm\"}, \"findings\"}. Every item "
        "carries the file and line it came from. Lines the model does not cover are not in it, and stay as "
        "they are when the model is exported."
        "\n\n"
        "Exit status: 0 read, 1 FILE (or an included file) unreadable or not valid Apache syntax, 2 usage "
        "error. "
        "Use validate for the full list of findings."_s,
        {
            {{u"target"_s},
             u"TARGET"_s,
             u"Whose rules the findings follow: "_s + configcli::targetHelp() + u'.',
             u"modwsgi-6"_s},
            {{u"server-root"_s},
             u"DIR"_s,
             u"Where relative Includes start when FILE sets no ServerRoot."_s,
             {}},
            {{u"compact"_s}, {}, u"One line of JSON instead of an indented document."_s, {}},
        });
    if (const std::optional<ExitCode> exit = options.parseOrExit(arguments, u"FILE is required"_s))
        return *exit;
    const QStringList files = options.positionalArguments();
    const std::optional<config::Dialect> target = configcli::parseTarget(options);
    if (!target)
        return ExitCode::UsageError;
    config::ImportOptions importOptions;
    importOptions.dialect = *target;
    importOptions.serverRoot = options.value(u"server-root"_s).toStdString();
    const config::ImportedConfig imported =
        config::importConfigFile(files.front().toStdString(), importOptions);
    std::vector<config::Finding> fatal;
    for (const config::Finding& f : imported.findings)
        if (configcli::isFatal(f))
            fatal.push_back(f);
    if (!fatal.empty()) {
        configcli::printFindings(fatal, false);
        return configcli::kConfigError;
    }
    const Json json = config::importToJson(imported);
    printOut(QString::fromStdString(options.isSet(u"compact"_s) ? json.dump() : json.dump(2)) + u'\n');
    return ExitCode::Ok;
}

} // namespace

Command importCommand()
{
    return {u"import"_s, u"Read an httpd.conf (with its Includes) and print the model as JSON"_s, runImport};
}

} // namespace wsgi::studio::cli
