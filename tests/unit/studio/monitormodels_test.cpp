// The Monitor page's models under QAbstractItemModelTester (per-process lines, event markers, the
// time series' new columns), a window's merged percentiles equal to those of the raw samples, and
// the line chart's pause (a fixed end), markers from a model and crosshair values.

#include "studio/charts/chartoverlay.h"
#include "studio/charts/linechart.h"
#include "studio/models/eventmarkermodel.h"
#include "studio/models/processseriesmodel.h"
#include "studio/models/timeseriesmodel.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QImage>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <random>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using models::EventMarkerModel;
using models::ProcessSeriesModel;
using models::TimeSeriesModel;

namespace {

ProcessTelemetry proc(const std::string& group, int slot, double cpu, int64_t rssMb)
{
    ProcessTelemetry p;
    p.group = group;
    p.process = slot;
    p.pid = 100 + slot;
    p.threadsMaximum = 2;
    p.requestThroughput = 10;
    p.cpuUtilization = cpu;
    p.memoryRss = rssMb * 1024 * 1024;
    return p;
}

TelemetrySample at(double time, std::vector<ProcessTelemetry> processes, std::vector<EngineEvent> events = {})
{
    TelemetrySample s;
    s.time = time;
    s.intervalMs = 250;
    s.processes = std::move(processes);
    s.events = std::move(events);
    return s;
}

EngineEvent event(int64_t seq, double time, EngineEvent::Kind kind, const char* reason, const char* group)
{
    EngineEvent e;
    e.sequence = seq;
    e.time = time;
    e.kind = kind;
    e.reason = reason;
    e.group = group;
    e.process = 1;
    e.detail = "detail " + std::to_string(seq);
    e.log = "log " + std::to_string(seq);
    return e;
}

void settle()
{
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
}

} // namespace

TEST(ProcessSeriesModel, AColumnPerProcessAndATotal)
{
    TelemetryHistory history(nullptr, 4);
    ProcessSeriesModel model(&history, ProcessSeriesModel::Metric::CpuCores);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    history.append(at(10, {proc("a", 1, 0.5, 10)}));
    ASSERT_EQ(model.columnCount(), 3);
    history.append(at(11, {proc("a", 1, 0.75, 10), proc("a", 2, 1.5, 20)}));
    ASSERT_EQ(model.rowCount(), 2);
    ASSERT_EQ(model.columnCount(), 4);
    EXPECT_EQ(model.headerData(3, Qt::Horizontal).toString(), u"a #2"_s);
    EXPECT_EQ(model.headerData(1, Qt::Horizontal).toString(), u"total (cores)"_s);
    EXPECT_DOUBLE_EQ(model.index(1, ProcessSeriesModel::TotalColumn).data().toDouble(), 2.25);
    EXPECT_DOUBLE_EQ(model.index(1, 3).data().toDouble(), 1.5);
    EXPECT_FALSE(model.index(0, 3).data().isValid()); // slot 2 did not exist yet
    EXPECT_DOUBLE_EQ(model.index(1, ProcessSeriesModel::TimeColumn).data().toDouble(), 1);
    // The ring drops the oldest: so do the rows.
    for (int i = 0; i < 5; ++i)
        history.append(at(12 + i, {proc("a", 1, 0.5, 10), proc("b", 1, 0.25, 30)}));
    EXPECT_EQ(model.rowCount(), 4);
    model.setGroup(u"b"_s);
    EXPECT_EQ(model.columnCount(), 3);
    EXPECT_EQ(model.rowCount(), 4);

    ProcessSeriesModel rss(&history, ProcessSeriesModel::Metric::RssMegabytes);
    QAbstractItemModelTester rssTester(&rss, QAbstractItemModelTester::FailureReportingMode::Fatal);
    EXPECT_DOUBLE_EQ(rss.index(3, ProcessSeriesModel::TotalColumn).data().toDouble(), 40);
    TelemetryHistory other;
    rss.setHistory(&other);
    EXPECT_EQ(rss.rowCount(), 0);
}

