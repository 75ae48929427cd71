#pragma once
// What mod_wsgi 6.0 and 4.9 each accept, and one line about what each daemon option does, for the
// exporter's comments and the validator's "not in this version" findings. Checked against Debian 12's
// mod_wsgi 4.9.4 with apache2 -t (tests/integration/apache) and modwsgi.md sections 1, 2 and 7.

#include "wsgimodel.h"

#include <string>
#include <string_view>

namespace wsgi::config {

struct DaemonOptionDoc
{
    std::string_view name;
    std::string_view defaultValue; // mod_wsgi 6.0's default as it would be written, "" = unset
    std::string_view meaning;      // what the option does, for a comment after "name=value: "
    bool inModWsgi4 = true;        // false: mod_wsgi 4.9 fails with "Invalid option ..."
    bool inModWsgi6 = true;        // false: removed in 6.0 (New Relic support)
};

// The option's documentation, or null for names mod_wsgi does not know (python= included: it is
// engine-only).
const DaemonOptionDoc* findDaemonOptionDoc(std::string_view name);

// True when mod_wsgi of `dialect` accepts the daemon option (the engine accepts everything it knows).
bool daemonOptionExists(std::string_view name, Dialect dialect);

// "threads=5: request threads per process (default 15)" for a value that differs from the default, ""
// when the value is the default or the option is unknown.
std::string explainDaemonOption(std::string_view name, std::string_view value);

// True when mod_wsgi of `dialect` has the directive (or section, without '<'). Directives that are not
// mod_wsgi's (no WSGI prefix) are always true: Apache modules are not this model's business. The
// engine dialect knows every directive of either version.
bool wsgiDirectiveExists(std::string_view name, Dialect dialect);

// Every WSGI directive of mod_wsgi 6.0 and 4.9 (for "did you mean").
const std::vector<std::string_view>& wsgiDirectiveNames();

} // namespace wsgi::config
