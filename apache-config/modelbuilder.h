#pragma once
// Internal to importConfig: walks the main file and its includes under Apache's rules, filling the
// WsgiModel (what the studio edits and exports), the EngineConfig and BuildFacts (what the rule checks
// and resolve.h read), and the findings of each directive where it is written. The structural walk
// (sections, includes, MPM settings) is modelbuilder.cpp; the WSGI directives are modelwsgi.cpp.

#include "configbuilder.h"
#include "configimport.h"
#include "findingsink.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wsgi::config {

class ModelBuilder
{
public:
    ModelBuilder(ImportedConfig& out, const ImportOptions& options);
    void run(std::string_view text, const std::string& fileName);

    struct Context
    {
        int vhost = -1;     // index into model.virtualHosts (== facts.virtualHosts)
        int container = -1; // index into model.containers (== engine.containers)
        std::optional<MpmKind> mpm;
        std::string pathScope; // the <Directory>/<Location>/... being read, "" outside them
        std::size_t depth = 0; // include nesting
    };

private:
    int addFile(const std::string& path, std::string_view text);
    int fileOrder(const std::string& name) const;
    FindingSink sink(int file);
    Origin origin(int file, const ConfigNode& node)
    {
        return {file, node.offset, node.where.line, ++m_order};
    }
    WsgiScope& scope(const Context& ctx);

    void walk(int file, const std::vector<ConfigNode>& nodes, const Context& ctx);
    void section(int file, const ConfigNode& node, const Context& ctx);
    void interpreterOptions(int file, const ConfigNode& node, const Context& ctx);
    void directive(int file, const ConfigNode& node, const Context& ctx);
    void directiveResolved(int file, const ConfigNode& node, const Context& ctx,
                           const std::vector<std::string>& unresolved);
    void serverName(int file, const ConfigNode& node, const Context& ctx);
    void mpmDirective(int file, const ConfigNode& node, const Context& ctx);
    void include(int file, const ConfigNode& node, const Context& ctx);
    bool readFile(const std::string& path, std::string& text, FindingSink& s, int line);
    std::string substitute(const std::string& value) const;
    ConfigNode resolveDefines(const ConfigNode& node, std::vector<std::string>& unresolved) const;
    // The directive being read as written (before ${...} substitution): what model items keep, so that an
    // export writes the variables back. Handlers validate the substituted node they are given.
    const ConfigNode& written(const ConfigNode& node) const { return m_written ? *m_written : node; }

    // modelwsgi.cpp
    void invalidCommand(FindingSink& s, const ConfigNode& node);
    void wsgiDirective(int file, const ConfigNode& node, const Context& ctx);
    void daemonProcess(int file, const ConfigNode& node, const Context& ctx);
    void scriptAlias(int file, const ConfigNode& node, const Context& ctx);
    void importScript(int file, const ConfigNode& node, const Context& ctx);
    void engineSetting(int file, const ConfigNode& node, const Context& ctx);
    void coreTimeout(int file, const ConfigNode& node, const Context& ctx);

    ImportedConfig& m_out;
    const ImportOptions& m_options;
    BuildFacts m_facts;
    std::vector<std::string> m_stack; // files being read, outermost first (cycle check)
    std::map<std::string, std::string> m_defines;
    const ConfigNode* m_written = nullptr;
    Origin m_mpmSection;
    int m_order = 0;
};

} // namespace wsgi::config
