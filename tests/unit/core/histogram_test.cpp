#include "core/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using wsgi::Histogram;

namespace {

// Independent re-implementation of mod_wsgi 6's wsgi_record_time_in_buckets, fed the way mod_wsgi
// feeds it: seconds as a double (us / 1e6), turned into ms, then frexp.
int modWsgiReferenceIndex(int64_t us)
{
    const double seconds = double(us) / 1.0e6;
    const double ms = seconds * 1000.0;
    if (ms < 1.0)
        return 0;
    if (ms >= 65536.0)
        return 64;
    int exp = 0;
    const double mantissa = std::frexp(ms, &exp);
    int sub = int((2.0 * mantissa - 1.0) * 4.0);
    if (sub > 3)
        sub = 3;
    return (exp - 1) * 4 + sub;
}

// Nearest-rank percentile of the raw samples: the smallest value with at least p% at or below it.
double exactPercentile(std::vector<int64_t> sorted, double p)
{
    const auto n = sorted.size();
    auto rank = size_t(std::ceil(p / 100.0 * double(n)));
    rank = std::clamp<size_t>(rank, 1, n);
    return double(sorted[rank - 1]);
}

void expectPercentilesClose(const std::vector<int64_t>& samples, const char* what)
{
    Histogram h;
    for (int64_t v : samples)
        h.record(v);
    std::vector<int64_t> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    for (double p : {50.0, 90.0, 99.0, 99.9}) {
        const double exact = exactPercentile(sorted, p);
        const double got = h.percentile(p);
        const double tolerance = std::max(0.05 * exact, 1.0);
        EXPECT_NEAR(got, exact, tolerance) << what << " p" << p;
    }
    EXPECT_EQ(h.min(), sorted.front()) << what;
    EXPECT_EQ(h.max(), sorted.back()) << what;
    EXPECT_EQ(h.percentile(0), double(sorted.front())) << what;
    EXPECT_EQ(h.percentile(100), double(sorted.back())) << what;
}

constexpr int kSamples = 200000;

} // namespace

TEST(HistogramLayout, BucketsAreContiguousAndNarrow)
{
    const int n = Histogram::bucketCount();
    ASSERT_GT(n, 64);
    EXPECT_EQ(Histogram::bucketLower(0), 0);
    for (int i = 0; i < n; ++i) {
        const int64_t lo = Histogram::bucketLower(i);
        const int64_t hi = Histogram::bucketUpper(i);
        ASSERT_LT(lo, hi) << i;
        if (i + 1 < n) {
            ASSERT_EQ(hi, Histogram::bucketLower(i + 1)) << i;
        }
        ASSERT_EQ(Histogram::bucketIndex(lo), i);
        ASSERT_EQ(Histogram::bucketIndex(hi - 1), i);
        if (lo < 64)
            ASSERT_EQ(hi - lo, 1) << "exact below 64 us, bucket " << i;
        else
            ASSERT_LE(hi - lo, lo / 32) << "width at most value/32, bucket " << i;
    }
    EXPECT_EQ(Histogram::bucketUpper(n - 1), int64_t(1) << Histogram::kMaxValueBits);
    // 100 s must still be resolved, not saturated.
    EXPECT_LT(Histogram::bucketIndex(100'000'000), n - 1);
}

TEST(HistogramLayout, IndexClampsOutOfRange)
{
    EXPECT_EQ(Histogram::bucketIndex(-5), 0);
    EXPECT_EQ(Histogram::bucketIndex(INT64_MIN), 0);
    EXPECT_EQ(Histogram::bucketIndex(INT64_MAX), Histogram::bucketCount() - 1);
    EXPECT_EQ(Histogram::bucketIndex(int64_t(1) << 50), Histogram::bucketCount() - 1);
}

TEST(HistogramEdge, Empty)
{
    Histogram h;
    EXPECT_EQ(h.count(), 0);
    EXPECT_EQ(h.sum(), 0);
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.max(), 0);
    EXPECT_EQ(h.mean(), 0.0);
    EXPECT_EQ(h.percentile(50), 0.0);
    EXPECT_EQ(h.percentile(99.9), 0.0);
    EXPECT_TRUE(h.sparse().empty());
    for (int64_t c : h.modWsgiBuckets())
        EXPECT_EQ(c, 0);
    EXPECT_EQ(h, Histogram());
}

