// The heatmap model: one column per interval of the window with that interval's merged counts, rows
// on the histogram chart's bins, columns that scroll with the window, and the chart's click.

#include "studio/charts/heatmapchart.h"
#include "studio/models/heatmapmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using namespace wsgi::studio;
using models::HeatmapModel;

namespace {

// One interval: two processes of "app", each with `n` requests of `us` microseconds.
TelemetrySample sample(double time, int64_t us, int n)
{
    TelemetrySample s;
    s.time = time;
    s.intervalMs = 250;
    for (int p = 1; p <= 2; ++p) {
        ProcessTelemetry t;
        t.group = "app";
        t.process = p;
        t.pid = 100 + p;
        t.threadsMaximum = 5;
        t.phases[size_t(TimingPhase::Request)].histogram.record(us * p, n);
        s.processes.push_back(t);
    }
    return s;
}

int rowOf(int64_t us)
{
    for (int r = 0; r < HeatmapModel::binCount(); ++r) {
        if (us >= HeatmapModel::binLower(r) && us < HeatmapModel::binUpper(r))
            return r;
    }
    return -1;
}

} // namespace

TEST(HeatmapModel, ColumnsAreIntervalsAndCellsTheirMergedCounts)
{
    TelemetryHistory history;
    for (int i = 1; i <= 8; ++i)
        history.append(sample(1000 + i * 0.25, 100 * i, i));
    HeatmapModel model(&history);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setPhase(TimingPhase::Request);
    model.setGroup(QStringLiteral("app"));
    model.setWindow(TimeWindow::lastSeconds(1.0, 1002.0)); // the last four intervals
    ASSERT_EQ(model.columnCount(), 4);
    EXPECT_DOUBLE_EQ(model.columnTime(0), 1001.25);
    EXPECT_EQ(HeatmapModel::binLower(0), 1);
    EXPECT_GE(HeatmapModel::binUpper(HeatmapModel::binCount() - 1), 10'000'000); // reaches 10 s
    for (int c = 0; c < 4; ++c) {
        const int i = 5 + c;
        const wsgi::Histogram& h = model.columnHistogram(c);
        EXPECT_EQ(h.count(), 2 * i);
        qint64 total = 0;
        for (int r = 0; r < model.rowCount(); ++r)
            total += model.index(r, c).data().toLongLong();
        EXPECT_EQ(total, 2 * i) << "column " << c;
        EXPECT_EQ(model.index(rowOf(100 * i), c).data().toLongLong(), i);
        EXPECT_EQ(model.index(rowOf(200 * i), c).data().toLongLong(), i);
    }
    EXPECT_EQ(model.maxCount(), 8);
    EXPECT_DOUBLE_EQ(model.headerData(3, Qt::Horizontal).toDouble(), 1002.0);

    // The window moves on: old columns scroll off, the new one appears.
    history.append(sample(1002.25, 50, 3));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setWindow(TimeWindow::lastSeconds(1.0, 1002.25));
    EXPECT_EQ(resets.count(), 1);
    ASSERT_EQ(model.columnCount(), 4);
    EXPECT_DOUBLE_EQ(model.columnTime(3), 1002.25);
    EXPECT_EQ(model.columnHistogram(3).count(), 6);
    // Another phase: nothing was timed there, the columns stay (the group reported) but are empty.
    model.setPhase(TimingPhase::Queue);
    EXPECT_EQ(model.columnCount(), 4);
    EXPECT_EQ(model.maxCount(), 0);
    // A group never seen has no columns.
    model.setGroup(QStringLiteral("nobody"));
    EXPECT_EQ(model.columnCount(), 0);
}

TEST(HeatmapChart, ClickingAColumnSelectsItAndSaysWhich)
{
    TelemetryHistory history;
    for (int i = 1; i <= 20; ++i)
        history.append(sample(2000 + i, 1000, 10));
    HeatmapModel model(&history);
    model.setPhase(TimingPhase::Request);
    model.setWindow(TimeWindow::lastSeconds(20, 2020));
    charts::HeatmapChart chart;
    chart.setModel(&model);
    chart.setTimeSpan(20);
    chart.resize(600, 300);
    chart.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&chart));
    QSignalSpy clicked(&chart, &charts::HeatmapChart::columnClicked);
    // The newest column sits at the right edge of the plot.
    const QPoint nearRight(chart.width() - 14, chart.height() / 2);
    const int column = chart.columnAt(nearRight);
    EXPECT_EQ(column, model.columnCount() - 1);
    QTest::mouseClick(&chart, Qt::LeftButton, {}, nearRight);
    ASSERT_EQ(clicked.count(), 1);
    EXPECT_EQ(clicked.at(0).at(0).toInt(), model.columnCount() - 1);
    EXPECT_EQ(chart.selectedColumn(), model.columnCount() - 1);
    // Outside the plot (the axis labels) nothing is selected.
    EXPECT_EQ(chart.columnAt(QPoint(5, chart.height() / 2)), -1);
    const QImage image = chart.grab().toImage();
    EXPECT_FALSE(image.isNull());
}