TEST(EventMarkerModel, MarkersFromEventsByFamilyAndGroup)
{
    TelemetryHistory history;
    EventMarkerModel model(&history);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setOrigin(100);
    history.append(at(101, {}, {event(1, 100.5, EngineEvent::Kind::Restart, "crash-signal", "a")}));
    history.append(at(102, {},
                      {event(1, 100.5, EngineEvent::Kind::Restart, "crash-signal", "a"), // repeated
                       event(2, 101.5, EngineEvent::Kind::Restart, "maximum-requests", "b"),
                       event(3, 101.6, EngineEvent::Kind::Reload, "", ""),
                       event(4, 101.7, EngineEvent::Kind::Restart, "restart", "a"),
                       event(5, 101.8, EngineEvent::Kind::Restart, "request-timeout", "a"),
                       event(6, 101.9, EngineEvent::Kind::Throttled, "", "a")}));
    ASSERT_EQ(model.rowCount(), 6);
    const auto family = [&](int row) {
        return EventMarkerModel::Family(model.index(row, 0).data(EventMarkerModel::FamilyRole).toInt());
    };
    EXPECT_EQ(family(0), EventMarkerModel::Family::Crash);
    EXPECT_EQ(family(1), EventMarkerModel::Family::Recycle);
    EXPECT_EQ(family(2), EventMarkerModel::Family::Reload);
    EXPECT_EQ(family(3), EventMarkerModel::Family::Restart);
    EXPECT_EQ(family(4), EventMarkerModel::Family::Crash); // a timeout is not planned
    EXPECT_EQ(family(5), EventMarkerModel::Family::Throttled);
    EXPECT_DOUBLE_EQ(model.index(0, EventMarkerModel::TimeColumn).data().toDouble(), 0.5);
    EXPECT_EQ(model.index(2, EventMarkerModel::LabelColumn).data().toString(), u"config generation 0"_s);
    EXPECT_EQ(model.index(4, 0).data(EventMarkerModel::LogRole).toString(), u"log 5"_s);
    EXPECT_TRUE(model.index(0, 0).data(Qt::DecorationRole).value<QColor>().isValid());
    model.setOrigin(101);
    EXPECT_DOUBLE_EQ(model.index(0, EventMarkerModel::TimeColumn).data().toDouble(), -0.5);

    // One group: its own events and the reloads (which apply to every group).
    model.setGroup(u"b"_s);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.eventAt(0).sequence, 2);
    EXPECT_EQ(model.eventAt(1).sequence, 3);
    history.append(at(103, {}, {event(7, 102.5, EngineEvent::Kind::Restart, "memory", "b")}));
    EXPECT_EQ(model.rowCount(), 3);
}

TEST(TimeSeriesModel, ApplicationQueueAndCoresColumns)
{
    TelemetryHistory history;
    TimeSeriesModel model(&history);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ProcessTelemetry p = proc("a", 1, 1.75, 10);
    for (const int64_t us : {1000, 3000})
        p.phases[size_t(TimingPhase::Application)].histogram.record(us);
    for (const int64_t us : {200, 400, 600})
        p.phases[size_t(TimingPhase::Queue)].histogram.record(us);
    history.append(at(5, {p}));
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::ApplicationMeanColumn).data().toDouble(), 2.0);
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::QueueMeanColumn).data().toDouble(), 0.4);
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::CpuCoresColumn).data().toDouble(), 1.75);
    const double appP95 = p.phases[size_t(TimingPhase::Application)].histogram.percentile(95) / 1e3;
    EXPECT_DOUBLE_EQ(model.index(0, TimeSeriesModel::ApplicationP95Column).data().toDouble(), appP95);
    EXPECT_FALSE(model.index(0, TimeSeriesModel::ResponseMeanColumn).data().isValid()); // nothing timed
    EXPECT_TRUE(
        model.headerData(TimeSeriesModel::QueueP95Column, Qt::Horizontal).toString().contains(u"(ms)"_s));

    TelemetryHistory recording;
    recording.append(at(50, {p}));
    recording.append(at(51, {p}));
    model.setHistory(&recording);
    EXPECT_EQ(model.rowCount(), 2);
    EXPECT_DOUBLE_EQ(model.origin(), 50);
}

