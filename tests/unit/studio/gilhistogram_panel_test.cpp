// The GIL panel on a known history: header figures from the merged window, bands at the switch
// interval in force, the fold and the baseline reaching the chart, the measure switch, and a
// free-threaded group shown as "no GIL" with its CPU instead of an empty chart.

#include "studio/charts/histogramchart.h"
#include "studio/models/gilhistogrammodel.h"
#include "studio/monitor/gilpanel.h"

#include <QTest>

#include <gtest/gtest.h>

using namespace wsgi::studio;
using monitor::GilPanel;

namespace {

TelemetrySample sample(double time, bool gil, double cpu)
{
    TelemetrySample s;
    s.time = time;
    s.intervalMs = 250;
    ProcessTelemetry t;
    t.group = "app";
    t.process = 1;
    t.pid = 7;
    t.threadsMaximum = 5;
    t.gilEnabled = gil;
    t.gilMode = gil ? GilMode::Shared : GilMode::FreeThreaded;
    if (gil)
        t.switchInterval = 0.005;
    t.cpuUtilization = cpu;
    if (gil) {
        t.phases[size_t(TimingPhase::GilWait)].histogram.record(5000, 10);     // one missed hand-off
        t.phases[size_t(TimingPhase::GilWait)].histogram.record(20, 30);       // got it at once
        t.phases[size_t(TimingPhase::GilWaitFull)].histogram.record(10000, 4); // forced switches too
    }
    s.processes.push_back(t);
    return s;
}

monitor::MonitorView viewAt(double end)
{
    monitor::MonitorView v;
    v.group = QStringLiteral("app");
    v.end = end;
    v.windowSeconds = 10;
    return v;
}

bool settle(const std::function<bool()>& done)
{
    for (int i = 0; i < 100 && !done(); ++i)
        QTest::qWait(10);
    return done();
}

} // namespace

TEST(GilPanel, HeaderBandsFoldAndBaselineFromTheWindow)
{
    TelemetryHistory history;
    for (int i = 1; i <= 8; ++i)
        history.append(sample(100 + i, true, 0.9));
    GilPanel panel(&history);
    panel.showView(viewAt(108));
    EXPECT_FALSE(panel.showsNoGil());
    EXPECT_EQ(panel.model()->totalCount(), 8 * 40);
    const wsgi::Histogram merged =
        history.mergedHistogram(TimingPhase::GilWait, QStringLiteral("app"), {98, 108});
    EXPECT_DOUBLE_EQ(panel.model()->percentileUs(95), merged.percentile(95));
    EXPECT_TRUE(panel.headerText().contains(QStringLiteral("n 320"))) << panel.headerText().toStdString();
    EXPECT_TRUE(panel.headerText().contains(QStringLiteral("switch interval 5.00 ms")));
    EXPECT_EQ(panel.model()->switchInterval(), std::optional<double>(0.005));
    ASSERT_EQ(panel.model()->bands().size(), 5);
    EXPECT_EQ(panel.model()->bands()[1].count, 80);
    EXPECT_TRUE(settle([&] { return panel.chart()->bandCount() > 0; }));

    // A window that holds only the last three intervals.
    monitor::MonitorView shorter = viewAt(108);
    shorter.windowSeconds = 3;
    panel.showView(shorter);
    EXPECT_EQ(panel.model()->totalCount(), 3 * 40);

    panel.setMeasure(GilPanel::Measure::Full);
    EXPECT_EQ(panel.model()->totalCount(), 3 * 4);
    panel.setMeasure(GilPanel::Measure::HandOff);

    panel.freezeBaseline();
    EXPECT_TRUE(panel.model()->hasBaseline());
    EXPECT_TRUE(panel.headerText().contains(QStringLiteral("baseline"))) << panel.headerText().toStdString();
    EXPECT_TRUE(settle([&] { return panel.chart()->baselinePointCount() > 0; }));
    panel.clearBaseline();
    EXPECT_TRUE(settle([&] { return panel.chart()->baselinePointCount() == 0; }));

    panel.setModWsgiLayout(true);
    EXPECT_EQ(panel.model()->rowCount(), 65);
    EXPECT_EQ(panel.model()->totalCount(), 3 * 40); // the figures do not change with the picture
    // mod_wsgi's first bucket holds everything below 1.25 ms: the 20 µs waits land there.
    EXPECT_EQ(panel.model()->index(0, models::GilHistogramModel::CountColumn).data().toLongLong(), 3 * 30);
}

TEST(GilPanel, FreeThreadedGroupSaysNoGilAndShowsItsCores)
{
    TelemetryHistory history;
    for (int i = 1; i <= 8; ++i)
        history.append(sample(100 + i, false, 1.5 + 0.05 * i));
    GilPanel panel(&history);
    panel.showView(viewAt(108));
    EXPECT_TRUE(panel.showsNoGil());
    EXPECT_TRUE(panel.noGilText().contains(QStringLiteral("no GIL (free-threaded)")));
    EXPECT_TRUE(panel.noGilText().contains(QStringLiteral("CPU 1.73 cores")))
        << panel.noGilText().toStdString();
    EXPECT_TRUE(panel.noGilText().contains(QStringLiteral("peak 1.90"))) << panel.noGilText().toStdString();
    // A GIL coming back (a reload to a GIL runtime) brings the histogram back.
    for (int i = 9; i <= 20; ++i)
        history.append(sample(100 + i, true, 0.9));
    panel.showView(viewAt(120));
    EXPECT_FALSE(panel.showsNoGil());
}
