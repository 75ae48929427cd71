#include "studio/charts/plotcanvas.h"

#include "studio/charts/charttheme.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace wsgi::studio::charts {

namespace {

constexpr qreal kMargin = 4;      // around everything
constexpr qreal kRightMargin = 8; // at least, right of the plot
constexpr qreal kGap = 4;         // between a label and what it labels
constexpr qreal kTick = 4;        // tick marks outside the plot
constexpr qreal kLegendMarker = 9;

QFont boldFont(QFont font)
{
    font.setBold(true);
    return font;
}

} // namespace

PlotCanvas::PlotCanvas(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent); // every pixel is painted: no background fill first
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void PlotCanvas::setTitle(const QString& title)
{
    if (title == m_title)
        return;
    m_title = title;
    invalidateLayout();
}

void PlotCanvas::setAxisTitles(const QString& x, const QString& y)
{
    if (x == m_xTitle && y == m_yTitle)
        return;
    m_xTitle = x;
    m_yTitle = y;
    invalidateLayout();
}

void PlotCanvas::setAxes(const Axis& x, const Axis& y)
{
    if (x == m_x && y == m_y)
        return;
    // The plot's edges depend on the labels' widths: on the y labels, and on how long the x
    // labels are (a sliding window moves them every refresh without changing their length).
    const auto longestLabel = [this](const Axis& axis) {
        qsizetype longest = 0;
        for (double tick : axis.ticks)
            longest = std::max(longest, label(axis, tick).size());
        return longest;
    };
    const bool labelsChanged =
        y.decimals != m_y.decimals || y.ticks != m_y.ticks || longestLabel(x) != longestLabel(m_x);
    m_x = x;
    m_y = y;
    if (labelsChanged)
        invalidateLayout();
    else
        update();
}

void PlotCanvas::setLegendVisible(bool visible)
{
    if (visible == m_legend)
        return;
    m_legend = visible;
    invalidateLayout();
}

void PlotCanvas::setBands(const QList<Band>& bands)
{
    if (bands == m_bands)
        return;
    m_bands = bands;
    update();
}

void PlotCanvas::setBars(const QList<Bar>& bars)
{
    if (bars == m_bars)
        return;
    m_bars = bars;
    update();
}

void PlotCanvas::linesChanged()
{
    // The legend's items depend on the names; a layout is cheap, so it is redone when it shows.
    if (m_legend)
        invalidateLayout();
    else
        update();
}

QRectF PlotCanvas::plotRect() const
{
    return layout().plot;
}

namespace {

// Where `v` lies between the axis's ends, 0..1 (beyond them outside that), in its scale.
double fraction(const PlotCanvas::Axis& axis, double v)
{
    if (axis.log) {
        if (axis.min <= 0 || axis.max <= axis.min)
            return 0;
        return (std::log10(std::max(v, 1e-300)) - std::log10(axis.min)) /
               (std::log10(axis.max) - std::log10(axis.min));
    }
    const double span = axis.max - axis.min;
    return span > 0 ? (v - axis.min) / span : 0;
}

} // namespace

double PlotCanvas::pixelX(double x) const
{
    const QRectF plot = plotRect();
    return plot.left() + fraction(m_x, x) * plot.width();
}

double PlotCanvas::valueX(qreal pixel) const
{
    const QRectF plot = plotRect();
    const double t = plot.width() > 0 ? (pixel - plot.left()) / plot.width() : 0;
    if (m_x.log && m_x.min > 0 && m_x.max > m_x.min)
        return std::pow(10.0, std::log10(m_x.min) + t * (std::log10(m_x.max) - std::log10(m_x.min)));
    return m_x.min + t * (m_x.max - m_x.min);
}

double PlotCanvas::pixelY(double y) const
{
    const QRectF plot = plotRect();
    return plot.bottom() - fraction(m_y, y) * plot.height();
}

