// A/B statistics: medians and quantiles on known data, the paired bootstrap ratio (exact where the
// bootstrap distribution is known, deterministic for a seed), and the verdict wording at its
// thresholds.

#include "core/abstats.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace wsgi::ab;

namespace {

std::vector<std::optional<double>> values(std::initializer_list<double> list)
{
    return {list.begin(), list.end()};
}

RatioEstimate estimate(double ratio, double low, double high, int pairs = 3)
{
    RatioEstimate e;
    e.valid = true;
    e.pairs = pairs;
    e.ratio = ratio;
    e.low = low;
    e.high = high;
    return e;
}

} // namespace

TEST(AbStats, MedianOfOddAndEvenCounts)
{
    EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
    EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
    EXPECT_DOUBLE_EQ(median({7}), 7);
    EXPECT_DOUBLE_EQ(median({}), 0);
}

TEST(AbStats, QuantilesInterpolateBetweenClosestRanksLikeRType7)
{
    // R: quantile(c(1, 2, 3, 4), c(0.25, 0.75)) = 1.75, 3.25
    const std::vector<double> sorted{1, 2, 3, 4};
    EXPECT_DOUBLE_EQ(sortedQuantile(sorted, 0.25), 1.75);
    EXPECT_DOUBLE_EQ(sortedQuantile(sorted, 0.75), 3.25);
    EXPECT_DOUBLE_EQ(sortedQuantile(sorted, 0), 1);
    EXPECT_DOUBLE_EQ(sortedQuantile(sorted, 1), 4);
    EXPECT_DOUBLE_EQ(sortedQuantile(sorted, 1.5), 4); // clamped
}

TEST(AbStats, SummarizeGivesMedianRangeAndQuartiles)
{
    const Spread s = summarize({120, 100, 110});
    EXPECT_EQ(s.n, 3);
    EXPECT_DOUBLE_EQ(s.median, 110);
    EXPECT_DOUBLE_EQ(s.min, 100);
    EXPECT_DOUBLE_EQ(s.max, 120);
    EXPECT_DOUBLE_EQ(s.q1, 105);
    EXPECT_DOUBLE_EQ(s.q3, 115);
    EXPECT_NEAR(s.halfRangeRelative(), 10.0 / 110, 1e-12);
    EXPECT_EQ(summarize({}).n, 0);
    EXPECT_DOUBLE_EQ(summarize({0, 0}).halfRangeRelative(), 0); // no division by a zero median
}

TEST(AbStats, IdenticalVariantsHaveRatioOneWithAZeroWidthInterval)
{
    const auto a = values({100, 110, 90});
    const RatioEstimate e = pairedRatio(a, a);
    ASSERT_TRUE(e.valid);
    EXPECT_EQ(e.pairs, 3);
    EXPECT_DOUBLE_EQ(e.ratio, 1);
    EXPECT_DOUBLE_EQ(e.low, 1);
    EXPECT_DOUBLE_EQ(e.high, 1);
}

TEST(AbStats, PairingCancelsDriftThatAffectsBothVariants)
{
    // The machine got twice as slow between rounds; B stayed exactly 2x A in every round.
    const RatioEstimate e = pairedRatio(values({200, 100, 50}), values({100, 50, 25}));
    EXPECT_NEAR(e.ratio, 2, 1e-12);
    EXPECT_NEAR(e.low, 2, 1e-12);
    EXPECT_NEAR(e.high, 2, 1e-12);
}

TEST(AbStats, ThreeRoundsGiveTheRangeOfTheRatiosAsThe95PercentInterval)
{
    // With 3 rounds, P(a resample is the smallest ratio three times) = 1/27 = 3.7% > 2.5%, so the
    // percentile interval is exactly [smallest ratio, largest ratio]; the estimate is their
    // geometric mean.
    const RatioEstimate e = pairedRatio(values({190, 200, 210}), values({100, 100, 100}));
    EXPECT_NEAR(e.ratio, std::cbrt(1.9 * 2.0 * 2.1), 1e-12);
    EXPECT_NEAR(e.low, 1.9, 1e-9);
    EXPECT_NEAR(e.high, 2.1, 1e-9);
    EXPECT_EQ(e.resamples, kDefaultBootstrapResamples);
    EXPECT_EQ(e.seed, kDefaultBootstrapSeed);
}

