#pragma once
// The A/B result table as cells, header first, in the seeds' shape (Config | rpm | response | app |
// CPU/proc | CPU total | RSS | GIL p95) plus the physical-limit and ratio columns. The CLI lays the
// cells out as text or Markdown; the GUI's result model shows them as they are.

#include "session/abresult.h"

#include <QStringList>

#include <vector>

namespace wsgi::studio {

// The first server's table (the plan's only one, usually the engine).
std::vector<QStringList> abTableRows(const AbResult& result, const AbSummary& summary);
// One server's table: its variants and their ratios to that server's baseline. Apache has none of the
// engine's telemetry, so its response, app, CPU/proc and GIL cells say "n/a"; a variant it cannot run
// says "unsupported".
std::vector<QStringList> abTableRows(const AbResult& result, const AbSummary& summary, ServerKind server);
// Config | engine vs BASE | Apache vs BASE | difference | rank (engine/Apache) | within 5%
std::vector<QStringList> abCarryOverRows(const AbCarryOver& carryOver);

} // namespace wsgi::studio
