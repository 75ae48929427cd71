// The Benchmark page's models under QAbstractItemModelTester: the result table (abTableRows' cells,
// the bar chart's roles), client/server attribution from merged histograms, the latency overlay, the
// live model's 4 Hz bound and per-repeat reset, the history list; and the bar chart reading them.

#include "session/abtable.h"
#include "studio/charts/abbarchart.h"
#include "studio/models/abattributionmodel.h"
#include "studio/models/ablatencymodel.h"
#include "studio/models/ablivemodel.h"
#include "studio/models/abresultmodel.h"
#include "studio/models/benchhistorymodel.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using namespace wsgi::studio::models;

namespace {

AbRepeat repeat(int round, double rps, bool gil = true)
{
    AbRepeat r;
    r.round = round;
    r.load.achievedRate = rps;
    r.load.requests = int64_t(rps);
    r.load.completedInWindow = r.load.requests;
    r.load.status[1] = r.load.requests;
    r.load.latency.record(2000, 90);
    r.load.latency.record(20000, 10);
    r.server.samples = 4;
    r.server.coveredSec = 1;
    r.server.processes = 1;
    r.server.cpuTotalCores = 0.9;
    r.server.cpuPerProcessCores = 0.9;
    r.server.rssBytes = 20e6;
    r.server.gilApplicable = gil;
    r.server.queueTime.record(500, 100);
    r.server.applicationTime.record(1500, 100);
    r.server.requestTime.record(2000, 100);
    if (gil)
        r.server.gilWait.record(300, 100);
    return r;
}

AbResult result()
{
    AbResult r;
    r.plan.repeats = 3;
    PhysicalLimit limit;
    limit.runtime = u"3.11"_s;
    limit.cores = 2;
    limit.cpuSecondsPerRequest = 0.002; // 1000 req/s = 60k rpm
    r.limits[u"3.11"_s] = limit;
    AbVariantResult a;
    a.variant.name = u"current"_s;
    a.status = AbVariantResult::Status::Ok;
    a.runtime = u"3.11"_s;
    a.repeats = {repeat(1, 500), repeat(2, 520), repeat(3, 480)};
    AbVariantResult b;
    b.variant.name = u"ft"_s;
    b.status = AbVariantResult::Status::Ok;
    b.runtime = u"3.13t"_s;
    b.repeats = {repeat(1, 700, false), repeat(2, 690, false), repeat(3, 710, false)};
    AbVariantResult c;
    c.variant.name = u"broken"_s;
    c.status = AbVariantResult::Status::Failed;
    c.failure = u"bad option"_s;
    r.variants = {a, b, c};
    return r;
}

AbProgress progress(int variant, int round, double elapsed,
                    AbProgress::Phase phase = AbProgress::Phase::Measuring)
{
    AbProgress p;
    p.variant = variant == 0 ? u"current"_s : u"ft"_s;
    p.variantIndex = variant;
    p.round = round;
    p.rounds = 3;
    p.phase = phase;
    p.runElapsedSec = elapsed;
    p.currentRate = 100 + elapsed;
    return p;
}

} // namespace

TEST(AbResultModel, CellsAreTheTableRowsAndRolesFeedTheBars)
{
    AbResultModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    EXPECT_TRUE(model.isEmpty());
    const AbResult r = result();
    const AbSummary s = summarizeAbResult(r);
    model.setResult(r, s);
    const auto rows = abTableRows(r, s);
    ASSERT_EQ(model.rowCount(), 3);
    ASSERT_EQ(model.columnCount(), int(rows[0].size()));
    for (int c = 0; c < model.columnCount(); ++c) {
        EXPECT_EQ(model.headerData(c, Qt::Horizontal).toString(), rows[0][c]);
        for (int row = 0; row < 3; ++row)
            EXPECT_EQ(model.index(row, c).data().toString(), rows[size_t(row + 1)][c]);
    }
    const QModelIndex first = model.index(0, 0);
    EXPECT_DOUBLE_EQ(first.data(AbResultModel::MedianRpmRole).toDouble(), 500 * 60);
    EXPECT_DOUBLE_EQ(first.data(AbResultModel::MinRpmRole).toDouble(), 480 * 60);
    EXPECT_DOUBLE_EQ(first.data(AbResultModel::MaxRpmRole).toDouble(), 520 * 60);
    EXPECT_EQ(first.data(AbResultModel::RepeatRpmsRole).toList().size(), 3);
    EXPECT_NEAR(first.data(AbResultModel::LimitRpmRole).toDouble(), 60000, 1e-6);
    EXPECT_FALSE(model.index(1, 0).data(AbResultModel::LimitRpmRole).isValid()); // no limit for 3.13t
    EXPECT_FALSE(model.index(2, 0).data(AbResultModel::OkRole).toBool());
    EXPECT_EQ(model.index(2, 0).data(Qt::ToolTipRole).toString(), u"bad option"_s);

    charts::AbBarChart chart;
    chart.setModel(&model,
                   {AbResultModel::MedianRpmRole, AbResultModel::MinRpmRole, AbResultModel::MaxRpmRole,
                    AbResultModel::RepeatRpmsRole, AbResultModel::LimitRpmRole});
    EXPECT_EQ(chart.barCount(), 2);    // the failed variant has no bar
    EXPECT_GE(chart.axisTop(), 60000); // the limit line fits
    model.clear();
    QCoreApplication::processEvents();
    EXPECT_EQ(chart.barCount(), 0);
}

