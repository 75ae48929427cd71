#include "studio/charts/histogramchart.h"

#include "studio/charts/niceaxis.h"
#include "studio/charts/plotcanvas.h"

#include <QAbstractItemModel>
#include <QHelpEvent>
#include <QLabel>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace wsgi::studio::charts {

namespace {
constexpr int kMaxBands = 5; // k0 .. k4+
} // namespace

QString formatMicros(double us)
{
    const auto significant = [](double value) {
        const int decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
        return QString::number(value, 'f', decimals);
    };
    if (us < 1000) {
        return significant(us) + QStringLiteral(" µs");
    }
    if (us < 1e6) {
        return significant(us / 1e3) + QStringLiteral(" ms");
    }
    return significant(us / 1e6) + QStringLiteral(" s");
}

HistogramChart::HistogramChart(QWidget* parent) : ChartBase(parent), m_plot(new PlotCanvas(this))
{
    setCanvas(m_plot);
    m_plot->setLegendVisible(true);
    m_plot->installEventFilter(this); // tool tips over the bars
    setEmptyText(tr("No samples yet"));
    setAxisTitles(tr("time"), tr("count"));
    refresh();
}

HistogramChart::~HistogramChart() = default;

void HistogramChart::setModel(QAbstractItemModel* model, int lowerColumn, int upperColumn, int countColumn)
{
    followModel(model);
    m_lowerColumn = lowerColumn;
    m_upperColumn = upperColumn;
    m_countColumn = countColumn;
    refresh();
}

void HistogramChart::setMarkers(const QList<HistogramMarker>& markers)
{
    m_markers = markers;
    scheduleRefresh();
}

void HistogramChart::setBands(const QList<HistogramBand>& bands)
{
    m_bands = bands.mid(0, kMaxBands);
    scheduleRefresh();
}

void HistogramChart::setBaselineColumn(int column, const QString& name)
{
    m_baselineColumn = column;
    m_baselineName = name;
    scheduleRefresh();
}

int HistogramChart::bandCount() const
{
    return m_bandCount;
}

int HistogramChart::baselinePointCount() const
{
    return m_baselinePoints;
}

std::pair<double, double> HistogramChart::xRangeUs() const
{
    const double scale = m_unit == QStringLiteral("ms") ? 1000.0 : 1.0;
    return {m_plot->xAxis().min * scale, m_plot->xAxis().max * scale};
}

void HistogramChart::setAxisTitles(const QString& x, const QString& y)
{
    m_xTitle = x;
    m_yTitle = y;
    m_plot->setAxisTitles(x + QStringLiteral(" (") + m_unit + tr(", log scale)"), y);
}

void HistogramChart::showTitle(const QString& title)
{
    m_plot->setTitle(title);
}

int HistogramChart::barCount() const
{
    return m_barCount;
}

QString HistogramChart::unit() const
{
    return m_unit;
}

QStringList HistogramChart::markerNames() const
{
    return m_markerNames;
}

bool HistogramChart::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_plot && event->type() == QEvent::ToolTip) {
        showBinTip(static_cast<QHelpEvent*>(event)->pos());
        return true;
    }
    return ChartBase::eventFilter(watched, event);
}

void HistogramChart::showBinTip(const QPoint& pos)
{
    if (!m_model || !m_plot->plotRect().contains(pos)) {
        QToolTip::hideText();
        return;
    }
    const double scale = m_unit == QStringLiteral("ms") ? 1000.0 : 1.0;
    const double us = m_plot->valueX(pos.x()) * scale;
    qint64 total = 0;
    qint64 below = 0;
    qint64 count = 0;
    double lower = 0;
    double upper = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const double lo = m_model->index(row, m_lowerColumn).data().toDouble();
        const double hi = m_model->index(row, m_upperColumn).data().toDouble();
        const qint64 n = m_model->index(row, m_countColumn).data().toLongLong();
        total += n;
        if (us >= lo && us < hi) {
            count = n;
            lower = lo;
            upper = hi;
            below = total;
        }
    }
    if (count == 0 || total == 0) {
        QToolTip::hideText();
        return;
    }
    QToolTip::showText(m_plot->mapToGlobal(pos),
                       tr("%1 – %2\n%3 samples (%4 %)\n%5 % at or below %2")
                           .arg(formatMicros(lower), formatMicros(upper))
                           .arg(count)
                           .arg(100.0 * double(count) / double(total), 0, 'f', 1)
                           .arg(100.0 * double(below) / double(total), 0, 'f', 1),
                       m_plot);
}

