#include "studio/charts/charttheme.h"

namespace wsgi::studio::charts {

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5;
}

QColor mixColors(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

QList<QColor> seriesColors(const QPalette& palette)
{
    // Okabe-Ito hues; the dark variants are lifted so they keep contrast against a dark base.
    if (isDark(palette)) {
        return {QColor(0x56, 0xb4, 0xe9), QColor(0xf0, 0xa0, 0x40), QColor(0x4c, 0xd0, 0xa0),
                QColor(0xe8, 0x7a, 0xb8), QColor(0xf0, 0xe4, 0x42), QColor(0xa0, 0xa8, 0xff)};
    }
    return {QColor(0x00, 0x5f, 0xa8), QColor(0xd5, 0x5e, 0x00), QColor(0x00, 0x86, 0x5a),
            QColor(0xb0, 0x3a, 0x80), QColor(0x8a, 0x7a, 0x00), QColor(0x50, 0x50, 0xb0)};
}

} // namespace wsgi::studio::charts