TEST(AbAttributionModel, ClientAndServerPercentilesFromMergedHistograms)
{
    AbAttributionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setResult(result());
    ASSERT_EQ(model.rowCount(), 3);
    const auto value = [&](int row, int column) {
        return model.index(row, column).data(AbAttributionModel::ValueRole);
    };
    EXPECT_NEAR(value(0, AbAttributionModel::ClientP50Column).toDouble(), 2.0, 0.1);
    EXPECT_NEAR(value(0, AbAttributionModel::ClientP99Column).toDouble(), 20.0, 0.6);
    EXPECT_NEAR(value(0, AbAttributionModel::QueueP95Column).toDouble(), 0.5, 0.03);
    EXPECT_NEAR(value(0, AbAttributionModel::AppP95Column).toDouble(), 1.5, 0.05);
    EXPECT_NEAR(value(0, AbAttributionModel::GilP95Column).toDouble(), 0.3, 0.02);
    EXPECT_EQ(model.index(1, AbAttributionModel::GilP95Column).data().toString(), u"n/a"_s);  // free-threaded
    EXPECT_EQ(model.index(2, AbAttributionModel::ClientP50Column).data().toString(), u"-"_s); // never ran
}

TEST(AbLatencyModel, OnePercentileCurvePerVariant)
{
    AbLatencyModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setResult(result());
    EXPECT_EQ(model.columnCount(), 4);
    EXPECT_EQ(model.variantColumns(), (QList<int>{1, 2, 3}));
    EXPECT_EQ(model.headerData(2, Qt::Horizontal).toString(), u"ft"_s);
    EXPECT_DOUBLE_EQ(model.index(2, 0).data().toDouble(), 1.0); // p90 is one nine
    EXPECT_NEAR(model.index(0, 1).data().toDouble(), 2.0, 0.1);
    EXPECT_NEAR(model.index(6, 1).data().toDouble(), 20.0, 0.6);
    EXPECT_FALSE(model.index(0, 3).data().isValid()); // no histogram: no point
}

TEST(AbLiveModel, KeepsAtMostFourRowsASecondAndStartsOverPerRepeat)
{
    AbLiveModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.addProgress(progress(0, 1, 0, AbProgress::Phase::Starting));
    EXPECT_EQ(model.rowCount(), 0);
    for (int i = 1; i <= 40; ++i)
        model.addProgress(progress(0, 1, i * 0.05)); // 20 Hz for 2 s
    EXPECT_LE(model.rowCount(), 9);
    EXPECT_GE(model.rowCount(), 7);
    EXPECT_EQ(model.repeatLabel(), u"current, repeat 1/3"_s);
    model.addProgress(progress(1, 1, 0.5));
    EXPECT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.repeatLabel(), u"ft, repeat 1/3"_s);
    EXPECT_DOUBLE_EQ(model.index(0, AbLiveModel::RateColumn).data().toDouble(), 100.5);
}

TEST(BenchHistoryModel, ListsRunsWithTheirPaths)
{
    BenchHistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    HistoryEntry a;
    a.path = u"/runs/a.json"_s;
    a.variants = {u"current"_s, u"4x1"_s};
    a.headline = u"4x1 is 1.2x current"_s;
    HistoryEntry b = a;
    b.path = u"/runs/b.json"_s;
    b.cancelled = true;
    model.setEntries({a, b});
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.pathAt(1), u"/runs/b.json"_s);
    EXPECT_EQ(model.index(0, BenchHistoryModel::VariantsColumn).data().toString(), u"current, 4x1"_s);
    EXPECT_TRUE(
        model.index(1, BenchHistoryModel::VerdictColumn).data().toString().startsWith(u"cancelled"_s));
    EXPECT_EQ(model.index(0, 0).data(BenchHistoryModel::PathRole).toString(), u"/runs/a.json"_s);
}
