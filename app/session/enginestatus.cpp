#include "session/enginestatus.h"

namespace wsgi::studio {

GilMode gilModeFromWire(const std::string& text)
{
    if (text == "shared")
        return GilMode::Shared;
    if (text == "per-interpreter")
        return GilMode::PerInterpreter;
    if (text == "free-threaded")
        return GilMode::FreeThreaded;
    if (text == "starting")
        return GilMode::Starting;
    return GilMode::Unknown;
}

const char* gilModeWireName(GilMode mode)
{
    switch (mode) {
    case GilMode::Shared:
        return "shared";
    case GilMode::PerInterpreter:
        return "per-interpreter";
    case GilMode::FreeThreaded:
        return "free-threaded";
    case GilMode::Starting:
        return "starting";
    case GilMode::Unknown:
        break;
    }
    return "unknown";
}

const GroupStatus* EngineStatus::group(const std::string& name) const
{
    for (const auto& g : groups)
        if (g.name == name)
            return &g;
    return nullptr;
}

const ProcessStatus* EngineStatus::process(int64_t pid) const
{
    for (const auto& g : groups)
        for (const auto& p : g.processes)
            if (p.pid == pid)
                return &p;
    return nullptr;
}

} // namespace wsgi::studio
