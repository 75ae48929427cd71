#include "studio/charts/charttheme.h"
#include "studio/charts/histogramchart.h"
#include "studio/charts/linechart.h"
#include "studio/charts/niceaxis.h"
#include "studio/charts/plotcanvas.h"
#include "studio/models/histogrammodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QStandardItemModel>
#include <QTest>

#include <gtest/gtest.h>

#include <cmath>

using namespace wsgi::studio;

namespace {

QList<QStandardItem*> row(const QVariant& x, const QVariant& a, const QVariant& b)
{
    QList<QStandardItem*> items;
    for (const QVariant& v : {x, a, b}) {
        auto* item = new QStandardItem;
        item->setData(v, Qt::DisplayRole);
        items << item;
    }
    return items;
}

// Counts the paint events a widget gets.
class PaintCounter : public QObject
{
public:
    int paints = 0;
    bool eventFilter(QObject*, QEvent* event) override
    {
        paints += event->type() == QEvent::Paint ? 1 : 0;
        return false;
    }
};

// Runs the event loop for `ms`, long enough for every posted update to be painted.
void spin(int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

// Runs the event loop until `counter` saw a paint (at most 5 s, for a loaded host), then a little
// longer, so that a second paint of the same update would be counted too.
int paintsOfOneUpdate(PaintCounter& counter)
{
    QElapsedTimer timer;
    timer.start();
    while (counter.paints == 0 && timer.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    spin(100);
    return counter.paints;
}

void settle()
{
    // Charts refresh once per event-loop turn.
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
}

} // namespace

TEST(NiceAxis, RoundBoundsAndDecimals)
{
    const auto a = charts::niceAxis(0, 87.4);
    EXPECT_DOUBLE_EQ(a.min, 0);
    EXPECT_DOUBLE_EQ(a.max, 100);
    EXPECT_EQ(a.decimals, 0);
    const auto b = charts::niceAxis(0, 0.9);
    EXPECT_DOUBLE_EQ(b.max, 1.0);
    EXPECT_GE(b.decimals, 1);
    const auto c = charts::niceAxis(0, 9);
    EXPECT_EQ(c.decimals, c.max / (c.tickCount - 1) == 2.5 ? 1 : 0);
}

TEST(LineChart, OneSeriesPerColumnNamedByItsHeaderFollowingInsertsAndResets)
{
    QStandardItemModel model(0, 3);
    model.setHorizontalHeaderLabels(
        {QStringLiteral("time (s)"), QStringLiteral("p50 (ms)"), QStringLiteral("p95 (ms)")});
    charts::LineChart chart;
    chart.setModel(&model, 0, {1, 2});
    ASSERT_EQ(chart.seriesCount(), 2);
    EXPECT_EQ(chart.seriesName(1), QStringLiteral("p95 (ms)"));
    EXPECT_EQ(chart.pointCount(0), 0);

    model.appendRow(row(0.0, 1.0, 2.0));
    model.appendRow(row(1.0, 1.5, 4.0));
    model.appendRow(row(2.0, QVariant(), 3.0)); // nothing timed: no p50 point, not a zero
    settle();
    EXPECT_EQ(chart.pointCount(0), 2);
    EXPECT_EQ(chart.pointCount(1), 3);
    EXPECT_GE(chart.yRange().second, 4.0);
    EXPECT_DOUBLE_EQ(chart.yRange().first, 0);

    model.removeRows(0, 2);
    settle();
    EXPECT_EQ(chart.pointCount(1), 1);
    model.clear();
    settle();
    EXPECT_EQ(chart.pointCount(1), 0);
}

TEST(LineChart, ConstantTimeWindowSlidesInsteadOfRescaling)
{
    QStandardItemModel model(0, 3);
    charts::LineChart chart;
    chart.setXWindow(60);
    chart.setModel(&model, 0, {1});
    model.appendRow(row(0.0, 1.0, 0.0));
    model.appendRow(row(10.0, 1.0, 0.0));
    settle();
    EXPECT_DOUBLE_EQ(chart.xRange().first, 0);
    EXPECT_DOUBLE_EQ(chart.xRange().second, 60);
    model.appendRow(row(100.0, 1.0, 0.0));
    settle();
    EXPECT_DOUBLE_EQ(chart.xRange().first, 40);
    EXPECT_DOUBLE_EQ(chart.xRange().second, 100);
}

// A long window (10 minutes at 4 Hz and more) is drawn with a low and a high point per pixel
// column, not every interval: a spike of one interval still shows, and in its place in time.
TEST(LineChart, LongLinesKeepTheirSpikesWithFewerPoints)
{
    QStandardItemModel model(0, 3);
    charts::LineChart chart;
    chart.resize(400, 200);
    chart.setModel(&model, 0, {1});
    for (int i = 0; i < 6000; ++i)
        model.appendRow(row(i * 0.25, i == 4321 ? 50.0 : (i == 777 ? 0.0 : 1.0 + (i % 7) * 0.01), 0.0));
    settle();
    EXPECT_LT(chart.pointCount(0), 3000);
    EXPECT_GT(chart.pointCount(0), 100);
    EXPECT_GE(chart.yRange().second, 50.0);
    // The newest point at or before the spike's time is the spike itself.
    const QStringList at = chart.valuesAt(4321 * 0.25);
    ASSERT_EQ(at.size(), 1);
    EXPECT_TRUE(at.front().endsWith(QStringLiteral("50.0"))) << at.front().toStdString();
    const QStringList dip = chart.valuesAt(777 * 0.25);
    ASSERT_EQ(dip.size(), 1);
    EXPECT_TRUE(dip.front().endsWith(QStringLiteral("0.00"))) << dip.front().toStdString();
}

TEST(LineChart, FixedYRange)
{
    QStandardItemModel model(0, 3);
    charts::LineChart chart;
    chart.setModel(&model, 0, {1});
    chart.setYRange(0, 100);
    model.appendRow(row(0.0, 250.0, 0.0));
    settle();
    EXPECT_DOUBLE_EQ(chart.yRange().second, 100);
}

TEST(HistogramChart, BarsMarkersAndAUnitThatFitsTheData)
{
    models::HistogramModel model;
    charts::HistogramChart chart;
    chart.setModel(&model, models::HistogramModel::LowerColumn, models::HistogramModel::UpperColumn,
                   models::HistogramModel::CountColumn);
    settle();
    EXPECT_EQ(chart.barCount(), 0);

    wsgi::Histogram sub;
    for (int us = 5; us < 900; us += 3) {
        sub.record(us);
    }
    model.setHistogram(sub);
    chart.setMarkers(
        {{QStringLiteral("p50"), sub.percentile(50)}, {QStringLiteral("p99"), sub.percentile(99)}});
    settle();
    EXPECT_GT(chart.barCount(), 5);
    EXPECT_EQ(chart.unit(), QStringLiteral("µs"));
    ASSERT_EQ(chart.markerNames().size(), 2);
    EXPECT_TRUE(chart.markerNames()[0].startsWith(QStringLiteral("p50 ")))
        << chart.markerNames()[0].toStdString();

    wsgi::Histogram slow;
    slow.record(12000);
    slow.record(45000);
    model.setHistogram(slow);
    chart.setMarkers({});
    settle();
    EXPECT_EQ(chart.barCount(), 2);
    EXPECT_EQ(chart.unit(), QStringLiteral("ms"));
    EXPECT_TRUE(chart.markerNames().isEmpty());
}

TEST(FormatMicros, PicksTheUnit)
{
    EXPECT_EQ(charts::formatMicros(850), QStringLiteral("850 µs"));
    EXPECT_EQ(charts::formatMicros(1200), QStringLiteral("1.20 ms"));
    EXPECT_EQ(charts::formatMicros(2.5e6), QStringLiteral("2.50 s"));
}

// The line is drawn where the axes say: a horizontal line at y = 75 on a 0..100 axis runs a quarter
// of the way down the plot in the first series colour, and the plot leaves room for every label.
TEST(PlotCanvas, DrawsTheLineWhereTheAxesPutIt)
{
    QStandardItemModel model(0, 3);
    charts::LineChart chart;
    chart.resize(400, 260);
    chart.setTitle(QStringLiteral("Throughput (rpm)"));
    chart.setAxisTitles(QStringLiteral("time (s)"), QStringLiteral("rpm"));
    chart.setYRange(0, 100);
    chart.setXWindow(30);
    chart.setModel(&model, 0, {1});
    for (int i = 0; i <= 30; ++i)
        model.appendRow(row(double(i), 75.0, 0.0));
    chart.show(); // laid out at its size
    settle();
    auto* plot = qobject_cast<charts::PlotCanvas*>(chart.canvas());
    ASSERT_NE(plot, nullptr);
    const QRectF area = plot->plotRect();
    EXPECT_GT(area.left(), 20);                                       // y labels and title on the left
    EXPECT_LT(area.right(), plot->width() - 8);                       // half of the last x label on the right
    EXPECT_LT(area.bottom(), plot->height() - 20);                    // x labels and title below
    EXPECT_NEAR(plot->pixelY(75), area.top() + area.height() / 4, 1); // up is up
    EXPECT_NEAR(plot->pixelX(15), area.center().x(), 1);

    const QImage image = chart.image();
    const QColor line = charts::seriesColors(chart.palette()).front();
    const qreal dpr = image.devicePixelRatio();
    const double lineY = area.top() + area.height() / 4;
    const QColor at = image.pixelColor(QPoint(int(area.center().x() * dpr), int(lineY * dpr)));
    EXPECT_LT(std::abs(at.red() - line.red()) + std::abs(at.green() - line.green()) +
                  std::abs(at.blue() - line.blue()),
              60)
        << at.name().toStdString() << " vs " << line.name().toStdString();
    // Off the line (where y = 50 would be), the plot's background.
    const QColor off = image.pixelColor(QPoint(int(area.center().x() * dpr), int(area.center().y() * dpr)));
    EXPECT_NE(off.name(), line.name());
}

// Telemetry redraws seven charts four times a second: each refresh must paint a plot once, its
// crosshair and markers in the same paint (on a transparent child widget they cost a second one).
TEST(LineChart, ARefreshPaintsThePlotOnceCrosshairIncluded)
{
    QStandardItemModel model(0, 3);
    QWidget window; // in a window beside another chart, as on the Monitor page
    auto* layout = new QHBoxLayout(&window);
    auto& chart = *new charts::LineChart(&window);
    layout->addWidget(&chart);
    layout->addWidget(new charts::LineChart(&window));
    window.resize(800, 260);
    chart.setXWindow(30);
    chart.setModel(&model, 0, {1, 2});
    for (int i = 0; i <= 10; ++i)
        model.appendRow(row(double(i), 50.0, 20.0));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    spin(100);
    auto* plot = qobject_cast<charts::PlotCanvas*>(chart.canvas());
    ASSERT_NE(plot, nullptr);
    const QImage without = chart.image();
    PaintCounter counter;
    plot->installEventFilter(&counter);

    model.appendRow(row(11.0, 60.0, 25.0));
    EXPECT_EQ(paintsOfOneUpdate(counter), 1) << "a new point";

    counter.paints = 0;
    chart.setCrosshair(5.0); // the mouse moves
    EXPECT_EQ(paintsOfOneUpdate(counter), 1) << "the crosshair";

    // The crosshair is drawn: the column at x = 5 changed, one far from it did not.
    const QImage with = chart.image();
    const qreal dpr = with.devicePixelRatio();
    const QRectF area = plot->plotRect();
    const int column = int(plot->pixelX(5.0) * dpr);
    int changed = 0;
    for (int y = int(area.top() * dpr); y < int(area.bottom() * dpr); ++y)
        changed += without.pixel(column, y) != with.pixel(column, y) ? 1 : 0;
    EXPECT_GT(changed, int(area.height() * dpr / 4)) << "a dashed line down the plot";

    counter.paints = 0;
    model.appendRow(row(12.0, 70.0, 25.0)); // with the crosshair shown
    EXPECT_EQ(paintsOfOneUpdate(counter), 1) << "a new point under the crosshair";
}

// A histogram on the log axis: decades evenly spaced, a bin's bar between its bounds in the bar
// colour, the space between bars the plot's background, the band shaded and the marker named.
TEST(PlotCanvas, HistogramBarsSitOnTheLogAxis)
{
    models::HistogramModel model;
    charts::HistogramChart chart;
    chart.resize(500, 300);
    chart.setModel(&model, models::HistogramModel::LowerColumn, models::HistogramModel::UpperColumn,
                   models::HistogramModel::CountColumn);
    wsgi::Histogram waits;
    for (int i = 0; i < 100; ++i)
        waits.record(20); // one bin around 20 µs
    for (int i = 0; i < 50; ++i)
        waits.record(300);
    model.setHistogram(waits);
    chart.setBands({{QStringLiteral("1×s"), 200, 400}});
    chart.setMarkers({{QStringLiteral("p50"), 20}});
    chart.show();
    settle();
    auto* plot = qobject_cast<charts::PlotCanvas*>(chart.canvas());
    ASSERT_NE(plot, nullptr);
    EXPECT_EQ(chart.barCount(), 2);
    EXPECT_EQ(chart.bandCount(), 1);
    EXPECT_EQ(chart.markerNames(), QStringList{QStringLiteral("p50 20.0 µs")});
    EXPECT_TRUE(plot->xAxis().log);
    EXPECT_DOUBLE_EQ(plot->xAxis().min, 10); // whole decades around the data
    EXPECT_DOUBLE_EQ(plot->xAxis().max, 1000);
    EXPECT_EQ(plot->xAxis().ticks, (QList<double>{10, 100, 1000}));
    EXPECT_NEAR(plot->pixelX(100), plot->plotRect().center().x(), 1); // a decade is a decade
    EXPECT_NEAR(plot->valueX(plot->pixelX(37)), 37, 0.01);

    const QImage image = chart.image();
    const qreal dpr = image.devicePixelRatio();
    const auto colourAt = [&](double x, double y) {
        return image.pixelColor(QPoint(int(plot->pixelX(x) * dpr), int(plot->pixelY(y) * dpr)));
    };
    const auto near = [](const QColor& a, const QColor& b) {
        return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue()) <
               90;
    };
    const QColor bar = charts::seriesColors(chart.palette()).front();
    const QColor base = chart.palette().color(QPalette::Base);
    // The tall bin's bar, a little above the axis; beside it, nothing but the plot.
    const charts::PlotCanvas::Bar tall = plot->bars().front();
    const double middle = std::sqrt(tall.left * tall.right);
    EXPECT_TRUE(near(colourAt(middle, 10), charts::mixColors(base, bar, 0.55)))
        << colourAt(middle, 10).name().toStdString();
    EXPECT_EQ(colourAt(65, 10).name(), base.name());
    // Inside the band but above the 300 µs bar: the band's tint, not the plain plot.
    EXPECT_NE(colourAt(350, 90).name(), base.name());
}
