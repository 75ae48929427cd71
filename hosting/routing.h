#pragma once
// Which mount serves a request: mod_wsgi's WSGIScriptAlias matching, the longest URL prefix that
// ends on a path-segment boundary. Shared by the supervisor (proxy mode) and workers (direct mode),
// which both match the decoded, normalised ParsedRequest::path, so a request goes to the mount whose
// SCRIPT_NAME its PATH_INFO follows.

#include <string_view>

namespace wsgi::hosting {

// The path of a request target, still escaped: origin-form "/p?q" or absolute-form "http://host/p?q".
// (Routing matches the decoded, normalised path: requestPath() in requesttarget.h.)
inline std::string_view targetPath(std::string_view target)
{
    const size_t scheme = target.find("://");
    if (!target.empty() && target.front() != '/' && scheme != std::string_view::npos) {
        const size_t slash = target.find('/', scheme + 3);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    return target.substr(0, target.find('?'));
}

// Index of the best of `count` prefixes (prefixAt(i) gives each, "" for "/") for a decoded `path`, or -1.
template <typename PrefixAt> int longestPrefixMatch(std::string_view path, size_t count, PrefixAt prefixAt)
{
    int best = -1;
    size_t bestLength = 0;
    for (size_t i = 0; i < count; ++i) {
        const std::string_view prefix = prefixAt(i);
        if (path.substr(0, prefix.size()) != prefix)
            continue;
        // "/app" serves "/app" and "/app/..." but not "/apple".
        if (path.size() > prefix.size() && path[prefix.size()] != '/' && !prefix.empty())
            continue;
        if (best < 0 || prefix.size() > bestLength) {
            best = int(i);
            bestLength = prefix.size();
        }
    }
    return best;
}

} // namespace wsgi::hosting
