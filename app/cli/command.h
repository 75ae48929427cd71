#pragma once
// What every wsgi-studio-cli subcommand shares: its registry entry, exit codes, option parsing with
// generated help, and output. Commands are small files (topcommand.cpp, ...) listed in commands.cpp.

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace wsgi::studio::cli {

inline constexpr char kProgramName[] = "wsgi-studio-cli";

// What scripts can rely on.
enum class ExitCode : int
{
    Ok = 0,
    EngineError = 1, // the engine was unreachable, refused us, or answered with an error
    UsageError = 2,  // the command line itself is wrong
    // A/B runs: some variants failed while others were measured (their results are printed and saved).
    PartialFailure = 3,
    Cancelled = 130, // Ctrl-C; what completed is printed and saved (128 + SIGINT, as shells report it)
};

struct Command
{
    QString name;
    QString summary; // one line, for the program's --help
    // Runs with the arguments after the command name; the QCoreApplication exists.
    std::function<ExitCode(const QStringList& arguments)> run;
};

struct OptionSpec
{
    QStringList names; // {"i", "interval"}: -i and --interval
    QString valueName; // empty for a flag
    QString description;
    QString defaultValue;
};

// QCommandLineParser with our own help and error reporting: its process() exits on its own terms,
// and its help has no notion of subcommands.
class CommandOptions
{
public:
    // `usage` follows "Usage: wsgi-studio-cli CMD ": "--control HOST:PORT [options]".
    CommandOptions(QString command, QString usage, QString description, std::vector<OptionSpec> options);

    bool parse(const QStringList& arguments); // false: error() says why
    // What every command does first: parse, print the help when asked, and check the positional
    // arguments (none, or exactly one when `missingPositional` is the error for its absence). Returns
    // the exit code to leave with (help shown, usage error reported), or nothing when the command runs.
    std::optional<ExitCode> parseOrExit(const QStringList& arguments, const QString& missingPositional = {});
    const QString& error() const { return m_error; }
    bool helpRequested() const;
    bool isSet(const QString& name) const { return m_parser.isSet(name); }
    QString value(const QString& name) const { return m_parser.value(name); }
    QStringList positionalArguments() const { return m_parser.positionalArguments(); }

    QString usageLine() const;
    QString helpText() const;
    // Prints "wsgi-studio-cli CMD: message", the usage line and a hint, and returns UsageError.
    ExitCode usageError(const QString& message) const;

private:
    QString m_command;
    QString m_usage;
    QString m_description;
    std::vector<OptionSpec> m_options;
    QCommandLineParser m_parser;
    QString m_error;
};

// Output, UTF-8, unbuffered enough for a live view: each call is flushed.
void printOut(const QString& text);
void printError(const QString& text);
// "wsgi-studio-cli CMD: message\n" on stderr.
void reportError(const QString& command, const QString& message);

} // namespace wsgi::studio::cli
