#pragma once
// A latency histogram on a logarithmic time axis with decade ticks: one bar per model row (a bin
// with its bounds in microseconds and a count), percentile markers as dashed vertical lines named
// in the legend, optional shaded bands and a baseline outline. The unit (µs or ms) follows the
// data so sub-millisecond GIL waits keep readable labels. Hovering a bar tells its bin's share.

#include "studio/charts/chartbase.h"

#include <utility>

namespace wsgi::studio::charts {

class PlotCanvas;

struct HistogramMarker
{
    QString label; // "p95"
    double valueUs = 0;
};

// A shaded span of the time axis behind the bars: the switch interval's multiples on a GIL chart.
struct HistogramBand
{
    QString label; // "1×s", drawn at the top of the band
    double lowerUs = 0;
    double upperUs = 0;
};

class HistogramChart : public ChartBase
{
    Q_OBJECT
public:
    explicit HistogramChart(QWidget* parent = nullptr);
    ~HistogramChart() override;

    // Rows are bins: lowerColumn/upperColumn hold the bin's bounds in µs (upper exclusive), countColumn
    // its count. Follows resets and data changes.
    void setModel(QAbstractItemModel* model, int lowerColumn, int upperColumn, int countColumn);
    void setMarkers(const QList<HistogramMarker>& markers);
    // Alternate bands are tinted so neighbours stay apart; empty: none.
    void setBands(const QList<HistogramBand>& bands);
    // A second set of counts from the same model drawn as an outline over the bars (a frozen
    // baseline); -1: none. `name` is its legend entry.
    void setBaselineColumn(int column, const QString& name = {});
    // The x title without unit ("GIL wait"): the chart appends the unit it chose, "(µs, log scale)".
    void setAxisTitles(const QString& x, const QString& y);

    int barCount() const;            // bins with a count above zero
    QString unit() const;            // "µs" or "ms"
    QStringList markerNames() const; // legend entries, "p95 1.20 ms"
    int bandCount() const;           // bands drawn (inside the axis range)
    int baselinePointCount() const;  // points of the baseline outline; 0 without one
    std::pair<double, double> xRangeUs() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refresh() override;
    void showTitle(const QString& title) override;
    void showBinTip(const QPoint& pos); // the bin under `pos` on the canvas: bounds, count, share

    PlotCanvas* m_plot = nullptr;
    QList<HistogramMarker> m_markers;
    QList<HistogramBand> m_bands;
    int m_baselineColumn = -1;
    QString m_baselineName;
    QString m_xTitle;
    QString m_yTitle;
    QString m_unit = QStringLiteral("µs");
    QStringList m_markerNames;
    int m_bandCount = 0;
    int m_baselinePoints = 0;
    int m_lowerColumn = 0;
    int m_upperColumn = 1;
    int m_countColumn = 2;
    int m_barCount = 0;
};

// "850 µs", "1.20 ms", "2.5 s": three significant digits in the unit that suits the value.
QString formatMicros(double us);

} // namespace wsgi::studio::charts
