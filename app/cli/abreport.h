#pragma once
// How `ab` and `sweep` print a result: the seeds' table (Config | rpm | response | app | CPU/proc |
// CPU total | RSS | GIL p95) plus the physical-limit and ratio columns, as aligned text or Markdown,
// then the limits, verdicts, failures and notes; and the one-line progress report.

#include "session/abresult.h"
#include "session/abrun.h"
#include "session/abtable.h"
#include "session/format.h"

#include <QString>
#include <QStringList>

namespace wsgi::studio::cli {

QString renderAbTable(const std::vector<QStringList>& rows, bool markdown);

// Table, then limits, verdicts, failures, notes and machine line.
QString renderAbReport(const AbResult& result, const AbSummary& summary, bool markdown);

// "[2/5 2x5] repeat 1/3: measuring 4.0/12 s, 612 req/s; 1m 40s elapsed, about 2m 10s left"
QString formatAbProgress(const AbProgress& progress);

} // namespace wsgi::studio::cli
