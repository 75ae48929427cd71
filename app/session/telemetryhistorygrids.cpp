#include "session/telemetryhistorygrids.h"

#include <algorithm>

namespace wsgi::studio {

namespace {

// A window holding exactly the interval that ends at `t`: interval times are distinct and at least
// a millisecond apart (the engine's shortest interval is 100 ms).
TimeWindow justInterval(double t)
{
    return {t - 1e-4, t};
}

} // namespace

std::vector<double> intervalTimes(const TelemetryHistory& history, const QString& group,
                                  const TimeWindow& window)
{
    std::vector<double> times;
    // Every interval a process of the group reported in has a thread count, zero or not.
    for (const HistoryPoint& p : history.series(HistoryMetric::ActiveThreads, group, window))
        times.push_back(p.time);
    return times;
}

std::vector<IntervalHistogram> intervalHistograms(const TelemetryHistory& history, TimingPhase phase,
                                                  const QString& group, const TimeWindow& window)
{
    std::vector<IntervalHistogram> out;
    for (const double t : intervalTimes(history, group, window))
        out.push_back({t, history.mergedHistogram(phase, group, justInterval(t))});
    return out;
}

GroupShape groupShape(const TelemetryHistory& history, const QString& group, const TimeWindow& window)
{
    GroupShape shape;
    const std::vector<double> times = intervalTimes(history, group, window);
    if (times.empty())
        return shape;
    const TelemetrySample sample = history.sampleAt(times.back());
    shape.time = sample.time;
    for (const ProcessTelemetry& p : sample.processes) {
        if (!group.isEmpty() && QString::fromStdString(p.group) != group)
            continue;
        ++shape.processes;
        shape.threadsPerProcess = std::max(shape.threadsPerProcess, p.threadsMaximum);
        if (p.gilEnabled) {
            ++shape.withGil;
            if (p.switchInterval && (!shape.switchInterval || *p.switchInterval > *shape.switchInterval))
                shape.switchInterval = p.switchInterval;
        } else {
            ++shape.withoutGil;
        }
    }
    return shape;
}

double seriesMean(const QList<HistoryPoint>& points)
{
    if (points.isEmpty())
        return 0;
    double sum = 0;
    for (const HistoryPoint& p : points)
        sum += p.value;
    return sum / double(points.size());
}

GroupFigures groupFigures(const TelemetryHistory& history, const QString& group, const TimeWindow& window,
                          double machineCores)
{
    GroupFigures f;
    f.group = group;
    const GroupShape shape = groupShape(history, group, window);
    f.processes = shape.processes;
    f.threadsPerProcess = shape.threadsPerProcess;
    f.gilEnabled = !shape.noGil();
    f.switchIntervalS = shape.switchInterval;
    f.machineCores = machineCores;
    f.throughput = seriesMean(history.series(HistoryMetric::RequestThroughput, group, window));
    f.capacity = seriesMean(history.series(HistoryMetric::CapacityUtilization, group, window));
    f.cpuCores = seriesMean(history.series(HistoryMetric::Cpu, group, window));

    const wsgi::Histogram app = history.mergedHistogram(TimingPhase::Application, group, window);
    const wsgi::Histogram queue = history.mergedHistogram(TimingPhase::Queue, group, window);
    const wsgi::Histogram gil = history.mergedHistogram(TimingPhase::GilWaitFull, group, window);
    const wsgi::Histogram cpu = history.mergedHistogram(TimingPhase::RequestCpu, group, window);
    const wsgi::Histogram offCpu = history.mergedHistogram(TimingPhase::RequestOffCpu, group, window);
    f.requests = app.count();
    f.applicationMeanS = app.mean() / 1e6;
    f.queueMeanS = queue.mean() / 1e6;
    // A request thread's life from asking for the GIL to the application's end is its CPU time plus
    // its off-CPU time (where the full GIL wait is part of the latter); the application phase alone
    // starts after the first acquire and would put shares above 1.
    const double life = cpu.sum() + offCpu.sum() > 0 ? double(cpu.sum() + offCpu.sum()) : double(app.sum());
    if (life > 0) {
        f.gilWaitFullShare = std::clamp(double(gil.sum()) / life, 0.0, 1.0);
        f.cpuShare = std::clamp(double(cpu.sum()) / life, 0.0, 1.0);
    }
    f.gilWaitFullP95S = gil.percentile(95) / 1e6;
    return f;
}

} // namespace wsgi::studio
