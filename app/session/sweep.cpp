#include "session/sweep.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

std::vector<size_t> rankBy(const AbSummary& summary,
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

} // namespace

std::vector<size_t> sweepRanking(const AbSummary& summary, SweepRank by)
{
    std::vector<size_t> order =
        by == SweepRank::Throughput ? rankBy(summary, medianRpm, true) : rankBy(summary, medianRss, false);
    // With several servers the ranking is the first server's (the others' are in their tables and
    // the carry-over): one cell, one place.
    if (!summary.variants.empty()) {
        const ServerKind first = summary.variants.front().server;
        std::erase_if(order, [&summary, first](size_t i) { return summary.variants[i].server != first; });
    }
    return order;
}

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

} // namespace wsgi::studio
