#pragma once
// JSON forms of the import model, findings and MPM simulations, for wsgi-studio-cli's --json output
// and the studio. Field names are stable; see each function for the shape.

#include "configimport.h"
#include "core/json.h"
#include "mpmsim.h"

namespace wsgi::config {

// {"severity": "error|warning|note", "code", "file", "line", "message", "suggestion"}
Json findingToJson(const Finding& finding);
Json findingsToJson(const std::vector<Finding>& findings);

// {"server": SCOPE, "containers": [...], "virtualHosts": [...], "mpm": [...], "otherMpm": [{"module",
// "text", "file", "line"}]} where SCOPE is
// {"directives": [{"name", "args", "line"}], "daemons": [{"name", "options": [{"name", "value"}], "line"}],
//  "imports": [...], "aliases": [...]}; "file" and "line" say where an imported item was written.
Json modelToJson(const WsgiModel& model, const std::vector<std::string>& fileNames = {});

// {"files": [...], "loadedMpm": "event"|null, "serverRoot", "model": MODEL, "findings": [...]}
Json importToJson(const ImportedConfig& imported);

// {"mpm", "settings": {...}, "activeDaemonsLimit", "corrections": [...], "seconds": [{"second", "load",
//  "processes", "stopping", "busy", "idle", "waiting", "spawned", "killed", "spawnRate", "event"}]}
Json simulationToJson(const mpm::Simulation& simulation);
Json settingsToJson(const mpm::Settings& settings);

} // namespace wsgi::config
