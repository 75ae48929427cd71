#pragma once
// `wsgi-studio-cli validate FILE`: every finding about an httpd.conf (and what it includes) under the
// rules of one target, with stable codes, lines and suggested fixes; --json for scripts. Also the small
// helpers the other configuration commands (export, import) share.

#include "cli/command.h"

#include "apache-config/configimport.h"

#include <optional>

namespace wsgi::studio::cli {

Command validateCommand();

namespace configcli {

// Exit 1 for the configuration commands: the file cannot be read or has errors (the enum's name is the
// engine commands'; the value is what scripts see).
inline constexpr ExitCode kConfigError = ExitCode::EngineError;

// --target's "modwsgi-6", "modwsgi-4" or "engine" as a Dialect; nothing after reporting a usage error
// that lists the choices. targetHelp() lists them for the option's help.
std::optional<config::Dialect> parseTarget(const CommandOptions& options);
QString targetHelp();

// Findings on stderr, one formatFinding() block each; returns how many were errors.
int printFindings(const std::vector<config::Finding>& findings, bool notes);

// True when a finding means the file could not be read as a whole (missing file, syntax, includes),
// so nothing built from it can be trusted.
bool isFatal(const config::Finding& finding);

// True when an Error found reading a file under the engine's dialect (what export reads with) means a
// line an export for `target` cannot carry: anything Apache itself would refuse or drop. Errors that
// only the engine's own rules raise (options and values it does not implement, embedded mode, one
// mount per URL prefix) do not block an export for Apache.
bool blocksExport(const config::Finding& finding, config::Dialect target);

} // namespace configcli

} // namespace wsgi::studio::cli
