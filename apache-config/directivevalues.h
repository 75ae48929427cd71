#pragma once
// Value rules of single directives, kept apart from the tree walk so that each can be tested alone:
// Listen addresses, ServerName hosts, %{...} group names, URL prefixes.

#include "engineconfig.h"
#include "findingsink.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::config {

struct ListenParse
{
    std::optional<ListenAddress> address; // set when valid (where is left empty)
    std::string error;                    // what is wrong, when not valid
    std::string suggestion;
};

// `[host:]port`, `[v6]:port`, `v6:port` or `*:port` as Apache's Listen takes them (port after the last ':').
// Port 0 is accepted (the engine then picks a free port; Apache would refuse it, so the caller adds a Note).
ListenParse parseListenArgument(std::string_view argument);

// The host part of `ServerName [scheme://]host[:port]`: what mod_wsgi's %{SERVER} and %{RESOURCE} use.
std::string serverNameHost(std::string_view argument);

// What a WSGIProcessGroup / WSGIApplicationGroup / process-group= / application-group= value means.
enum class GroupValueKind
{
    Literal,
    Global,              // %{GLOBAL}: embedded process / main interpreter
    Resource,            // %{RESOURCE}: server|script-name
    Server,              // %{SERVER}: the ServerName
    Host,                // %{HOST}: the request's Host header, per request
    Env,                 // %{ENV:VAR}: per request
    UnknownSubstitution, // %{...} mod_wsgi does not expand: used as a literal name
};
GroupValueKind classifyGroupValue(std::string_view value);

// python-path= / WSGIPythonPath: ':' separated on Unix; empty entries are dropped.
std::vector<std::string> splitPythonPath(std::string_view value);

// Checks a group value in `what` (a directive or option name) for a form the engine can run: fixed
// names, %{GLOBAL}, and for application groups %{RESOURCE} / %{SERVER}. Per-request forms (%{HOST},
// %{ENV:..}) are Errors; %{...} forms mod_wsgi does not know are used literally, with a Warning.
bool checkGroupValue(const std::string& value, int line, const std::string& what, bool applicationGroup,
                     FindingSink& sink);

// One `key=value` word of <WSGIInterpreterOptions ...>: keys case-insensitive, each at most once,
// %{GLOBAL} -> "". The whole word is one ap_getword_conf word, so quotes around the value alone stay
// part of the name (a Warning says so).
void parseInterpreterSelector(const std::string& word, int line, InterpreterOptions& options,
                              FindingSink& sink);

// WSGIScriptAlias URL prefix without trailing slashes: "/" -> "", "/app/" -> "/app".
std::string normaliseUrlPrefix(std::string_view url);

} // namespace wsgi::config
