#pragma once
// How `ab` and `sweep` print a result: the seeds' table (Config | rpm | response | app | CPU/proc |
// CPU total | RSS | GIL p95) plus the physical-limit and ratio columns, as aligned text or Markdown,
// then the limits, verdicts, failures and notes; and the one-line progress report.

#include "session/abresult.h"
#include "session/abrun.h"

#include <QString>
#include <QStringList>

namespace wsgi::studio::cli {

// The table's rows as cells, header first. Tests check cells; the renderers only lay them out.
std::vector<QStringList> abTableRows(const AbResult& result, const AbSummary& summary);

QString renderAbTable(const std::vector<QStringList>& rows, bool markdown);

// Table, then limits, verdicts, failures, notes and machine line.
QString renderAbReport(const AbResult& result, const AbSummary& summary, bool markdown);

// "[2/5 2x5] repeat 1/3: measuring 4.0/12 s, 612 req/s; 1m 40s elapsed, about 2m 10s left"
QString formatAbProgress(const AbProgress& progress);

// Cell formats, shared with sweep's rankings. "134k", "37.4k", "951"; "4.1 ms", "0.12 ms";
// "200 MB"; "±2%".
QString formatRpm(double rpm);
QString formatMs(double ms);
QString formatBytes(double bytes);
QString formatSpreadSuffix(const wsgi::ab::Spread& spread);
QString formatDuration(double seconds); // "45 s", "3m 05s", "1h 02m"

} // namespace wsgi::studio::cli