void HistogramChart::refresh()
{
    m_refreshPending = false;
    struct Bin
    {
        double lower;
        double upper;
        double count;
    };
    QList<Bin> bins;
    QList<Bin> baseline;
    double maxUs = 0;
    double minUs = 0;
    double maxCount = 0;
    const int rows = m_model ? m_model->rowCount() : 0;
    const bool withBaseline = m_model && m_baselineColumn >= 0 && m_baselineColumn < m_model->columnCount();
    for (int row = 0; row < rows; ++row) {
        const double count = m_model->index(row, m_countColumn).data().toDouble();
        const double base = withBaseline ? m_model->index(row, m_baselineColumn).data().toDouble() : 0.0;
        if (count <= 0 && base <= 0) {
            continue;
        }
        // A log axis cannot show 0: a bin from 0 is drawn from a tenth of its upper edge (0.5 µs at
        // least), so mod_wsgi's "below 1.25 ms" bucket reads as one decade wide.
        const double rawLower = m_model->index(row, m_lowerColumn).data().toDouble();
        const double rawUpper = m_model->index(row, m_upperColumn).data().toDouble();
        const double lower = rawLower > 0 ? std::max(0.5, rawLower) : std::max(0.5, rawUpper / 10);
        const double upper = std::max(lower * 1.01, rawUpper);
        if (count > 0) {
            bins.append({lower, upper, count});
        }
        if (base > 0) {
            baseline.append({lower, upper, base});
        }
        minUs = minUs > 0 ? std::min(minUs, lower) : lower;
        maxUs = std::max(maxUs, upper);
        maxCount = std::max({maxCount, count, base});
    }
    const bool anyData = !bins.isEmpty() || !baseline.isEmpty();
    // Bands show where waits would pile up even where there are none yet: that they are empty is
    // the finding after a shorter switch interval. Up to the start of k4+.
    if (anyData) {
        for (const HistogramBand& band : std::as_const(m_bands)) {
            maxUs = std::max(maxUs, std::min(band.upperUs, band.lowerUs * 1.5));
        }
    }
    for (const HistogramMarker& marker : std::as_const(m_markers)) {
        maxUs = std::max(maxUs, marker.valueUs * 1.05);
    }
    m_barCount = int(bins.size());
    m_emptyLabel->setVisible(!anyData);

    m_unit = maxUs > 2000 ? QStringLiteral("ms") : QStringLiteral("µs");
    const double scale = m_unit == QStringLiteral("ms") ? 1e-3 : 1.0;
    setAxisTitles(m_xTitle, m_yTitle);

    // The x axis in whole decades, at least two, so the ticks are 1-10-100 and bars never touch
    // the frame; the minor grid at 2..9 of each decade.
    PlotCanvas::Axis x;
    x.log = true;
    x.min = 1;
    x.max = 1000;
    if (anyData && minUs > 0) {
        x.min = std::pow(10.0, std::floor(std::log10(minUs * scale)));
        x.max = std::max(std::pow(10.0, std::ceil(std::log10(maxUs * scale))), x.min * 100);
    }
    for (double decade = x.min; decade <= x.max * 1.000001; decade *= 10) {
        x.ticks << decade;
        for (int k = 2; k <= 9 && decade * k < x.max; ++k)
            x.minorTicks << decade * k;
    }
    const NiceAxis yNice = niceAxis(0, maxCount > 0 ? maxCount * 1.1 : 1);
    PlotCanvas::Axis y{0, yNice.max, {}, yNice.decimals};
    for (int i = 0; i < yNice.tickCount; ++i)
        y.ticks << yNice.min + i * (yNice.max - yNice.min) / std::max(1, yNice.tickCount - 1);
    m_plot->setAxes(x, y);

    // Each bar narrowed by 3 % on each side (equal on a log axis) so neighbouring bins stay apart.
    QList<PlotCanvas::Bar> bars;
    bars.reserve(bins.size());
    for (const Bin& bin : std::as_const(bins)) {
        const double left = bin.lower * scale * 1.03;
        bars.append({left, std::max(left * 1.001, bin.upper * scale / 1.03), bin.count});
    }
    m_plot->setBars(bars);

    // Bands span the plot's height; only the ones that reach into the axis range are drawn, the
    // first (one missed hand-off) and every other one stronger so neighbours stay apart.
    QList<PlotCanvas::Band> bands;
    for (qsizetype i = 0; anyData && i < m_bands.size(); ++i) {
        const HistogramBand& band = m_bands[i];
        if (band.upperUs * scale <= x.min || band.lowerUs * scale >= x.max)
            continue;
        bands.append({band.label, std::max(x.min, band.lowerUs * scale),
                      std::min(x.max, band.upperUs * scale), i % 2 == 0 ? 0.13 : 0.06});
    }
    m_plot->setBands(bands);
    m_bandCount = int(bands.size());

    // Lines: the percentile markers (dashed; p50, p95, p99 green, orange, magenta, apart from the
    // blue bars in both palettes) and the baseline as one outline in the text colour, up each bin's
    // left edge, across its top, down its right edge: it reads as "what it was".
    QList<PlotCanvas::Line>& lines = m_plot->lines();
    lines.clear();
    m_markerNames.clear();
    const int markerColors[] = {2, 1, 3, 4};
    for (qsizetype i = 0; !bins.isEmpty() && i < m_markers.size(); ++i) {
        const HistogramMarker& marker = m_markers[i];
        const double at = std::max(0.5, marker.valueUs) * scale;
        PlotCanvas::Line line;
        line.name = marker.label + QLatin1Char(' ') + formatMicros(marker.valueUs);
        line.width = 2;
        line.style = Qt::DashLine;
        line.colorIndex = markerColors[i % 4];
        line.points = {QPointF(at, 0), QPointF(at, yNice.max)};
        m_markerNames << line.name;
        lines.append(line);
    }
    PlotCanvas::Line base;
    base.name = m_baselineName.isEmpty() ? tr("baseline") : m_baselineName;
    base.width = 1.5;
    base.textInk = true;
    for (const Bin& bin : std::as_const(baseline)) {
        const double left = bin.lower * scale;
        const double right = bin.upper * scale;
        base.points << QPointF(left, 0) << QPointF(left, bin.count) << QPointF(right, bin.count)
                    << QPointF(right, 0);
    }
    m_baselinePoints = int(base.points.size());
    if (!base.points.isEmpty())
        lines.append(base);
    m_plot->linesChanged();
}

} // namespace wsgi::studio::charts