QString PlotCanvas::label(const Axis& axis, double value) const
{
    if (axis.log)
        return QString::number(value, 'g', 6); // 0.1, 1, 10, 1000
    // -0.0 would print as "-0".
    return QString::number(std::abs(value) < 1e-12 ? 0.0 : value, 'f', axis.decimals);
}

void PlotCanvas::invalidateLayout()
{
    m_layoutValid = false;
    update();
    Q_EMIT plotAreaChanged();
}

const PlotCanvas::Layout& PlotCanvas::layout() const
{
    if (!m_layoutValid) {
        m_layout = computeLayout();
        m_layoutValid = true;
    }
    return m_layout;
}

PlotCanvas::Layout PlotCanvas::computeLayout() const
{
    Layout l;
    const QFontMetricsF fm(font());
    const QFontMetricsF bold(boldFont(font()));
    // A label on the plot's right edge is centred on it: half of it needs room outside.
    qreal xLabelWidth = 0;
    for (double tick : m_x.ticks)
        xLabelWidth = std::max(xLabelWidth, fm.horizontalAdvance(label(m_x, tick)));
    const qreal right = std::max(kRightMargin, std::ceil(xLabelWidth / 2) + 2);
    const QRectF all = QRectF(rect()).adjusted(kMargin, kMargin, -right, -kMargin);
    qreal top = all.top();
    if (!m_title.isEmpty()) {
        l.title = QRectF(all.left(), top, all.width(), fm.height());
        top += fm.height() + kGap;
    }
    for (qsizetype i = 0; m_legend && i < m_lines.size(); ++i)
        if (m_lines[i].inLegend && !m_lines[i].name.isEmpty())
            l.legendLines << i;
    if (!l.legendLines.isEmpty()) {
        // Items flow in rows, each row centred.
        const qreal rowHeight = std::max(fm.height(), kLegendMarker) + 2;
        QList<QRectF> row;
        qreal rowWidth = 0;
        const auto flush = [&] {
            const qreal shift = all.left() + (all.width() - rowWidth) / 2;
            for (QRectF r : std::as_const(row))
                l.legendItems << r.translated(shift, top);
            row.clear();
            rowWidth = 0;
            top += rowHeight;
        };
        for (qsizetype index : std::as_const(l.legendLines)) {
            const qreal width = kLegendMarker + kGap + fm.horizontalAdvance(m_lines[index].name);
            const qreal advance = (row.isEmpty() ? 0 : 3 * kGap) + width;
            if (!row.isEmpty() && rowWidth + advance > all.width())
                flush();
            const qreal x = rowWidth + (row.isEmpty() ? 0 : 3 * kGap);
            row << QRectF(x, 0, width, rowHeight);
            rowWidth = x + width;
        }
        flush();
        top += kGap;
    }
    qreal yLabelWidth = 0;
    for (double tick : m_y.ticks)
        yLabelWidth = std::max(yLabelWidth, fm.horizontalAdvance(label(m_y, tick)));
    const qreal yTitleWidth = m_yTitle.isEmpty() ? 0 : bold.height() + kGap;
    const qreal left = all.left() + yTitleWidth + yLabelWidth + kGap + kTick;
    const qreal xTitleHeight = m_xTitle.isEmpty() ? 0 : bold.height() + kGap;
    const qreal bottom = all.bottom() - xTitleHeight - fm.height() - kGap - kTick;
    // Half a label's height above the top tick, so its label is not cut.
    top = std::max(top, all.top() + fm.height() / 2);
    l.plot = QRectF(QPointF(left, top), QPointF(all.right(), std::max(top + 1, bottom)));
    l.yTitleX = all.left() + bold.ascent();
    l.xTitleY = all.bottom() - bold.descent();
    return l;
}

void PlotCanvas::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    m_layoutValid = false;
    Q_EMIT plotAreaChanged();
}

void PlotCanvas::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        invalidateLayout();
}

