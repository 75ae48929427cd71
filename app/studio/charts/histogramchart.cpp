#include "studio/charts/histogramchart.h"

#include "studio/charts/charttheme.h"
#include "studio/charts/niceaxis.h"

#include <QAbstractItemModel>
#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QEvent>
#include <QGraphicsLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

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

HistogramChart::HistogramChart(QWidget* parent)
    : ChartBase(new QChart, parent), m_xAxis(new QLogValueAxis), m_yAxis(new QValueAxis),
      m_barOutline(new QLineSeries)
{
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->setMargins(QMargins(4, 4, 8, 4));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_xAxis->setBase(10);
    m_xAxis->setMinorTickCount(8);
    m_xAxis->setLabelFormat(QStringLiteral("%g"));
    m_xAxis->setRange(1, 1000);
    m_yAxis->setRange(0, 1);
    m_yAxis->setLabelFormat(QStringLiteral("%.0f"));

    // Bands first, so the chart draws them behind the bars; the unused ones stay hidden.
    for (int i = 0; i < kMaxBands; ++i) {
        auto* band = new QAreaSeries(new QLineSeries(this), new QLineSeries(this));
        m_chart->addSeries(band);
        band->attachAxis(m_xAxis);
        band->attachAxis(m_yAxis);
        band->setVisible(false);
        m_chart->legend()->markers(band).constFirst()->setVisible(false);
        m_bandSeries << band;
    }
    m_bars = new QAreaSeries(m_barOutline);
    m_bars->setName(tr("count"));
    m_chart->addSeries(m_bars);
    m_bars->attachAxis(m_xAxis);
    m_bars->attachAxis(m_yAxis);
    // The bars are the chart; only the percentile markers need a legend entry.
    m_chart->legend()->markers(m_bars).constFirst()->setVisible(false);
    connect(m_bars, &QAreaSeries::hovered, this, [this](const QPointF& point, bool inside) {
        if (!inside || !m_model) {
            QToolTip::hideText();
            return;
        }
        const double scale = m_unit == QStringLiteral("ms") ? 1000.0 : 1.0;
        const double us = point.x() * scale;
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
        QToolTip::showText(QCursor::pos(),
                           tr("%1 – %2\n%3 samples (%4 %)\n%5 % at or below %2")
                               .arg(formatMicros(lower), formatMicros(upper))
                               .arg(count)
                               .arg(100.0 * double(count) / double(total), 0, 'f', 1)
                               .arg(100.0 * double(below) / double(total), 0, 'f', 1),
                           this);
    });

    m_baseline = new QLineSeries;
    m_chart->addSeries(m_baseline);
    m_baseline->attachAxis(m_xAxis);
    m_baseline->attachAxis(m_yAxis);
    m_baseline->setVisible(false);

    setEmptyText(tr("No samples yet"));

    setAxisTitles(tr("time"), tr("count"));
    applyTheme();
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
    return int(std::count_if(m_bandSeries.begin(), m_bandSeries.end(),
                             [](const QAreaSeries* s) { return s->isVisible(); }));
}

int HistogramChart::baselinePointCount() const
{
    return m_baseline->isVisible() ? int(m_baseline->count()) : 0;
}

std::pair<double, double> HistogramChart::xRangeUs() const
{
    const double scale = m_unit == QStringLiteral("ms") ? 1000.0 : 1.0;
    return {m_xAxis->min() * scale, m_xAxis->max() * scale};
}

