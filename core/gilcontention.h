#pragma once
// The contention shape of a GIL-wait histogram, computed as mod_wsgi-telemetry does
// (telemetry/src/mod_wsgi/telemetry/contention.py; reference/modwsgi.md section 4), so the studio's
// q can be read beside mod_wsgi's.
//
// A thread that misses the GIL hand-off waits roughly one more switch interval s per missed cycle,
// so per-request waits cluster near 0, s, 2s, 3s... Samples are banded by cycles waited:
//   k0 [0, 0.8s)  k1 [0.8s, 1.8s)  k2 [1.8s, 2.8s)  k3 [2.8s, 3.8s)  k4+ [3.8s, inf)
// (a histogram bucket goes to the band holding its midpoint). Under fair contention
// P(k) = (1 - q)^k * q, so log(c_k) falls linearly in k with slope log(1 - q); q, the per-cycle
// hand-off success probability, comes from a count-weighted least-squares line through
// (k, log c_k) over c1..c3. k0 is left out because voluntary releases (I/O) inflate it. When
// c1 < c2 the head is contaminated (mod_wsgi's 1.25 ms first bucket swallows k1 at small s), and,
// as in contention.py, also whenever the primary fit cannot be used, c2..c4+ is fitted instead.
// A fit needs >= 100 events in its bands, a falling line and R^2 >= 0.5.
// q describes the decay's shape, not severity: read it with the mean GIL wait.

#include "core/histogram.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace wsgi {

struct GilContention
{
    std::array<int64_t, 5> bands{};    // c0, c1, c2, c3, c4+
    std::array<double, 5> fractions{}; // bands / events; all 0 without events
    std::optional<double> q;           // accepted fit only
    std::optional<double> r2;          // of the last fit computed, also when it was rejected
    std::string label;     // "transient" (q >= 0.7), "compounding" (>= 0.4), "convoy"; "" without q
    std::string reason;    // how q was obtained, or why there is none
    std::string fit;       // "primary" (c1..c3), "fallback_c2_c4plus", "" without q
    int64_t events = 0;    // samples in all bands
    int64_t fitEvents = 0; // samples in the bands of the accepted (or last tried) fit
    double switchIntervalS = 0.0;
    double p50Us = 0.0;
    double p95Us = 0.0;
    double p99Us = 0.0;
};

inline constexpr int64_t kGilContentionMinEvents = 100;
inline constexpr double kGilContentionMinR2 = 0.5;

// Lower edges of the bands k0..k4+, microseconds, for switch interval `switchIntervalS` seconds.
std::array<double, 5> gilContentionBandLowerUs(double switchIntervalS);

// Per-request GIL waits (us) banded at multiples of the switch interval; all 0 for s <= 0.
std::array<int64_t, 5> gilContentionBands(const Histogram& gilWaitUs, double switchIntervalS);

// The fit and label from band counts alone (what mod_wsgi-telemetry computes from its buckets).
GilContention gilContentionFromBands(const std::array<int64_t, 5>& bands);

// Bands, fractions, fit, label and p50/p95/p99 of a GIL-wait histogram.
GilContention analyzeGilContention(const Histogram& gilWaitUs, double switchIntervalS);

const char* gilContentionLabel(double q);

} // namespace wsgi
