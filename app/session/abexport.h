#pragma once
// An A/B result written for other tools and people: the report as text or Markdown (the seeds' table,
// verdicts, failures and notes; the CLI prints it, the page exports it), CSV (one row per variant, plain
// numbers in fixed units, for spreadsheets and scripts) and one self-contained HTML report (the table, the
// verdicts, the throughput bars as inline SVG and any figures the caller rendered, as PNG data URIs): it
// opens in a browser with nothing beside it. The JSON document is abResultToJson's (abresultjson.h).

#include "session/abresult.h"
#include "session/abtable.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace wsgi::studio {

// The report both front ends give: the seeds' table for each server, the load line, whether the
// result carries over to Apache, the physical limits, verdicts, failures, notes and the machine.
// `wsgi-studio-cli ab` prints it (text, or Markdown with --markdown); the page exports the Markdown.
enum class AbReportFormat
{
    Text,    // aligned columns: names left, numbers right
    Markdown // tables, ### headings, - bullets
};
QString abReport(const AbResult& result, const AbSummary& summary, AbReportFormat format);
QString abMarkdown(const AbResult& result, const AbSummary& summary); // abReport(..., Markdown)
// Rows (header first) as aligned text or a Markdown table.
QString abTableText(const std::vector<QStringList>& rows, AbReportFormat format);

// Header: variant,status,repeats,rpm_median,rpm_min,rpm_max,response_ms_median,app_ms_median,
// cpu_per_process_cores,cpu_total_cores,rss_bytes,gil_wait_p95_ms,of_limit,client_p50_ms,client_p99_ms,
// ratio,ci_low,ci_high,verdict_kind,verdict,server. One row per (server, variant). Empty cells for what was
// not measured (gil n/a, no limit).
inline constexpr int kAbCsvColumns = 21;
QString abCsv(const AbResult& result, const AbSummary& summary);

struct ReportFigure
{
    QString title;
    QByteArray png; // encoded PNG bytes
};
// The bars of median rpm per variant, the min-max of the repeats as whiskers, every repeat as a dot
// and the physical limit as a dashed line, as a standalone <svg> element.
QString abBarSvg(const AbResult& result, const AbSummary& summary);
QString abHtml(const AbResult& result, const AbSummary& summary,
               const std::vector<ReportFigure>& figures = {});

// "2x5" on the engine, "2x5 @ Apache" on another server: one label per (server, variant) entry.
QString resultLabel(const AbVariantResult& variant);

// One server's part of a result (an engine + Apache run holds both): its entries only, its baseline,
// in plan order. A single-server result comes back whole.
struct ServerPart
{
    AbResult result;
    AbSummary summary;
};
ServerPart serverPart(const AbResult& result, const AbSummary& summary, ServerKind server);
std::vector<ServerKind> serversOf(const AbResult& result); // plan.servers, engine when empty

// The client's latency percentile (0..100) over every repeat of a variant, merged; empty when no repeat
// kept its latency histogram (a document saved without it).
std::optional<double> clientLatencyMs(const AbVariantResult& variant, double percentile);

} // namespace wsgi::studio
