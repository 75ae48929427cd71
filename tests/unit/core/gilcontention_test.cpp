#include "core/gilcontention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace wsgi;

namespace {

constexpr double kSwitchS = 0.005; // Python's default switch interval
constexpr int64_t kSwitchUs = 5'000;

// Per-request GIL waits following the geometric cycle model P(k) = (1 - q)^k * q: a request that
// loses k hand-offs waits about k switch intervals (jittered inside its band), plus an exact
// k4+ tail.
Histogram geometricWaits(double q, int64_t n, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> jitter(-0.15, 0.6); // stays inside [k - 0.2, k + 0.8) s
    Histogram h;
    for (int k = 0; k < 8; ++k) {
        const auto count = int64_t(std::llround(double(n) * std::pow(1.0 - q, k) * q));
        for (int64_t i = 0; i < count; ++i) {
            const double cycles =
                k == 0 ? 0.7 * std::uniform_real_distribution<double>(0, 1)(rng) : k + jitter(rng);
            h.record(int64_t(cycles * double(kSwitchUs)));
        }
    }
    return h;
}

} // namespace

TEST(GilContention, Labels)
{
    EXPECT_STREQ(gilContentionLabel(0.95), "transient");
    EXPECT_STREQ(gilContentionLabel(0.7), "transient");
    EXPECT_STREQ(gilContentionLabel(0.69), "compounding");
    EXPECT_STREQ(gilContentionLabel(0.4), "compounding");
    EXPECT_STREQ(gilContentionLabel(0.39), "convoy");
}

