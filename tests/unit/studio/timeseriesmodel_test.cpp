#include "studio/models/timeseriesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace wsgi::studio;
using models::TimeSeriesModel;

namespace {

TelemetrySample sample(double time, const std::string& group, double rps,
                       std::initializer_list<int64_t> requestUs)
{
    TelemetrySample t;
    t.time = time;
    t.intervalMs = 250;
    ProcessTelemetry p;
    p.group = group;
    p.process = 1;
    p.pid = 100;
    p.requestThroughput = rps;
    p.threadsMaximum = 4;
    p.cpuUtilization = 0.25;
    p.memoryRss = 2 * 1024 * 1024;
    for (const int64_t us : requestUs) {
        p.phases[size_t(TimingPhase::Request)].histogram.record(us);
    }
    p.phases[size_t(TimingPhase::Request)].meanSeconds = 0.001;
    t.processes.push_back(p);
    return t;
}

} // namespace

TEST(TimeSeriesModel, AppendsARowPerIntervalWithPercentilesFromTheMergedHistogram)
{
    TelemetryHistory history;
    TimeSeriesModel model(&history);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    history.append(sample(100.0, "app", 40, {1000, 2000, 3000, 4000}));
    history.append(sample(100.25, "app", 44, {5000}));
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(inserted.count(), 2);
    EXPECT_EQ(resets.count(), 0);
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::TimeColumn).data().toDouble(), 0);
    EXPECT_DOUBLE_EQ(model.index(1, TimeSeriesModel::TimeColumn).data().toDouble(), 0.25);
    EXPECT_DOUBLE_EQ(model.index(1, TimeSeriesModel::ThroughputColumn).data().toDouble(), 44);
    EXPECT_DOUBLE_EQ(model.index(1, TimeSeriesModel::RpmColumn).data().toDouble(), 44 * 60);
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::CpuColumn).data().toDouble(), 25);
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::RssColumn).data().toDouble(), 2);

    wsgi::Histogram expected;
    for (const int64_t us : {1000, 2000, 3000, 4000}) {
        expected.record(us);
    }
    EXPECT_NEAR(model.index(0, TimeSeriesModel::ResponseP95Column).data().toDouble(),
                expected.percentile(95) / 1e3, 1e-9);
    // No GIL phase recorded: the cell is empty, so a chart draws no fake zero.
    EXPECT_FALSE(model.index(0, TimeSeriesModel::GilWaitP95Column).data().isValid());
}

TEST(TimeSeriesModel, FollowsTheRingAndResetsOnlyOnAGroupChange)
{
    TelemetryHistory history(nullptr, 3);
    TimeSeriesModel model(&history);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    for (int i = 0; i < 5; ++i) {
        history.append(sample(10 + i, i % 2 ? "b" : "a", i, {100}));
    }
    EXPECT_EQ(model.rowCount(), 3) << "the history keeps 3 intervals";
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::TimeColumn).data().toDouble(), 2);
    EXPECT_EQ(resets.count(), 0);

    model.setGroup(QStringLiteral("b"));
    EXPECT_EQ(resets.count(), 1);
    EXPECT_EQ(model.rowCount(), 1); // only t=13 of the kept 12, 13, 14 is b's
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::ThroughputColumn).data().toDouble(), 3);
}

TEST(TimeSeriesModel, HeadersNameTheirUnits)
{
    TelemetryHistory history;
    TimeSeriesModel model(&history);
    for (int c = 0; c < TimeSeriesModel::ColumnCount; ++c) {
        const QString header = model.headerData(c, Qt::Horizontal).toString();
        EXPECT_TRUE(header.endsWith(u')')) << header.toStdString();
    }
}
