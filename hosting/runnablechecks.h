#pragma once
// What can be checked about a configuration on this machine before anything runs it: the files and
// directories it names. A reload runs these first, so a config whose script is missing is refused
// with the line that names it, instead of being accepted and answering 500 to every request.

#include "apache-config/engineconfig.h"

#include <vector>

namespace wsgi::hosting {

// Error findings for every WSGIScriptAlias script that is not a readable regular file, and every
// home= or python-home= (WSGIDaemonProcess, WSGIPythonHome) that is not a directory.
std::vector<config::Finding> checkRunnable(const config::EngineConfig& config);

} // namespace wsgi::hosting
