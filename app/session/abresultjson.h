#pragma once
// An A/B run or sweep as one JSON document: what `wsgi-studio-cli ab -o` and `sweep -o` save and
// the GUI loads. Schema "wsgi-studio-ab-result", version 1 (README.md "Benchmarking configurations
// (A/B)" documents every field). Times are unix seconds or ISO 8601 UTC as the key says; durations
// carry their unit in the key (_s, _ms); rates are per second unless the key says per minute.
//
// {
//   "schema": "wsgi-studio-ab-result", "version": 1, "kind": "ab" | "sweep",
//   "tool": {"name": "wsgi-studio-cli", "version": "0.1.0"},
//   "started_at": "2025-01-01T12:00:00Z", "finished_at": "...", "cancelled": false,
//   "machine": {"cores", "online_cores", "cpu_model", "kernel", "hostname", "memory_bytes",
//               "load_average_1m", "load_average_1m_end",
//               "front_end_cores": this program's CPU outside the load generator's threads while the
//                                  load ran (a GUI painting), in cores, or null,
//               "notes": [...]},
//   "servers": ["engine", "apache"],  -- where every variant ran (absent: ["engine"])
//   "apache": {"binary", "modules"},  -- when Apache ran ("" = Debian's paths)
//   "app": "/abs/app.py", "engine": "/abs/wsgi-engine",
//   "load": {"mode": "closed" | "open", "concurrency", "rate", "threads", "duration_s", "warmup_s",
//            "path", "timeout_ms"},
//   "repeats": 3, "order": "alternating", "telemetry_interval_ms": 1000,
//   "physical_limits": {"3.11": {"runtime", "executable", "python", "free_threaded_build", "cores",
//                       "requests_measured", "cpu_seconds_per_request", "requests_per_second",
//                       "requests_per_minute", "error"?}},
//   "baseline": "10x1",            -- the first server's; "baselines": {"engine": "10x1", "apache": "10x1"}
//   "carry_over": {"baseline", "tolerance", "same_ranking", "carries_over", "verdict",
//                  "variants": [{"name", "engine_ratio", "apache_ratio", "difference", "engine_rank",
//                                "apache_rank", "within", "note"?}]}   -- engine and Apache both ran
//   "statistics": {"ratio": "geometric mean of per-round throughput ratios (paired by round)",
//                  "interval": "percentile bootstrap", "confidence": 0.95, "resamples": 10000,
//                  "seed": 20240611, "negligible_difference": 0.03},
//   "variants": [{                 -- one per (server, variant), server-major
//     "name", "server": "engine" | "apache",
//     "status": "ok" | "failed" | "cancelled" | "unsupported", "failure"? (also why unsupported),
//     "failed_in_round"?, "server_config", "export_notes", "server_version" -- Apache only: the
//                                   mod_wsgi 4.9 text it ran (@SERVER_ROOT@ = its private ServerRoot),
//     "source": "inline" | "file", "options"?, "file"?, "config": "exact text the engine ran",
//     "group", "runtime", "python", "gil_mode", "gil_enabled", "switch_interval", "processes",
//     "threads", "engine_warnings": [...],
//     "summary": {"repeats", "rpm", "response_ms", "app_ms", "cpu_per_process_cores",
//                 "cpu_total_cores", "rss_bytes", "gil_wait_p95_ms", "gil_wait_full_p95_ms",
//                 "of_limit", "client_p99_ms", "client_cpu_cores"
//                                               -- each {"n", "median", "min", "max", "q1", "q3"}
//                                                  or null (gil_* null = no GIL: n/a),
//                 "errors", "non_2xx"},
//     "ratio": {"baseline", "value", "ci_low", "ci_high", "confidence", "pairs"} | null,
//     "verdict": "2x5 is 0.31x 10x1 (95% CI 0.29–0.33)", "verdict_kind": "lower" | ...,
//     "repeats": [{
//       "round", "engine_pid", "engine_started_at", "window": {"start", "end", "duration_s"},
//       "client": {"requests_per_second", "requests_per_minute", "requests", "errors", "cpu_cores",
//                  "latency_ms": {"mean", "p50", "p90", "p99", "p99_9", "max"}},
//       "server": {"telemetry": false for Apache (only its process tree's CPU and RSS), "samples",
//       "covered_s", "processes", "requests", "requests_per_second",
//                  "response_ms", "application_ms", "queue_ms"   -- {"mean","p50","p95","p99",
//                                                                     "histogram"} | null,
//                  "cpu_total_cores", "cpu_per_process_cores", "rss_bytes", "gil_applicable",
//                  "gil_wait_ms", "gil_wait_full_ms"  -- {"count","mean","p50","p95","p99","max",
//                                                        "histogram"} | null,
//                  "status": {"1xx".."5xx"}},
//       "machine_busy_cores", "other_cores", -- all CPU on the machine over the repeat (/proc/stat),
//                                             and what neither the workers nor the load generator used
//       "worker_restarts", "notes": [...],
//       "loadgen": {...}           -- the load generator's own document (core/loadgen/loadresultjson.h)
//     }]
//   }],
//   "sweep": {...}                 -- sweeps only: the grid and the rankings (sweepcommand.cpp)
// }

#include "session/abresult.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace wsgi::studio {

inline constexpr int kAbResultJsonVersion = 1;

QJsonObject abResultToJson(const AbResult& result, const AbSummary& summary);
const char* verdictKindName(wsgi::ab::VerdictKind kind); // "higher", "lower", "negligible", ...

// A saved document read back (abresultjsonread.cpp): the plan, machine, limits and variants, and the
// summary as it was saved (medians, spreads, ratios and verdicts are not recomputed, so a document
// reads the same whichever version of the statistics opens it). Of each repeat: round, pid, window,
// machine and restart figures, notes, the load generator's whole result (its "loadgen" document:
// latency histograms, status and error counts, timeline, CPU) and the server window's scalars, status
// counts and histograms. Documents written before the server's response/application/queue
// histograms were saved give those back empty; one without "loadgen" keeps the client's rate,
// requests and CPU only.
struct AbDocument
{
    AbResult result;
    AbSummary summary;
};
// Empty with `error` naming the field when the document is not schema "wsgi-studio-ab-result"
// version 1 or a field has the wrong type. Absent fields take their defaults.
std::optional<AbDocument> abResultFromJson(const QJsonObject& document, QString& error);

} // namespace wsgi::studio
