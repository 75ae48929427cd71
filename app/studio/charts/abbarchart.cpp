#include "studio/charts/abbarchart.h"

#include "studio/charts/charttheme.h"

#include <QAbstractItemModel>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace wsgi::studio::charts {

namespace {

// 1, 2 or 5 times a power of ten, at or above `value`: axis tops people read at a glance.
double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double power = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (step * power >= value)
            return step * power;
    return 10 * power;
}

QString shortNumber(double value)
{
    if (value >= 1e6)
        return QString::number(value / 1e6, 'g', 3) + QLatin1Char('M');
    if (value >= 1e3)
        return QString::number(value / 1e3, 'g', 3) + QLatin1Char('k');
    return QString::number(value, 'g', 3);
}

} // namespace

AbBarChart::AbBarChart(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void AbBarChart::setModel(QAbstractItemModel* model, const Roles& roles)
{
    for (const auto& c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_model = model;
    m_roles = roles;
    if (model) {
        const auto schedule = [this] { scheduleRefresh(); };
        m_connections << connect(model, &QAbstractItemModel::modelReset, this, schedule)
                      << connect(model, &QAbstractItemModel::rowsInserted, this, schedule)
                      << connect(model, &QAbstractItemModel::rowsRemoved, this, schedule)
                      << connect(model, &QAbstractItemModel::dataChanged, this, schedule)
                      << connect(model, &QObject::destroyed, this, schedule);
    }
    refresh();
}

void AbBarChart::setTitle(const QString& title)
{
    m_title = title;
    update();
}

void AbBarChart::setUnit(const QString& unit)
{
    m_unit = unit;
    update();
}

int AbBarChart::barCount() const
{
    int n = 0;
    for (const Bar& b : m_bars)
        n += b.median > 0 ? 1 : 0;
    return n;
}

double AbBarChart::axisTop() const
{
    return m_top;
}

QSize AbBarChart::sizeHint() const
{
    return {480, 260};
}

QSize AbBarChart::minimumSizeHint() const
{
    return {240, 160};
}

void AbBarChart::scheduleRefresh()
{
    if (m_pending)
        return;
    m_pending = true;
    QMetaObject::invokeMethod(
        this, [this] { refresh(); }, Qt::QueuedConnection);
}

void AbBarChart::refresh()
{
    m_pending = false;
    m_bars.clear();
    double top = 0;
    if (m_model) {
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const QModelIndex index = m_model->index(row, 0);
            Bar bar;
            bar.name = index.data(Qt::DisplayRole).toString();
            bar.median = index.data(m_roles.median).toDouble();
            bar.min = index.data(m_roles.min).toDouble();
            bar.max = index.data(m_roles.max).toDouble();
            for (const QVariant& v : index.data(m_roles.repeats).toList())
                bar.repeats << v.toDouble();
            bar.limit = index.data(m_roles.limit).toDouble();
            top = std::max({top, bar.max, bar.median, bar.limit});
            for (const double r : std::as_const(bar.repeats))
                top = std::max(top, r);
            m_bars << bar;
        }
    }
    m_top = niceCeiling(top * 1.05);
    update();
}

void AbBarChart::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QColor text = pal.color(QPalette::Text);
    const QColor grid = mixColors(pal.color(QPalette::Base), text, 0.15);
    const QList<QColor> colors = seriesColors(pal);
    const QFontMetrics fm(font());

    const int titleHeight = m_title.isEmpty() ? 4 : fm.height() + 8;
    const int left = fm.horizontalAdvance(QStringLiteral("000.0k ")) + 8;
    const QRectF plot(left, titleHeight + 4, width() - left - 12,
                      height() - titleHeight - fm.height() * 2 - 12);
    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(text);
        p.drawText(QRectF(0, 2, width(), fm.height() + 4), Qt::AlignHCenter | Qt::AlignVCenter, m_title);
        p.setFont(font());
    }
    if (plot.height() < 20 || plot.width() < 20)
        return;
    const auto y = [&](double value) { return plot.bottom() - value / m_top * plot.height(); };

    // Grid and axis labels: five steps of the nice top.
    for (int i = 0; i <= 4; ++i) {
        const double value = m_top * i / 4;
        p.setPen(grid);
        p.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)));
        p.setPen(text);
        p.drawText(QRectF(0, y(value) - fm.height() / 2.0, left - 6, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, shortNumber(value));
    }
    if (m_bars.isEmpty() || barCount() == 0) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("No completed variant yet"));
        return;
    }
    const double slot = plot.width() / m_bars.size();
    const double barWidth = std::min(slot * 0.55, 90.0);
    QList<double> limitsDrawn;
    for (int i = 0; i < m_bars.size(); ++i) {
        const Bar& b = m_bars[i];
        const double cx = plot.left() + slot * (i + 0.5);
        p.setPen(text);
        p.drawText(QRectF(cx - slot / 2, plot.bottom() + 4, slot, fm.height() + 2), Qt::AlignCenter,
                   fm.elidedText(b.name, Qt::ElideRight, int(slot) - 4));
        if (b.median <= 0)
            continue;
        QColor fill = colors.value(i % colors.size());
        fill.setAlpha(170);
        p.fillRect(QRectF(cx - barWidth / 2, y(b.median), barWidth, plot.bottom() - y(b.median)), fill);
        // Whisker: min to max of the repeats.
        QPen whisker(text, 1.5);
        p.setPen(whisker);
        p.drawLine(QPointF(cx, y(b.min)), QPointF(cx, y(b.max)));
        p.drawLine(QPointF(cx - barWidth / 6, y(b.min)), QPointF(cx + barWidth / 6, y(b.min)));
        p.drawLine(QPointF(cx - barWidth / 6, y(b.max)), QPointF(cx + barWidth / 6, y(b.max)));
        // Every repeat, spread a little sideways so equal values stay visible.
        p.setPen(QPen(pal.color(QPalette::Base), 1));
        p.setBrush(mixColors(colors.value(i % colors.size()), text, 0.5));
        for (int k = 0; k < b.repeats.size(); ++k) {
            const double dx = (k - (b.repeats.size() - 1) / 2.0) * 7;
            p.drawEllipse(QPointF(cx + barWidth / 2 + 10 + dx, y(b.repeats[k])), 3.5, 3.5);
        }
        p.setBrush(Qt::NoBrush);
        p.setPen(text);
        // The median's value above the whisker, where nothing else is drawn.
        p.drawText(QRectF(cx - slot / 2, y(b.max) - fm.height() - 3, slot, fm.height()), Qt::AlignCenter,
                   shortNumber(b.median));
        if (b.limit > 0 && !limitsDrawn.contains(b.limit)) {
            limitsDrawn << b.limit;
            QPen dashed(QColor(0x2e, 0x9e, 0x5b), 1.5, Qt::DashLine);
            p.setPen(dashed);
            p.drawLine(QPointF(plot.left(), y(b.limit)), QPointF(plot.right(), y(b.limit)));
            p.drawText(QRectF(plot.left(), y(b.limit) - fm.height() - 1, plot.width() - 4, fm.height()),
                       Qt::AlignRight | Qt::AlignVCenter,
                       tr("physical limit %1 %2").arg(shortNumber(b.limit), m_unit));
        }
    }
}

} // namespace wsgi::studio::charts
