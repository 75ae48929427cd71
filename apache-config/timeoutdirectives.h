#pragma once
// Apache's own timeout directives, read exactly as httpd reads them, so that the engine applies the
// same numbers Apache would: `Timeout` (core: atoi seconds; also mod_wsgi's default socket-timeout),
// `KeepAliveTimeout` (core: ap_timeout_parameter_parse, seconds by default, or with a unit suffix
// "ms", "s", "mi[n]", "h") and `RequestReadTimeout` (mod_reqtimeout: `header=`, `body=` and
// `handshake=` words, each `INITIAL[-MAX][,MinRate=RATE]`).
//
// Each parser reads one directive and either returns the new value (the caller stores it with its
// location) or adds an Error finding that names the bad part, in Apache's own words where it has them.

#include "directivetree.h"
#include "engineconfig.h"
#include "findingsink.h"

#include <optional>
#include <string>
#include <string_view>

namespace wsgi::config {

// Timeout, KeepAliveTimeout or RequestReadTimeout (case-insensitive).
bool isCoreTimeoutDirective(std::string_view name);

// `Timeout N`: seconds. Apache reads it with atoi (so "60s" is 60, "abc" is 0 and every read times
// out at once): text after the digits is a Warning, a value that is not a number, or below 1, is an Error.
std::optional<int> parseTimeoutDirective(const ConfigNode& node, FindingSink& sink);

// `KeepAliveTimeout N[ms|s|min|h]`, as milliseconds. Apache: "KeepAliveTimeout has wrong format".
std::optional<int> parseKeepAliveTimeoutDirective(const ConfigNode& node, FindingSink& sink);

// `RequestReadTimeout ...` applied on top of `current` (a second directive in the same server changes
// only the phases it names, as in mod_reqtimeout). A phase that is named is replaced as a whole:
// `header=10` alone means 10 s, no maximum, no minimum rate. `handshake=` (TLS) is checked and then
// ignored with a Note, since the engine does not terminate TLS.
std::optional<RequestReadTimeoutSettings>
parseRequestReadTimeoutDirective(const ConfigNode& node, const RequestReadTimeoutSettings& current,
                                 FindingSink& sink);

// The directive text Apache would read back for `settings`, e.g. "header=20-40,MinRate=500
// body=20,MinRate=500".
std::string requestReadTimeoutText(const RequestReadTimeoutSettings& settings);

} // namespace wsgi::config
