// TelemetryHistory: bounded ring, series per metric and group, merged histograms equal to merging
// the engine's own, percentiles from merged histograms (never averaged), and its memory at capacity.

#include "session/telemetryhistory.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

ProcessTelemetry process(const std::string& group, int index, double rps,
                         std::vector<int64_t> requestTimesUs = {})
{
    ProcessTelemetry p;
    p.group = group;
    p.process = index;
    p.pid = 1000 + index;
    p.requestThroughput = rps;
    p.threadsMaximum = 2;
    p.capacityUtilization = 0.5;
    p.cpuUtilization = 0.25;
    p.memoryRss = 100 * 1024 * 1024;
    for (int64_t us : requestTimesUs)
        p.phases[size_t(TimingPhase::Request)].histogram.record(us);
    return p;
}

TelemetrySample sampleAt(double time, std::vector<ProcessTelemetry> processes)
{
    TelemetrySample s;
    s.time = time;
    s.intervalMs = 250;
    s.processes = std::move(processes);
    return s;
}

} // namespace

TEST(TelemetryHistory, SeriesSumPerGroupAndForAll)
{
    TelemetryHistory history;
    QSignalSpy appended(&history, &TelemetryHistory::appended);
    history.append(sampleAt(10.0, {process("a", 1, 10), process("a", 2, 20), process("b", 1, 5)}));
    history.append(sampleAt(10.25, {process("a", 1, 30), process("b", 1, 7)}));
    EXPECT_EQ(appended.size(), 2);
    EXPECT_EQ(history.groups(), (QStringList{u"a"_s, u"b"_s}));
    EXPECT_EQ(history.series(HistoryMetric::RequestThroughput, u"a"_s),
              (QList<HistoryPoint>{{10.0, 30}, {10.25, 30}}));
    EXPECT_EQ(history.series(HistoryMetric::RequestThroughput),
              (QList<HistoryPoint>{{10.0, 35}, {10.25, 37}}));
    EXPECT_EQ(history.series(HistoryMetric::Cpu, u"a"_s).at(0).value, 0.5);
    EXPECT_EQ(history.series(HistoryMetric::MemoryRss, u"b"_s).at(0).value, 100.0 * 1024 * 1024);
    EXPECT_TRUE(history.series(HistoryMetric::RequestThroughput, u"nope"_s).isEmpty());
    // A window selects by interval end time: (from, to].
    EXPECT_EQ(history.series(HistoryMetric::RequestThroughput, u"a"_s, {10.0, 11.0}),
              (QList<HistoryPoint>{{10.25, 30}}));
    EXPECT_EQ(
        history.series(HistoryMetric::RequestThroughput, {}, TimeWindow::lastSeconds(0.25, 10.25)).size(), 1);
}

TEST(TelemetryHistory, CapacityIsWeightedByThreadsAndUnknownCpuIsSkipped)
{
    TelemetryHistory history;
    ProcessTelemetry big = process("a", 1, 0);
    big.threadsMaximum = 6;
    big.capacityUtilization = 1.0;
    ProcessTelemetry small = process("a", 2, 0);
    small.threadsMaximum = 2;
    small.capacityUtilization = 0.0;
    small.cpuUtilization.reset();
    history.append(sampleAt(1, {big, small}));
    small.cpuUtilization.reset();
    ProcessTelemetry noCpu = small;
    history.append(sampleAt(2, {noCpu}));
    EXPECT_DOUBLE_EQ(history.series(HistoryMetric::CapacityUtilization).at(0).value, 0.75);
    const auto cpu = history.series(HistoryMetric::Cpu);
    ASSERT_EQ(cpu.size(), 1); // the interval with no CPU figure at all is not a zero
    EXPECT_DOUBLE_EQ(cpu.at(0).value, 0.25);
}

TEST(TelemetryHistory, TheRingKeepsTheNewestIntervalsAndAtMostMaxProcesses)
{
    TelemetryHistory history(nullptr, 5, 2);
    for (int i = 1; i <= 8; ++i)
        history.append(sampleAt(i, {process("a", 1, i), process("a", 2, i), process("a", 3, i)}));
    EXPECT_EQ(history.intervalCount(), 5);
    EXPECT_EQ(history.firstTime(), 4);
    EXPECT_EQ(history.lastTime(), 8);
    EXPECT_EQ(history.droppedProcesses(), 8);
    EXPECT_EQ(history.series(HistoryMetric::RequestThroughput).at(0), (HistoryPoint{4, 8}));
    history.clear();
    EXPECT_EQ(history.intervalCount(), 0);
    EXPECT_EQ(history.firstTime(), 0);
}

