#include "cli/commands.h"

#include "cli/abcommand.h"
#include "cli/benchcommand.h"
#include "cli/exportcommand.h"
#include "cli/importcommand.h"
#include "cli/mpmsimcommand.h"
#include "cli/sweepcommand.h"
#include "cli/topcommand.h"
#include "cli/validatecommand.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

const std::vector<Command>& commands()
{
    // In the order the program's --help lists them. Planned: bench, ab, sweep, export, validate,
    // import, mpm-sim.
    static const std::vector<Command> all = {
        topCommand(),    benchCommand(),    abCommand(),     sweepCommand(),
        exportCommand(), validateCommand(), importCommand(), mpmSimCommand(),
    };
    return all;
}

const Command* findCommand(const QString& name)
{
    for (const Command& command : commands())
        if (command.name == name)
            return &command;
    return nullptr;
}

QString programHelp()
{
    QString text = u"Usage: "_s + QLatin1StringView(kProgramName) + u" COMMAND [options]\n\n"_s +
                   u"Drives a wsgi-engine without the studio's windows: everything the GUI does, with\n"
                   u"text or JSON output.\n\nCommands:\n"_s;
    qsizetype width = 0;
    for (const Command& command : commands())
        width = std::max(width, command.name.size());
    for (const Command& command : commands())
        text += u"  "_s + command.name.leftJustified(width) + u"  "_s + command.summary + u'\n';
    text +=
        u"\nOptions:\n  -h, --help     Show this help and exit.\n  --version      Show the version and exit.\n\n"_s +
        u"Run '"_s + QLatin1StringView(kProgramName) + u" COMMAND --help' for a command's options.\n"_s +
        u"Exit codes: 0 ok, 1 the engine failed or refused, 2 usage error.\n"_s;
    return text;
}

int runCli(const QStringList& arguments)
{
    if (arguments.isEmpty()) {
        reportError({}, u"no command given"_s);
        printError(u"\n"_s + programHelp());
        return int(ExitCode::UsageError);
    }
    const QString& first = arguments.front();
    if (first == u"-h"_s || first == u"--help"_s || first == u"help"_s) {
        // "help top" is the same as "top --help".
        if (first == u"help"_s && arguments.size() > 1) {
            if (const Command* command = findCommand(arguments[1]))
                return int(command->run({u"--help"_s}));
            reportError({}, u"no command named '"_s + arguments[1] + u'\'');
            return int(ExitCode::UsageError);
        }
        printOut(programHelp());
        return int(ExitCode::Ok);
    }
    if (first == u"--version"_s) {
        printOut(QLatin1StringView(kProgramName) + u' ' + QCoreApplication::applicationVersion() + u'\n');
        return int(ExitCode::Ok);
    }
    const Command* command = findCommand(first);
    if (!command) {
        reportError({}, (first.startsWith(u'-') ? u"expected a command before the option '"_s
                                                : u"unknown command '"_s) +
                            first + u'\'');
        printError(u"\n"_s + programHelp());
        return int(ExitCode::UsageError);
    }
    return int(command->run(arguments.mid(1)));
}

} // namespace wsgi::studio::cli
