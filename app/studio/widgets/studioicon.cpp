#include "studio/widgets/studioicon.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace wsgi::studio::widgets {

namespace {

QPixmap render(int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 64.0, size / 64.0); // the SVG's coordinates
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x1d, 0x4f, 0x91));
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12);
    p.setBrush(Qt::white);
    p.drawRoundedRect(QRectF(12, 36, 9, 16), 2, 2);
    p.drawRoundedRect(QRectF(27.5, 26, 9, 26), 2, 2);
    p.drawRoundedRect(QRectF(43, 16, 9, 36), 2, 2);
    QPen line(QColor(0xf0, 0xa0, 0x40), 4, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(line);
    p.setBrush(Qt::NoBrush);
    const QPointF points[] = {{10, 30}, {24, 22}, {36, 26}, {54, 10}};
    p.drawPolyline(points, 4);
    return pixmap;
}

} // namespace

QIcon studioIcon()
{
    // The window manager's sizes (title bar, task switcher); launchers and docks use the installed
    // SVG. Every size here is drawn, and sent to the X server, as the window opens.
    QIcon icon;
    for (const int size : {16, 32, 48, 64, 128}) {
        icon.addPixmap(render(size));
    }
    return icon;
}

} // namespace wsgi::studio::widgets
