#pragma once
// `wsgi-studio-cli bench URL`: the load generator on its own (wrk/wrk2-style), with a live progress
// line, a summary table or the loadgen JSON document.

#include "cli/command.h"

namespace wsgi::studio::cli {

Command benchCommand();

} // namespace wsgi::studio::cli