TEST(AbStats, BootstrapIsDeterministicForASeedAndBracketsTheEstimate)
{
    const auto b = values({210, 190, 205, 199, 220, 185, 201, 215, 188, 207});
    const auto a = values({100, 101, 99, 100, 102, 98, 100, 101, 99, 100});
    const RatioEstimate first = pairedRatio(b, a);
    const RatioEstimate again = pairedRatio(b, a);
    EXPECT_EQ(first.low, again.low);
    EXPECT_EQ(first.high, again.high);
    EXPECT_LT(first.low, first.ratio);
    EXPECT_GT(first.high, first.ratio);
    // Ten rounds narrow the interval well inside the range of the per-round ratios (1.85..2.18).
    EXPECT_GT(first.low, 1.93);
    EXPECT_LT(first.high, 2.08);
    const RatioEstimate otherSeed = pairedRatio(b, a, kDefaultBootstrapResamples, 7);
    EXPECT_NEAR(otherSeed.low, first.low, 0.02);
    EXPECT_NEAR(otherSeed.high, first.high, 0.02);
}

TEST(AbStats, MissingAndNonPositiveRoundsAreSkipped)
{
    const RatioEstimate e = pairedRatio({200.0, std::nullopt, 300.0, 0.0}, values({100, 100, 100, 100}));
    EXPECT_EQ(e.pairs, 2);
    EXPECT_NEAR(e.ratio, std::sqrt(6.0), 1e-12);
    const RatioEstimate none = pairedRatio({std::nullopt}, values({100}));
    EXPECT_FALSE(none.valid);
    EXPECT_EQ(none.pairs, 0);
}

TEST(AbStats, VerdictSaysHowManyTimesWhenTheIntervalExcludesOne)
{
    const Verdict v = verdict("B", "A", estimate(2.1, 1.9, 2.3));
    EXPECT_EQ(v.kind, VerdictKind::Higher);
    EXPECT_EQ(v.text, "B is 2.10x A (95% CI 1.90\u20132.30)");
    const Verdict slower = verdict("B", "A", estimate(0.45, 0.41, 0.5));
    EXPECT_EQ(slower.kind, VerdictKind::Lower);
    EXPECT_EQ(slower.text, "B is 0.45x A (95% CI 0.41\u20130.50)");
}

TEST(AbStats, VerdictCallsAnIntervalThatSpansOneNoise)
{
    const Verdict v = verdict("B", "A", estimate(1.02, 0.95, 1.09));
    EXPECT_EQ(v.kind, VerdictKind::WithinNoise);
    EXPECT_EQ(v.text, "B and A differ by less than the noise (1.02x, 95% CI 0.95\u20131.09 spans 1.0)");
    // A bound exactly at 1 spans it.
    EXPECT_EQ(verdict("B", "A", estimate(1.5, 1.0, 2.0)).kind, VerdictKind::WithinNoise);
    EXPECT_EQ(verdict("B", "A", estimate(0.8, 0.6, 1.0)).kind, VerdictKind::WithinNoise);
    // Judged as printed: "0.75–1.00" reaches 1 even when the bound is 0.9996.
    const Verdict touching = verdict("B", "A", estimate(0.9, 0.75, 0.9996));
    EXPECT_EQ(touching.kind, VerdictKind::WithinNoise);
    EXPECT_EQ(touching.text,
              "B and A differ by less than the noise (0.90x, 95% CI 0.75\u20131.00 spans 1.0)");
    EXPECT_EQ(verdict("B", "A", estimate(0.9, 0.75, 0.994)).kind, VerdictKind::Lower);
}

TEST(AbStats, VerdictFlagsARealButNegligibleDifference)
{
    const Verdict v = verdict("B", "A", estimate(1.015, 1.01, 1.02));
    EXPECT_EQ(v.kind, VerdictKind::Negligible);
    EXPECT_EQ(v.text, "B is 1.01x A (95% CI 1.01\u20131.02): real, but under 3%");
    // Past the 3% band on one side: a plain difference again.
    EXPECT_EQ(verdict("B", "A", estimate(1.03, 1.01, 1.05)).kind, VerdictKind::Higher);
    EXPECT_EQ(verdict("B", "A", estimate(0.98, 0.975, 0.99)).kind, VerdictKind::Negligible);
}

TEST(AbStats, VerdictNeedsTwoPairs)
{
    const Verdict v = verdict("B", "A", estimate(2, 2, 2, 1));
    EXPECT_EQ(v.kind, VerdictKind::Insufficient);
    EXPECT_EQ(v.text, "B cannot be compared with A: 1 paired repeat, at least 2 needed");
    EXPECT_EQ(verdict("B", "A", RatioEstimate{}).kind, VerdictKind::Insufficient);
}

TEST(AbStats, RatiosPrintWithTwoDecimalsBelowTen)
{
    EXPECT_EQ(formatRatio(2.1), "2.10x");
    EXPECT_EQ(formatRatio(0.456), "0.46x");
    EXPECT_EQ(formatRatio(9.996), "10.0x");
    EXPECT_EQ(formatRatio(12.34), "12.3x");
}
