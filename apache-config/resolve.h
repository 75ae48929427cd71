#pragma once
// mod_wsgi 6.0's rules for what is in force in one daemon process and one interpreter, given the
// configuration and the Python runtime the process runs (reference: modwsgi.md sections 2.1-2.5).

#include "engineconfig.h"

namespace wsgi::config {

struct RuntimeTraits
{
    int major = 3;
    int minor = 11;
    bool freeThreadedBuild = false; // built with --disable-gil (Py_GIL_DISABLED)
    bool supportsOwnGil() const { return major > 3 || (major == 3 && minor >= 12); }
};

// What holds for a whole daemon process.
struct ProcessPlan
{
    bool freeThreading = false;           // GIL disabled (only on a free-threaded build with the directive On)
    std::optional<double> switchInterval; // process-wide sys.setswitchinterval, if any
    std::vector<std::string> pythonPath;  // base layer: the daemon's python-path=
    std::string pythonHome;
    std::vector<Finding> findings; // WSGI0200, WSGI0204 ...
};

// What holds for one interpreter (application group) inside that process.
struct InterpreterPlan
{
    bool ownGil = false;                  // sub-interpreter created with its own GIL
    std::optional<double> switchInterval; // set when this interpreter is created
    std::vector<std::string> pythonPath;  // container WSGIPythonPath layers, least to most specific
    std::vector<Finding> findings;        // WSGI0198, WSGI0199, WSGI0202, WSGI0205 ...
};

ProcessPlan resolveProcess(const EngineConfig& config, const DaemonGroup& group, const RuntimeTraits& runtime);

// applicationGroup is the resolved name ("" = the main interpreter, %{GLOBAL}).
InterpreterPlan resolveInterpreter(const EngineConfig& config, const DaemonGroup& group,
                                   std::string_view applicationGroup, const RuntimeTraits& runtime,
                                   const ProcessPlan& process);

// The daemon group a mount runs in ("" = embedded, which the engine does not run), and its
// application group resolved as mod_wsgi does: %{GLOBAL} -> "", %{RESOURCE} -> "server|/prefix",
// %{SERVER} -> "server".
std::string resolveProcessGroup(const EngineConfig& config, const Mount& mount);
std::string resolveApplicationGroup(const EngineConfig& config, const Mount& mount);

} // namespace wsgi::config
