#pragma once
// Reads of a TelemetryHistory for the Monitor page's GIL views, heatmap and diagnosis: one merged
// histogram per interval (the columns of a heatmap), the group's shape and GIL as its newest interval
// saw it, and the figures a diagnosis is made from. Built on the history's public reads, so they
// agree with the charts by construction.

#include "session/diagnosis.h"
#include "session/telemetryhistory.h"

#include <optional>
#include <vector>

namespace wsgi::studio {

struct IntervalHistogram
{
    double time = 0; // end of the interval, unix seconds
    wsgi::Histogram histogram;
};

// The interval end times of the window at which `group` reported, oldest first.
std::vector<double> intervalTimes(const TelemetryHistory& history, const QString& group,
                                  const TimeWindow& window);

// One histogram of `phase` per interval of the window, the group's processes merged.
std::vector<IntervalHistogram> intervalHistograms(const TelemetryHistory& history, TimingPhase phase,
                                                  const QString& group, const TimeWindow& window);

struct GroupShape
{
    double time = 0; // of the newest interval in the window; 0 when there is none
    int processes = 0;
    int threadsPerProcess = 0; // the largest of them
    int withGil = 0;
    int withoutGil = 0;                   // free-threaded processes
    std::optional<double> switchInterval; // seconds, the largest in force
    bool noGil() const { return processes > 0 && withGil == 0; }
};
GroupShape groupShape(const TelemetryHistory& history, const QString& group, const TimeWindow& window);

// Mean of a series' values over the window (0 when empty).
double seriesMean(const QList<HistoryPoint>& points);

// What diagnose() needs, measured over the window.
GroupFigures groupFigures(const TelemetryHistory& history, const QString& group, const TimeWindow& window,
                          double machineCores);

} // namespace wsgi::studio