TEST(HistogramEdge, ZeroNegativeOneAndHuge)
{
    Histogram h;
    h.record(0);
    EXPECT_EQ(h.count(), 1);
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.max(), 0);
    EXPECT_EQ(h.percentile(50), 0.0);

    h.record(-42); // negative deltas clamp to 0, as mod_wsgi does
    EXPECT_EQ(h.count(), 2);
    EXPECT_EQ(h.sum(), 0);
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.bucketCountAt(0), 2);

    Histogram one;
    one.record(1);
    EXPECT_EQ(one.bucketCountAt(1), 1);
    EXPECT_EQ(one.percentile(50), 1.0);
    EXPECT_EQ(one.percentile(99.99), 1.0);

    Histogram huge;
    huge.record(INT64_MAX);
    huge.record(INT64_MAX);
    const int64_t cap = (int64_t(1) << Histogram::kMaxValueBits) - 1;
    EXPECT_EQ(huge.max(), cap);
    EXPECT_EQ(huge.sum(), 2 * cap);
    EXPECT_EQ(huge.bucketCountAt(Histogram::bucketCount() - 1), 2);
    EXPECT_EQ(huge.percentile(50), double(cap));
    EXPECT_EQ(huge.modWsgiBuckets()[64], 2);

    Histogram ignored;
    ignored.record(10, 0);
    ignored.record(10, -3);
    EXPECT_EQ(ignored.count(), 0);
}

TEST(HistogramEdge, CountsWeightAndClear)
{
    Histogram h;
    h.record(100, 5);
    h.record(300, 5);
    EXPECT_EQ(h.count(), 10);
    EXPECT_EQ(h.sum(), 2000);
    EXPECT_DOUBLE_EQ(h.mean(), 200.0);
    EXPECT_EQ(h.min(), 100);
    EXPECT_EQ(h.max(), 300);
    h.clear();
    EXPECT_EQ(h, Histogram());
    EXPECT_EQ(h.min(), 0);
    h.record(7);
    EXPECT_EQ(h.min(), 7);
}

TEST(HistogramEdge, SmallExactValues)
{
    Histogram h;
    for (int v = 0; v < 64; ++v)
        h.record(v);
    // Each value owns its bucket: percentiles are off by at most the 1 us interpolation.
    EXPECT_NEAR(h.percentile(50), 31.0, 1.0);
    EXPECT_NEAR(h.percentile(90), 57.0, 1.0);
    EXPECT_EQ(h.percentile(100), 63.0);
}

