#pragma once
// The registry of wsgi-studio-cli subcommands and the dispatcher main() calls. Adding a command is
// a new file with a `Command xxxCommand()` factory plus one line in commands.cpp.

#include "cli/command.h"

#include <QStringList>

#include <vector>

namespace wsgi::studio::cli {

const std::vector<Command>& commands();
const Command* findCommand(const QString& name);

// Runs the command line (arguments without the program name); returns the process exit code.
int runCli(const QStringList& arguments);

QString programHelp();

} // namespace wsgi::studio::cli