TEST(TelemetryHistory, MergedHistogramEqualsMergingEveryProcessAndInterval)
{
    TelemetryHistory history;
    std::vector<TelemetrySample> samples = {
        sampleAt(1, {process("a", 1, 0, {100, 2000, 3000000}), process("b", 1, 0, {7})}),
        sampleAt(2, {process("a", 1, 0, {150, 150, 900}), process("a", 2, 0, {40, 5000000000})}),
        sampleAt(3, {process("a", 1, 0, {1})}),
    };
    // A count beyond the packed 21 bits still comes back exactly.
    samples[1].processes[0].phases[size_t(TimingPhase::Request)].histogram.record(120, 5'000'000);
    for (const auto& s : samples)
        history.append(s);
    wsgi::Histogram expected;
    for (size_t i = 0; i < 2; ++i)
        for (const auto& p : samples[i].processes)
            if (p.group == "a")
                expected.merge(p.phase(TimingPhase::Request).histogram);
    const wsgi::Histogram merged = history.mergedHistogram(TimingPhase::Request, u"a"_s, {0, 2});
    EXPECT_TRUE(merged == expected);
    EXPECT_EQ(merged.count(), 5'000'008);
    EXPECT_EQ(merged.max(), expected.max());
    EXPECT_EQ(history.mergedHistogram(TimingPhase::Request).count(), expected.count() + 2);
    EXPECT_EQ(history.mergedHistogram(TimingPhase::GilWait).count(), 0);
    EXPECT_EQ(history.mergedHistogram(TimingPhase::Request, u"zzz"_s).count(), 0);
}

TEST(TelemetryHistory, PercentilesComeFromMergedHistogramsNotFromAveragedPercentiles)
{
    TelemetryHistory history;
    // One busy fast process and one idle slow one: averaging their p95s would say ~500 ms.
    std::vector<int64_t> fast(99, 1000);
    history.append(sampleAt(1, {process("a", 1, 0, fast), process("a", 2, 0, {1000000})}));
    const auto p95 = history.percentileSeries(TimingPhase::Request, 95, u"a"_s);
    ASSERT_EQ(p95.size(), 1);
    EXPECT_NEAR(p95.at(0).value, 0.001, 0.0001);
    const auto mean = history.phaseSeries(TimingPhase::Request, u"a"_s);
    ASSERT_EQ(mean.size(), 1);
    EXPECT_NEAR(mean.at(0).value, (99 * 1000 + 1000000) / 100.0 / 1e6, 1e-9);
}

TEST(TelemetryHistory, MemoryAtCapacityIsAsStated)
{
    // The header states: 352 bytes fixed per process-interval, 4 bytes per non-empty bucket, about
    // 30 MiB at capacity with 12 non-empty buckets in each of the 9 phases.
    EXPECT_LE(sizeof(TelemetryHistory::ProcessPoint), 352u);
    TelemetryHistory history;
    TelemetrySample sample;
    sample.intervalMs = 250;
    for (int p = 1; p <= TelemetryHistory::kMaxProcesses; ++p) {
        ProcessTelemetry t = process("a", p, 10);
        for (int ph = 0; ph < kTimingPhaseCount; ++ph) {
            wsgi::Histogram& h = t.phases[size_t(ph)].histogram;
            h.clear();
            for (int b = 0; b < 12; ++b)
                h.record(int64_t(100) << b); // 12 distinct buckets
        }
        sample.processes.push_back(t);
    }
    for (int i = 0; i < TelemetryHistory::kMaxIntervals + 10; ++i) {
        sample.time = i * 0.25;
        history.append(sample);
    }
    ASSERT_EQ(history.intervalCount(), TelemetryHistory::kMaxIntervals);
    const double mib = double(history.memoryBytes()) / (1024.0 * 1024.0);
    const double fixedMib = double(sizeof(TelemetryHistory::ProcessPoint)) * TelemetryHistory::kMaxIntervals *
                            TelemetryHistory::kMaxProcesses / (1024.0 * 1024.0);
    std::printf("TelemetryHistory at capacity: %.1f MiB (fixed part %.1f MiB, ProcessPoint %zu bytes)\n", mib,
                fixedMib, sizeof(TelemetryHistory::ProcessPoint));
    EXPECT_LT(mib, 32.0);
    EXPECT_GT(mib, 25.0); // the measurement counts what is really held
    EXPECT_EQ(history.mergedHistogram(TimingPhase::Queue).count(),
              int64_t(12) * TelemetryHistory::kMaxProcesses * TelemetryHistory::kMaxIntervals);
}
