#include "studio/widgets/palettes.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

#include <initializer_list>
#include <utility>

namespace wsgi::studio::widgets {

namespace {

QString& systemStyleName()
{
    static QString name;
    return name;
}

} // namespace

QString paletteChoiceName(PaletteChoice choice)
{
    switch (choice) {
    case PaletteChoice::Light:
        return QStringLiteral("light");
    case PaletteChoice::Dark:
        return QStringLiteral("dark");
    case PaletteChoice::System:
        break;
    }
    return QStringLiteral("system");
}

PaletteChoice paletteChoiceFromName(const QString& name)
{
    if (name == QLatin1String("light")) {
        return PaletteChoice::Light;
    }
    if (name == QLatin1String("dark")) {
        return PaletteChoice::Dark;
    }
    return PaletteChoice::System;
}

namespace {

// Colours for the active (and inactive) group; disabled text, in every role that shows text, in
// `disabledText`.
QPalette makePalette(std::initializer_list<std::pair<QPalette::ColorRole, QColor>> colors,
                     const QColor& disabledText)
{
    QPalette p;
    for (const auto& [role, color] : colors) {
        p.setColor(role, color);
    }
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        p.setColor(QPalette::Disabled, role, disabledText);
    }
    return p;
}

} // namespace

QPalette lightPalette()
{
    return makePalette(
        {
            {QPalette::Window, QColor(0xef, 0xf0, 0xf1)},
            {QPalette::WindowText, QColor(0x23, 0x26, 0x29)},
            {QPalette::Base, QColor(0xff, 0xff, 0xff)},
            {QPalette::AlternateBase, QColor(0xf5, 0xf6, 0xf7)},
            {QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf0)},
            {QPalette::ToolTipText, QColor(0x23, 0x26, 0x29)},
            {QPalette::PlaceholderText, QColor(0x6e, 0x72, 0x78)},
            {QPalette::Text, QColor(0x23, 0x26, 0x29)},
            {QPalette::Button, QColor(0xf6, 0xf7, 0xf7)},
            {QPalette::ButtonText, QColor(0x23, 0x26, 0x29)},
            {QPalette::BrightText, Qt::white},
            {QPalette::Highlight, QColor(0x3d, 0xae, 0xe9)},
            {QPalette::HighlightedText, Qt::white},
            {QPalette::Link, QColor(0x1d, 0x69, 0xb8)},
            {QPalette::Mid, QColor(0xbc, 0xbe, 0xc0)},
            {QPalette::Dark, QColor(0x88, 0x8e, 0x93)},
        },
        QColor(0xa0, 0xa3, 0xa6));
}

QPalette darkPalette()
{
    return makePalette(
        {
            {QPalette::Window, QColor(0x2a, 0x2e, 0x32)},
            {QPalette::WindowText, QColor(0xfc, 0xfc, 0xfc)},
            {QPalette::Base, QColor(0x1b, 0x1e, 0x20)},
            {QPalette::AlternateBase, QColor(0x23, 0x26, 0x29)},
            {QPalette::ToolTipBase, QColor(0x31, 0x36, 0x3b)},
            {QPalette::ToolTipText, QColor(0xfc, 0xfc, 0xfc)},
            {QPalette::PlaceholderText, QColor(0xa1, 0xa9, 0xb1)},
            {QPalette::Text, QColor(0xfc, 0xfc, 0xfc)},
            {QPalette::Button, QColor(0x31, 0x36, 0x3b)},
            {QPalette::ButtonText, QColor(0xfc, 0xfc, 0xfc)},
            {QPalette::BrightText, Qt::white},
            {QPalette::Highlight, QColor(0x3d, 0xae, 0xe9)},
            {QPalette::HighlightedText, QColor(0xfc, 0xfc, 0xfc)},
            {QPalette::Link, QColor(0x6c, 0xb4, 0xf0)},
            {QPalette::Light, QColor(0x40, 0x46, 0x4c)},
            {QPalette::Midlight, QColor(0x38, 0x3d, 0x42)},
            {QPalette::Mid, QColor(0x22, 0x25, 0x28)},
            {QPalette::Dark, QColor(0x18, 0x1a, 0x1c)},
            {QPalette::Shadow, QColor(0x10, 0x10, 0x10)},
        },
        QColor(0x6e, 0x74, 0x7a));
}

void applyPaletteChoice(PaletteChoice choice)
{
    if (systemStyleName().isEmpty()) {
        systemStyleName() = QApplication::style()->name();
    }
    if (choice == PaletteChoice::System) {
        QApplication::setStyle(QStyleFactory::create(systemStyleName()));
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(choice == PaletteChoice::Dark ? darkPalette() : lightPalette());
}

} // namespace wsgi::studio::widgets
