#pragma once
// A line chart that reads its points from a model: one line series per y column, x values from one
// column, series named by the columns' horizontal headers. Follows resets, inserts, removals and data
// changes, coalesced to one redraw per event-loop turn (telemetry arrives several times a second).

#include "studio/charts/chartbase.h"

#include <optional>
#include <utility>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
QT_END_NAMESPACE

namespace wsgi::studio::charts {

class ChartOverlay;
class PlotCanvas;

class LineChart : public ChartBase
{
    Q_OBJECT
public:
    explicit LineChart(QWidget* parent = nullptr);
    ~LineChart() override;

    // Cells that are not numbers (an empty QVariant: no request timed in that interval) leave no
    // point, so a line never drops to a fake zero.
    void setModel(QAbstractItemModel* model, int xColumn, const QList<int>& yColumns);
    void setAxisTitles(const QString& x, const QString& y); // with units: "time (s)", "requests/s"
    void setYRange(double min, double max); // a fixed range; without it the y axis fits the data from 0
    // A constant time scale: the x axis always spans `span`, the newest point at the right edge once
    // the data is longer than that, so old data scrolls off instead of the axis rescaling. 0 = fit.
    void setXWindow(double span);
    // Default: a legend (on top) only with more than one series; charts shown side by side turn it on
    // so their plot areas line up.
    void setLegendVisible(bool visible);
    // Legend names instead of the columns' headers (short ones where the chart's title has the unit).
    void setSeriesNames(const QStringList& names);
    // Series from `first` on are drawn 1 px wide (the per-process lines under a total): a 1 px line
    // is rasterised directly, a wider one goes through the stroker, 16 lines at 4 Hz are visible in
    // the studio's CPU.
    void setThinSeriesFrom(int first);
    // With an end, the window's right edge stays at x = end (paused, scrolled back) whatever data
    // arrives; without, it follows the newest row. Only points inside the window are drawn.
    void setXEnd(std::optional<double> end);
    // Vertical markers from a model: one per row at `xColumn`, its colour the DecorationRole of that
    // cell, its label `labelColumn`, its tooltip the ToolTipRole. Clicking one emits markerClicked.
    void setMarkerModel(QAbstractItemModel* model, int xColumn, int labelColumn);
    // The crosshair at x with every series' value there (the newest point at or before x).
    void setCrosshair(std::optional<double> x);
    QStringList valuesAt(double x) const;
    ChartOverlay* overlay() const { return m_overlay; }

    int seriesCount() const;
    int pointCount(int series) const;
    QString seriesName(int series) const;
    std::pair<double, double> xRange() const;
    std::pair<double, double> yRange() const;

Q_SIGNALS:
    void hovered(std::optional<double> x); // the mouse over the plot at x; nullopt when it left
    void markerClicked(int row);           // a row of the marker model

private:
    void refresh() override;
    void refreshMarkers();
    void rebuildSeries();
    void showTitle(const QString& title) override;

    PlotCanvas* m_plot = nullptr;
    int m_xColumn = 0;
    QList<int> m_yColumns;
    std::optional<std::pair<double, double>> m_fixedY;
    double m_xWindow = 0;
    std::optional<bool> m_legend;
    std::optional<double> m_xEnd;
    QStringList m_names;
    int m_thinFrom = -1; // -1: every line 2 px
    ChartOverlay* m_overlay = nullptr;
    QPointer<QAbstractItemModel> m_markerModel;
    int m_markerXColumn = 0;
    int m_markerLabelColumn = 0;
    QList<QMetaObject::Connection> m_markerConnections;
};

} // namespace wsgi::studio::charts
