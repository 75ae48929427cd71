#pragma once
// Which directives and sections the engine knows, what it does with each, and where Apache allows
// them (modwsgi.md section 7). Lookups are case-insensitive because Apache's are.

#include <string_view>
#include <vector>

namespace wsgi::config {

enum class DirectiveRole
{
    Listen,
    ServerName,
    DaemonProcess,
    ScriptAlias,
    ProcessGroup,
    ApplicationGroup,
    PerInterpreterGil,
    FreeThreading,
    SwitchInterval,
    PythonPath,
    PythonHome,
    RestrictEmbedded,
    Timeout,            // Apache core Timeout
    KeepAliveTimeout,   // Apache core KeepAliveTimeout
    RequestReadTimeout, // mod_reqtimeout
    RestrictNoOp,       // WSGIRestrictStdin/Stdout/Signal: validated, accepted with a Note, not applied
    IgnoredCore,        // Apache directives with no bearing on what the engine runs: Note
    IgnoredWsgi,        // mod_wsgi directives that are harmless to skip: Note
    UnsupportedWsgi,    // mod_wsgi directives the engine does not implement: Error
    Unsupported,        // Apache directives that would change what is served (Alias, Include...): Error
};

struct DirectiveSpec
{
    std::string_view name;
    DirectiveRole role;
    bool serverConfigOnly = false; // Apache refuses it inside <VirtualHost>
    std::string_view detail;       // reason (ignored) or suggestion (unsupported), may be empty
};

const DirectiveSpec* findDirective(std::string_view name);
std::vector<std::string_view> knownDirectiveNames(); // for "did you mean" hints

// The directives mod_wsgi allows inside <WSGIInterpreterOptions> (modwsgi.md 2.4).
bool allowedInInterpreterOptions(DirectiveRole role);

enum class SectionRole
{
    VirtualHost,
    IfModule,
    InterpreterOptions,
    PathScope, // <Directory>, <Location>, <Files> and their Match forms: access rules, ignored
    Unsupported,
};

SectionRole findSection(std::string_view name);

} // namespace wsgi::config
