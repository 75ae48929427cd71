#include "studio/charts/linechart.h"

#include "studio/charts/chartoverlay.h"
#include "studio/charts/niceaxis.h"
#include "studio/charts/plotcanvas.h"

#include <QAbstractItemModel>
#include <QLabel>

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

// Ticks every `step` on the multiples of it inside [min, max] (a sliding window moves its labels
// instead of relabelling them).
QList<double> ticksEvery(double min, double max, double step)
{
    QList<double> ticks;
    if (!(step > 0) || !(max >= min))
        return ticks;
    for (double k = std::ceil(min / step - 1e-9); k * step <= max + step * 1e-9 && ticks.size() < 64; ++k)
        ticks << k * step;
    return ticks;
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

LineChart::LineChart(QWidget* parent) : ChartBase(parent), m_plot(new PlotCanvas(this))
{
    m_plot->setAxes({0, 60, ticksEvery(0, 60, 10), 0}, {0, 1, ticksEvery(0, 1, 0.25), 2});
    setCanvas(m_plot);
    setEmptyText(tr("No data yet"));

    m_overlay = new ChartOverlay(m_plot);
    connect(m_overlay, &ChartOverlay::hovered, this, &LineChart::hovered);
    connect(m_overlay, &ChartOverlay::markerClicked, this, &LineChart::markerClicked);
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
    m_plot->setAxisTitles(x, y);
}

void LineChart::showTitle(const QString& title)
{
    m_plot->setTitle(title);
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
    m_plot->setLegendVisible(visible);
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
    rebuildSeries();
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
    for (const PlotCanvas::Line& line : m_plot->lines()) {
        const QList<QPointF>& points = line.points;
        // The newest point at or before x: what the engine reported for the interval under the cursor.
        const auto it = std::upper_bound(points.begin(), points.end(), x,
                                         [](double v, const QPointF& p) { return v < p.x(); });
        if (it == points.begin())
            continue;
        const double y = std::prev(it)->y();
        lines << line.name + QStringLiteral(": ") + QString::number(y, 'f', std::abs(y) < 10 ? 2 : 1);
    }
    return lines;
}

void LineChart::setCrosshair(std::optional<double> x)
{
    m_overlay->setCrosshair(x, x ? valuesAt(*x) : QStringList());
}

int LineChart::seriesCount() const
{
    return int(m_plot->lines().size());
}

int LineChart::pointCount(int series) const
{
    const auto& lines = m_plot->lines();
    return series >= 0 && series < lines.size() ? int(lines[series].points.size()) : 0;
}

QString LineChart::seriesName(int series) const
{
    const auto& lines = m_plot->lines();
    return series >= 0 && series < lines.size() ? lines[series].name : QString();
}

std::pair<double, double> LineChart::xRange() const
{
    return {m_plot->xAxis().min, m_plot->xAxis().max};
}

std::pair<double, double> LineChart::yRange() const
{
    return {m_plot->yAxis().min, m_plot->yAxis().max};
}

void LineChart::rebuildSeries()
{
    QList<PlotCanvas::Line>& lines = m_plot->lines();
    lines.resize(m_yColumns.size());
    for (qsizetype i = 0; i < lines.size(); ++i)
        lines[i].width = m_thinFrom >= 0 && i >= m_thinFrom ? 1.0 : 2.0;
    m_plot->linesChanged();
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
    QList<PlotCanvas::Line>& series = m_plot->lines();
    for (int row = 0; row < rows && !series.isEmpty(); ++row) {
        if (const auto x = number(m_model->index(row, m_xColumn).data())) {
            xMin = *x;
            break;
        }
    }
    for (int row = rows - 1; row >= 0 && !series.isEmpty(); --row) {
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
    // A minimum and a maximum per pixel column of the plot.
    const int maxPoints = std::max(64, 2 * int(std::max(m_plot->plotRect().width(), qreal(width()))));
    bool namesChanged = false;
    for (qsizetype s = 0; s < series.size(); ++s) {
        const int column = m_yColumns[s];
        QList<QPointF>& points = series[s].points;
        points.clear();
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
        if (series[s].name != name) {
            series[s].name = name;
            namesChanged = true;
        }
    }
    m_plot->setLegendVisible(m_legend.value_or(series.size() > 1));
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
    // Ticks anchored at round values, so a sliding window moves its labels instead of relabelling.
    const NiceAxis xNice = niceAxis(0, right - left, 7);
    const double xStep = (xNice.max - xNice.min) / std::max(1, xNice.tickCount - 1);
    const PlotCanvas::Axis x{left, right, ticksEvery(left, right, xStep), xNice.decimals};
    PlotCanvas::Axis y;
    if (m_fixedY) {
        const NiceAxis nice = niceAxis(m_fixedY->first, m_fixedY->second);
        const double step = (nice.max - nice.min) / std::max(1, nice.tickCount - 1);
        y = {m_fixedY->first, m_fixedY->second, ticksEvery(m_fixedY->first, m_fixedY->second, step),
             nice.decimals};
    } else {
        // Headroom above the peak so the line never runs along the frame.
        const NiceAxis nice = anyPoint ? niceAxis(yMin, yMax > 0 ? yMax * 1.08 : 1) : niceAxis(0, 1);
        const double step = (nice.max - nice.min) / std::max(1, nice.tickCount - 1);
        y = {nice.min, nice.max, ticksEvery(nice.min, nice.max, step), nice.decimals};
    }
    m_plot->setAxes(x, y);
    if (namesChanged)
        m_plot->linesChanged();
    m_plot->update(); // the points changed even where the axes did not (the overlay with them)
    if (m_overlay->crosshair())
        setCrosshair(m_overlay->crosshair());
}

} // namespace wsgi::studio::charts
