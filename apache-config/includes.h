#pragma once
// Where an `Include` / `IncludeOptional` argument points, as httpd 2.4 resolves it
// (server/config.c ap_process_fnmatch_configs): a relative path is taken from ServerRoot; wildcards
// may be used in any path component and match in sorted order; a directory means every file in it,
// recursively, in sorted order. Include fails when a wildcard in the file name matches nothing or the
// file is missing; IncludeOptional silently skips both.

#include <string>
#include <vector>

namespace wsgi::config {

struct IncludeResolution
{
    std::vector<std::string> files; // in the order httpd reads them
    std::string error;              // set when httpd would refuse the Include
    std::string note;               // how it was resolved when that is worth saying (fallbacks)
};

// `includingFile` is used when the path does not exist under `serverRoot` (a config tree read away from
// its installed place, e.g. a copy of /etc/apache2 in a test directory). At most `maxFiles` files.
IncludeResolution resolveInclude(const std::string& pattern, const std::string& serverRoot,
                                 const std::string& includingFile, bool optional, std::size_t maxFiles);

} // namespace wsgi::config
