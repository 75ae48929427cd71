#pragma once
// `WSGIScriptAlias URL-path script [process-group=G] [application-group=A] [callable-object=C]
// [pass-authorization=On|Off]`, read as mod_wsgi's wsgi_add_script_alias reads it: two words, then
// name=value options compared case-sensitively, unknown options and empty values are errors.

#include "directivetree.h"
#include "engineconfig.h"
#include "findingsink.h"
#include "wsgimodel.h"

#include <filesystem>
#include <optional>

namespace wsgi::config {

// The mount, or nothing when the directive has an error (reported to `sink`): a broken mount would only
// add follow-up errors (unknown group, embedded mode). A relative script path is resolved against
// `baseDirectory`, the directory of the config file. Under an Apache dialect (ModWsgi6/4) the forms
// the engine cannot run but Apache can (a directory of scripts, per-request group names) are fine.
std::optional<Mount> parseScriptAlias(const ConfigNode& node, const std::filesystem::path& baseDirectory,
                                      FindingSink& sink, Dialect dialect = Dialect::Engine);

} // namespace wsgi::config
