#pragma once
// The window icon, drawn in code after resources/icons/wsgi-studio.svg (the desktop file's icon), so
// it needs no SVG image plugin and stays sharp at every device pixel ratio.

#include <QIcon>

namespace wsgi::studio::widgets {

QIcon studioIcon();

} // namespace wsgi::studio::widgets
