#pragma once
// Chart colours taken from the widget's QPalette, so charts read well in light and dark palettes
// and follow a palette switch at run time instead of Qt Charts' fixed built-in themes.

#include <QColor>
#include <QList>
#include <QPalette>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace wsgi::studio::charts {

// Series colours that stay distinguishable on both a light and a dark base (and for the common
// forms of colour blindness: blue/orange first, as in Okabe-Ito).
QList<QColor> seriesColors(const QPalette& palette);
bool isDark(const QPalette& palette);

// Background, plot area, titles, axis labels and grid lines from `palette`.
void applyPalette(QChart* chart, const QPalette& palette);

} // namespace wsgi::studio::charts
