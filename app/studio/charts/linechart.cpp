#include "studio/charts/linechart.h"

#include "studio/charts/chartoverlay.h"
#include "studio/charts/charttheme.h"
#include "studio/charts/niceaxis.h"

#include <QAbstractItemModel>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QGraphicsLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace wsgi::studio::charts {

namespace {

std::optional<double> number(const QVariant& value)
{
    if (!value.isValid() || value.isNull()) {
        return std::nullopt;
    }
    bool ok = false;
    const double result = value.toDouble(&ok);
    if (!ok || !std::isfinite(result)) {
        return std::nullopt;
    }
    return result;
}

// Qt Charts relayouts an axis' labels on every setter call, changed or not: set only what changed
// (7 charts at 4 Hz spent most of their time re-laying out identical label text).
void setFormat(QValueAxis* axis, int decimals)
{
    const QString format = QStringLiteral("%.") + QString::number(decimals) + QStringLiteral("f");
    if (axis->labelFormat() != format)
        axis->setLabelFormat(format);
}

void setRangeIfChanged(QValueAxis* axis, double min, double max)
{
    if (axis->min() != min || axis->max() != max)
        axis->setRange(min, max);
}

// At most 2 * buckets points: the first and last point, and in each of `buckets` equal runs of the
// line its lowest and highest point in time order. A 10-minute window of 2400 intervals keeps every
// spike a pixel column could show and costs a fraction of the drawing.
QList<QPointF> decimated(const QList<QPointF>& points, int buckets)
{
    QList<QPointF> out;
    out.reserve(2 * buckets + 2);
    out.append(points.front());
    const qsizetype inner = points.size() - 2;
    for (int b = 0; b < buckets; ++b) {
        const qsizetype from = 1 + inner * b / buckets;
        const qsizetype to = 1 + inner * (b + 1) / buckets;
        if (from >= to)
            continue;
        qsizetype lo = from, hi = from;
        for (qsizetype i = from + 1; i < to; ++i) {
            if (points[i].y() < points[lo].y())
                lo = i;
            if (points[i].y() > points[hi].y())
                hi = i;
        }
        out.append(points[std::min(lo, hi)]);
        if (lo != hi)
            out.append(points[std::max(lo, hi)]);
    }
    out.append(points.back());
    return out;
}

} // namespace

LineChart::LineChart(QWidget* parent)
    : ChartBase(new QChart, parent), m_xAxis(new QValueAxis) // the chart owns its axes
      ,
      m_yAxis(new QValueAxis)
{
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);
    // Legends on top in every chart, so plot areas of charts side by side line up.
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->setMargins(QMargins(4, 4, 8, 4));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_xAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_xAxis->setRange(0, 60);
    m_yAxis->setRange(0, 1);

    setEmptyText(tr("No data yet"));

    m_overlay = new ChartOverlay(m_chart, m_view, m_xAxis);
    connect(m_overlay, &ChartOverlay::hovered, this, &LineChart::hovered);
    connect(m_overlay, &ChartOverlay::markerClicked, this, &LineChart::markerClicked);

    applyTheme();
}

LineChart::~LineChart() = default;

void LineChart::setModel(QAbstractItemModel* model, int xColumn, const QList<int>& yColumns)
{
    followModel(model);
    m_xColumn = xColumn;
    m_yColumns = yColumns;
    rebuildSeries();
    refresh();
}

void LineChart::setAxisTitles(const QString& x, const QString& y)
{
    m_xAxis->setTitleText(x);
    m_yAxis->setTitleText(y);
}

void LineChart::setYRange(double min, double max)
{
    m_fixedY = std::make_pair(min, max);
    scheduleRefresh();
}

void LineChart::setXWindow(double span)
{
    m_xWindow = span;
    scheduleRefresh();
}

void LineChart::setLegendVisible(bool visible)
{
    m_legend = visible;
    m_chart->legend()->setVisible(visible);
}

void LineChart::setSeriesNames(const QStringList& names)
{
    m_names = names;
    scheduleRefresh();
}

void LineChart::setThinSeriesFrom(int first)
{
    if (first == m_thinFrom)
        return;
    m_thinFrom = first;
    applyTheme();
}

void LineChart::setXEnd(std::optional<double> end)
{
    if (end == m_xEnd)
        return;
    m_xEnd = end;
    scheduleRefresh();
}

void LineChart::setMarkerModel(QAbstractItemModel* model, int xColumn, int labelColumn)
{
    for (const auto& c : std::as_const(m_markerConnections))
        disconnect(c);
    m_markerConnections.clear();
    m_markerModel = model;
    m_markerXColumn = xColumn;
    m_markerLabelColumn = labelColumn;
    if (model) {
        const auto again = [this] { refreshMarkers(); };
        m_markerConnections << connect(model, &QAbstractItemModel::modelReset, this, again)
                            << connect(model, &QAbstractItemModel::rowsInserted, this, again)
                            << connect(model, &QAbstractItemModel::rowsRemoved, this, again)
                            << connect(model, &QAbstractItemModel::dataChanged, this, again);
    }
    refreshMarkers();
}

