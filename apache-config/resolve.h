#pragma once
// mod_wsgi 6.0's rules for what is in force in one daemon process and one interpreter, given the
// configuration and the Python runtime the process runs (reference: modwsgi.md sections 2.1-2.5).

#include "engineconfig.h"

#include <optional>
#include <string_view>

namespace wsgi::config {

struct RuntimeTraits
{
    int major = 3;
    int minor = 11;
    bool freeThreadedBuild = false; // built with --disable-gil (Py_GIL_DISABLED)
    bool supportsOwnGil() const { return major > 3 || (major == 3 && minor >= 12); }
};

// "3.11", "3.13", "3.13t" (DaemonGroup::runtime, the engine-only python= option) -> traits.
std::optional<RuntimeTraits> runtimeTraitsFromName(std::string_view name);

// What holds for a whole daemon process.
struct ProcessPlan
{
    bool freeThreading = false; // GIL disabled (only on a free-threaded build with the directive On)
    std::optional<double> switchInterval; // process-wide sys.setswitchinterval, if any
    std::vector<std::string> pythonPath;  // base layer: the daemon's python-path=
    std::string pythonHome;               // python-home=, else the top-level WSGIPythonHome
    std::vector<Finding> findings;        // WSGI0200, WSGI0204 ...
};

// What holds for one interpreter (application group) inside that process.
struct InterpreterPlan
{
    bool ownGil = false;                  // sub-interpreter created with its own GIL
    std::optional<double> switchInterval; // set when this interpreter is created
    std::vector<std::string> pythonPath;  // container WSGIPythonPath layers, least to most specific
    // The same layers kept apart, in the order to apply them. mod_wsgi adds each layer with
    // site.addsitedir and then moves that layer's entries to the front of sys.path, so the most
    // specific layer ends up first while each layer keeps its own order.
    std::vector<std::vector<std::string>> pythonPathLayers;
    std::vector<Finding> findings; // WSGI0198, WSGI0199, WSGI0202, WSGI0203, WSGI0205 ...
};

// Free-threading comes from the top level and from containers that select nothing or only
// process-group= (most specific wins, later in the file wins among equals); it takes effect only on a
// free-threaded build (else WSGI0200 and the GIL stays on). switch-interval= is process-wide and is
// skipped under free-threading (WSGI0204).
ProcessPlan resolveProcess(const EngineConfig& config, const DaemonGroup& group,
                           const RuntimeTraits& runtime);

// applicationGroup is the resolved name ("" = the main interpreter, %{GLOBAL}).
//
// Order in which a worker applies switch intervals, as mod_wsgi does: the main interpreter's
// InterpreterPlan::switchInterval when Python starts, then ProcessPlan::switchInterval, then each
// sub-interpreter's own value when that interpreter is created (under a shared GIL that overwrites the
// process-wide value; see the W-SWITCH-INTERVAL-OVERLAP warning from parsing).
InterpreterPlan resolveInterpreter(const EngineConfig& config, const DaemonGroup& group,
                                   std::string_view applicationGroup, const RuntimeTraits& runtime,
                                   const ProcessPlan& process);

// The daemon group a mount runs in ("" = embedded, which the engine does not run), and its
// application group resolved as mod_wsgi does: %{GLOBAL} -> "", %{RESOURCE} -> "server|/prefix",
// %{SERVER} -> "server".
std::string resolveProcessGroup(const EngineConfig& config, const Mount& mount);
std::string resolveApplicationGroup(const EngineConfig& config, const Mount& mount);

// The same, with the port the request came in on: mod_wsgi appends ":port" to %{RESOURCE} and %{SERVER}
// unless the port is 80 or 443 (ap_get_server_port). 0 means unknown and appends nothing.
std::string resolveApplicationGroup(const EngineConfig& config, const Mount& mount, int serverPort);

} // namespace wsgi::config
