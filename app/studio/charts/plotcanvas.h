#pragma once
// The drawing of a chart with QPainter: title, legend, axes (linear, or logarithmic with decade
// ticks) with ticks and titles, grid, shaded bands, bars and lines, colours from the widget's
// palette. It holds what to draw and nothing else; LineChart and HistogramChart read their models
// and decide what that is. Drawn directly rather than through a graphics scene (or Qt Charts, which
// costs every start of the studio its loading): a window of seven charts lays out and paints in a
// few milliseconds, at start-up and at 4 Hz.

#include <QColor>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <functional>
#include <utility>

class QPainter;

namespace wsgi::studio::charts {

class PlotCanvas : public QWidget
{
    Q_OBJECT
public:
    struct Axis
    {
        double min = 0;
        double max = 1;
        QList<double> ticks; // where grid lines and labels go, inside [min, max]
        int decimals = 0;
        bool log = false;         // base 10 (min > 0): labels as 0.1, 1, 10, 100
        QList<double> minorTicks; // fainter grid lines without labels
        friend bool operator==(const Axis&, const Axis&) = default;
    };
    struct Line
    {
        QString name;
        qreal width = 2;
        QList<QPointF> points; // in axis units, in x order
        Qt::PenStyle style = Qt::SolidLine;
        int colorIndex = -1;  // into the palette's series colours; -1: the line's own index
        bool textInk = false; // in the text colour instead (a baseline: "what it was")
        bool inLegend = true; // named lines are listed in the legend unless this is false
    };
    // A span of the x axis shaded across the plot's height, behind the grid; the label sits at its
    // top where it fits. `tint`: how far from the plot's base colour towards the text colour.
    struct Band
    {
        QString label;
        double from = 0;
        double to = 0;
        double tint = 0.1;
        friend bool operator==(const Band&, const Band&) = default;
    };
    // A bar from 0 to `height` over [left, right), in axis units, in the first series colour.
    struct Bar
    {
        double left = 0;
        double right = 0;
        double height = 0;
        friend bool operator==(const Bar&, const Bar&) = default;
    };

    explicit PlotCanvas(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    QString title() const { return m_title; }
    void setAxisTitles(const QString& x, const QString& y);
    void setAxes(const Axis& x, const Axis& y);
    const Axis& xAxis() const { return m_x; }
    const Axis& yAxis() const { return m_y; }
    void setLegendVisible(bool visible);
    bool legendVisible() const { return m_legend; }
    // Lines keep their order; line i takes the palette's i-th series colour.
    QList<Line>& lines() { return m_lines; }
    const QList<Line>& lines() const { return m_lines; }
    void linesChanged(); // after editing lines(): names may move the plot (legend), points repaint
    void setBands(const QList<Band>& bands);
    const QList<Band>& bands() const { return m_bands; }
    void setBars(const QList<Bar>& bars);
    const QList<Bar>& bars() const { return m_bars; }

    // The plot area in this widget's coordinates (inside the axes, under the legend).
    QRectF plotRect() const;
    double pixelX(double x) const;
    double pixelY(double y) const;
    double valueX(qreal pixel) const; // the inverse of pixelX

    // Drawn last, over the lines, in the same paint (see ChartOverlay): a transparent child widget
    // would have Qt paint the whole plot beneath it a second time whenever either changes.
    void setForeground(std::function<void(QPainter&)> paint) { m_foreground = std::move(paint); }

    QSize minimumSizeHint() const override { return {200, 130}; }

Q_SIGNALS:
    void plotAreaChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Layout
    {
        QRectF plot;
        QRectF title;
        QList<QRectF> legendItems;    // marker and name, one per entry of legendLines
        QList<qsizetype> legendLines; // the lines listed, in order
        qreal yTitleX = 0;
        qreal xTitleY = 0;
    };
    QString label(const Axis& axis, double value) const;
    void invalidateLayout();
    const Layout& layout() const;
    Layout computeLayout() const;

    QString m_title;
    QString m_xTitle;
    QString m_yTitle;
    Axis m_x;
    Axis m_y;
    bool m_legend = false;
    QList<Line> m_lines;
    QList<Band> m_bands;
    QList<Bar> m_bars;
    mutable Layout m_layout;
    mutable bool m_layoutValid = false;
    std::function<void(QPainter&)> m_foreground;
};

} // namespace wsgi::studio::charts
