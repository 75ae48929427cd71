// TelemetryHistory's per-process views: one line per process, a past interval rebuilt as a sample,
// and the lifecycle events kept beside the ring.
#include "session/telemetryhistory.h"

#include <algorithm>
#include <map>

namespace wsgi::studio {

std::vector<TelemetryHistory::ProcessLine>
TelemetryHistory::processSeries(HistoryMetric metric, const QString& group, const TimeWindow& window) const
{
    std::vector<ProcessLine> lines;
    const int filter = groupFilter(group);
    if (filter == -1)
        return lines;
    std::map<std::pair<int, int>, size_t> lineOf; // (group index, slot) -> lines[]
    for (const Interval& interval : m_intervals) {
        if (!window.contains(interval.time))
            continue;
        for (const ProcessPoint& p : interval.processes) {
            if (filter >= 0 && p.group != filter)
                continue;
            double value = 0;
            switch (metric) {
            case HistoryMetric::RequestThroughput:
                value = p.requestThroughput;
                break;
            case HistoryMetric::CapacityUtilization:
                value = p.capacityUtilization;
                break;
            case HistoryMetric::Cpu:
                if (p.cpu < 0)
                    continue;
                value = p.cpu;
                break;
            case HistoryMetric::MemoryRss:
                value = double(p.memoryRss);
                break;
            case HistoryMetric::ActiveThreads:
                value = p.threadsActive;
                break;
            }
            const auto key = std::make_pair(int(p.group), int(p.process));
            auto it = lineOf.find(key);
            if (it == lineOf.end()) {
                it = lineOf.emplace(key, lines.size()).first;
                lines.push_back({m_groups.value(p.group), int(p.process), {}});
            }
            lines[it->second].points.push_back({interval.time, value});
        }
    }
    return lines;
}

TelemetrySample TelemetryHistory::sampleAt(double time) const
{
    TelemetrySample sample;
    // Intervals are in time order: the last one not after `time`.
    auto it = std::upper_bound(m_intervals.begin(), m_intervals.end(), time,
                               [](double t, const Interval& interval) { return t < interval.time; });
    if (it == m_intervals.begin())
        return sample;
    const Interval& interval = *std::prev(it);
    sample.time = interval.time;
    sample.intervalMs = interval.intervalMs;
    const double period = interval.intervalMs / 1000.0;
    for (size_t i = 0; i < interval.processes.size(); ++i) {
        const ProcessPoint& p = interval.processes[i];
        ProcessTelemetry t;
        t.group = m_groups.value(p.group).toStdString();
        t.process = p.process;
        t.pid = p.pid;
        t.gilMode = GilMode(p.gilMode);
        t.gilEnabled = p.gilEnabled != 0;
        if (p.switchIntervalUs != 65535)
            t.switchInterval = p.switchIntervalUs / 1e6;
        t.samplePeriodSeconds = period;
        t.requestCount = p.requestCount;
        t.requestThroughput = p.requestThroughput;
        t.requestsPerMinute = p.requestThroughput * 60;
        t.threadsMaximum = p.threads;
        t.threadsActive = p.threadsActive;
        t.capacityUtilization = p.capacityUtilization;
        if (p.cpu >= 0)
            t.cpuUtilization = p.cpu;
        t.memoryRss = p.memoryRss;
        for (int ph = 0; ph < kTimingPhaseCount; ++ph) {
            PhaseTiming& timing = t.phases[size_t(ph)];
            const PhaseSummary& s = p.phases[size_t(ph)];
            mergeInto(timing.histogram, interval, i, TimingPhase(ph));
            timing.minUs = s.minUs;
            timing.maxUs = s.maxUs;
            if (s.count > 0)
                timing.meanSeconds = double(s.sumUs) / double(s.count) / 1e6;
            // Where there is no GIL nothing waits for one: the same "not applicable" the wire says.
            timing.applicable = !(isGilPhase(TimingPhase(ph)) && !t.gilEnabled);
        }
        t.gilWaitCount = p.phases[size_t(TimingPhase::GilWait)].count;
        sample.processes.push_back(std::move(t));
    }
    return sample;
}

void TelemetryHistory::appendEvents(const std::vector<EngineEvent>& events)
{
    for (const EngineEvent& e : events) {
        // The first sample after a subscribe repeats the ring's tail: drop what is already here.
        const bool seen = std::any_of(m_events.rbegin(), m_events.rend(), [&](const EngineEvent& k) {
            return k.sequence == e.sequence && k.time == e.time;
        });
        if (seen)
            continue;
        m_events.push_back(e);
        if (int(m_events.size()) > kMaxEvents)
            m_events.pop_front();
    }
}

std::vector<EngineEvent> TelemetryHistory::eventsIn(const TimeWindow& window) const
{
    std::vector<EngineEvent> out;
    for (const EngineEvent& e : m_events)
        if (window.contains(e.time))
            out.push_back(e);
    return out;
}

} // namespace wsgi::studio
