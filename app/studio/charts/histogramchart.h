#pragma once
// A latency histogram on a logarithmic time axis: one bar per model row (a bin with its bounds in
// microseconds and a count), percentile markers as dashed vertical lines named in the legend. The
// unit (µs or ms) follows the data so sub-millisecond GIL waits keep readable labels.

#include <QList>
#include <QPointer>
#include <QString>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QAreaSeries;
class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;
QT_END_NAMESPACE

namespace wsgi::studio::charts {

struct HistogramMarker
{
    QString label; // "p95"
    double valueUs = 0;
};

class HistogramChart : public QWidget
{
    Q_OBJECT
public:
    explicit HistogramChart(QWidget* parent = nullptr);
    ~HistogramChart() override;

    // Rows are bins: lowerColumn/upperColumn hold the bin's bounds in µs (upper exclusive), countColumn
    // its count. Follows resets and data changes.
    void setModel(QAbstractItemModel* model, int lowerColumn, int upperColumn, int countColumn);
    void setMarkers(const QList<HistogramMarker>& markers);
    void setTitle(const QString& title);
    // The x title without unit ("GIL wait"): the chart appends the unit it chose, "(µs, log scale)".
    void setAxisTitles(const QString& x, const QString& y);
    void setEmptyText(const QString& text);

    int barCount() const;            // bins with a count above zero
    QString unit() const;            // "µs" or "ms"
    QStringList markerNames() const; // legend entries, "p95 1.20 ms"

protected:
    void changeEvent(QEvent* event) override;

private:
    void scheduleRefresh();
    void refresh();
    void applyTheme();

    QChart* m_chart = nullptr;
    QChartView* m_view = nullptr;
    QLogValueAxis* m_xAxis = nullptr;
    QValueAxis* m_yAxis = nullptr;
    QLineSeries* m_barOutline = nullptr;
    QAreaSeries* m_bars = nullptr;
    QList<QLineSeries*> m_markerSeries;
    QLabel* m_emptyLabel = nullptr;
    QPointer<QAbstractItemModel> m_model;
    QList<QMetaObject::Connection> m_connections;
    QList<HistogramMarker> m_markers;
    QString m_xTitle;
    QString m_unit = QStringLiteral("µs");
    int m_lowerColumn = 0;
    int m_upperColumn = 1;
    int m_countColumn = 2;
    int m_barCount = 0;
    bool m_refreshPending = false;
};

// "850 µs", "1.20 ms", "2.5 s": three significant digits in the unit that suits the value.
QString formatMicros(double us);

} // namespace wsgi::studio::charts
