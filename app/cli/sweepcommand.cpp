#include "cli/sweepcommand.h"

#include "cli/abcli.h"
#include "cli/abreport.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <set>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

const QString kCommand = u"sweep"_s;

QString rankingText(const AbSummary& summary, const std::vector<size_t>& order, bool byMemory, bool markdown)
{
    QString out;
    int rank = 0;
    qsizetype width = 0;
    for (size_t i : order)
        width = std::max(width, summary.variants[i].name.size());
    for (size_t i : order) {
        const AbVariantSummary& s = summary.variants[i];
        const QString rpm = s.rpm ? formatRpm(s.rpm->median) + u" rpm"_s : u"- rpm"_s;
        const QString rss = s.rssBytes ? u"RSS "_s + formatBytes(s.rssBytes->median) : u"RSS -"_s;
        const QString limit =
            s.ofLimit ? u", "_s + QString::number(std::lround(s.ofLimit->median * 100)) + u"% of limit"_s
                      : QString();
        const QString line = byMemory ? rss + u", "_s + rpm + limit : rpm + limit + u", "_s + rss;
        ++rank;
        const QString number = markdown
                                   ? QString(QString::number(rank) + u". "_s)
                                   : QString(u"  "_s + QString::number(rank).rightJustified(3) + u". "_s);
        const QString name =
            markdown ? QString(s.name + u": "_s) : QString(s.name.leftJustified(width) + u"  "_s);
        out += number + name + line + u'\n';
    }
    return out;
}

ExitCode runSweep(const QStringList& arguments)
{
    std::vector<OptionSpec> specs = abCommonOptions();
    const std::vector<OptionSpec> grid = {
        {{u"processes"_s}, u"LIST"_s, u"Worker processes per cell, e.g. 1,2,4."_s, {}},
        {{u"threads"_s}, u"LIST"_s, u"Request threads per process, e.g. 1,5,10."_s, {}},
        {{u"switch-interval"_s},
         u"LIST"_s,
         u"Switch intervals in seconds, e.g. 0.005,0.002,0.0001 (default: the runtime's own, 5 ms)."_s,
         {}},
        {{u"runtime"_s},
         u"LIST"_s,
         u"Python runtimes, e.g. 3.11,3.13t (default: the engine's). A free-threaded runtime runs with "
         u"WSGIFreeThreading On and no switch-interval dimension."_s,
         {}},
    };
    specs.insert(specs.begin() + 1, grid.begin(), grid.end());
    CommandOptions options(
        kCommand,
        u"--app APP.py --processes LIST --threads LIST [--switch-interval LIST] [--runtime LIST] [options]"_s,
        u"Measures every combination of the lists as an A/B run does (each repeat in a fresh engine, the "
        u"cells "
        u"alternated per repeat, telemetry from the same window), then ranks the cells by throughput (median "
        u"rpm, highest first) and by memory (median total RSS, lowest first). The full table and the JSON "
        u"document are the same as ab's; the JSON adds \"sweep\" with the grid and both rankings. Ratios and "
        u"verdicts are against the first cell. Plan for cells x repeats x (warm-up + duration + about 4 s)."_s,
        specs);
    if (const std::optional<ExitCode> exit = options.parseOrExit(arguments))
        return *exit;
    AbPlan plan;
    plan.kind = kCommand;
    if (const QString problem = planFromOptions(options, plan); !problem.isEmpty())
        return options.usageError(problem);

    SweepGrid sweep;
    QString error;
    if (!options.isSet(u"processes"_s) || !options.isSet(u"threads"_s))
        return options.usageError(u"--processes LIST and --threads LIST are required"_s);
    const auto processes = parseIntList(options.value(u"processes"_s), 1, error);
    if (!processes)
        return options.usageError(u"--processes: "_s + error);
    const auto threads = parseIntList(options.value(u"threads"_s), 1, error);
    if (!threads)
        return options.usageError(u"--threads: "_s + error);
    sweep.processes = *processes;
    sweep.threads = *threads;
    if (options.isSet(u"switch-interval"_s)) {
        const auto intervals = parseDoubleList(options.value(u"switch-interval"_s), error);
        if (!intervals)
            return options.usageError(u"--switch-interval: "_s + error);
        sweep.switchIntervals = *intervals;
    }
    if (options.isSet(u"runtime"_s))
        sweep.runtimes = options.value(u"runtime"_s).split(u',', Qt::SkipEmptyParts);
    const std::vector<SweepCell> cells = sweepCells(sweep);
    if (cells.size() < 2)
        return options.usageError(u"the grid has one cell: give at least two values in one of the lists"_s);
    for (const SweepCell& cell : cells) {
        auto variant = variantFromOptions(cell.name, cell.options, plan.appPath, error);
        if (!variant)
            return options.usageError(error);
        plan.variants.push_back(std::move(*variant));
    }
    if (const QString problem = checkEngine(plan); !problem.isEmpty())
        return options.usageError(problem);

    auto extendJson = [&](QJsonObject& document, const AbResult&, const AbSummary& summary) {
        QJsonArray cellsJson;
        for (const SweepCell& c : cells)
            cellsJson.append(QJsonObject{
                {u"name"_s, c.name},
                {u"processes"_s, c.processes},
                {u"threads"_s, c.threads},
                {u"switch_interval"_s, c.switchInterval ? QJsonValue(*c.switchInterval) : QJsonValue()},
                {u"runtime"_s, c.runtime.isEmpty() ? QJsonValue() : QJsonValue(c.runtime)},
                {u"free_threading"_s, c.freeThreading}});
        auto names = [&](const std::vector<size_t>& order) {
            QJsonArray a;
            for (size_t i : order)
                a.append(summary.variants[i].name);
            return a;
        };
        QJsonArray processesJson, threadsJson, intervalsJson;
        for (int p : sweep.processes)
            processesJson.append(p);
        for (int t : sweep.threads)
            threadsJson.append(t);
        for (double s : sweep.switchIntervals)
            intervalsJson.append(s);
        document.insert(
            u"sweep"_s,
            QJsonObject{{u"grid"_s, QJsonObject{{u"processes"_s, processesJson},
                                                {u"threads"_s, threadsJson},
                                                {u"switch_intervals"_s, intervalsJson},
                                                {u"runtimes"_s, QJsonArray::fromStringList(sweep.runtimes)}}},
                        {u"cells"_s, cellsJson},
                        {u"ranking_throughput"_s, names(sweepRanking(summary, SweepRank::Throughput))},
                        {u"ranking_memory"_s, names(sweepRanking(summary, SweepRank::Memory))}});
    };
    auto extendText = [](const AbResult&, const AbSummary& summary, bool markdown) -> QString {
        return u"\nRanked by throughput (median rpm, highest first):\n"_s +
               rankingText(summary, sweepRanking(summary, SweepRank::Throughput), false, markdown) +
               u"\nRanked by memory (median total RSS, lowest first):\n"_s +
               rankingText(summary, sweepRanking(summary, SweepRank::Memory), true, markdown);
    };
    return runAbPlan(kCommand, plan, outputFromOptions(options), extendJson, extendText);
}

} // namespace

Command sweepCommand()
{
    return {kCommand,
            u"Grid of processes x threads x switch interval x runtime, ranked by throughput and memory"_s,
            runSweep};
}

} // namespace wsgi::studio::cli
