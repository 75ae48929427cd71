#pragma once
// The recent past of an engine's telemetry, bounded: a ring of the last kMaxIntervals samples (10
// minutes at 4 Hz) of up to kMaxProcesses processes each. A sample with more processes keeps the
// first kMaxProcesses and counts the rest in droppedProcesses().
//
// Series are per metric and per group (an empty group name = every process), one point per interval:
// throughput, CPU and RSS are summed over the group's processes, capacity is weighted by threads, a
// phase's mean is its merged sum over its merged count. Percentiles never come from averaging
// percentiles: mergedHistogram() sums the core Histogram of every process and interval in a window
// (exactly as the engine's own merge does), and percentileSeries() takes each interval's merged one.
//
// Memory: the fixed part per process-interval is sizeof(ProcessPoint) (352 bytes), so at capacity
// (2400 intervals x 16 processes) 12.9 MiB; histograms are kept sparse at 4 bytes per non-empty
// bucket (plus 4 bytes per histogram for its offset): with 12 non-empty buckets in each of the 9
// phases another 17.2 MiB, about 30 MiB in all. telemetryhistory_test measures memoryBytes() at
// capacity.
//
//   TelemetryHistory history;
//   connect(&session, &EngineSession::telemetryAvailable, &history, &TelemetryHistory::append);
//   auto rpm = history.series(HistoryMetric::RequestThroughput, u"app"_s, TimeWindow::lastSeconds(60, now));
//   auto gil = history.mergedHistogram(TimingPhase::GilWait, u"app"_s, TimeWindow::lastSeconds(60, now));
//   double p95 = gil.percentile(95);

#include "session/telemetrysample.h"

#include "core/histogram.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <vector>

namespace wsgi::studio {

enum class HistoryMetric
{
    RequestThroughput,   // requests per second, summed
    CapacityUtilization, // 0..1, busy thread time over all threads of the group
    Cpu,                 // CPU cores used (user + system), summed; intervals without /proc data skipped
    MemoryRss,           // bytes, summed
    ActiveThreads,       // summed
};

struct HistoryPoint
{
    double time = 0; // unix seconds at the end of the interval
    double value = 0;
    friend bool operator==(const HistoryPoint&, const HistoryPoint&) = default;
};

// Intervals whose end time t satisfies from < t <= to; the default is everything.
struct TimeWindow
{
    double from = -std::numeric_limits<double>::infinity();
    double to = std::numeric_limits<double>::infinity();
    static TimeWindow lastSeconds(double seconds, double now) { return {now - seconds, now}; }
    bool contains(double t) const { return t > from && t <= to; }
};

class TelemetryHistory : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxProcesses = 16;
    static constexpr int kMaxIntervals = 10 * 60 * 4; // 10 minutes at 4 Hz

    // What one process's interval keeps besides its histograms' buckets.
    struct PhaseSummary
    {
        int64_t count = 0;
        int64_t sumUs = 0;
        int64_t minUs = 0;
        int64_t maxUs = 0;
    };
    struct ProcessPoint
    {
        uint16_t group = 0; // index into groups()
        uint16_t process = 0;
        int32_t threads = 0;
        int32_t threadsActive = 0;
        // In the padding before pid, so the point stays 352 bytes: what sampleAt() needs to say
        // which GIL arrangement was in force (a recording has no live status to ask).
        uint8_t gilMode = 0; // GilMode
        uint8_t gilEnabled = 1;
        uint16_t switchIntervalUs = 65535; // 65535: unknown (or above 65 ms)
        int64_t pid = 0;
        int64_t memoryRss = 0;
        int64_t requestCount = 0;
        double requestThroughput = 0;
        double capacityUtilization = 0;
        double cpu = -1; // < 0: unknown for this interval
        std::array<PhaseSummary, kTimingPhaseCount> phases{};
    };

    explicit TelemetryHistory(QObject* parent = nullptr, int maxIntervals = kMaxIntervals,
                              int maxProcesses = kMaxProcesses);

    void append(const wsgi::studio::TelemetrySample& sample);
    void clear();

    int intervalCount() const { return int(m_intervals.size()); }
    int maxIntervals() const { return m_maxIntervals; }
    int maxProcesses() const { return m_maxProcesses; }
    double firstTime() const; // 0 when empty
    double lastTime() const;  // 0 when empty
    int64_t droppedProcesses() const { return m_droppedProcesses; }
    QStringList groups() const { return m_groups; } // every group seen, in order of first sight

    QList<HistoryPoint> series(HistoryMetric metric, const QString& group = {},
                               const TimeWindow& window = {}) const;
    // Mean seconds of a phase per interval; intervals where the group timed nothing are skipped.
    QList<HistoryPoint> phaseSeries(TimingPhase phase, const QString& group = {},
                                    const TimeWindow& window = {}) const;
    // The percent-th percentile (seconds) of each interval's merged histogram; empty intervals skipped.
    QList<HistoryPoint> percentileSeries(TimingPhase phase, double percent, const QString& group = {},
                                         const TimeWindow& window = {}) const;
    // Every process's histogram of `phase` in every interval of the window, merged.
    wsgi::Histogram mergedHistogram(TimingPhase phase, const QString& group = {},
                                    const TimeWindow& window = {}) const;

    // One line per process (group, slot) of `metric` (not capacity: that is a group figure), in the
    // order first seen; a restarted process continues its slot's line.
    struct ProcessLine
    {
        QString group;
        int process = 0;
        QList<HistoryPoint> points;
    };
    std::vector<ProcessLine> processSeries(HistoryMetric metric, const QString& group = {},
                                           const TimeWindow& window = {}) const;
    // The newest interval ending at or before `time` rebuilt as a sample (histograms, means, CPU,
    // RSS, GIL mode; no state or status classes): what the process table shows while paused,
    // scrubbing or reviewing a recording. An empty sample when nothing is that old.
    TelemetrySample sampleAt(double time) const;

    // Lifecycle events (restarts, reloads, back-offs) from the samples' `events`, oldest first, the
    // last kMaxEvents; an event seen twice (same seq and time) is kept once.
    static constexpr int kMaxEvents = 512;
    const std::deque<EngineEvent>& events() const { return m_events; }
    std::vector<EngineEvent> eventsIn(const TimeWindow& window) const;

    // Bytes held: the ring's slots, the processes' fixed parts and the sparse buckets, by capacity.
    size_t memoryBytes() const;

Q_SIGNALS:
    void appended(double time);
    void cleared(); // everything dropped: views start over (a new engine, a recording opened)

private:
    struct Interval
    {
        double time = 0;
        int intervalMs = 0;
        std::vector<ProcessPoint> processes;
        // Sparse buckets of every (process, phase), packed (bucket index << 21 | count), in order;
        // offsets[p * kTimingPhaseCount + phase] is where that histogram's buckets start.
        std::vector<uint32_t> buckets;
        std::vector<uint32_t> offsets;
    };

    int groupIndex(const std::string& name);
    // -2: every group; -1: a group never seen (nothing matches).
    int groupFilter(const QString& group) const;
    void mergeInto(wsgi::Histogram& into, const Interval& interval, size_t process, TimingPhase phase) const;
    void appendEvents(const std::vector<EngineEvent>& events);

    int m_maxIntervals;
    int m_maxProcesses;
    std::deque<Interval> m_intervals;
    QStringList m_groups;
    int64_t m_droppedProcesses = 0;
    std::deque<EngineEvent> m_events;
    std::vector<uint32_t> m_scratch; // append()'s buckets before they are copied at their size
};

} // namespace wsgi::studio
