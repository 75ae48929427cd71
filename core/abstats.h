#pragma once
// The statistics of an A/B run: medians and spread of a few repeats, the ratio of two variants with
// a bootstrap confidence interval, and the plain-words verdict the CLI prints. Plain C++ so the GUI,
// the CLI and tests share one definition of "different".
//
// Why paired: A/B runs alternate the variants (A B A B ...), so the k-th repeat of A and of B ran
// seconds apart under the same background load. The ratio B_k / A_k cancels slow drift on a shared
// machine that an unpaired comparison would count as noise (or, worse, as a difference). The point
// estimate is the geometric mean of the per-round ratios (ratios average on a log scale: 2x and 0.5x
// cancel), and the interval is the percentile bootstrap of that mean over resampled rounds.
//
// With 3 rounds the 95% interval is in effect the range of the three ratios: honest, not generous.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wsgi::ab {

// Median and spread of one quantity across repeats.
struct Spread
{
    int n = 0;
    double median = 0;
    double min = 0;
    double max = 0;
    double q1 = 0; // 25th and 75th percentiles, linear interpolation (type 7)
    double q3 = 0;
    // Half the min-max range relative to the median: the "±" the tables print. 0 when the median is 0.
    double halfRangeRelative() const;
};

// Empty input gives n == 0 and zeros. NaNs must not be passed.
Spread summarize(std::vector<double> values);
double median(std::vector<double> values);
// Quantile q (0..1) of already sorted values, linear interpolation between closest ranks (type 7).
double sortedQuantile(const std::vector<double>& sorted, double q);

inline constexpr int kDefaultBootstrapResamples = 10000;
inline constexpr uint64_t kDefaultBootstrapSeed = 20240611; // fixed: the same data gives the same CI
inline constexpr double kDefaultConfidence = 0.95;

struct RatioEstimate
{
    bool valid = false; // false without at least one usable pair
    int pairs = 0;      // rounds where both had a positive value
    double ratio = 0;   // geometric mean of candidate_k / baseline_k
    double low = 0;     // confidence interval bounds
    double high = 0;
    double confidence = kDefaultConfidence;
    int resamples = 0;
    uint64_t seed = 0;
};

// Pairs candidate[k] with baseline[k] (same round; std::nullopt where a round is missing) and
// bootstraps the geometric mean ratio. Rounds where either value is missing or not positive are
// skipped. Deterministic for a given seed, on every platform (own generator, no std distributions).
RatioEstimate pairedRatio(const std::vector<std::optional<double>>& candidate,
                          const std::vector<std::optional<double>>& baseline,
                          int resamples = kDefaultBootstrapResamples, uint64_t seed = kDefaultBootstrapSeed,
                          double confidence = kDefaultConfidence);

enum class VerdictKind
{
    Higher,       // the interval lies above 1 (by more than the negligible band)
    Lower,        // the interval lies below 1
    Negligible,   // the interval excludes 1 but lies within +-kNegligibleDifference of it
    WithinNoise,  // the interval contains 1 (at the printed precision: 0.9996 is shown, and read, as 1.00)
    Insufficient, // fewer than 2 pairs: no interval worth the name
};
inline constexpr double kNegligibleDifference = 0.03;
inline constexpr int kMinimumPairs = 2;

struct Verdict
{
    VerdictKind kind = VerdictKind::Insufficient;
    std::string text; // one sentence, no trailing period
};

// "B is 2.10x A (95% CI 1.90–2.30)", "B and A differ by less than the noise (1.02x, 95% CI
// 0.95–1.09 spans 1.0)", ... (the en dash is UTF-8).
Verdict verdict(const std::string& candidate, const std::string& baseline, const RatioEstimate& estimate);

// "2.10x" below 10, "12.3x" above: two significant decimals where they mean something.
std::string formatRatio(double ratio);

} // namespace wsgi::ab
