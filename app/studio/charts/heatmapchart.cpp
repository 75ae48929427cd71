#include "studio/charts/heatmapchart.h"

#include "studio/charts/charttheme.h"
#include "studio/charts/histogramchart.h"

#include <QAbstractItemModel>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace wsgi::studio::charts {

namespace {

constexpr int kLeftMargin = 56;
constexpr int kBottomMargin = 22;
constexpr int kTopMargin = 22;
constexpr int kRightMargin = 10;

// Low counts light, high counts dark (in a light palette; inverted in a dark one), along the
// series blue: one hue reads as "more" without a legend to decode.
QColor cellColor(double t, const QPalette& pal)
{
    const QColor base = pal.color(QPalette::Base);
    const QColor hot = seriesColors(pal).value(0);
    const QColor hottest = pal.color(QPalette::Text);
    return t < 0.7 ? mixColors(base, hot, 0.15 + t / 0.7 * 0.85)
                   : mixColors(hot, hottest, (t - 0.7) / 0.3 * 0.6);
}

// "1 µs", "10 µs", ... "10 s": a decade needs no decimals.
QString decadeLabel(double us)
{
    if (us < 1000)
        return QString::number(qRound(us)) + QStringLiteral(" µs");
    if (us < 1e6)
        return QString::number(qRound(us / 1e3)) + QStringLiteral(" ms");
    return QString::number(qRound(us / 1e6)) + QStringLiteral(" s");
}

} // namespace

HeatmapChart::HeatmapChart(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    m_emptyText = tr("No samples yet");
}

void HeatmapChart::setModel(QAbstractItemModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_selected = -1;
    if (model) {
        const auto repaint = [this] { update(); };
        connect(model, &QAbstractItemModel::modelReset, this, [this] {
            m_selected = -1;
            update();
        });
        connect(model, &QAbstractItemModel::dataChanged, this, repaint);
        connect(model, &QAbstractItemModel::columnsInserted, this, repaint);
        connect(model, &QAbstractItemModel::columnsRemoved, this, repaint);
        connect(model, &QAbstractItemModel::layoutChanged, this, repaint);
    }
    update();
}

void HeatmapChart::setTitle(const QString& title)
{
    m_title = title;
    update();
}

void HeatmapChart::setEmptyText(const QString& text)
{
    m_emptyText = text;
    update();
}

void HeatmapChart::setTimeSpan(double seconds)
{
    m_span = std::max(0.0, seconds);
    update();
}

void HeatmapChart::selectColumn(int column)
{
    m_selected = m_model && column >= 0 && column < m_model->columnCount() ? column : -1;
    update();
}

QSize HeatmapChart::sizeHint() const
{
    return {480, 220};
}

QSize HeatmapChart::minimumSizeHint() const
{
    return {200, 130};
}

QRect HeatmapChart::plotRect() const
{
    return rect().adjusted(kLeftMargin, kTopMargin, -kRightMargin, -kBottomMargin);
}

double HeatmapChart::columnWidth(const QRect& plot) const
{
    const int columns = m_model ? m_model->columnCount() : 0;
    if (columns <= 0)
        return 0;
    if (m_span <= 0 || columns < 2)
        return double(plot.width()) / std::max(columns, 1);
    // The typical interval: the newest column's distance to the one before it.
    const double dt = m_model->headerData(columns - 1, Qt::Horizontal).toDouble() -
                      m_model->headerData(columns - 2, Qt::Horizontal).toDouble();
    return std::max(1.0, plot.width() * std::max(dt, 1e-3) / m_span);
}

double HeatmapChart::columnX(int column, const QRect& plot) const
{
    const int columns = m_model->columnCount();
    const double w = columnWidth(plot);
    if (m_span <= 0)
        return plot.left() + column * w;
    const double newest = m_model->headerData(columns - 1, Qt::Horizontal).toDouble();
    const double t = m_model->headerData(column, Qt::Horizontal).toDouble();
    return plot.right() + 1 - w - (newest - t) / m_span * plot.width();
}

int HeatmapChart::rowAtY(int y, const QRect& plot) const
{
    const int rows = m_model ? m_model->rowCount() : 0;
    if (rows <= 0 || !plot.contains(plot.left(), y))
        return -1;
    const double h = double(plot.height()) / rows;
    return std::clamp(int((plot.bottom() + 1 - y) / h), 0, rows - 1);
}

int HeatmapChart::columnAt(const QPoint& pos) const
{
    const QRect plot = plotRect();
    if (!m_model || !plot.contains(pos))
        return -1;
    const double w = columnWidth(plot);
    for (int c = m_model->columnCount() - 1; c >= 0; --c) {
        const double x = columnX(c, plot);
        if (pos.x() >= x && pos.x() < x + std::max(w, 1.0))
            return c;
        if (x + w < pos.x())
            break;
    }
    return -1;
}

