#pragma once
// A sweep: a grid of daemon-process shapes (processes x threads x switch interval x runtime), its
// cells in grid order, and the rankings of a measured sweep by throughput and by memory. The CLI's
// `sweep` parses argv into a grid and prints; the Benchmark page builds the grid from its form.

#include "session/abresult.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace wsgi::studio {

struct SweepGrid
{
    std::vector<int> processes;
    std::vector<int> threads;
    std::vector<double> switchIntervals; // empty: the runtime's default
    QStringList runtimes;                // empty: the engine's default runtime
};

struct SweepCell
{
    QString name; // "2x5 0.1ms", "1x10 3.13t ft"
    int processes = 0;
    int threads = 0;
    std::optional<double> switchInterval;
    QString runtime;
    bool freeThreading = false;
    QString options; // the WSGIDaemonProcess options the cell runs with
};

// Every combination, in grid order. A free-threaded runtime ("...t") runs with free-threading=on
// and without the switch-interval dimension (it has no GIL to switch), so its cells are not
// repeated once per interval.
std::vector<SweepCell> sweepCells(const SweepGrid& grid);

// "1,2,4" -> {1, 2, 4}; empty with `error` set on anything else.
std::optional<std::vector<int>> parseIntList(const QString& text, int minimum, QString& error);
std::optional<std::vector<double>> parseDoubleList(const QString& text, QString& error);

// "5ms", "2ms", "0.1ms": the seeds' way of naming a switch interval.
QString switchIntervalLabel(double seconds);

enum class SweepRank
{
    Throughput, // median rpm, highest first
    Memory,     // median RSS, lowest first
};
// Indexes into summary.variants of the cells measured, best first; cells without the figure are left
// out. Ties keep grid order.
// Indices into summary.variants, best first; with several servers, the first server's cells only.
std::vector<size_t> sweepRanking(const AbSummary& summary, SweepRank by);

} // namespace wsgi::studio
