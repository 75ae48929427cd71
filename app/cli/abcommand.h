#pragma once
// `wsgi-studio-cli ab`: two or more configurations measured against each other, honestly
// (alternated repeats in fresh engines, telemetry from the same window, ratios with a confidence
// interval, a verdict in words).

#include "cli/command.h"

namespace wsgi::studio::cli {

Command abCommand();

} // namespace wsgi::studio::cli
