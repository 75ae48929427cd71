#include "cli/abcommand.h"

#include "cli/abcli.h"
#include "session/abvariant.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

const QString kCommand = u"ab"_s;

ExitCode runAb(const QStringList& rawArguments)
{
    std::vector<OptionSpec> specs = abCommonOptions();
    specs.insert(
        specs.begin() + 1,
        {{u"variant"_s},
         u"NAME=SPEC"_s,
         u"A configuration to compare (two or more; the first is the baseline). SPEC is a config "
         u"snippet file (NAME=FILE.conf) or WSGIDaemonProcess options (NAME='processes=2 threads=5 "
         u"switch-interval=0.0001'); add python=3.13t free-threading=on for a free-threaded group."_s,
         {}});
    CommandOptions options(
        kCommand, u"--app APP.py --variant NAME=SPEC --variant NAME=SPEC... [options]"_s,
        u"Measures configurations against each other. Every repeat of every variant runs in a fresh "
        u"wsgi-engine on 127.0.0.1, the variants alternate (A B A B ...), the load generator's warm-up is "
        u"excluded, and the engine's telemetry is collected over the same measured window. The report is the "
        u"seed articles' table (Config | rpm | response | app | CPU/proc | CPU total | RSS | GIL p95) with "
        u"medians and spread, the share of the physical limit (cores / CPU seconds per request on that "
        u"variant's runtime), and each variant's throughput ratio to the first with a 95% bootstrap "
        u"confidence interval and a verdict in words."
        u"\n\n"
        u"Inline options go to WSGIDaemonProcess as written, except free-threading=on|off, which becomes "
        u"the directive WSGIFreeThreading On and needs a free-threaded runtime (python=3.13t). A snippet "
        u"file with its own WSGIScriptAlias runs as is; otherwise it must define one WSGIDaemonProcess and "
        u"APP is mounted at / on it."
        u"\n\n"
        u"A variant whose engine does not start, whose workers never come up or whose engine dies is "
        u"reported as failed with the engine's own words; the others are still measured. Exit codes: 0 "
        u"all measured, 1 none could be, 2 usage error, 3 some variants failed, 130 cancelled (Ctrl-C; "
        u"what completed is still printed and saved)."_s,
        specs);
    QStringList arguments = rawArguments;
    QString error;
    const QStringList variantArguments = takeRepeatedOption(arguments, {u"--variant"_s}, error);
    if (!error.isEmpty())
        return options.usageError(error);
    if (const std::optional<ExitCode> exit = options.parseOrExit(arguments))
        return *exit;
    AbPlan plan;
    plan.kind = kCommand;
    if (const QString problem = planFromOptions(options, plan); !problem.isEmpty())
        return options.usageError(problem);
    if (variantArguments.size() < 2)
        return options.usageError(u"give at least two --variant NAME=SPEC to compare"_s);
    for (const QString& argument : variantArguments) {
        auto variant = parseVariant(argument, plan.appPath, error);
        if (!variant)
            return options.usageError(error);
        plan.variants.push_back(std::move(*variant));
    }
    if (!checkVariantNames(plan.variants, error))
        return options.usageError(error);
    if (const QString problem = checkEngine(plan); !problem.isEmpty())
        return options.usageError(problem);
    return runAbPlan(kCommand, plan, outputFromOptions(options));
}

} // namespace

Command abCommand()
{
    return {kCommand,
            u"A/B benchmark of configurations: alternated repeats, ratios with confidence intervals"_s,
            runAb};
}

} // namespace wsgi::studio::cli
