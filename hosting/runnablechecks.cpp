#include "runnablechecks.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace wsgi::hosting {
namespace {

config::Finding error(const config::SourceLocation& where, std::string code, std::string message,
                      std::string suggestion)
{
    return {config::Severity::Error, std::move(code), where, std::move(message), std::move(suggestion)};
}

// Empty when `path` is a readable regular file, else what is wrong with it.
std::string fileProblem(const std::string& path)
{
    struct stat st
    {
    };
    if (stat(path.c_str(), &st) != 0)
        return std::strerror(errno);
    if (!S_ISREG(st.st_mode))
        return S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file";
    if (access(path.c_str(), R_OK) != 0)
        return std::string("it cannot be read: ") + std::strerror(errno);
    return {};
}

std::string directoryProblem(const std::string& path)
{
    struct stat st
    {
    };
    if (stat(path.c_str(), &st) != 0)
        return std::strerror(errno);
    if (!S_ISDIR(st.st_mode))
        return "it is not a directory";
    return {};
}

} // namespace

std::vector<config::Finding> checkRunnable(const config::EngineConfig& config)
{
    std::vector<config::Finding> findings;
    for (const auto& mount : config.mounts) {
        // ${VAR} paths are resolved by Apache at start; the engine cannot know them.
        if (mount.scriptPath.find("${") != std::string::npos)
            continue;
        if (const std::string problem = fileProblem(mount.scriptPath); !problem.empty())
            findings.push_back(error(mount.where, "E-SCRIPT-MISSING",
                                     "WSGIScriptAlias " + (mount.urlPrefix.empty() ? "/" : mount.urlPrefix) +
                                         ": the script " + mount.scriptPath + " cannot be loaded (" +
                                         problem + ")",
                                     "create the script or correct its path"));
    }
    for (const auto& group : config.groups) {
        if (!group.home.empty())
            if (const std::string problem = directoryProblem(group.home); !problem.empty())
                findings.push_back(
                    error(group.where, "E-HOME-MISSING",
                          "daemon group '" + group.name + "': home=" + group.home + " (" + problem + ")",
                          "create the directory or correct home="));
        if (!group.pythonHome.empty())
            if (const std::string problem = directoryProblem(group.pythonHome); !problem.empty())
                findings.push_back(
                    error(group.where, "E-PYTHON-HOME-MISSING",
                          "daemon group '" + group.name + "': python-home=" + group.pythonHome + " (" +
                              problem + ")",
                          "point python-home= at a virtual environment or Python installation"));
    }
    if (!config.pythonHome.empty())
        if (const std::string problem = directoryProblem(config.pythonHome); !problem.empty())
            findings.push_back(error({}, "E-PYTHON-HOME-MISSING",
                                     "WSGIPythonHome " + config.pythonHome + " (" + problem + ")",
                                     "point WSGIPythonHome at a virtual environment or Python installation"));
    return findings;
}

} // namespace wsgi::hosting
