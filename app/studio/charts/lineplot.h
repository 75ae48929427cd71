#pragma once
// The drawing of a line chart with QPainter: title, legend, axes with ticks and titles, grid and
// lines, colours from the widget's palette. It holds what to draw and nothing else; LineChart
// reads the model and decides what that is. Drawn directly rather than through a graphics scene:
// a window of seven charts lays out and paints in a few milliseconds, at start-up and at 4 Hz.

#include <QColor>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <utility>

namespace wsgi::studio::charts {

class LinePlot : public QWidget
{
    Q_OBJECT
public:
    struct Axis
    {
        double min = 0;
        double max = 1;
        QList<double> ticks; // where grid lines and labels go, inside [min, max]
        int decimals = 0;
        friend bool operator==(const Axis&, const Axis&) = default;
    };
    struct Line
    {
        QString name;
        qreal width = 2;
        QList<QPointF> points; // in axis units, in x order
    };

    explicit LinePlot(QWidget* parent = nullptr);

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

    // The plot area in this widget's coordinates (inside the axes, under the legend).
    QRectF plotRect() const;
    double pixelX(double x) const;
    double pixelY(double y) const;

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
        QList<QRectF> legendItems; // one per line, marker and name
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
    mutable Layout m_layout;
    mutable bool m_layoutValid = false;
};

} // namespace wsgi::studio::charts
