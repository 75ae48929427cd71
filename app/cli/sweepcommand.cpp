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

// Indexes of the measured cells, best first by `better`.
std::vector<size_t> ranking(const AbSummary& summary,
                            const std::function<std::optional<double>(const AbVariantSummary&)>& key,
                            bool descending)
{
    std::vector<size_t> order;
    for (size_t i = 0; i < summary.variants.size(); ++i)
        if (summary.variants[i].ok && key(summary.variants[i]))
            order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const double x = *key(summary.variants[a]);
        const double y = *key(summary.variants[b]);
        return descending ? x > y : x < y;
    });
    return order;
}

std::optional<double> medianRpm(const AbVariantSummary& s)
{
    return s.rpm ? std::optional<double>(s.rpm->median) : std::nullopt;
}

std::optional<double> medianRss(const AbVariantSummary& s)
{
    return s.rssBytes ? std::optional<double>(s.rssBytes->median) : std::nullopt;
}

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
                        {u"ranking_throughput"_s, names(ranking(summary, medianRpm, true))},
                        {u"ranking_memory"_s, names(ranking(summary, medianRss, false))}});
    };
    auto extendText = [](const AbResult&, const AbSummary& summary, bool markdown) -> QString {
        return u"\nRanked by throughput (median rpm, highest first):\n"_s +
               rankingText(summary, ranking(summary, medianRpm, true), false, markdown) +
               u"\nRanked by memory (median total RSS, lowest first):\n"_s +
               rankingText(summary, ranking(summary, medianRss, false), true, markdown);
    };
    return runAbPlan(kCommand, plan, outputFromOptions(options), extendJson, extendText);
}

} // namespace

QString switchIntervalLabel(double seconds)
{
    return QString::number(seconds * 1000, 'g', 6) + u"ms"_s;
}

std::optional<std::vector<int>> parseIntList(const QString& text, int minimum, QString& error)
{
    std::vector<int> values;
    std::set<int> seen;
    for (const QString& item : text.split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const int value = item.trimmed().toInt(&ok);
        if (!ok || value < minimum) {
            error = u"'"_s + item + u"' is not a whole number of at least "_s + QString::number(minimum);
            return std::nullopt;
        }
        if (seen.insert(value).second)
            values.push_back(value);
    }
    if (values.empty()) {
        error = u"no values in '"_s + text + u"' (a comma-separated list, e.g. 1,2,4)"_s;
        return std::nullopt;
    }
    return values;
}

std::optional<std::vector<double>> parseDoubleList(const QString& text, QString& error)
{
    std::vector<double> values;
    for (const QString& item : text.split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const double value = item.trimmed().toDouble(&ok);
        if (!ok || !(value > 0) || !std::isfinite(value)) {
            error = u"'"_s + item + u"' is not a positive number of seconds"_s;
            return std::nullopt;
        }
        if (std::find(values.begin(), values.end(), value) == values.end())
            values.push_back(value);
    }
    if (values.empty()) {
        error = u"no values in '"_s + text + u"' (a comma-separated list, e.g. 0.005,0.0001)"_s;
        return std::nullopt;
    }
    return values;
}

std::vector<SweepCell> sweepCells(const SweepGrid& grid)
{
    std::vector<SweepCell> cells;
    const QStringList runtimes = grid.runtimes.isEmpty() ? QStringList{QString()} : grid.runtimes;
    const bool nameRuntime = !grid.runtimes.isEmpty();
    for (const QString& runtime : runtimes) {
        const bool freeThreaded = runtime.endsWith(u't');
        std::vector<std::optional<double>> intervals;
        if (freeThreaded || grid.switchIntervals.empty()) {
            intervals.emplace_back(std::nullopt);
        } else {
            for (double s : grid.switchIntervals)
                intervals.emplace_back(s);
        }
        for (int p : grid.processes)
            for (int t : grid.threads)
                for (const auto& interval : intervals) {
                    SweepCell c;
                    c.processes = p;
                    c.threads = t;
                    c.switchInterval = interval;
                    c.runtime = runtime;
                    c.freeThreading = freeThreaded;
                    c.name = QString::number(p) + u'x' + QString::number(t);
                    c.options = u"processes="_s + QString::number(p) + u" threads="_s + QString::number(t);
                    if (interval) {
                        c.name += u' ' + switchIntervalLabel(*interval);
                        c.options += u" switch-interval="_s + QString::number(*interval, 'g', 10);
                    }
                    if (nameRuntime)
                        c.name += u' ' + runtime + (freeThreaded ? u" ft"_s : QString());
                    if (!runtime.isEmpty())
                        c.options += u" python="_s + runtime;
                    if (freeThreaded)
                        c.options += u" free-threading=on"_s;
                    cells.push_back(std::move(c));
                }
    }
    return cells;
}

Command sweepCommand()
{
    return {kCommand,
            u"Grid of processes x threads x switch interval x runtime, ranked by throughput and memory"_s,
            runSweep};
}

} // namespace wsgi::studio::cli