void LineChart::refreshMarkers()
{
    QList<TimeMarker> markers;
    const int rows = m_markerModel ? m_markerModel->rowCount() : 0;
    for (int row = 0; row < rows; ++row) {
        const QModelIndex at = m_markerModel->index(row, m_markerXColumn);
        const auto x = number(at.data());
        if (!x)
            continue;
        TimeMarker m;
        m.x = *x;
        m.color = at.data(Qt::DecorationRole).value<QColor>();
        m.label = m_markerModel->index(row, m_markerLabelColumn).data().toString();
        m.tip = m.label + QLatin1Char('\n') + at.data(Qt::ToolTipRole).toString();
        m.id = row;
        markers << m;
    }
    m_overlay->setMarkers(markers);
}

QStringList LineChart::valuesAt(double x) const
{
    QStringList lines;
    for (const QLineSeries* series : std::as_const(m_series)) {
        const QList<QPointF> points = series->points();
        // The newest point at or before x: what the engine reported for the interval under the cursor.
        const auto it = std::upper_bound(points.begin(), points.end(), x,
                                         [](double v, const QPointF& p) { return v < p.x(); });
        if (it == points.begin())
            continue;
        const double y = std::prev(it)->y();
        lines << series->name() + QStringLiteral(": ") + QString::number(y, 'f', std::abs(y) < 10 ? 2 : 1);
    }
    return lines;
}

void LineChart::setCrosshair(std::optional<double> x)
{
    m_overlay->setCrosshair(x, x ? valuesAt(*x) : QStringList());
}

int LineChart::seriesCount() const
{
    return int(m_series.size());
}

int LineChart::pointCount(int series) const
{
    return series >= 0 && series < m_series.size() ? int(m_series[series]->count()) : 0;
}

QString LineChart::seriesName(int series) const
{
    return series >= 0 && series < m_series.size() ? m_series[series]->name() : QString();
}

std::pair<double, double> LineChart::xRange() const
{
    return {m_xAxis->min(), m_xAxis->max()};
}

std::pair<double, double> LineChart::yRange() const
{
    return {m_yAxis->min(), m_yAxis->max()};
}

void LineChart::rebuildSeries()
{
    // Lines that stay are kept (their points are replaced by refresh): a chart gaining a line per
    // new process does not tear down and rebuild the others.
    while (m_series.size() > m_yColumns.size()) {
        QLineSeries* series = m_series.takeLast();
        m_chart->removeSeries(series);
        delete series;
    }
    while (m_series.size() < m_yColumns.size()) {
        auto* series = new QLineSeries;
        m_chart->addSeries(series);
        series->attachAxis(m_xAxis);
        series->attachAxis(m_yAxis);
        m_series << series;
    }
    applyTheme();
}

