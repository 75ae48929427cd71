#pragma once
// Import of a real httpd.conf: the main file and everything it includes, each kept as a DirectiveTree
// (so every byte of every file can be written back), the WsgiModel found in them, and findings under
// Apache's rules for one mod_wsgi version (not the engine's: any valid Apache directive is fine here).
//
// Include and IncludeOptional are followed as httpd does (relative to ServerRoot; wildcards; whole
// directories), with a cycle check. <IfModule>, <IfDefine>, <IfDirective>, <IfFile>, <IfVersion> and
// friends are entered (the import does not know which modules a server loads), <VirtualHost> opens a
// server scope, <IfModule mpm_X_module> scopes MPM settings to that MPM. Path scopes (<Directory>,
// <Location>, <Files>, ...) are not modelled but are checked for WSGI directives that cannot be there.

#include "directivetree.h"
#include "engineconfig.h"
#include "wsgimodel.h"

#include <cstddef>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::config {

struct SourceFile
{
    std::string path;
    DirectiveTree tree;
};

// One Include directive and the files it read (indexes into ImportedConfig::files).
struct IncludeLink
{
    int file = 0;
    std::size_t offset = 0; // of the Include node
    std::vector<int> targets;
};

struct ImportOptions
{
    Dialect dialect = Dialect::ModWsgi6; // whose rules the findings follow
    // Where relative Includes start when the file sets no ServerRoot; empty: the main file's directory
    // (Debian's compiled-in ServerRoot /etc/apache2 is where apache2.conf lives).
    std::string serverRoot;
    bool followIncludes = true;
    std::size_t maxFiles = 2000;          // every file counts, however it was reached
    std::size_t maxFileBytes = 16u << 20; // larger files are refused (bounded memory)
    std::size_t maxIncludeDepth = 32;     // httpd's own limit is 128; real trees are shallow
    // The Python mod_wsgi runs, for the GIL rules (WSGI0198..0205): "3.11", "3.13", "3.13t". Empty:
    // 3.11 for modwsgi-4 (Debian 12's), 3.13 otherwise; the engine dialect uses each group's python=.
    std::string python;
    double processRssMiB = 0; // resident memory of one daemon process when known (sizing), 0 = unknown
    double hostMemoryMiB = 0; // memory of the host when known, 0 = unknown
};

struct ImportedConfig
{
    std::deque<SourceFile> files; // [0] is the main file; stable references while more are added
    std::vector<IncludeLink> includes;
    WsgiModel model;
    std::optional<MpmKind> loadedMpm; // from LoadModule mpm_X_module, if the tree loads one
    std::string serverRoot;           // in force at the end of the main file
    EngineConfig engine;              // the same WSGI settings in the engine's terms, for the rule checks
    // Define'd variables at the end of the main file (what `${NAME}` in the model's values resolves to;
    // model items keep `${NAME}` as written).
    std::map<std::string, std::string> defines;
    std::vector<Finding> findings; // file I/O, syntax, and per-directive findings in file order

    std::vector<std::string> fileNames() const;
    const IncludeLink* includeAt(int file, std::size_t offset) const;
    bool ok() const; // no Error finding
};

ImportedConfig importConfig(std::string_view text, const std::string& fileName,
                            const ImportOptions& options = {});
ImportedConfig importConfigFile(const std::filesystem::path& file, const ImportOptions& options = {});

} // namespace wsgi::config
