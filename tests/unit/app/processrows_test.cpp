// The per-process view and the sweep rankings, as the session library gives them to both fronts.

#include "session/processrows.h"
#include "session/sweep.h"

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

ProcessTelemetry proc(const std::string& group, int index, double rpm, int active, int threads)
{
    ProcessTelemetry p;
    p.group = group;
    p.process = index;
    p.pid = 100 + index;
    p.requestsPerMinute = rpm;
    p.threadsActive = active;
    p.threadsMaximum = threads;
    p.memoryRss = 1000;
    p.cpuUtilization = 0.5;
    return p;
}

EngineStatus statusWithGroups(std::initializer_list<std::pair<const char*, int64_t>> groups)
{
    EngineStatus s;
    for (const auto& [name, queue] : groups) {
        GroupStatus g;
        g.name = name;
        g.queueLength = queue;
        s.groups.push_back(g);
    }
    return s;
}

} // namespace

TEST(ProcessRows, InTheEnginesGroupOrderThenBySlotWithTotals)
{
    const EngineStatus status = statusWithGroups({{"web", 2}, {"api", 3}});
    TelemetrySample sample;
    sample.processes = {proc("api", 2, 10, 1, 2), proc("web", 2, 20, 0, 4), proc("api", 1, 30, 2, 2),
                        proc("new", 1, 5, 0, 1), proc("web", 1, 40, 1, 4)};
    sample.processes[4].cpuUtilization.reset(); // no CPU figure: counts as 0
    const ProcessRows all = processRows(status, sample);
    EXPECT_EQ(all.rows, (std::vector<size_t>{4, 1, 2, 0, 3})); // web 1, web 2, api 1, api 2, then unknown
    EXPECT_EQ(all.totals.requestsPerMinute, 105);
    EXPECT_DOUBLE_EQ(all.totals.cpuCores, 2.0);
    EXPECT_EQ(all.totals.memoryRss, 5000);
    EXPECT_EQ(all.totals.activeThreads, 4);
    EXPECT_EQ(all.totals.threads, 13);
    EXPECT_EQ(all.totals.queued, 5);
    EXPECT_EQ(all.totals.groups, 2);
    EXPECT_EQ(all.totals.processes, 5);

    const ProcessRows api = processRows(status, sample, u"api"_s);
    EXPECT_EQ(api.rows, (std::vector<size_t>{2, 0}));
    EXPECT_EQ(api.totals.requestsPerMinute, 40);
    EXPECT_EQ(api.totals.queued, 3);
    EXPECT_EQ(api.totals.groups, 1);
}

TEST(ProcessRows, PhaseCellsSayWhenNothingWasTimedOrNothingApplies)
{
    PhaseTiming timed;
    timed.meanSeconds = 0.004;
    timed.histogram.record(2000, 99);
    timed.histogram.record(100000);
    EXPECT_DOUBLE_EQ(*phaseMeanMs(timed), 4.0);
    EXPECT_NEAR(*phaseP95Ms(timed), 2.0, 0.1);
    PhaseTiming idle;
    EXPECT_FALSE(phaseMeanMs(idle));
    EXPECT_FALSE(phaseP95Ms(idle));
    PhaseTiming noGil;
    noGil.applicable = false;
    noGil.meanSeconds = 1;
    EXPECT_FALSE(phaseMeanMs(noGil));
    ProcessTelemetry p;
    EXPECT_TRUE(processRunning(p));
    p.state = "stopping";
    EXPECT_FALSE(processRunning(p));
}

TEST(Sweep, RankingsByThroughputAndByMemorySkipUnmeasuredCells)
{
    AbSummary summary;
    auto cell = [](const char* name, bool ok, std::optional<double> rpm, std::optional<double> rss) {
        AbVariantSummary s;
        s.name = QString::fromLatin1(name);
        s.ok = ok;
        if (rpm)
            s.rpm = wsgi::ab::Spread{.n = 3, .median = *rpm};
        if (rss)
            s.rssBytes = wsgi::ab::Spread{.n = 3, .median = *rss};
        return s;
    };
    summary.variants = {cell("1x1", true, 100, 50), cell("2x5", true, 300, 200),
                        cell("failed", false, 999, 1), cell("4x1", true, 300, 100),
                        cell("nodata", true, std::nullopt, std::nullopt)};
    EXPECT_EQ(sweepRanking(summary, SweepRank::Throughput),
              (std::vector<size_t>{1, 3, 0})); // ties keep order
    EXPECT_EQ(sweepRanking(summary, SweepRank::Memory), (std::vector<size_t>{0, 3, 1}));
}