TEST(TelemetryHistoryWindow, MergedPercentilesEqualThoseOfTheRawSamples)
{
    // Every raw value of the window recorded in one histogram is what merging the window's
    // per-process, per-interval histograms must give: same buckets, same percentiles.
    TelemetryHistory history;
    wsgi::Histogram raw;
    std::mt19937 random(7);
    std::lognormal_distribution<double> waits(5.0, 1.5);
    const TimeWindow window{20.0, 30.0};
    for (int i = 0; i < 60; ++i) {
        const double time = 15 + i * 0.25;
        std::vector<ProcessTelemetry> processes;
        for (int slot = 1; slot <= 3; ++slot) {
            ProcessTelemetry p = proc(slot == 3 ? "b" : "a", slot, 0.5, 10);
            for (int k = 0; k < 20; ++k) {
                const auto us = int64_t(waits(random));
                p.phases[size_t(TimingPhase::GilWait)].histogram.record(us);
                if (window.contains(time) && slot != 3)
                    raw.record(us);
            }
            processes.push_back(p);
        }
        history.append(at(time, processes));
    }
    const wsgi::Histogram merged = history.mergedHistogram(TimingPhase::GilWait, u"a"_s, window);
    ASSERT_EQ(merged.count(), raw.count());
    EXPECT_EQ(merged.sparse(), raw.sparse());
    for (const double p : {50.0, 95.0, 99.0})
        EXPECT_EQ(merged.percentile(p), raw.percentile(p)) << p;
    EXPECT_EQ(merged.max(), raw.max());
}

TEST(LineChart, AFixedEndFreezesTheWindowWhileRowsArrive)
{
    TelemetryHistory history;
    TimeSeriesModel model(&history);
    charts::LineChart chart;
    chart.resize(600, 300);
    chart.setXWindow(10);
    chart.setModel(&model, TimeSeriesModel::TimeColumn, {TimeSeriesModel::ThroughputColumn});
    for (int i = 0; i <= 80; ++i)
        history.append(at(100 + i * 0.25, {proc("a", 1, 0.5, 10)}));
    settle();
    EXPECT_DOUBLE_EQ(chart.xRange().second, 20);
    // Only the window's points (and one either side) are handed to the chart.
    EXPECT_LE(chart.pointCount(0), 10 * 4 + 2);
    chart.setXEnd(15);
    for (int i = 81; i <= 120; ++i)
        history.append(at(100 + i * 0.25, {proc("a", 1, 0.5, 10)}));
    settle();
    EXPECT_DOUBLE_EQ(chart.xRange().first, 5);
    EXPECT_DOUBLE_EQ(chart.xRange().second, 15);
    chart.setXEnd(std::nullopt);
    settle();
    EXPECT_DOUBLE_EQ(chart.xRange().second, 30);
}

TEST(LineChart, MarkersComeFromAModelAndTheCrosshairReadsTheValues)
{
    TelemetryHistory history;
    TimeSeriesModel series(&history);
    EventMarkerModel markers(&history);
    charts::LineChart chart;
    chart.resize(600, 300);
    chart.show();
    chart.setXWindow(60);
    chart.setModel(&series, TimeSeriesModel::TimeColumn, {TimeSeriesModel::ThroughputColumn});
    chart.setMarkerModel(&markers, EventMarkerModel::TimeColumn, EventMarkerModel::LabelColumn);
    history.append(at(100, {proc("a", 1, 0.5, 10)}));
    markers.setOrigin(series.origin());
    ProcessTelemetry busy = proc("a", 1, 0.5, 10);
    busy.requestThroughput = 42;
    history.append(at(101, {busy}, {event(1, 100.5, EngineEvent::Kind::Restart, "crash-exit", "a")}));
    settle();
    ASSERT_EQ(chart.overlay()->markers().size(), 1);
    EXPECT_DOUBLE_EQ(chart.overlay()->markers()[0].x, 0.5);
    EXPECT_TRUE(chart.overlay()->markers()[0].tip.contains(u"detail 1"_s));
    EXPECT_EQ(chart.valuesAt(0.9), QStringList{u"throughput (requests/s): 10.0"_s});
    EXPECT_EQ(chart.valuesAt(1.0), QStringList{u"throughput (requests/s): 42.0"_s});
    EXPECT_TRUE(chart.valuesAt(-1).isEmpty());
    chart.setCrosshair(1.0);
    EXPECT_EQ(chart.overlay()->crosshair(), 1.0);
    // The marker is where a click finds it.
    const auto px = chart.overlay()->pixelOf(0.5);
    ASSERT_TRUE(px.has_value());
    EXPECT_EQ(chart.overlay()->markerNear(*px + 2), 0);
    EXPECT_EQ(chart.overlay()->markerNear(*px + 40), -1);

    QTemporaryDir dir;
    const QString path = dir.filePath(u"chart.png"_s);
    ASSERT_TRUE(chart.savePng(path));
    const QImage image(path);
    EXPECT_GE(image.width(), 600);
    QString error;
    EXPECT_FALSE(chart.savePng(dir.filePath(u"no/such/dir/x.png"_s), &error));
    EXPECT_FALSE(error.isEmpty());
}
