#pragma once
// Chart colours taken from the widget's QPalette, so charts read well in light and dark palettes
// and follow a palette switch at run time.

#include <QColor>
#include <QList>
#include <QPalette>

namespace wsgi::studio::charts {

// Series colours that stay distinguishable on both a light and a dark base (and for the common
// forms of colour blindness: blue/orange first, as in Okabe-Ito).
QList<QColor> seriesColors(const QPalette& palette);
bool isDark(const QPalette& palette);
// `a` moved towards `b` by t (0 = a, 1 = b), channel by channel: tints and muted lines that follow
// whatever palette is active.
QColor mixColors(const QColor& a, const QColor& b, double t);

} // namespace wsgi::studio::charts
