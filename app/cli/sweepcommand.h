#pragma once
// `wsgi-studio-cli sweep`: a grid of daemon-process shapes (processes x threads x switch interval x
// runtime) measured with the A/B machinery, ranked by throughput and by memory.

#include "cli/command.h"
#include "session/sweep.h"

namespace wsgi::studio::cli {

Command sweepCommand();

} // namespace wsgi::studio::cli
