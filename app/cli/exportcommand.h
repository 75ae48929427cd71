#pragma once
// `wsgi-studio-cli export CONFIG --target modwsgi-6|modwsgi-4 [-o FILE]`: writes a configuration for
// Apache. By default the whole file, with every line the model does not cover kept byte for byte and
// the WSGI and MPM lines rewritten for the target; --snippet writes only those, freshly laid out.

#include "cli/command.h"

namespace wsgi::studio::cli {

Command exportCommand();

} // namespace wsgi::studio::cli
