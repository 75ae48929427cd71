#pragma once
// The A/B result table as cells, header first, in the seeds' shape (Config | rpm | response | app |
// CPU/proc | CPU total | RSS | GIL p95) plus the physical-limit and ratio columns. The CLI lays the
// cells out as text or Markdown; the GUI's result model shows them as they are.

#include "session/abresult.h"

#include <QStringList>

#include <vector>

namespace wsgi::studio {

std::vector<QStringList> abTableRows(const AbResult& result, const AbSummary& summary);

} // namespace wsgi::studio
