#include "studio/charts/chartoverlay.h"

#include "studio/charts/charttheme.h"
#include "studio/charts/plotcanvas.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <cmath>

namespace wsgi::studio::charts {

ChartOverlay::ChartOverlay(PlotCanvas* plot) : QObject(plot), m_plot(plot)
{
    plot->setMouseTracking(true);
    plot->installEventFilter(this);
    plot->setForeground([this](QPainter& painter) { paint(painter); });
}

void ChartOverlay::update()
{
    m_plot->update();
}

void ChartOverlay::setMarkers(QList<TimeMarker> markers)
{
    m_markers = std::move(markers);
    update();
}

void ChartOverlay::setCrosshair(std::optional<double> x, QStringList lines)
{
    if (x == m_crosshair && lines == m_lines)
        return;
    m_crosshair = x;
    m_lines = std::move(lines);
    update();
}

QRectF ChartOverlay::plotRect() const
{
    return m_plot->plotRect();
}

std::optional<double> ChartOverlay::pixelOf(double x) const
{
    const PlotCanvas::Axis& axis = m_plot->xAxis();
    if (axis.max - axis.min <= 0 || x < axis.min || x > axis.max)
        return std::nullopt;
    return m_plot->pixelX(x);
}

std::optional<double> ChartOverlay::xAt(double pixel) const
{
    const QRectF plot = plotRect();
    const PlotCanvas::Axis& axis = m_plot->xAxis();
    if (plot.width() <= 0 || pixel < plot.left() || pixel > plot.right())
        return std::nullopt;
    return axis.min + (pixel - plot.left()) / plot.width() * (axis.max - axis.min);
}

int ChartOverlay::markerNear(double pixel, double tolerance) const
{
    int best = -1;
    double bestDistance = tolerance + 0.5;
    for (const TimeMarker& m : m_markers) {
        const auto p = pixelOf(m.x);
        if (p && std::abs(*p - pixel) < bestDistance) {
            bestDistance = std::abs(*p - pixel);
            best = m.id;
        }
    }
    return best;
}

bool ChartOverlay::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_plot)
        return QObject::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::MouseMove: {
        const auto* e = static_cast<QMouseEvent*>(event);
        const double px = e->position().x();
        const bool inPlot = plotRect().contains(e->position());
        Q_EMIT hovered(inPlot ? xAt(px) : std::nullopt);
        const int near = inPlot ? markerNear(px) : -1;
        m_plot->setCursor(near >= 0 ? Qt::PointingHandCursor : Qt::CrossCursor);
        if (near >= 0) {
            for (const TimeMarker& m : std::as_const(m_markers))
                if (m.id == near)
                    QToolTip::showText(e->globalPosition().toPoint(), m.tip, m_plot);
        }
        break;
    }
    case QEvent::Leave:
        Q_EMIT hovered(std::nullopt);
        break;
    case QEvent::MouseButtonRelease: {
        const auto* e = static_cast<QMouseEvent*>(event);
        if (e->button() == Qt::LeftButton) {
            const int near = markerNear(e->position().x());
            if (near >= 0)
                Q_EMIT markerClicked(near);
        }
        break;
    }
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void ChartOverlay::paint(QPainter& painter) const
{
    const QRectF plot = plotRect();
    const QPalette pal = m_plot->palette();
    QFont small = m_plot->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    painter.setFont(small);
    for (const TimeMarker& m : std::as_const(m_markers)) {
        const auto px = pixelOf(m.x);
        if (!px)
            continue;
        QPen pen(m.color, 1.5);
        if (m.dashed)
            pen.setStyle(Qt::DashLine);
        painter.setPen(pen);
        painter.drawLine(QPointF(*px, plot.top()), QPointF(*px, plot.bottom()));
        // A small flag at the top says which family it is even without hovering.
        painter.setBrush(m.color);
        painter.drawPolygon(QPolygonF{QPointF(*px, plot.top()), QPointF(*px + 6, plot.top() + 3),
                                      QPointF(*px, plot.top() + 6)});
    }
    if (!m_crosshair)
        return;
    const auto px = pixelOf(*m_crosshair);
    if (!px)
        return;
    const QColor text = pal.color(QPalette::WindowText);
    painter.setPen(QPen(mixColors(pal.color(QPalette::Base), text, 0.6), 1, Qt::DashLine));
    painter.drawLine(QPointF(*px, plot.top()), QPointF(*px, plot.bottom()));
    if (m_lines.isEmpty())
        return;
    const QFontMetrics fm(small);
    int width = 0;
    for (const QString& line : std::as_const(m_lines))
        width = std::max(width, fm.horizontalAdvance(line));
    const QSizeF box(width + 8, fm.height() * m_lines.size() + 6);
    // Beside the line, flipped to its left near the right edge.
    double left = *px + 6;
    if (left + box.width() > plot.right())
        left = *px - 6 - box.width();
    const QRectF rect(QPointF(left, plot.top() + 8), box);
    QColor fill = pal.color(QPalette::ToolTipBase);
    fill.setAlpha(230);
    painter.setPen(QPen(mixColors(pal.color(QPalette::Base), text, 0.3), 1));
    painter.setBrush(fill);
    painter.drawRect(rect);
    painter.setPen(pal.color(QPalette::ToolTipText));
    for (qsizetype i = 0; i < m_lines.size(); ++i)
        painter.drawText(QPointF(rect.left() + 4, rect.top() + 3 + fm.ascent() + i * fm.height()),
                         m_lines[i]);
}

} // namespace wsgi::studio::charts
