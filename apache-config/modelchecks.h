#pragma once
// Internal to importConfig: the checks that need the whole imported configuration and are not the
// engine's (configchecks.cpp has those): MPM start-up corrections and the StartServers/MaxSpareThreads
// conflict, daemon sizing against MaxRequestWorkers and host memory, mod_wsgi quirks, and mod_wsgi 6's
// GIL rules (WSGI0198..0205) for the Python mod_wsgi runs.

#include "configimport.h"
#include "findingsink.h"

namespace wsgi::config {

namespace codes {
inline constexpr const char* MpmCorrected = "W-MPM-CORRECTED";
inline constexpr const char* MpmStartExcess = "W-MPM-START-EXCESS";
inline constexpr const char* MpmStartShort = "N-MPM-START-SHORT";
inline constexpr const char* MpmValue = "W-MPM-VALUE";
inline constexpr const char* SizingWorkers = "W-SIZING-WORKERS";
inline constexpr const char* SizingMemory = "W-SIZING-MEMORY";
inline constexpr const char* SizingTotal = "N-SIZING";
inline constexpr const char* GilMainInterpreter = "W-GIL-MAIN-INTERPRETER";
inline constexpr const char* AliasShadowed = "W-ALIAS-SHADOWED";
} // namespace codes

void checkModel(const ImportedConfig& config, const ImportOptions& options, FindingSink& sink);

} // namespace wsgi::config
