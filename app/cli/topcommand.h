#pragma once
// `wsgi-studio-cli top`: a live view of an engine's worker processes, like mod_wsgi-telemetry top
// or uwsgitop, refreshed every telemetry interval; or one sample (--once), as text or JSON.

#include "cli/command.h"

namespace wsgi::studio::cli {

Command topCommand();

} // namespace wsgi::studio::cli
