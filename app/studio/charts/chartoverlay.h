#pragma once
// What a time chart draws over its plot without touching the chart's series: vertical event markers
// (restarts by family, config reloads) and a crosshair with the values at that instant. Painted by
// the plot itself, last (PlotCanvas::setForeground): on a transparent child widget instead, every
// refresh painted the plot twice. Mouse events come from the plot through an event filter.

#include <QColor>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QPainter;

namespace wsgi::studio::charts {

class PlotCanvas;

struct TimeMarker
{
    double x = 0; // in the chart's x unit
    QColor color;
    QString label; // short, drawn at the top of the line
    QString tip;   // tooltip
    int id = 0;    // handed back by markerClicked (the model row)
    bool dashed = false;
};

class ChartOverlay : public QObject
{
    Q_OBJECT
public:
    explicit ChartOverlay(PlotCanvas* plot);

    void setMarkers(QList<TimeMarker> markers);
    const QList<TimeMarker>& markers() const { return m_markers; }
    // The crosshair at x (chart unit) with lines of text beside it; nullopt hides it.
    void setCrosshair(std::optional<double> x, QStringList lines = {});
    std::optional<double> crosshair() const { return m_crosshair; }
    // Where x falls in the plot widget's pixels (nullopt outside the plot area), and back.
    std::optional<double> pixelOf(double x) const;
    std::optional<double> xAt(double pixel) const;
    int markerNear(double pixel, double tolerance = 4) const; // id, or -1

Q_SIGNALS:
    void hovered(std::optional<double> x); // nullopt: the mouse left the plot
    void markerClicked(int id);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void paint(QPainter& painter) const;
    void update(); // the plot repaints, this with it
    QRectF plotRect() const;

    PlotCanvas* m_plot;
    QList<TimeMarker> m_markers;
    std::optional<double> m_crosshair;
    QStringList m_lines;
};

} // namespace wsgi::studio::charts
