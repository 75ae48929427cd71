#pragma once
// LoadResult as JSON: what `wsgi-loadgen --json` prints, what the CLI and the GUI save, and what A/B
// runs merge (the full histograms are included, so percentiles of several runs can be recomputed).
//
// Schema "wsgi-loadgen-result", version 1. Times are microseconds unless the key says _s or _ms.
// {
//   "schema": "wsgi-loadgen-result", "version": 1,
//   "url": "http://127.0.0.1:8080/", "method": "GET",
//   "connections": 64, "threads": 2,
//   "mode": "closed" | "open",
//   "target_rate": 0,               // requests/s asked for; 0 in closed loop
//   "warmup_s": 2.0,                // excluded from everything below except *_total
//   "timeout_ms": 5000,
//   "stopped_by": "duration" | "count" | "cancelled" | "failed",
//   "failure": "...",               // present only when something failed
//   "duration_s": 10.0,             // the measured window
//   "requests": 123456,             // answers (any status) to requests sent in the window
//   "requests_in_window": 123400,   // of those, answered before the window closed
//   "rate": 12345.6,                // requests_in_window / duration_s (throughput, as wrk2 counts)
//   "status": {"1xx": 0, "2xx": 123456, "3xx": 0, "4xx": 0, "5xx": 0, "other": 0},
//   "errors": {"connect": 0, "timeout": 0, "reset": 0, "closed": 0, "bad_response": 0, "total": 0},
//   "bytes": {"read": 150000000, "written": 4000000},
//   "latency_us": {                 // corrected: from the intended send time (open loop);
//                                   // closed loop has one latency, the same in both objects
//     "count": 123456, "min": 80, "mean": 510.2,
//     "p50": 480.0, "p90": 700.0, "p99": 1200.0, "p99_9": 2500.0, "p99_99": 4000.0, "max": 5100,
//     "histogram": {...}            // core/histogramjson.h form: version, count, sum_us, min_us,
//                                   // max_us, sparse [[bucket, count], ...]
//   },
//   "latency_uncorrected_us": {...},// same shape: from the actual send time (what wrk reports)
//   "schedule": {                   // open loop only, null in closed loop
//     "late": 12,                   // sends more than late_threshold_us behind their slot
//     "late_threshold_us": 1000,
//     "lateness_total_us": 450000, "lateness_max_us": 99000,
//     "unsent": 0                   // measured slots never sent (a slot still unsent when the window
//                                   // closes goes out late for up to 1 s, or timeout_ms if shorter,
//                                   // then counts here)
//   },
//   "connections_opened": 64,       // whole run: keep-alive means this equals "connections"
//   "requests_sent_total": 150000,  // whole run, warm-up included (matches what the server saw)
//   "responses_total": 150000,      // whole run, warm-up included
//   "unfinished": 0,                // measured requests in flight when a run was cancelled
//   "client_cpu": {                 // the generator's own threads (CLOCK_THREAD_CPUTIME_ID), whole run
//     "threads_s": [1.2, 1.1],      // CPU seconds of each worker thread
//     "coordinator_s": 0.01,        // the thread that ran the run (progress, merging)
//     "total_s": 2.31, "wall_s": 12.0, "cores": 0.19
//   },
//   "timeline": [                   // one entry per second from the window's start, by completion
//                                   // time; the last in-window second may be partial
//     {"second": 0, "requests": 12001, "errors": 0, "p50_us": 470.0, "p99_us": 1100.0,
//      "histogram": {...}},         // that second's latencies, so the timeline can be read back
//     ...
//     {"second": 10, ..., "drain": true} // entries starting at or after duration_s: answers to
//                                   // requests still in flight (or sent late) when the window closed
//   ]
// }

#include "core/json.h"
#include "core/loadgen/loadresult.h"

namespace wsgi::loadgen {

inline constexpr int kLoadResultJsonVersion = 1;

Json loadResultToJson(const LoadResult& result);

// The reverse, for documents that embed this one (A/B results): everything the writer derived
// (mode, totals, percentiles, cores) is recomputed from what it kept, so loadResultToJson of the
// result gives the same document back. Absent fields take their defaults (a timeline second from
// before "histogram" was written has no latencies); false with `error` naming the field when the
// schema, the version or a field's type is wrong, leaving `out` unchanged.
bool loadResultFromJson(const Json& json, LoadResult& out, std::string& error);

} // namespace wsgi::loadgen
