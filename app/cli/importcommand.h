#pragma once
// `wsgi-studio-cli import FILE`: reads an httpd.conf and everything it includes and prints the model the
// studio edits (daemon groups, mounts, import scripts, containers, virtual hosts, MPM settings), with
// the file and line of every item, as JSON.

#include "cli/command.h"

namespace wsgi::studio::cli {

Command importCommand();

} // namespace wsgi::studio::cli
