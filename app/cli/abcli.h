#pragma once
// What `ab` and `sweep` share on the command line: the load and repeat options, turning them into an
// AbPlan, and running the plan with progress on stderr, Ctrl-C as a clean cancel, the report on
// stdout and the JSON document saved with -o.

#include "cli/command.h"
#include "session/abresult.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace wsgi::studio::cli {

// --app, --repeats, --duration, --warmup, --concurrency, --rate, --load-threads, --path, --timeout,
// --engine, --runtime-limit, --no-limit, --cooldown, --json, --markdown, -o.
std::vector<OptionSpec> abCommonOptions();

// Fills everything but the variants; an empty string when the options are good, else the message.
QString planFromOptions(const CommandOptions& options, AbPlan& plan);
// Checked last, after every option and variant: a message when plan.enginePath cannot be run.
QString checkEngine(const AbPlan& plan);

// Takes every `FLAG VALUE` (and `--long=VALUE`) for the given flags ({"--header", "-H"}) out of
// `arguments`, up to a "--", in order: for repeatable options, of which CommandOptions keeps one.
QStringList takeRepeatedOption(QStringList& arguments, const QStringList& flags, QString& error);

struct AbOutput
{
    bool json = false;     // the JSON document on stdout instead of the report; no progress
    bool markdown = false; // the report's table in Markdown
    QString outputFile;    // -o: the JSON document saved here
};
AbOutput outputFromOptions(const CommandOptions& options);

using AbJsonExtension = std::function<void(QJsonObject& document, const AbResult&, const AbSummary&)>;
using AbTextExtension = std::function<QString(const AbResult&, const AbSummary&, bool markdown)>;

// Runs the plan in this thread's event loop and reports. Exit code: 0 every variant measured,
// 3 some failed, 1 none could be measured, 130 cancelled.
ExitCode runAbPlan(const QString& command, const AbPlan& plan, const AbOutput& output,
                   const AbJsonExtension& extendJson = {}, const AbTextExtension& extendText = {});

} // namespace wsgi::studio::cli
