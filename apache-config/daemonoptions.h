#pragma once
// `WSGIDaemonProcess NAME option=value ...`: the table of every mod_wsgi 6.0 option (reference:
// modwsgi.md section 1, wsgi_daemon.c wsgi_add_daemon_process) with its value rules and what the engine
// does with it, and the parser that fills a DaemonGroup from it.

#include "directivetree.h"
#include "engineconfig.h"
#include "findingsink.h"
#include "wsgimodel.h"

#include <string_view>
#include <vector>

namespace wsgi::config {

// How a value is read. mod_wsgi reads every number except switch-interval with atoi (whole units,
// trailing text ignored) and rejects negatives; the ranges below are its checks.
enum class OptionValueKind
{
    Integer,      // atoi, [min, max]
    Seconds,      // atoi, whole seconds >= 0
    Milliseconds, // atoi, whole milliseconds >= 0 (response-flush-delay only)
    Bytes,        // atoi, 0 (= default) or >= min
    Bytes64,      // apr_atoi64, >= 0
    Float,        // strict strtod, > 0 (switch-interval)
    Text,         // any string, may be empty
    AbsolutePath, // must start with '/'
    PathList,     // ':' separated directories
    Octal,        // strtol base 8, whole text, >= 0 (umask)
    OnOff,        // On|Off, case-insensitive
    Account,      // user/group name or #id, not empty
    Runtime,      // engine-only python=: "3.N" or "3.Nt"
};

// What the engine does with an option.
enum class OptionSupport
{
    Implemented,       // fills a DaemonGroup field and the engine honours it
    Ignored,           // accepted with a Note: no effect on what the engine runs or measures
    IgnoredWithCaveat, // accepted with a Warning: not applied, and that can show in long measurements
    NotImplemented,    // Error: running without it would not be what mod_wsgi runs
    EngineOnly,        // not a mod_wsgi option (python=); the exporter strips it
};

struct DaemonOptionSpec
{
    std::string_view name;
    OptionValueKind kind;
    long long min = 0;
    long long max = 0; // 0 = no upper bound
    OptionSupport support;
    std::string_view reason; // why the support level was chosen (shown in Notes/Errors)
};

const std::vector<DaemonOptionSpec>& daemonOptionTable();
const DaemonOptionSpec* findDaemonOption(std::string_view name); // case-sensitive, as mod_wsgi compares

// Parses one WSGIDaemonProcess directive. Problems go to `sink`; the group is filled as far as the
// options were valid (invalid values keep the default).
//
// `dialect` says whose rules apply. Engine: what the engine implements (the support column above).
// ModWsgi6 / ModWsgi4: what that mod_wsgi accepts; the engine's support levels play no part, an
// option that version lacks is an Error as apache2 -t would report it, and python= is an Error there.
DaemonGroup parseDaemonProcess(const ConfigNode& node, FindingSink& sink, Dialect dialect = Dialect::Engine);

} // namespace wsgi::config
