#pragma once
// Export of an imported configuration in place: every file of the tree is written back byte for byte
// except the lines of model items that changed (edited in the studio, or changed for the target). A
// changed item is re-rendered where it was, with its indentation; a removed one loses its lines; one the
// target cannot express is commented out with the reason; new items go after their daemon group (the
// mod_wsgi 4.9 import scripts), at the end of their <VirtualHost>, or at the end of the main file.

#include "configimport.h"
#include "renderer.h"

#include <string>
#include <vector>

namespace wsgi::config {

struct DocumentExport
{
    std::vector<GeneratedFile> configFiles; // every file of the tree, in ImportedConfig::files order
    std::vector<GeneratedFile> scripts;     // import scripts to install (mod_wsgi 4.9)
    std::vector<Finding> findings;          // what was changed or dropped for the target
    std::vector<bool> changed;              // per config file: differs from what was read
};

// `edited` is imported.model or a copy edited in the studio (items keep their Origin). The options'
// fileNames are filled from `imported` when empty.
DocumentExport exportDocument(const ImportedConfig& imported, const WsgiModel& edited, RenderOptions options);

} // namespace wsgi::config