void LineChart::refresh()
{
    m_refreshPending = false;
    const int rows = m_model ? m_model->rowCount() : 0;
    double xMin = std::numeric_limits<double>::infinity();
    double xMax = -xMin;
    double yMin = 0; // rates and durations start at 0: an axis from 37 to 41 exaggerates noise
    double yMax = -std::numeric_limits<double>::infinity();
    bool anyPoint = false;
    // The x extent comes from every row, not only rows where a series has a value, so charts that
    // share a time column keep the same axis even when one series starts later.
    // Rows are in time order, so the first and last rows with a time bound it (no scan of 2400
    // rows per chart per refresh).
    for (int row = 0; row < rows && !m_series.isEmpty(); ++row) {
        if (const auto x = number(m_model->index(row, m_xColumn).data())) {
            xMin = *x;
            break;
        }
    }
    for (int row = rows - 1; row >= 0 && !m_series.isEmpty(); --row) {
        if (const auto x = number(m_model->index(row, m_xColumn).data())) {
            xMax = *x;
            break;
        }
    }
    // The window shown: it ends at the fixed end (paused) or the newest row, and spans m_xWindow.
    double shownRight = m_xEnd.value_or(xMax);
    if (m_xWindow > 0 && std::isfinite(xMin))
        shownRight = std::max(shownRight, xMin + m_xWindow);
    const double shownLeft =
        m_xWindow > 0 ? shownRight - m_xWindow : -std::numeric_limits<double>::infinity();
    // Rows are in time order: skip to the window (one point before it, so the line enters from the edge).
    int firstRow = 0;
    if (m_xWindow > 0) {
        int lo = 0, hi = rows;
        while (lo < hi) {
            const int mid = (lo + hi) / 2;
            const auto x = number(m_model->index(mid, m_xColumn).data());
            if (x && *x < shownLeft)
                lo = mid + 1;
            else
                hi = mid;
        }
        firstRow = std::max(0, lo - 1);
    }
    // Every line is computed first and handed to its series after the axes are set: Qt Charts
    // recomputes a line's geometry (and its hit-test outline) on each points or range change, so
    // replacing points and then sliding the axis did that work two or three times per refresh.
    QList<QList<QPointF>> lines(m_series.size());
    const int maxPoints = std::max(64, 2 * m_view->width()); // a minimum and a maximum per pixel
    for (qsizetype s = 0; s < m_series.size(); ++s) {
        const int column = m_yColumns[s];
        QList<QPointF>& points = lines[s];
        points.reserve(rows - firstRow);
        for (int row = firstRow; row < rows; ++row) {
            const auto x = number(m_model->index(row, m_xColumn).data());
            const auto y = number(m_model->index(row, column).data());
            if (!x || !y) {
                continue;
            }
            if (*x > shownRight) {
                points.append(QPointF(*x, *y)); // the line leaves through the right edge, then stops
                break;
            }
            points.append(QPointF(*x, *y));
            yMin = std::min(yMin, *y);
            yMax = std::max(yMax, *y);
        }
        anyPoint = anyPoint || !points.isEmpty();
        if (points.size() > maxPoints)
            points = decimated(points, maxPoints / 2);
        const QString name = s < m_names.size() ? m_names[s]
                             : m_model          ? m_model->headerData(column, Qt::Horizontal).toString()
                                                : QString();
        if (m_series[s]->name() != name)
            m_series[s]->setName(name);
    }
    const bool legend = m_legend.value_or(m_series.size() > 1);
    if (m_chart->legend()->isVisible() != legend)
        m_chart->legend()->setVisible(legend);
    // isHidden, not isVisible: a chart on a tab not shown is invisible whatever its label says.
    if (m_emptyLabel->isHidden() != anyPoint)
        m_emptyLabel->setHidden(anyPoint);

    if (!anyPoint) {
        xMin = 0;
        xMax = m_xWindow > 0 ? m_xWindow : 60;
        yMax = 1;
    }
    double left = xMin;
    double right = xMax > xMin ? xMax : xMin + 1;
    if (m_xWindow > 0) {
        // Constant seconds per pixel: the window starts at the first point and slides once full (or
        // stays where a pause put it).
        right = anyPoint ? shownRight : std::max(xMax, xMin + m_xWindow);
        left = right - m_xWindow;
    }
    // Emptied before the axes move, filled after: one geometry pass per line.
    for (QLineSeries* series : std::as_const(m_series))
        if (series->count() > 0)
            series->clear();
    setRangeIfChanged(m_xAxis, left, right);
    // Ticks anchored at round values, so a sliding window moves its labels instead of relabelling.
    const NiceAxis xNice = niceAxis(0, right - left, 7);
    if (m_xAxis->tickType() != QValueAxis::TicksDynamic)
        m_xAxis->setTickType(QValueAxis::TicksDynamic);
    if (m_xAxis->tickAnchor() != 0)
        m_xAxis->setTickAnchor(0);
    const double tick = (xNice.max - xNice.min) / std::max(1, xNice.tickCount - 1);
    if (m_xAxis->tickInterval() != tick)
        m_xAxis->setTickInterval(tick);
    setFormat(m_xAxis, xNice.decimals);
    m_overlay->update();
    if (m_fixedY) {
        setRangeIfChanged(m_yAxis, m_fixedY->first, m_fixedY->second);
        const NiceAxis nice = niceAxis(m_fixedY->first, m_fixedY->second);
        setFormat(m_yAxis, nice.decimals);
    } else {
        // Headroom above the peak so the line never runs along the frame.
        const NiceAxis nice = anyPoint ? niceAxis(yMin, yMax > 0 ? yMax * 1.08 : 1) : niceAxis(0, 1);
        setRangeIfChanged(m_yAxis, nice.min, nice.max);
        if (m_yAxis->tickCount() != nice.tickCount)
            m_yAxis->setTickCount(nice.tickCount);
        setFormat(m_yAxis, nice.decimals);
    }
    for (qsizetype s = 0; s < m_series.size(); ++s)
        if (!lines[s].isEmpty())
            m_series[s]->replace(lines[s]);
    if (m_overlay->crosshair())
        setCrosshair(m_overlay->crosshair());
}

void LineChart::applyTheme()
{
    const QPalette pal = palette();
    applyPalette(m_chart, pal);
    const QList<QColor> colors = seriesColors(pal);
    for (qsizetype i = 0; i < m_series.size(); ++i) {
        QPen pen(colors[i % colors.size()]);
        pen.setWidthF(m_thinFrom >= 0 && i >= m_thinFrom ? 1.0 : 2.0);
        m_series[i]->setPen(pen);
    }
}

} // namespace wsgi::studio::charts
