#include "core/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace wsgi {

namespace {

// Layout: values 0..63 us each own a bucket (the "exact" range, 2 * kSubBuckets wide so the first
// log octave [64, 128) already has 2 us buckets, i.e. width = value/32 at most). From 64 us on,
// octave e ([2^e, 2^(e+1))) is cut into 32 equal sub-buckets of width 2^(e-5).
constexpr int kSubBuckets = 1 << Histogram::kSubBucketBits;        // 32
constexpr int kLinearBuckets = 2 * kSubBuckets;                    // 64: exact buckets, one per us
constexpr int kFirstLogBits = Histogram::kSubBucketBits + 1;       // 6: 2^6 = 64 starts the log part
constexpr int kOctaves = Histogram::kMaxValueBits - kFirstLogBits; // 34 octaves: 2^6 .. 2^40
constexpr int kBucketCount = kLinearBuckets + kOctaves * kSubBuckets;
constexpr int64_t kMaxValue = (int64_t(1) << Histogram::kMaxValueBits) - 1;

// Values are clamped the same way for buckets and for count/sum/min/max, so the exact statistics
// never disagree with the buckets (a value beyond 2^40 us, 12.7 days, is a broken clock anyway).
int64_t clampValue(int64_t v)
{
    return std::clamp<int64_t>(v, 0, kMaxValue);
}

int64_t saturatingAdd(int64_t a, int64_t b)
{
    int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

int64_t saturatingMul(int64_t a, int64_t b)
{
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r))
        return INT64_MAX; // only called with non-negative operands
    return r;
}

// mod_wsgi 6 (wsgi_record_time_in_buckets): ms < 1 -> 0; ms >= 65536 -> 64; otherwise
// frexp(ms) = m * 2^e, index = (e - 1) * 4 + int((2m - 1) * 4). In microseconds the lower edge of
// index i (1..63) is 1000 * 2^(i/4) * (1 + (i%4)/4) = 250 * 2^(i/4) * (4 + i%4), an integer, so the
// folding below works on exact integer ranges. Note index 0 also receives [1 ms, 1.25 ms)
// (octave 0, sub 0 collides with the "below 1 ms" bucket), so bucket 0 really is [0, 1250) us.
constexpr int kModWsgiBuckets = 65;
constexpr int64_t kModWsgiOverflowUs = 65536000;

int64_t modWsgiLowerUs(int bucket)
{
    if (bucket <= 0)
        return 0;
    if (bucket >= kModWsgiBuckets - 1)
        return kModWsgiOverflowUs;
    return 250 * (int64_t(1) << (bucket / 4)) * (4 + bucket % 4);
}

int modWsgiIndexUs(int64_t us)
{
    if (us < 1250)
        return 0;
    if (us >= kModWsgiOverflowUs)
        return kModWsgiBuckets - 1;
    // Octave from the power of two of us/1000 (ms), then the linear quarter inside it.
    // floor(us / 1000) lies in [2^o, 2^(o+1)) exactly when us lies in [1000 * 2^o, 1000 * 2^(o+1)).
    const int octave = std::bit_width(uint64_t(us / 1000)) - 1;
    const int64_t base = 1000 * (int64_t(1) << octave);
    const int sub = int(std::min<int64_t>(3, (us - base) * 4 / base));
    return octave * 4 + sub;
}

} // namespace

int Histogram::bucketCount()
{
    return kBucketCount;
}

int Histogram::bucketIndex(int64_t valueUs)
{
    const int64_t v = clampValue(valueUs);
    if (v < kLinearBuckets)
        return int(v);
    const int e = std::bit_width(uint64_t(v)) - 1; // 6..39
    const int shift = e - kSubBucketBits;
    const int sub = int(v >> shift) - kSubBuckets; // 0..31
    return kLinearBuckets + (e - kFirstLogBits) * kSubBuckets + sub;
}

int64_t Histogram::bucketLower(int bucket)
{
    bucket = std::clamp(bucket, 0, kBucketCount - 1);
    if (bucket < kLinearBuckets)
        return bucket;
    const int octave = (bucket - kLinearBuckets) / kSubBuckets;
    const int sub = (bucket - kLinearBuckets) % kSubBuckets;
    const int shift = octave + kFirstLogBits - kSubBucketBits;
    return int64_t(kSubBuckets + sub) << shift;
}

int64_t Histogram::bucketUpper(int bucket)
{
    bucket = std::clamp(bucket, 0, kBucketCount - 1);
    if (bucket < kLinearBuckets)
        return bucket + 1;
    const int octave = (bucket - kLinearBuckets) / kSubBuckets;
    return bucketLower(bucket) + (int64_t(1) << (octave + kFirstLogBits - kSubBucketBits));
}

void Histogram::record(int64_t valueUs, int64_t count)
{
    if (count <= 0)
        return;
    const int64_t v = clampValue(valueUs);
    if (m_buckets.empty())
        m_buckets.assign(kBucketCount, 0);
    int64_t& slot = m_buckets[bucketIndex(v)];
    slot = saturatingAdd(slot, count);
    m_count = saturatingAdd(m_count, count);
    m_sum = saturatingAdd(m_sum, saturatingMul(v, count));
    m_min = std::min(m_min, v);
    m_max = std::max(m_max, v);
}

