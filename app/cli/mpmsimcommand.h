#pragma once
// `wsgi-studio-cli mpm-sim`: httpd's event or worker MPM maintenance, second by second, for given
// settings and a load profile: how many processes Apache runs, how many threads are busy and idle, and
// what the parent does each second (apache-config/mpmsim.h).

#include "cli/command.h"

namespace wsgi::studio::cli {

Command mpmSimCommand();

} // namespace wsgi::studio::cli
