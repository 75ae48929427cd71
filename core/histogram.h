#pragma once
// Log-linear histogram of durations in microseconds (HDR-style): exact below 64 us, then 32 linear
// sub-buckets per power of two, so the relative error of any bucket is below 1/32 (about 3%), from
// 1 us to beyond 100 s (values up to 2^40 us, about 12.7 days, are kept; larger ones saturate).
// Mergeable across processes and intervals, sparse on the wire, and foldable into mod_wsgi 6's
// 65-bucket layout (bucket 0 below 1 ms, then 4 sub-buckets per octave from 1 ms to 65.536 s, then
// overflow) so numbers compare with mod_wsgi-telemetry.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wsgi {

class Histogram
{
public:
    static constexpr int kSubBucketBits = 5; // 32 sub-buckets per octave
    static constexpr int kMaxValueBits = 40;
    static int bucketCount();
    static int bucketIndex(int64_t valueUs); // clamps negatives to 0 and huge values to the last bucket
    static int64_t bucketLower(int bucket);  // smallest value in the bucket
    static int64_t bucketUpper(int bucket);  // one past the largest value in the bucket

    void record(int64_t valueUs, int64_t count = 1);
    void merge(const Histogram& other);
    void clear();

    int64_t count() const { return m_count; }
    int64_t sum() const { return m_sum; } // exact sum of recorded values, us
    int64_t min() const;                  // exact; 0 when empty
    int64_t max() const;                  // exact; 0 when empty
    double mean() const;

    // The value below which `percent` (0..100) of the samples fall, interpolated linearly inside the
    // bucket that holds that rank, clamped to [min, max]. 0 when empty.
    double percentile(double percent) const;

    // Non-empty buckets as (index, count), ascending: the wire form.
    std::vector<std::pair<int, int64_t>> sparse() const;
    // Rebuilds from the wire form plus the exact count/sum/min/max; false when an index is out of range.
    bool assign(const std::vector<std::pair<int, int64_t>>& buckets, int64_t sum, int64_t min, int64_t max);

    // mod_wsgi 6's 65 buckets (wsgi_record_time_in_buckets), counts redistributed by bucket range.
    std::array<int64_t, 65> modWsgiBuckets() const;
    static double modWsgiBucketLowerMs(int bucket);
    // The mod_wsgi bucket a single value lands in (0..64), by the same rule as the folding above.
    static int modWsgiBucketIndexUs(int64_t valueUs);

    int64_t bucketCountAt(int bucket) const; // 0 for an out-of-range index
    // Same samples: equal count, sum, min, max and buckets (allocation state does not matter).
    friend bool operator==(const Histogram& a, const Histogram& b);

private:
    std::vector<int64_t> m_buckets; // allocated on first record
    int64_t m_count = 0;
    int64_t m_sum = 0;
    int64_t m_min = INT64_MAX;
    int64_t m_max = 0;
};

} // namespace wsgi
