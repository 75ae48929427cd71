#include "session/telemetryhistory.h"

#include <algorithm>
#include <cmath>

namespace wsgi::studio {

namespace {

constexpr int kCountBits = 21;
constexpr uint32_t kCountMask = (uint32_t(1) << kCountBits) - 1;
static_assert(kCountBits + 11 <= 32, "11 bits hold every bucket index");

// Sums of the group's processes in one interval for one phase: count, sum, min, max.
struct PhaseTotals
{
    int64_t count = 0;
    int64_t sumUs = 0;
};

} // namespace

TelemetryHistory::TelemetryHistory(QObject* parent, int maxIntervals, int maxProcesses)
    : QObject(parent), m_maxIntervals(std::max(1, maxIntervals)), m_maxProcesses(std::max(1, maxProcesses))
{
    Q_ASSERT(wsgi::Histogram::bucketCount() < (1 << (32 - kCountBits)));
}

void TelemetryHistory::clear()
{
    m_intervals.clear();
    m_droppedProcesses = 0;
    m_events.clear();
    Q_EMIT cleared();
}

double TelemetryHistory::firstTime() const
{
    return m_intervals.empty() ? 0 : m_intervals.front().time;
}

double TelemetryHistory::lastTime() const
{
    return m_intervals.empty() ? 0 : m_intervals.back().time;
}

int TelemetryHistory::groupIndex(const std::string& name)
{
    const QString q = QString::fromStdString(name);
    qsizetype i = m_groups.indexOf(q);
    if (i < 0) {
        m_groups << q;
        i = m_groups.size() - 1;
    }
    return int(i);
}

int TelemetryHistory::groupFilter(const QString& group) const
{
    if (group.isEmpty())
        return -2;
    return int(m_groups.indexOf(group)); // -1 when never seen
}

void TelemetryHistory::append(const TelemetrySample& sample)
{
    Interval interval;
    if (int(m_intervals.size()) >= m_maxIntervals) {
        // Reuse the oldest slot's allocations: at 4 Hz the ring turns over constantly.
        interval = std::move(m_intervals.front());
        m_intervals.pop_front();
        interval.processes.clear();
        interval.buckets.clear();
        interval.offsets.clear();
    }
    interval.time = sample.time;
    interval.intervalMs = sample.intervalMs;
    const size_t kept = std::min(sample.processes.size(), size_t(m_maxProcesses));
    m_droppedProcesses += int64_t(sample.processes.size() - kept);
    interval.processes.reserve(kept);
    interval.offsets.reserve(kept * kTimingPhaseCount + 1);
    // Gathered here, then copied at their exact size: a vector grown by push_back holds up to twice
    // what it needs, and 2400 x 16 of them add up.
    std::vector<uint32_t>& buckets = m_scratch;
    buckets.clear();
    for (size_t p = 0; p < kept; ++p) {
        const ProcessTelemetry& t = sample.processes[p];
        ProcessPoint point;
        point.group = uint16_t(groupIndex(t.group));
        point.process = uint16_t(std::clamp(t.process, 0, 65535));
        point.threads = t.threadsMaximum;
        point.threadsActive = t.threadsActive;
        point.gilMode = uint8_t(t.gilMode);
        point.gilEnabled = t.gilEnabled ? 1 : 0;
        if (t.switchInterval && *t.switchInterval >= 0 && *t.switchInterval * 1e6 < 65534.5)
            point.switchIntervalUs = uint16_t(std::lround(*t.switchInterval * 1e6));
        point.pid = t.pid;
        point.memoryRss = t.memoryRss;
        point.requestCount = t.requestCount;
        point.requestThroughput = t.requestThroughput;
        point.capacityUtilization = t.capacityUtilization;
        if (t.cpuUtilization)
            point.cpu = *t.cpuUtilization;
        else if (t.cpuUserUtilization || t.cpuSystemUtilization)
            point.cpu = t.cpuUserUtilization.value_or(0) + t.cpuSystemUtilization.value_or(0);
        for (int ph = 0; ph < kTimingPhaseCount; ++ph) {
            const wsgi::Histogram& h = t.phases[size_t(ph)].histogram;
            interval.offsets.push_back(uint32_t(buckets.size()));
            PhaseSummary& s = point.phases[size_t(ph)];
            s.count = h.count();
            s.sumUs = h.sum();
            s.minUs = h.min();
            s.maxUs = h.max();
            for (const auto& [index, n] : h.sparse()) {
                int64_t left = n;
                while (left > 0) { // a count beyond 21 bits takes several entries of the same bucket
                    const uint32_t part = uint32_t(std::min<int64_t>(left, kCountMask));
                    buckets.push_back(uint32_t(index) << kCountBits | part);
                    left -= part;
                }
            }
        }
        interval.processes.push_back(point);
    }
    interval.offsets.push_back(uint32_t(buckets.size()));
    interval.buckets.assign(buckets.begin(), buckets.end());
    m_intervals.push_back(std::move(interval));
    appendEvents(sample.events);
    Q_EMIT appended(sample.time);
}

QList<HistoryPoint> TelemetryHistory::series(HistoryMetric metric, const QString& group,
                                             const TimeWindow& window) const
{
    QList<HistoryPoint> out;
    const int filter = groupFilter(group);
    if (filter == -1)
        return out;
    for (const Interval& interval : m_intervals) {
        if (!window.contains(interval.time))
            continue;
        double value = 0;
        double weight = 0;
        bool any = false;
        for (const ProcessPoint& p : interval.processes) {
            if (filter >= 0 && p.group != filter)
                continue;
            switch (metric) {
            case HistoryMetric::RequestThroughput:
                value += p.requestThroughput;
                any = true;
                break;
            case HistoryMetric::CapacityUtilization:
                value += p.capacityUtilization * p.threads;
                weight += p.threads;
                any = true;
                break;
            case HistoryMetric::Cpu:
                if (p.cpu >= 0) {
                    value += p.cpu;
                    any = true;
                }
                break;
            case HistoryMetric::MemoryRss:
                value += double(p.memoryRss);
                any = true;
                break;
            case HistoryMetric::ActiveThreads:
                value += p.threadsActive;
                any = true;
                break;
            }
        }
        if (!any)
            continue;
        if (metric == HistoryMetric::CapacityUtilization)
            value = weight > 0 ? value / weight : 0;
        out.push_back({interval.time, value});
    }
    return out;
}

QList<HistoryPoint> TelemetryHistory::phaseSeries(TimingPhase phase, const QString& group,
                                                  const TimeWindow& window) const
{
    QList<HistoryPoint> out;
    const int filter = groupFilter(group);
    if (filter == -1)
        return out;
    for (const Interval& interval : m_intervals) {
        if (!window.contains(interval.time))
            continue;
        PhaseTotals totals;
        for (const ProcessPoint& p : interval.processes) {
            if (filter >= 0 && p.group != filter)
                continue;
            const PhaseSummary& s = p.phases[size_t(phase)];
            totals.count += s.count;
            totals.sumUs += s.sumUs;
        }
        if (totals.count > 0)
            out.push_back({interval.time, double(totals.sumUs) / double(totals.count) / 1e6});
    }
    return out;
}

void TelemetryHistory::mergeInto(wsgi::Histogram& into, const Interval& interval, size_t process,
                                 TimingPhase phase) const
{
    const ProcessPoint& p = interval.processes[process];
    const PhaseSummary& s = p.phases[size_t(phase)];
    if (s.count == 0)
        return;
    const size_t slot = process * kTimingPhaseCount + size_t(phase);
    std::vector<std::pair<int, int64_t>> buckets;
    buckets.reserve(interval.offsets[slot + 1] - interval.offsets[slot]);
    for (uint32_t i = interval.offsets[slot]; i < interval.offsets[slot + 1]; ++i)
        buckets.emplace_back(int(interval.buckets[i] >> kCountBits),
                             int64_t(interval.buckets[i] & kCountMask));
    wsgi::Histogram h;
    h.assign(buckets, s.sumUs, s.minUs, s.maxUs);
    into.merge(h);
}

wsgi::Histogram TelemetryHistory::mergedHistogram(TimingPhase phase, const QString& group,
                                                  const TimeWindow& window) const
{
    // Sum the sparse buckets into one dense array first: one assign() at the end instead of a dense
    // histogram per process and interval.
    wsgi::Histogram merged;
    const int filter = groupFilter(group);
    if (filter == -1)
        return merged;
    std::vector<int64_t> counts(size_t(wsgi::Histogram::bucketCount()), 0);
    int64_t sum = 0;
    int64_t min = INT64_MAX;
    int64_t max = 0;
    bool any = false;
    for (const Interval& interval : m_intervals) {
        if (!window.contains(interval.time))
            continue;
        for (size_t p = 0; p < interval.processes.size(); ++p) {
            const ProcessPoint& point = interval.processes[p];
            if (filter >= 0 && point.group != filter)
                continue;
            const PhaseSummary& s = point.phases[size_t(phase)];
            if (s.count == 0)
                continue;
            any = true;
            sum += s.sumUs;
            min = std::min(min, s.minUs);
            max = std::max(max, s.maxUs);
            const size_t slot = p * kTimingPhaseCount + size_t(phase);
            for (uint32_t i = interval.offsets[slot]; i < interval.offsets[slot + 1]; ++i)
                counts[interval.buckets[i] >> kCountBits] += int64_t(interval.buckets[i] & kCountMask);
        }
    }
    if (!any)
        return merged;
    std::vector<std::pair<int, int64_t>> sparse;
    for (size_t i = 0; i < counts.size(); ++i)
        if (counts[i] != 0)
            sparse.emplace_back(int(i), counts[i]);
    merged.assign(sparse, sum, min, max);
    return merged;
}

QList<HistoryPoint> TelemetryHistory::percentileSeries(TimingPhase phase, double percent,
                                                       const QString& group, const TimeWindow& window) const
{
    QList<HistoryPoint> out;
    const int filter = groupFilter(group);
    if (filter == -1)
        return out;
    for (const Interval& interval : m_intervals) {
        if (!window.contains(interval.time))
            continue;
        wsgi::Histogram merged;
        for (size_t p = 0; p < interval.processes.size(); ++p)
            if (filter < 0 || interval.processes[p].group == filter)
                mergeInto(merged, interval, p, phase);
        if (merged.count() > 0)
            out.push_back({interval.time, merged.percentile(percent) / 1e6});
    }
    return out;
}

size_t TelemetryHistory::memoryBytes() const
{
    size_t bytes = sizeof(*this) + m_scratch.capacity() * sizeof(uint32_t);
    // A deque allocates its slots in blocks; counting each slot is close enough and never low.
    bytes += m_intervals.size() * sizeof(Interval);
    for (const Interval& interval : m_intervals) {
        bytes += interval.processes.capacity() * sizeof(ProcessPoint);
        bytes += interval.buckets.capacity() * sizeof(uint32_t);
        bytes += interval.offsets.capacity() * sizeof(uint32_t);
    }
    return bytes;
}

} // namespace wsgi::studio
