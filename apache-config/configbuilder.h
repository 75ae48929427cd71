#pragma once
// Internal: turns a DirectiveTree into an EngineConfig (configbuilder.cpp), then checks the rules that
// need the whole file (configchecks.cpp): mounts against daemon groups, duplicates, overlaps.

#include "directivetree.h"
#include "engineconfig.h"
#include "findingsink.h"
#include "wsgimodel.h"

#include <optional>
#include <string>
#include <vector>

namespace wsgi::config {

struct VirtualHostScope
{
    SourceLocation where;
    std::optional<std::string> serverName;       // its own ServerName, if any
    std::optional<std::string> processGroup;     // its WSGIProcessGroup as written
    std::optional<std::string> applicationGroup; // its WSGIApplicationGroup as written
};

// What the builder learned that the model does not keep: which <VirtualHost> things were written in.
struct BuildFacts
{
    std::vector<VirtualHostScope> virtualHosts;
    std::vector<int> mountVirtualHost; // per EngineConfig::mounts, -1 = top level
    std::vector<int> groupVirtualHost; // per EngineConfig::groups, -1 = top level
    bool topLevelServerName = false;   // a ServerName was written at the top level
    // Engine: the engine's rules (daemon mode only, one mount per URL prefix). ModWsgi6/4: Apache's
    // (embedded mode is fine unless WSGIRestrictEmbedded On; prefixes are per virtual host).
    Dialect dialect = Dialect::Engine;
};

// Fills `config` from the tree; `fileName` anchors relative script paths.
void buildEngineConfig(const DirectiveTree& tree, EngineConfig& config, BuildFacts& facts, FindingSink& sink);

// Whole-file rules; also fills the per-mount serverName / virtualHost* fields.
void checkEngineConfig(EngineConfig& config, const BuildFacts& facts, FindingSink& sink);

} // namespace wsgi::config