TEST(GilContention, BandEdgesAndAssignment)
{
    const auto lower = gilContentionBandLowerUs(kSwitchS);
    EXPECT_DOUBLE_EQ(lower[1], 4'000.0);
    EXPECT_DOUBLE_EQ(lower[2], 9'000.0);
    EXPECT_DOUBLE_EQ(lower[3], 14'000.0);
    EXPECT_DOUBLE_EQ(lower[4], 19'000.0);

    Histogram h;
    h.record(0, 3);
    h.record(800, 1);        // well below 0.8 s
    h.record(5'000, 10);     // one cycle
    h.record(10'000, 5);     // two
    h.record(15'000, 2);     // three
    h.record(30'000, 1);     // k4+
    h.record(90'000'000, 1); // a 90 s stall is still k4+
    const auto bands = gilContentionBands(h, kSwitchS);
    EXPECT_EQ(bands, (std::array<int64_t, 5>{4, 10, 5, 2, 2}));
    EXPECT_EQ(gilContentionBands(h, 0.0), (std::array<int64_t, 5>{}));
    EXPECT_EQ(gilContentionBands(h, -1.0), (std::array<int64_t, 5>{}));
}

TEST(GilContention, RecoversKnownQFromExactBands)
{
    for (double q : {0.85, 0.55, 0.2}) {
        const double n = 1e6;
        std::array<int64_t, 5> bands{};
        for (int k = 0; k < 4; ++k)
            bands[k] = std::llround(n * std::pow(1.0 - q, k) * q);
        bands[4] = std::llround(n * std::pow(1.0 - q, 4)); // everything from k = 4 on
        const GilContention g = gilContentionFromBands(bands);
        ASSERT_TRUE(g.q) << q << ": " << g.reason;
        EXPECT_NEAR(*g.q, q, 1e-4);
        ASSERT_TRUE(g.r2);
        EXPECT_NEAR(*g.r2, 1.0, 1e-6);
        EXPECT_EQ(g.fit, "primary");
        EXPECT_EQ(g.label, gilContentionLabel(q));
        EXPECT_EQ(g.fitEvents, bands[1] + bands[2] + bands[3]);
        double sum = 0;
        for (double f : g.fractions)
            sum += f;
        EXPECT_NEAR(sum, 1.0, 1e-12);
        EXPECT_NEAR(g.fractions[0], q, 1e-6);
    }
}

TEST(GilContention, MatchesModWsgiTelemetryOnNoisyBands)
{
    // Expected values computed with contention.py's fit for these band counts.
    const GilContention g = gilContentionFromBands({500, 300, 80, 30, 10});
    ASSERT_TRUE(g.q) << g.reason;
    EXPECT_NEAR(*g.q, 0.701891889443, 1e-9);
    EXPECT_NEAR(*g.r2, 0.994020308582, 1e-9);
    EXPECT_EQ(g.label, "transient");
    EXPECT_EQ(g.fit, "primary");
}

TEST(GilContention, FallbackWhenHeadIsContaminated)
{
    // c1 < c2: at small switch intervals mod_wsgi's 1.25 ms head bucket swallows most of k1.
    const GilContention g = gilContentionFromBands({9000, 40, 300, 120, 60});
    ASSERT_TRUE(g.q) << g.reason;
    EXPECT_EQ(g.fit, "fallback_c2_c4plus");
    EXPECT_NEAR(*g.q, 0.565088144792, 1e-9);
    EXPECT_NEAR(*g.r2, 0.994419883279, 1e-9);
    EXPECT_EQ(g.label, "compounding");
    EXPECT_EQ(g.fitEvents, 480);
    EXPECT_NE(g.reason.find("c1 < c2"), std::string::npos) << g.reason;

    // An exact geometric c2..c4+ gives q back.
    const GilContention exact = gilContentionFromBands({5000, 10, 10000, 3000, 900});
    ASSERT_TRUE(exact.q) << exact.reason;
    EXPECT_EQ(exact.fit, "fallback_c2_c4plus");
    EXPECT_NEAR(*exact.q, 0.7, 1e-9);
}

TEST(GilContention, TooFewEvents)
{
    const GilContention g = gilContentionFromBands({5000, 40, 30, 20, 5});
    EXPECT_FALSE(g.q);
    EXPECT_TRUE(g.label.empty());
    EXPECT_TRUE(g.fit.empty());
    EXPECT_EQ(g.reason.rfind("not enough data", 0), 0u) << g.reason;
    EXPECT_EQ(g.events, 5095);

    // 99 events in c1..c3 with c1 >= c2 is still too few.
    EXPECT_FALSE(gilContentionFromBands({0, 60, 30, 9, 0}).q);
    EXPECT_TRUE(gilContentionFromBands({0, 60, 30, 10, 0}).q);

    const GilContention empty = gilContentionFromBands({});
    EXPECT_FALSE(empty.q);
    EXPECT_EQ(empty.fractions, (std::array<double, 5>{}));
}

TEST(GilContention, NoFitWhenCountsDoNotDecay)
{
    // c1..c3 is a poor line (R^2 0.013) and c2..c4+ rises: mod_wsgi-telemetry shows no q either.
    const GilContention g = gilContentionFromBands({1000, 1000, 100, 900, 0});
    EXPECT_FALSE(g.q);
    EXPECT_TRUE(g.label.empty());
    EXPECT_EQ(g.reason.rfind("no fit", 0), 0u) << g.reason;
    EXPECT_NE(g.reason.find("R^2 0.01"), std::string::npos) << g.reason;
    ASSERT_TRUE(g.r2);
    EXPECT_NEAR(*g.r2, 0.013360374901, 1e-9);

    EXPECT_FALSE(gilContentionFromBands({0, 500, 500, 500, 500}).q); // flat
}

TEST(GilContention, FromHistogramOfGeometricWaits)
{
    for (double q : {0.8, 0.5, 0.25}) {
        const Histogram h = geometricWaits(q, 200'000, 42);
        const GilContention g = analyzeGilContention(h, kSwitchS);
        ASSERT_TRUE(g.q) << q << ": " << g.reason;
        EXPECT_NEAR(*g.q, q, 0.01) << q;
        EXPECT_EQ(g.label, gilContentionLabel(q));
        EXPECT_EQ(g.fit, "primary");
        EXPECT_EQ(g.events, h.count());
        EXPECT_DOUBLE_EQ(g.switchIntervalS, kSwitchS);
        EXPECT_EQ(g.p50Us, h.percentile(50));
        EXPECT_EQ(g.p95Us, h.percentile(95));
        EXPECT_EQ(g.p99Us, h.percentile(99));
        EXPECT_LE(g.p50Us, g.p95Us);
        EXPECT_LE(g.p95Us, g.p99Us);
    }
}

TEST(GilContention, InvalidSwitchIntervalOrEmptyHistogram)
{
    Histogram h = geometricWaits(0.5, 10'000, 1);
    const GilContention bad = analyzeGilContention(h, 0.0);
    EXPECT_FALSE(bad.q);
    EXPECT_NE(bad.reason.find("switch interval"), std::string::npos);
    EXPECT_GT(bad.p99Us, 0.0); // percentiles do not need the interval
    EXPECT_FALSE(analyzeGilContention(h, std::nan("")).q);

    const GilContention none = analyzeGilContention(Histogram(), kSwitchS);
    EXPECT_FALSE(none.q);
    EXPECT_EQ(none.events, 0);
    EXPECT_EQ(none.p50Us, 0.0);
    EXPECT_EQ(none.reason.rfind("not enough data", 0), 0u) << none.reason;
}
