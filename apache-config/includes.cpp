#include "includes.h"

#include <algorithm>
#include <filesystem>
#include <fnmatch.h>
#include <system_error>

namespace wsgi::config {

namespace {

namespace fs = std::filesystem;

bool hasWildcard(const std::string& s)
{
    return s.find_first_of("*?[") != std::string::npos;
}

// Every regular file under `dir`, sorted, recursing into subdirectories (as httpd does for a directory).
void filesUnder(const fs::path& dir, std::vector<std::string>& out, std::size_t maxFiles, int depth)
{
    std::error_code ec;
    std::vector<fs::path> entries;
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec))
        entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    for (const fs::path& p : entries) {
        if (out.size() >= maxFiles)
            return;
        if (fs::is_directory(p, ec)) {
            if (depth < 16)
                filesUnder(p, out, maxFiles, depth + 1);
        } else if (fs::is_regular_file(p, ec)) {
            out.push_back(p.string());
        }
    }
}

// Expands `components` (split on '/') below `base`, wildcards matched with fnmatch like apr_fnmatch.
void expand(const fs::path& base, const std::vector<std::string>& components, std::size_t index,
            std::vector<std::string>& out, std::size_t maxFiles)
{
    if (out.size() >= maxFiles)
        return;
    std::error_code ec;
    if (index == components.size()) {
        if (fs::is_directory(base, ec))
            filesUnder(base, out, maxFiles, 0);
        else if (fs::exists(base, ec))
            out.push_back(base.string());
        return;
    }
    const std::string& part = components[index];
    if (!hasWildcard(part)) {
        expand(base / part, components, index + 1, out, maxFiles);
        return;
    }
    std::vector<fs::path> matches;
    for (const fs::directory_entry& e : fs::directory_iterator(base, ec)) {
        const std::string name = e.path().filename().string();
        // httpd skips dot files when matching wildcards (FNM_PERIOD).
        if (fnmatch(part.c_str(), name.c_str(), FNM_PERIOD) == 0)
            matches.push_back(e.path());
    }
    std::sort(matches.begin(), matches.end());
    for (const fs::path& m : matches) {
        // An intermediate component must be a directory; the last one matches files only.
        if (index + 1 < components.size() ? fs::is_directory(m, ec) : fs::is_regular_file(m, ec))
            expand(m, components, index + 1, out, maxFiles);
    }
}

std::vector<std::string> split(const std::string& path)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::size_t end = slash == std::string::npos ? path.size() : slash;
        if (end > start)
            parts.push_back(path.substr(start, end - start));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return parts;
}

std::vector<std::string> resolveAt(const fs::path& root, const std::string& pattern, std::size_t maxFiles)
{
    std::vector<std::string> out;
    const bool absolute = !pattern.empty() && pattern.front() == '/';
    expand(absolute ? fs::path("/") : root, split(pattern), 0, out, maxFiles);
    return out;
}

} // namespace

IncludeResolution resolveInclude(const std::string& pattern, const std::string& serverRoot,
                                 const std::string& includingFile, bool optional, std::size_t maxFiles)
{
    IncludeResolution r;
    if (pattern.empty()) {
        r.error = "Include needs a file, directory or wildcard pattern";
        return r;
    }
    const bool absolute = pattern.front() == '/';
    r.files = resolveAt(fs::path(serverRoot), pattern, maxFiles);
    if (r.files.empty() && !absolute && !includingFile.empty()) {
        const fs::path beside = fs::path(includingFile).parent_path();
        if (beside != fs::path(serverRoot)) {
            r.files = resolveAt(beside, pattern, maxFiles);
            if (!r.files.empty())
                r.note = "'" + pattern + "' is not under ServerRoot " + serverRoot +
                         "; read it relative to the including file instead";
        }
    }
    if (r.files.empty() && !optional) {
        const std::string where = absolute ? pattern : (fs::path(serverRoot) / pattern).string();
        r.error = hasWildcard(pattern)
                      ? "No matches for the wildcard '" + pattern + "' (" + where + ")"
                      : "Could not open configuration file " + where + ": No such file or directory";
    }
    return r;
}

} // namespace wsgi::config