void PlotCanvas::paintEvent(QPaintEvent*)
{
    const Layout& l = layout();
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::WindowText);
    const QColor grid = mixColors(base, text, 0.15);
    const QColor axisLine = mixColors(base, text, 0.45);
    const QList<QColor> colors = seriesColors(pal);
    const QFontMetricsF fm(font());

    QPainter p(this);
    p.fillRect(rect(), pal.color(QPalette::Window));
    p.fillRect(l.plot, base);

    // Bands behind everything else in the plot; each label at its band's top if it fits, drawn
    // after the lines on its band's colour, so a marker line through it does not cross the text.
    struct BandLabel
    {
        QRectF box;
        QColor fill;
        QString text;
    };
    QList<BandLabel> bandLabels;
    for (const Band& band : m_bands) {
        const qreal left = std::clamp(pixelX(band.from), l.plot.left(), l.plot.right());
        const qreal right = std::clamp(pixelX(band.to), l.plot.left(), l.plot.right());
        if (right <= left)
            continue;
        const QRectF area(QPointF(std::round(left), l.plot.top()),
                          QPointF(std::round(right), l.plot.bottom()));
        const QColor fill = mixColors(base, text, band.tint);
        p.fillRect(area, fill);
        const qreal labelWidth = fm.horizontalAdvance(band.label);
        if (!band.label.isEmpty() && labelWidth + 2 * kGap <= area.width()) {
            const QRectF box(area.center().x() - labelWidth / 2 - 2, area.top() + kGap / 2, labelWidth + 4,
                             fm.height());
            bandLabels.append({box, fill, band.label});
        }
    }

    // Grid and tick labels.
    p.setPen(text);
    if (!m_title.isEmpty())
        p.drawText(l.title, Qt::AlignCenter, fm.elidedText(m_title, Qt::ElideRight, l.title.width()));
    p.setPen(mixColors(base, text, 0.07));
    for (double tick : m_x.minorTicks) {
        const qreal x = std::round(pixelX(tick)) + 0.5;
        p.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom()));
    }
    for (double tick : m_x.ticks) {
        const qreal x = std::round(pixelX(tick)) + 0.5;
        p.setPen(grid);
        p.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom()));
        p.setPen(axisLine);
        p.drawLine(QPointF(x, l.plot.bottom()), QPointF(x, l.plot.bottom() + kTick));
        p.setPen(text);
        const QString s = label(m_x, tick);
        const qreal w = fm.horizontalAdvance(s);
        p.drawText(QPointF(x - w / 2, l.plot.bottom() + kTick + kGap / 2 + fm.ascent()), s);
    }
    for (double tick : m_y.ticks) {
        const qreal y = std::round(pixelY(tick)) + 0.5;
        p.setPen(grid);
        p.drawLine(QPointF(l.plot.left(), y), QPointF(l.plot.right(), y));
        p.setPen(axisLine);
        p.drawLine(QPointF(l.plot.left() - kTick, y), QPointF(l.plot.left(), y));
        p.setPen(text);
        const QString s = label(m_y, tick);
        const qreal w = fm.horizontalAdvance(s);
        p.drawText(QPointF(l.plot.left() - kTick - kGap - w, y - fm.height() / 2 + fm.ascent()), s);
    }
    p.setPen(QPen(axisLine, 1));
    p.drawRect(l.plot.adjusted(0.5, 0.5, -0.5, -0.5));

    // Axis titles, bold as the units they name.
    p.setFont(boldFont(font()));
    const QFontMetricsF bold(p.font());
    p.setPen(text);
    if (!m_xTitle.isEmpty())
        p.drawText(QPointF(l.plot.center().x() - bold.horizontalAdvance(m_xTitle) / 2, l.xTitleY), m_xTitle);
    if (!m_yTitle.isEmpty()) {
        p.save();
        p.translate(l.yTitleX, l.plot.center().y() + bold.horizontalAdvance(m_yTitle) / 2);
        p.rotate(-90);
        p.drawText(QPointF(0, 0), m_yTitle);
        p.restore();
    }
    p.setFont(font());

    const auto lineColor = [&](qsizetype index) {
        const Line& line = m_lines[index];
        if (line.textInk)
            return text;
        const qsizetype c = line.colorIndex >= 0 ? line.colorIndex : index;
        return colors[c % colors.size()];
    };
    // The legend: a square of the line's colour (a stroke in its dash for a dashed or text-coloured
    // line) and its name.
    for (qsizetype i = 0; i < l.legendItems.size() && i < l.legendLines.size(); ++i) {
        const QRectF item = l.legendItems[i];
        const Line& line = m_lines[l.legendLines[i]];
        const QRectF marker(item.left(), item.center().y() - kLegendMarker / 2, kLegendMarker, kLegendMarker);
        if (line.style == Qt::SolidLine && !line.textInk) {
            p.fillRect(marker, lineColor(l.legendLines[i]));
        } else {
            QPen pen(lineColor(l.legendLines[i]), 2, line.style);
            p.setPen(pen);
            p.drawLine(QPointF(marker.left(), marker.center().y()),
                       QPointF(marker.right(), marker.center().y()));
        }
        p.setPen(text);
        p.drawText(QPointF(marker.right() + kGap, item.center().y() - fm.height() / 2 + fm.ascent()),
                   line.name);
    }

    // The lines, clipped to the plot; later lines (per process) under the first (the total) would
    // hide it, so they are drawn first.
    p.setClipRect(l.plot);
    // Bars on whole pixels, so neighbours stay crisp and apart.
    if (!m_bars.isEmpty()) {
        QColor fill = colors[0];
        fill.setAlphaF(0.55f);
        p.setPen(QPen(colors[0], 1));
        p.setBrush(fill);
        for (const Bar& bar : m_bars) {
            const qreal left = std::round(pixelX(bar.left));
            const qreal right = std::max(left + 1, std::round(pixelX(bar.right)));
            const qreal top = std::round(pixelY(bar.height));
            p.drawRect(QRectF(QPointF(left + 0.5, top + 0.5),
                              QPointF(right - 0.5, std::round(l.plot.bottom()) - 0.5)));
        }
        p.setBrush(Qt::NoBrush);
    }
    p.setRenderHint(QPainter::Antialiasing);
    QPolygonF polyline;
    for (qsizetype i = m_lines.size() - 1; i >= 0; --i) {
        const Line& line = m_lines[i];
        if (line.points.isEmpty())
            continue;
        polyline.resize(0);
        polyline.reserve(line.points.size());
        for (const QPointF& point : line.points)
            polyline << QPointF(pixelX(point.x()), pixelY(point.y()));
        QPen pen(lineColor(i), line.width, line.style);
        // Round joins are arcs the stroker flattens at every point: a tenth of the studio's CPU.
        pen.setJoinStyle(Qt::BevelJoin);
        pen.setCapStyle(Qt::FlatCap);
        p.setPen(pen);
        if (polyline.size() == 1) {
            // A first interval's point alone: a dot, so a chart with data never looks empty.
            p.setPen(Qt::NoPen);
            p.setBrush(pen.color());
            p.drawEllipse(polyline.front(), line.width + 1, line.width + 1);
            p.setBrush(Qt::NoBrush);
        } else
            p.drawPolyline(polyline);
    }
    p.setRenderHint(QPainter::Antialiasing, false);
    for (const BandLabel& label : std::as_const(bandLabels)) {
        p.fillRect(label.box, label.fill);
        p.setPen(mixColors(base, text, 0.7));
        p.drawText(label.box, Qt::AlignCenter, label.text);
    }
    if (m_foreground) {
        p.setClipping(false);
        p.setBrush(Qt::NoBrush);
        m_foreground(p);
    }
}

} // namespace wsgi::studio::charts