void Histogram::merge(const Histogram& other)
{
    if (other.m_count == 0)
        return;
    if (m_buckets.empty())
        m_buckets.assign(kBucketCount, 0);
    for (int i = 0; i < kBucketCount; ++i)
        m_buckets[i] = saturatingAdd(m_buckets[i], other.m_buckets[i]);
    m_count = saturatingAdd(m_count, other.m_count);
    m_sum = saturatingAdd(m_sum, other.m_sum);
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
}

void Histogram::clear()
{
    // Keep the allocation: interval histograms are cleared and refilled every tick.
    std::fill(m_buckets.begin(), m_buckets.end(), 0);
    m_count = 0;
    m_sum = 0;
    m_min = INT64_MAX;
    m_max = 0;
}

int64_t Histogram::min() const
{
    return m_count == 0 ? 0 : m_min;
}

int64_t Histogram::max() const
{
    return m_count == 0 ? 0 : m_max;
}

double Histogram::mean() const
{
    return m_count == 0 ? 0.0 : double(m_sum) / double(m_count);
}

int64_t Histogram::bucketCountAt(int bucket) const
{
    if (m_buckets.empty() || bucket < 0 || bucket >= kBucketCount)
        return 0;
    return m_buckets[bucket];
}

double Histogram::percentile(double percent) const
{
    if (m_count == 0)
        return 0.0;
    if (!(percent > 0.0)) // also NaN
        return double(m_min);
    if (percent >= 100.0)
        return double(m_max);
    // Fractional rank: the sample at rank r sits (r - before) / n of the way through its bucket,
    // assuming samples spread evenly over the bucket's range.
    const double rank = percent / 100.0 * double(m_count);
    double before = 0.0;
    for (int i = 0; i < kBucketCount; ++i) {
        const int64_t n = m_buckets[i];
        if (n == 0)
            continue;
        if (before + double(n) >= rank) {
            const double lo = double(bucketLower(i));
            const double width = double(bucketUpper(i) - bucketLower(i));
            const double v = lo + width * ((rank - before) / double(n));
            return std::clamp(v, double(m_min), double(m_max));
        }
        before += double(n);
    }
    return double(m_max); // rounding left the rank past the last bucket
}

std::vector<std::pair<int, int64_t>> Histogram::sparse() const
{
    std::vector<std::pair<int, int64_t>> out;
    for (int i = 0; i < int(m_buckets.size()); ++i)
        if (m_buckets[i] != 0)
            out.emplace_back(i, m_buckets[i]);
    return out;
}

bool Histogram::assign(const std::vector<std::pair<int, int64_t>>& buckets, int64_t sum, int64_t min,
                       int64_t max)
{
    // Validate everything first so a bad message leaves the histogram untouched.
    for (const auto& [index, n] : buckets)
        if (index < 0 || index >= kBucketCount || n < 0)
            return false;
    clear();
    if (m_buckets.empty())
        m_buckets.assign(kBucketCount, 0);
    for (const auto& [index, n] : buckets) {
        m_buckets[index] = saturatingAdd(m_buckets[index], n);
        m_count = saturatingAdd(m_count, n);
    }
    if (m_count > 0) {
        m_sum = sum;
        m_min = clampValue(min);
        m_max = clampValue(max);
    }
    return true;
}

std::array<int64_t, 65> Histogram::modWsgiBuckets() const
{
    std::array<int64_t, 65> out{};
    for (int i = 0; i < int(m_buckets.size()); ++i) {
        const int64_t n = m_buckets[i];
        if (n == 0)
            continue;
        const int64_t lo = bucketLower(i);
        const int64_t hi = bucketUpper(i);
        const int first = modWsgiIndexUs(lo);
        const int last = modWsgiIndexUs(hi - 1);
        if (first == last) {
            out[first] += n;
            continue;
        }
        // Our bucket straddles one or more mod_wsgi boundaries: share its count in proportion to
        // how many of its integer microsecond values fall on each side (samples are assumed to be
        // spread evenly over the bucket, the same assumption percentile() makes). Rounding the
        // cumulative share keeps the total exact.
        const int64_t width = hi - lo;
        int64_t assigned = 0;
        for (int m = first; m <= last; ++m) {
            const int64_t upTo = m == last ? hi : std::min(hi, modWsgiLowerUs(m + 1));
            const int64_t covered = upTo - lo;
            const int64_t cum =
                covered == width ? n : int64_t(std::llround((long double)n * covered / width));
            out[m] += cum - assigned;
            assigned = cum;
        }
    }
    return out;
}

double Histogram::modWsgiBucketLowerMs(int bucket)
{
    // Bucket 0 starts at 0 (as mod_wsgi-telemetry's browser UI assumes; its TUI says 1 ms). The
    // overflow bucket 64 reports its lower edge, 65536 ms.
    return double(modWsgiLowerUs(bucket)) / 1000.0;
}

int Histogram::modWsgiBucketIndexUs(int64_t valueUs)
{
    return modWsgiIndexUs(clampValue(valueUs));
}

bool operator==(const Histogram& a, const Histogram& b)
{
    if (a.m_count != b.m_count || a.m_sum != b.m_sum || a.min() != b.min() || a.max() != b.max())
        return false;
    for (int i = 0; i < kBucketCount; ++i)
        if (a.bucketCountAt(i) != b.bucketCountAt(i))
            return false;
    return true;
}

} // namespace wsgi