void HeatmapChart::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Window));
    const QRect plot = plotRect();
    p.fillRect(plot, pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::WindowText));
    QFont titleFont = font();
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.drawText(QRect(0, 0, width(), kTopMargin), Qt::AlignCenter, m_title);
    p.setFont(font());

    const int rows = m_model ? m_model->rowCount() : 0;
    const int columns = m_model ? m_model->columnCount() : 0;
    qint64 maxCount = 0;
    for (int c = 0; c < columns; ++c) {
        for (int r = 0; r < rows; ++r)
            maxCount = std::max(maxCount, m_model->index(r, c).data().toLongLong());
    }
    const double rowH = rows > 0 ? double(plot.height()) / rows : 0;
    if (maxCount > 0) {
        const double w = columnWidth(plot);
        const double logMax = std::log1p(double(maxCount));
        p.save();
        p.setClipRect(plot);
        for (int c = 0; c < columns; ++c) {
            const double x = columnX(c, plot);
            if (x + w < plot.left())
                continue;
            for (int r = 0; r < rows; ++r) {
                const qint64 n = m_model->index(r, c).data().toLongLong();
                if (n <= 0)
                    continue;
                const QRectF cell(x, plot.bottom() + 1 - (r + 1) * rowH, std::max(w, 1.0), rowH);
                p.fillRect(cell, cellColor(std::log1p(double(n)) / logMax, pal));
            }
        }
        if (m_selected >= 0 && m_selected < columns) {
            QPen pen(seriesColors(pal).value(1));
            pen.setWidthF(2);
            p.setPen(pen);
            p.setBrush(Qt::NoBrush);
            p.drawRect(QRectF(columnX(m_selected, plot), plot.top(), std::max(w, 2.0), plot.height() - 1));
        }
        p.restore();
    } else {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, m_emptyText);
    }

    // Latency axis: a tick at every decade, at the lower edge of the first row that starts there
    // (the vertical header holds the rows' lower edges in µs).
    p.setPen(pal.color(QPalette::WindowText));
    const QColor grid = mixColors(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.2);
    int row = 0;
    for (double decade = 1; rows > 0 && decade < 1e8; decade *= 10) {
        while (row < rows && m_model->headerData(row, Qt::Vertical).toDouble() < decade)
            ++row;
        if (row >= rows)
            break;
        const int y = int(plot.bottom() + 1 - row * rowH);
        p.setPen(grid);
        p.drawLine(plot.left(), y, plot.right(), y);
        p.setPen(pal.color(QPalette::WindowText));
        // A label on the plot's lower edge sits above it: centred, it ran into the time axis's first.
        const QRect label = y > plot.bottom() - 8 ? QRect(0, y - 16, kLeftMargin - 4, 16)
                                                  : QRect(0, y - 8, kLeftMargin - 4, 16);
        p.drawText(label, Qt::AlignRight | (y > plot.bottom() - 8 ? Qt::AlignBottom : Qt::AlignVCenter),
                   decadeLabel(decade));
    }
    // Time axis: seconds before the newest column.
    if (columns > 0) {
        const double span = m_span > 0 ? m_span
                                       : m_model->headerData(columns - 1, Qt::Horizontal).toDouble() -
                                             m_model->headerData(0, Qt::Horizontal).toDouble();
        const double step = span > 300   ? 60
                            : span > 120 ? 30
                            : span > 30  ? 10
                            : span > 10  ? 5
                            : span > 5   ? 2
                                         : 1;
        for (double s = 0; s <= span + 1e-9 && span > 0; s += step) {
            const int x = int(plot.right() - s / span * plot.width());
            p.setPen(grid);
            p.drawLine(x, plot.top(), x, plot.bottom());
            p.setPen(pal.color(QPalette::WindowText));
            p.drawText(QRect(x - 30, plot.bottom() + 2, 60, kBottomMargin - 2),
                       Qt::AlignHCenter | Qt::AlignTop, s == 0 ? tr("now") : tr("−%1 s").arg(s));
        }
    }
    p.setPen(grid);
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot.adjusted(0, 0, -1, -1));
}

void HeatmapChart::mousePressEvent(QMouseEvent* event)
{
    const int column = columnAt(event->position().toPoint());
    if (column < 0) {
        QWidget::mousePressEvent(event);
        return;
    }
    selectColumn(column);
    Q_EMIT columnClicked(column);
}

bool HeatmapChart::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip && m_model) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int column = columnAt(help->pos());
        const int row = rowAtY(help->pos().y(), plotRect());
        if (column < 0 || row < 0) {
            QToolTip::hideText();
            return true;
        }
        const double newest = m_model->headerData(m_model->columnCount() - 1, Qt::Horizontal).toDouble();
        const double t = m_model->headerData(column, Qt::Horizontal).toDouble();
        const double lower = m_model->headerData(row, Qt::Vertical).toDouble();
        const double upper =
            row + 1 < m_model->rowCount() ? m_model->headerData(row + 1, Qt::Vertical).toDouble() : lower * 2;
        qint64 total = 0;
        for (int r = 0; r < m_model->rowCount(); ++r)
            total += m_model->index(r, column).data().toLongLong();
        QToolTip::showText(help->globalPos(),
                           tr("%1 s before now\n%2 – %3: %4 of %5\nclick: this interval's histogram")
                               .arg(newest - t, 0, 'f', 1)
                               .arg(formatMicros(lower), formatMicros(upper))
                               .arg(m_model->index(row, column).data().toLongLong())
                               .arg(total),
                           this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace wsgi::studio::charts
