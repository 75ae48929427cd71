#include "core/abstats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wsgi::ab {

namespace {

// SplitMix64: tiny, fast, and defined bit for bit, so a fixed seed gives the same interval with any
// compiler and standard library (std::uniform_int_distribution does not promise that).
class SplitMix64
{
public:
    explicit SplitMix64(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n): the modulo bias is below n / 2^64, nothing for a few dozen rounds.
    size_t below(size_t n) { return size_t(next() % n); }

private:
    uint64_t m_state;
};

std::string formatBound(double value)
{
    std::string text = formatRatio(value);
    text.pop_back(); // the "x": an interval reads "1.90–2.30"
    return text;
}

// A bound as formatRatio prints it (two decimals below 10).
double roundedBound(double value)
{
    return value >= 9.995 ? std::round(value * 10) / 10 : std::round(value * 100) / 100;
}

} // namespace

double Spread::halfRangeRelative() const
{
    return median != 0 ? (max - min) / (2 * std::fabs(median)) : 0;
}

double sortedQuantile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    const double position = q * double(sorted.size() - 1);
    const auto below = size_t(std::floor(position));
    const size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - double(below);
    return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return sortedQuantile(values, 0.5);
}

Spread summarize(std::vector<double> values)
{
    Spread s;
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    s.n = int(values.size());
    s.median = sortedQuantile(values, 0.5);
    s.min = values.front();
    s.max = values.back();
    s.q1 = sortedQuantile(values, 0.25);
    s.q3 = sortedQuantile(values, 0.75);
    return s;
}

RatioEstimate pairedRatio(const std::vector<std::optional<double>>& candidate,
                          const std::vector<std::optional<double>>& baseline, int resamples, uint64_t seed,
                          double confidence)
{
    RatioEstimate e;
    e.confidence = confidence;
    e.resamples = resamples;
    e.seed = seed;
    std::vector<double> logRatios;
    for (size_t k = 0; k < std::min(candidate.size(), baseline.size()); ++k) {
        if (candidate[k] && baseline[k] && *candidate[k] > 0 && *baseline[k] > 0)
            logRatios.push_back(std::log(*candidate[k] / *baseline[k]));
    }
    e.pairs = int(logRatios.size());
    if (logRatios.empty())
        return e;
    e.valid = true;
    double sum = 0;
    for (double r : logRatios)
        sum += r;
    const double n = double(logRatios.size());
    e.ratio = std::exp(sum / n);
    if (resamples <= 0 || logRatios.size() == 1) {
        e.low = e.high = e.ratio;
        return e;
    }
    SplitMix64 rng(seed);
    std::vector<double> means(static_cast<size_t>(resamples));
    for (double& mean : means) {
        double s = 0;
        for (size_t i = 0; i < logRatios.size(); ++i)
            s += logRatios[rng.below(logRatios.size())];
        mean = s / n;
    }
    std::sort(means.begin(), means.end());
    const double tail = (1 - confidence) / 2;
    e.low = std::exp(sortedQuantile(means, tail));
    e.high = std::exp(sortedQuantile(means, 1 - tail));
    return e;
}

std::string formatRatio(double ratio)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, ratio >= 9.995 ? "%.1fx" : "%.2fx", ratio);
    return buf;
}

Verdict verdict(const std::string& candidate, const std::string& baseline, const RatioEstimate& e)
{
    Verdict v;
    if (!e.valid || e.pairs < kMinimumPairs) {
        v.kind = VerdictKind::Insufficient;
        v.text = candidate + " cannot be compared with " + baseline + ": " + std::to_string(e.pairs) +
                 " paired repeat" + (e.pairs == 1 ? "" : "s") + ", at least " +
                 std::to_string(kMinimumPairs) + " needed";
        return v;
    }
    const std::string level = std::to_string(int(std::lround(e.confidence * 100))) + "% CI ";
    const std::string interval = level + formatBound(e.low) + "\u2013" + formatBound(e.high);
    // Judged at the printed precision: an interval shown as "0.75–1.00" reads as reaching 1, and a
    // bound that close to 1 is no evidence of a difference with a handful of repeats anyway.
    if (roundedBound(e.low) <= 1.0 && roundedBound(e.high) >= 1.0) {
        v.kind = VerdictKind::WithinNoise;
        v.text = candidate + " and " + baseline + " differ by less than the noise (" + formatRatio(e.ratio) +
                 ", " + interval + " spans 1.0)";
        return v;
    }
    if (e.low >= 1.0 - kNegligibleDifference && e.high <= 1.0 + kNegligibleDifference) {
        v.kind = VerdictKind::Negligible;
        v.text = candidate + " is " + formatRatio(e.ratio) + " " + baseline + " (" + interval +
                 "): real, but under " + std::to_string(int(std::lround(kNegligibleDifference * 100))) + "%";
        return v;
    }
    v.kind = e.low > 1.0 ? VerdictKind::Higher : VerdictKind::Lower;
    v.text = candidate + " is " + formatRatio(e.ratio) + " " + baseline + " (" + interval + ")";
    return v;
}

} // namespace wsgi::ab
