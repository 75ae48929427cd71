#pragma once
// A heatmap painted from a table model: columns are time (the horizontal header holds each column's
// unix time), rows are latency bins from short (row 0, at the bottom) to long (the vertical header
// holds each row's lower edge in µs), cells are counts, coloured on a log scale so one busy interval
// does not wash the rest out. Decade ticks on the latency axis, seconds before the newest column on
// the time axis. Clicking a column selects it and emits columnClicked.

#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
QT_END_NAMESPACE

namespace wsgi::studio::charts {

class HeatmapChart : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapChart(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model);
    void setTitle(const QString& title);
    void setEmptyText(const QString& text);
    // Time spanned by the axis, seconds: columns sit at their time, so a gap stays a gap and the
    // scale never changes as data arrives. 0: the columns fill the width.
    void setTimeSpan(double seconds);

    int selectedColumn() const { return m_selected; } // -1: none
    void selectColumn(int column);
    int columnAt(const QPoint& pos) const; // -1 outside the plot or where no column is drawn

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void columnClicked(int column);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    QRect plotRect() const;
    double columnX(int column, const QRect& plot) const; // left edge
    double columnWidth(const QRect& plot) const;
    int rowAtY(int y, const QRect& plot) const;

    QPointer<QAbstractItemModel> m_model;
    QString m_title;
    QString m_emptyText;
    double m_span = 0;
    int m_selected = -1;
};

} // namespace wsgi::studio::charts
