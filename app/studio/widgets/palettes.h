#pragma once
// The window's colour schemes: the platform's own, or a light or dark Fusion palette that looks the
// same on every desktop (and offscreen, for screenshots). Charts and banners follow QPalette.

#include <QPalette>
#include <QString>

namespace wsgi::studio::widgets {

enum class PaletteChoice
{
    System,
    Light,
    Dark
};

QString paletteChoiceName(PaletteChoice choice);          // "system", "light", "dark": the settings value
PaletteChoice paletteChoiceFromName(const QString& name); // System for anything else

QPalette lightPalette();
QPalette darkPalette();
// Sets the application's palette (and Fusion for Light/Dark, whose palette it honours fully).
void applyPaletteChoice(PaletteChoice choice);

} // namespace wsgi::studio::widgets