TEST(HistogramPercentile, Uniform)
{
    std::mt19937_64 rng(1);
    std::uniform_int_distribution<int64_t> dist(0, 50'000);
    std::vector<int64_t> samples(kSamples);
    for (auto& v : samples)
        v = dist(rng);
    expectPercentilesClose(samples, "uniform");
}

TEST(HistogramPercentile, Exponential)
{
    std::mt19937_64 rng(2);
    std::exponential_distribution<double> dist(1.0 / 2'000.0); // mean 2 ms
    std::vector<int64_t> samples(kSamples);
    for (auto& v : samples)
        v = int64_t(dist(rng));
    expectPercentilesClose(samples, "exponential");
}

TEST(HistogramPercentile, BimodalAroundMultiplesOfFiveMs)
{
    // GIL-wait-like: clusters near 5, 10, 15, 20 ms. Weights keep every tested percentile inside a
    // cluster rather than in the empty gap between two (where "the" percentile is ill-defined).
    std::mt19937_64 rng(3);
    std::discrete_distribution<int> cluster({55, 30, 12, 3});
    std::normal_distribution<double> jitter(0.0, 200.0);
    std::vector<int64_t> samples(kSamples);
    for (auto& v : samples)
        v = std::max<int64_t>(0, int64_t(5'000.0 * (cluster(rng) + 1) + jitter(rng)));
    expectPercentilesClose(samples, "bimodal");
}

TEST(HistogramPercentile, HeavyTailTo100Seconds)
{
    // Pareto, alpha 0.8, from 1 ms, capped at 100 s: p99.9 lands in the seconds.
    std::mt19937_64 rng(4);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<int64_t> samples(kSamples);
    for (auto& v : samples) {
        const double x = 1'000.0 / std::pow(1.0 - u(rng), 1.0 / 0.8);
        v = int64_t(std::min(x, 100e6));
    }
    expectPercentilesClose(samples, "heavy tail");
    Histogram h;
    for (int64_t v : samples)
        h.record(v);
    EXPECT_GT(h.percentile(99.9), 1e6);
}

TEST(HistogramMerge, EqualsRecordingEverythingInOne)
{
    std::mt19937_64 rng(5);
    std::lognormal_distribution<double> dist(8.0, 2.0);
    Histogram all;
    std::array<Histogram, 3> parts;
    for (int i = 0; i < 50'000; ++i) {
        const auto v = int64_t(dist(rng));
        all.record(v);
        parts[i % 3].record(v);
    }
    Histogram merged;
    for (const auto& p : parts)
        merged.merge(p);
    EXPECT_EQ(merged, all);
    EXPECT_EQ(merged.count(), all.count());
    EXPECT_EQ(merged.sum(), all.sum());
    EXPECT_EQ(merged.percentile(99), all.percentile(99));

    Histogram withEmpty = all;
    withEmpty.merge(Histogram());
    EXPECT_EQ(withEmpty, all);
    EXPECT_EQ(withEmpty.min(), all.min());
}

TEST(HistogramWire, SparseRoundTrip)
{
    std::mt19937_64 rng(6);
    std::exponential_distribution<double> dist(1.0 / 700.0);
    Histogram h;
    for (int i = 0; i < 10'000; ++i)
        h.record(int64_t(dist(rng)));
    const auto sparse = h.sparse();
    ASSERT_FALSE(sparse.empty());
    EXPECT_TRUE(std::is_sorted(sparse.begin(), sparse.end()));
    for (const auto& [index, n] : sparse)
        EXPECT_GT(n, 0);

    Histogram back;
    ASSERT_TRUE(back.assign(sparse, h.sum(), h.min(), h.max()));
    EXPECT_EQ(back, h);
    EXPECT_EQ(back.percentile(95), h.percentile(95));
}

TEST(HistogramWire, AssignRejectsBadIndexAndKeepsState)
{
    Histogram h;
    h.record(10);
    EXPECT_FALSE(h.assign({{3, 1}, {Histogram::bucketCount(), 1}}, 3, 3, 3));
    EXPECT_FALSE(h.assign({{-1, 1}}, 0, 0, 0));
    EXPECT_FALSE(h.assign({{3, -1}}, 0, 0, 0));
    EXPECT_EQ(h.count(), 1);
    EXPECT_EQ(h.max(), 10);
    EXPECT_TRUE(h.assign({}, 0, 0, 0));
    EXPECT_EQ(h, Histogram());
}

TEST(HistogramModWsgi, SingleValueIndexMatchesFrexpFormula)
{
    for (int64_t us = 0; us < 300'000; ++us)
        ASSERT_EQ(Histogram::modWsgiBucketIndexUs(us), modWsgiReferenceIndex(us)) << us;
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int64_t> dist(0, 80'000'000);
    for (int i = 0; i < 200'000; ++i) {
        const int64_t us = dist(rng);
        ASSERT_EQ(Histogram::modWsgiBucketIndexUs(us), modWsgiReferenceIndex(us)) << us;
    }
    EXPECT_EQ(Histogram::modWsgiBucketIndexUs(-1), 0);
    EXPECT_EQ(Histogram::modWsgiBucketIndexUs(INT64_MAX), 64);
}

TEST(HistogramModWsgi, LowerEdges)
{
    EXPECT_EQ(Histogram::modWsgiBucketLowerMs(0), 0.0);
    EXPECT_EQ(Histogram::modWsgiBucketLowerMs(1), 1.25);
    EXPECT_EQ(Histogram::modWsgiBucketLowerMs(4), 2.0);
    EXPECT_EQ(Histogram::modWsgiBucketLowerMs(63), 32768.0 * 1.75);
    EXPECT_EQ(Histogram::modWsgiBucketLowerMs(64), 65536.0);
    for (int i = 1; i < 65; ++i) {
        const auto us = int64_t(std::llround(Histogram::modWsgiBucketLowerMs(i) * 1000.0));
        EXPECT_EQ(modWsgiReferenceIndex(us), i) << i;
        EXPECT_EQ(modWsgiReferenceIndex(us - 1), i - 1) << i;
    }
}

TEST(HistogramModWsgi, FoldingPutsValuesWhereModWsgiWould)
{
    // Values whose bucket lies inside one mod_wsgi bucket land exactly where mod_wsgi puts them.
    for (int64_t v : {0, 1, 999, 1000, 1100, 1600, 2100, 15'000, 21'000, 100'000, 1'000'000, 30'000'000,
                      65'000'000, 70'000'000, 200'000'000}) {
        const int b = Histogram::bucketIndex(v);
        ASSERT_EQ(modWsgiReferenceIndex(Histogram::bucketLower(b)),
                  modWsgiReferenceIndex(Histogram::bucketUpper(b) - 1))
            << "test value " << v << " should not straddle a mod_wsgi edge";
        Histogram h;
        h.record(v, 7);
        const auto folded = h.modWsgiBuckets();
        const int expected = modWsgiReferenceIndex(v);
        for (int i = 0; i < 65; ++i)
            EXPECT_EQ(folded[i], i == expected ? 7 : 0) << "value " << v << " bucket " << i;
    }
    // Round values sit exactly on mod_wsgi edges, inside one of our buckets that straddles the edge:
    // the count is shared between mod_wsgi's bucket for the value and the one below, by how many of
    // our bucket's microsecond values lie on each side of the edge.
    for (int64_t v : {3'000, 5'000, 10'000, 20'000}) {
        Histogram h;
        h.record(v, 1000);
        const auto folded = h.modWsgiBuckets();
        const int expected = modWsgiReferenceIndex(v);
        ASSERT_EQ(modWsgiReferenceIndex(v - 1), expected - 1) << v;
        const int64_t hi = Histogram::bucketUpper(Histogram::bucketIndex(v));
        const int64_t lo = Histogram::bucketLower(Histogram::bucketIndex(v));
        EXPECT_NEAR(double(folded[expected]), 1000.0 * double(hi - v) / double(hi - lo), 1.0) << v;
        EXPECT_EQ(folded[expected] + folded[expected - 1], 1000) << v;
    }
}

TEST(HistogramModWsgi, StraddlingBucketIsSplitProportionally)
{
    // Our bucket holding 1250 us is [1248, 1280): 2 of its 32 values are below mod_wsgi's 1.25 ms edge.
    const int b = Histogram::bucketIndex(1250);
    ASSERT_EQ(Histogram::bucketLower(b), 1248);
    ASSERT_EQ(Histogram::bucketUpper(b), 1280);
    Histogram h;
    h.record(1250, 3200);
    const auto folded = h.modWsgiBuckets();
    EXPECT_EQ(folded[0], 200);
    EXPECT_EQ(folded[1], 3000);

    // Against the reference for every straddling bucket: shares follow the value counts per side.
    for (int i = 0; i < Histogram::bucketCount(); ++i) {
        const int64_t lo = Histogram::bucketLower(i);
        const int64_t hi = Histogram::bucketUpper(i);
        if (lo >= 70'000'000)
            break;
        if (modWsgiReferenceIndex(lo) == modWsgiReferenceIndex(hi - 1))
            continue;
        Histogram one;
        const int64_t n = 1'000'000;
        one.record(lo, n);
        const auto f = one.modWsgiBuckets();
        std::array<int64_t, 65> valuesPerBucket{};
        for (int64_t v = lo; v < hi; ++v)
            ++valuesPerBucket[modWsgiReferenceIndex(v)];
        int64_t total = 0;
        for (int m = 0; m < 65; ++m) {
            const double expected = double(n) * double(valuesPerBucket[m]) / double(hi - lo);
            EXPECT_NEAR(double(f[m]), expected, 1.0) << "bucket " << i << " mod " << m;
            total += f[m];
        }
        EXPECT_EQ(total, n);
    }
}

TEST(HistogramModWsgi, FoldingConservesCountAndTracksReference)
{
    std::mt19937_64 rng(8);
    std::lognormal_distribution<double> dist(9.0, 2.0);
    Histogram h;
    std::array<int64_t, 65> reference{};
    for (int i = 0; i < 100'000; ++i) {
        const auto v = int64_t(dist(rng));
        h.record(v);
        ++reference[modWsgiReferenceIndex(v)];
    }
    const auto folded = h.modWsgiBuckets();
    int64_t total = 0;
    for (int m = 0; m < 65; ++m) {
        total += folded[m];
        // Only the straddling share (at most ~1/8 of a bucket's neighbours) can move across an edge.
        EXPECT_NEAR(double(folded[m]), double(reference[m]), 0.05 * double(reference[m]) + 30.0) << m;
    }
    EXPECT_EQ(total, h.count());
}
