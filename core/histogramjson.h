#pragma once
// Histogram <-> JSON for the telemetry stream and result files:
//   {"version":1,"count":N,"sum_us":S,"min_us":m,"max_us":M,"buckets":[[index,count],...]}
// Buckets are sparse (non-empty only, ascending) in Histogram's own layout; `version` names that
// layout, so a reader never misplaces counts from a histogram with different bucket edges.

#include "core/histogram.h"
#include "core/json.h"

#include <string>

namespace wsgi {

inline constexpr int kHistogramJsonVersion = 1;

Json histogramToJson(const Histogram& histogram);

// Validates everything (version, types, index range, counts adding up to `count`, min/max inside
// the lowest/highest non-empty bucket) before touching `out`; on failure `out` is unchanged and
// `error` says which field is wrong.
bool histogramFromJson(const Json& json, Histogram& out, std::string& error);

} // namespace wsgi
