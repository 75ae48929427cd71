#include "engineconfig.h"

#include "configbuilder.h"
#include "directivetree.h"
#include "findingsink.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace wsgi::config {

std::string DaemonGroup::processTitle() const
{
    // mod_wsgi replaces %{GROUP} only when it is the whole value (wsgi_setup_daemon_name).
    if (displayName == "%{GROUP}")
        return "(wsgi:" + name + ")";
    return displayName;
}

const DaemonGroup* EngineConfig::findGroup(std::string_view name) const
{
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const DaemonGroup& g) { return g.name == name; });
    return it == groups.end() ? nullptr : &*it;
}

bool ParseResult::ok() const
{
    return std::none_of(findings.begin(), findings.end(),
                        [](const Finding& f) { return f.severity == Severity::Error; });
}

ParseResult parseEngineConfig(std::string_view text, const std::string& fileName)
{
    ParseResult result;
    DirectiveTree tree = parseDirectiveTree(text, fileName);
    result.findings = std::move(tree.findings);
    FindingSink sink(result.findings, fileName);
    BuildFacts facts;
    buildEngineConfig(tree, result.config, facts, sink);
    checkEngineConfig(result.config, facts, sink);
    dropFollowOnFindings(tree, result.findings);
    // Read in file order, whichever pass found them.
    std::stable_sort(result.findings.begin(), result.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.where.line < b.where.line; });
    return result;
}

ParseResult loadEngineConfig(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (in)
        text << in.rdbuf();
    if (!in || in.bad()) {
        const int error = errno;
        ParseResult result;
        result.findings.push_back({Severity::Error,
                                   codes::Io,
                                   {file.string(), 0},
                                   "cannot read the configuration: " + std::string(std::strerror(error)),
                                   "check the path and its permissions"});
        return result;
    }
    return parseEngineConfig(text.str(), file.string());
}

std::string formatFinding(const Finding& f)
{
    std::string out;
    if (!f.where.file.empty())
        out += f.where.file + ":";
    if (f.where.line > 0)
        out += std::to_string(f.where.line) + ":";
    if (!out.empty())
        out += " ";
    switch (f.severity) {
    case Severity::Error:
        out += "error: ";
        break;
    case Severity::Warning:
        out += "warning: ";
        break;
    case Severity::Note:
        out += "note: ";
        break;
    }
    out += f.message;
    if (!f.code.empty())
        out += " [" + f.code + "]";
    if (!f.suggestion.empty())
        out += "\n    hint: " + f.suggestion;
    return out;
}

} // namespace wsgi::config