void HistogramChart::setAxisTitles(const QString& x, const QString& y)
{
    m_xTitle = x;
    m_xAxis->setTitleText(x + QStringLiteral(" (") + m_unit + tr(", log scale)"));
    m_yAxis->setTitleText(y);
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
    QStringList names;
    for (const QLineSeries* series : m_markerSeries) {
        names << series->name();
    }
    return names;
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
        minUs = bins.size() + baseline.size() == 1 ? lower : std::min(minUs, lower);
        maxUs = std::max(maxUs, upper);
        maxCount = std::max({maxCount, count, base});
    }
    // Bands show where waits would pile up even where there are none yet: that they are empty is
    // the finding after a shorter switch interval. Up to the start of k4+.
    if (!bins.isEmpty() || !baseline.isEmpty()) {
        for (const HistogramBand& band : std::as_const(m_bands)) {
            maxUs = std::max(maxUs, std::min(band.upperUs, band.lowerUs * 1.5));
        }
    }
    for (const HistogramMarker& marker : std::as_const(m_markers)) {
        maxUs = std::max(maxUs, marker.valueUs * 1.05);
    }
    m_barCount = int(bins.size());
    m_emptyLabel->setVisible(bins.isEmpty() && baseline.isEmpty());

    m_unit = maxUs > 2000 ? QStringLiteral("ms") : QStringLiteral("µs");
    const double scale = m_unit == QStringLiteral("ms") ? 1e-3 : 1.0;
    setAxisTitles(m_xTitle, m_yAxis->titleText());

    // Each bar is a rectangle of the one area series, narrowed by 3 % on each side (equal on a log
    // axis) so neighbouring bins stay apart.
    QList<QPointF> outline;
    outline.reserve(bins.size() * 4);
    for (const Bin& bin : std::as_const(bins)) {
        const double left = bin.lower * scale * 1.03;
        const double right = std::max(left * 1.001, bin.upper * scale / 1.03);
        outline << QPointF(left, 0) << QPointF(left, bin.count) << QPointF(right, bin.count)
                << QPointF(right, 0);
    }
    m_barOutline->replace(outline);
    // The baseline as one outline: up each bin's left edge, across its top, down its right edge.
    QList<QPointF> baseOutline;
    for (const Bin& bin : std::as_const(baseline)) {
        const double left = bin.lower * scale;
        const double right = bin.upper * scale;
        baseOutline << QPointF(left, 0) << QPointF(left, bin.count) << QPointF(right, bin.count)
                    << QPointF(right, 0);
    }
    m_baseline->replace(baseOutline);
    m_baseline->setVisible(!baseOutline.isEmpty());
    m_baseline->setName(m_baselineName.isEmpty() ? tr("baseline") : m_baselineName);
    m_chart->legend()->markers(m_baseline).constFirst()->setVisible(!baseOutline.isEmpty());

    const NiceAxis yNice = niceAxis(0, maxCount > 0 ? maxCount * 1.1 : 1);
    m_yAxis->setRange(0, yNice.max);
    m_yAxis->setTickCount(yNice.tickCount);
    m_yAxis->setLabelFormat(QStringLiteral("%.") + QString::number(yNice.decimals) + QStringLiteral("f"));
    if (bins.isEmpty() && baseline.isEmpty()) {
        m_xAxis->setRange(1, 1000);
    } else {
        // Whole decades, at least two, so the ticks are 1-10-100 and bars never touch the frame.
        const double low = std::pow(10.0, std::floor(std::log10(minUs * scale)));
        double high = std::pow(10.0, std::ceil(std::log10(maxUs * scale)));
        high = std::max(high, low * 100);
        m_xAxis->setRange(low, high);
    }

    // Bands span the plot's height; only the ones that reach into the axis range are shown.
    for (int i = 0; i < kMaxBands; ++i) {
        QAreaSeries* series = m_bandSeries[i];
        const bool show = i < m_bands.size() && (!bins.isEmpty() || !baseline.isEmpty()) &&
                          m_bands[i].upperUs * scale > m_xAxis->min() &&
                          m_bands[i].lowerUs * scale < m_xAxis->max();
        series->setVisible(show);
        // Showing a series shows its legend marker again; the bands are explained in the header.
        for (QLegendMarker* marker : m_chart->legend()->markers(series)) {
            marker->setVisible(false);
        }
        if (!show) {
            continue;
        }
        const double left = std::max(m_xAxis->min(), m_bands[i].lowerUs * scale);
        const double right = std::min(m_xAxis->max(), m_bands[i].upperUs * scale);
        series->upperSeries()->replace({QPointF(left, yNice.max), QPointF(right, yNice.max)});
        series->lowerSeries()->replace({QPointF(left, 0), QPointF(right, 0)});
        series->setName(m_bands[i].label);
    }

    // Marker series are kept and only moved: adding and removing series relayouts the legend, which
    // at the telemetry rate costs the GUI thread more than everything else here.
    const qsizetype wanted = bins.isEmpty() ? 0 : m_markers.size();
    while (m_markerSeries.size() > wanted) {
        QLineSeries* series = m_markerSeries.takeLast();
        m_chart->removeSeries(series);
        delete series;
    }
    bool added = false;
    while (m_markerSeries.size() < wanted) {
        auto* series = new QLineSeries;
        m_chart->addSeries(series);
        series->attachAxis(m_xAxis);
        series->attachAxis(m_yAxis);
        m_markerSeries << series;
        added = true;
    }
    for (qsizetype i = 0; i < wanted; ++i) {
        const HistogramMarker& marker = m_markers[i];
        const double x = std::max(0.5, marker.valueUs) * scale;
        m_markerSeries[i]->setName(marker.label + QLatin1Char(' ') + formatMicros(marker.valueUs));
        m_markerSeries[i]->replace({QPointF(x, 0), QPointF(x, yNice.max)});
    }
    m_chart->legend()->setVisible(!m_markerSeries.isEmpty() || !baseOutline.isEmpty());
    if (added) {
        applyTheme();
    }
}

void HistogramChart::applyTheme()
{
    const QPalette pal = palette();
    applyPalette(m_chart, pal);
    const QList<QColor> colors = seriesColors(pal);
    QColor barColor = colors[0];
    QPen outlinePen(barColor);
    outlinePen.setWidthF(1.0);
    m_bars->setPen(outlinePen);
    barColor.setAlphaF(0.55f);
    m_bars->setBrush(barColor);
    // The baseline in the text colour: it reads as "what it was" over the coloured bars.
    QPen basePen(pal.color(QPalette::WindowText));
    basePen.setWidthF(1.5);
    m_baseline->setPen(basePen);
    // Alternate bands: a tint of the text colour over the plot, the first (one missed hand-off) stronger.
    for (int i = 0; i < kMaxBands; ++i) {
        QColor tint =
            mixColors(pal.color(QPalette::Base), pal.color(QPalette::Text), i % 2 == 0 ? 0.13 : 0.06);
        m_bandSeries[i]->setBrush(tint);
        m_bandSeries[i]->setPen(Qt::NoPen);
    }
    // p50, p95, p99: green, orange, magenta; distinct from the blue bars in both palettes.
    const QList<QColor> markerColors = {colors[2], colors[1], colors[3], colors[4]};
    for (qsizetype i = 0; i < m_markerSeries.size(); ++i) {
        QPen pen(markerColors[i % markerColors.size()]);
        pen.setWidthF(2.0);
        pen.setStyle(Qt::DashLine);
        m_markerSeries[i]->setPen(pen);
    }
}

} // namespace wsgi::studio::charts
