// The GIL-wait histogram model: percentiles and bands equal a direct computation on known data, the
// mod_wsgi fold equals a direct 65-bucket count, the baseline overlays scaled to the live count, and
// the contention shape is the engine's own fit.

#include "studio/models/gilhistogrammodel.h"

#include "core/gilcontention.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

using wsgi::Histogram;
using wsgi::studio::models::GilHistogramModel;

namespace {

// Waits clustered at multiples of a 5 ms switch interval, as 2x5 on the seeds' workload shows:
// a head near zero and bumps at 5, 10, 15, 20 ms falling off.
std::vector<int64_t> convoyWaits()
{
    std::vector<int64_t> v;
    const int perBand[] = {400, 300, 150, 80, 40};
    for (int k = 0; k < 5; ++k) {
        for (int i = 0; i < perBand[k]; ++i)
            v.push_back(k == 0 ? 20 + i % 300 : k * 5000 - 600 + (i * 37) % 1200); // +-0.6 ms around k*s
    }
    return v;
}

Histogram of(const std::vector<int64_t>& values)
{
    Histogram h;
    for (const int64_t v : values)
        h.record(v);
    return h;
}

double exactPercentile(std::vector<int64_t> v, double p)
{
    std::sort(v.begin(), v.end());
    return double(v[size_t(std::min<double>(v.size() - 1, p / 100.0 * double(v.size())))]);
}

} // namespace

TEST(GilHistogramModel, PercentilesAndCountComeFromTheMergedHistogram)
{
    GilHistogramModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const std::vector<int64_t> waits = convoyWaits();
    const Histogram h = of(waits);
    model.setHistogram(h, 0.005);
    EXPECT_EQ(model.totalCount(), int64_t(waits.size()));
    for (const double p : {50.0, 95.0, 99.0}) {
        EXPECT_DOUBLE_EQ(model.percentileUs(p), h.percentile(p));
        // Within the histogram's 1/32 relative error of the raw samples' own percentile.
        const double exact = exactPercentile(waits, p);
        EXPECT_NEAR(model.percentileUs(p), exact, exact / 32 + 1) << "p" << p;
    }
    qint64 sum = 0;
    for (int row = 0; row < model.rowCount(); ++row)
        sum += model.index(row, GilHistogramModel::CountColumn).data().toLongLong();
    EXPECT_EQ(sum, int64_t(waits.size()));
}

TEST(GilHistogramModel, BandsAreTheSwitchIntervalsMultiplesAndCountLikeADirectBanding)
{
    GilHistogramModel model;
    const std::vector<int64_t> waits = convoyWaits();
    model.setHistogram(of(waits), 0.005);
    const auto bands = model.bands();
    ASSERT_EQ(bands.size(), 5);
    const double s = 5000;
    const double edges[] = {0, 0.8 * s, 1.8 * s, 2.8 * s, 3.8 * s};
    int64_t direct[5] = {};
    for (const int64_t w : waits) {
        int k = 0;
        while (k < 4 && double(w) >= edges[k + 1])
            ++k;
        ++direct[k];
    }
    for (int k = 0; k < 5; ++k) {
        EXPECT_DOUBLE_EQ(bands[k].lowerUs, edges[k]) << k;
        if (k < 4) {
            EXPECT_DOUBLE_EQ(bands[k].upperUs, edges[k + 1]) << k;
        }
        EXPECT_EQ(bands[k].count, direct[k]) << "band " << k;
        EXPECT_EQ(bands[k].cycles, k);
    }
    EXPECT_EQ(bands[1].label, QStringLiteral("1×s"));
    EXPECT_EQ(bands[4].label, QStringLiteral("4+×s"));

    // At 0.1 ms the same bands sit a fiftieth as far out.
    model.setHistogram(of(waits), 0.0001);
    EXPECT_DOUBLE_EQ(model.bands()[1].lowerUs, 80);
    // Without a switch interval there is nothing to band by.
    model.setHistogram(of(waits), std::nullopt);
    EXPECT_TRUE(model.bands().isEmpty());
}

TEST(GilHistogramModel, ContentionShapeIsTheEnginesOwnFit)
{
    GilHistogramModel model;
    const Histogram h = of(convoyWaits());
    model.setHistogram(h, 0.005);
    const wsgi::GilContention mine = model.contention();
    const wsgi::GilContention engine = wsgi::analyzeGilContention(h, 0.005);
    EXPECT_EQ(mine.label, engine.label);
    EXPECT_EQ(mine.bands, engine.bands);
    ASSERT_TRUE(mine.q.has_value());
    EXPECT_DOUBLE_EQ(*mine.q, *engine.q);
    EXPECT_FALSE(mine.label.empty());
}

TEST(GilHistogramModel, FoldEqualsADirectCountIntoModWsgisBuckets)
{
    GilHistogramModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    // Values at the lower edge of a histogram bucket that lies wholly inside one mod_wsgi bucket, so
    // the fold has nothing to redistribute and must match a count of the raw values exactly.
    std::vector<int64_t> values;
    for (int b = 0; b < Histogram::bucketCount() && values.size() < 3000; b += 3) {
        const int64_t lo = Histogram::bucketLower(b);
        if (lo > 70'000'000)
            break;
        if (Histogram::modWsgiBucketIndexUs(lo) !=
            Histogram::modWsgiBucketIndexUs(Histogram::bucketUpper(b) - 1))
            continue;
        for (int i = 0; i < 1 + b % 4; ++i)
            values.push_back(lo);
    }
    ASSERT_GT(values.size(), 300u);
    model.setHistogram(of(values), 0.005);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setLayout(GilHistogramModel::Layout::ModWsgi);
    EXPECT_EQ(resets.count(), 1);
    ASSERT_EQ(model.rowCount(), 65);
    std::array<int64_t, 65> direct{};
    for (const int64_t v : values)
        ++direct[size_t(Histogram::modWsgiBucketIndexUs(v))];
    for (int row = 0; row < 65; ++row) {
        EXPECT_EQ(model.index(row, GilHistogramModel::CountColumn).data().toLongLong(), direct[size_t(row)])
            << "bucket " << row;
    }
    // mod_wsgi's edges: below 1.25 ms, then 1.25, 1.5, 1.75, 2 ms ...; overflow from 65.536 s.
    EXPECT_EQ(GilHistogramModel::binLower(GilHistogramModel::Layout::ModWsgi, 0), 0);
    EXPECT_EQ(GilHistogramModel::binLower(GilHistogramModel::Layout::ModWsgi, 1), 1250);
    EXPECT_EQ(GilHistogramModel::binLower(GilHistogramModel::Layout::ModWsgi, 4), 2000);
    EXPECT_EQ(GilHistogramModel::binLower(GilHistogramModel::Layout::ModWsgi, 64), 65536000);
    // Percentiles do not change with the picture.
    EXPECT_DOUBLE_EQ(model.percentileUs(95), of(values).percentile(95));
    model.setLayout(GilHistogramModel::Layout::Micro);
    EXPECT_EQ(model.rowCount(), GilHistogramModel::binCount(GilHistogramModel::Layout::Micro));
}

TEST(GilHistogramModel, BaselineIsFrozenAndScaledToTheLiveCount)
{
    GilHistogramModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Histogram before;
    before.record(5000, 100); // 100 waits at 5 ms
    model.setHistogram(before, 0.005);
    model.freezeBaseline(QStringLiteral("at 5 ms"));
    ASSERT_TRUE(model.hasBaseline());
    EXPECT_EQ(model.baseline(), before);
    EXPECT_EQ(model.baselineSwitchInterval(), std::optional<double>(0.005));

    Histogram after;
    after.record(50, 400); // 400 waits at 50 µs after the change
    model.setHistogram(after, 0.0001);
    double baselineTotal = 0;
    int row5ms = -1;
    for (int row = 0; row < model.rowCount(); ++row) {
        const double v = model.index(row, GilHistogramModel::BaselineColumn).data().toDouble();
        baselineTotal += v;
        if (v > 0)
            row5ms = row;
    }
    EXPECT_DOUBLE_EQ(baselineTotal, 400.0); // scaled to the live count
    ASSERT_GE(row5ms, 0);
    EXPECT_LE(GilHistogramModel::binLower(GilHistogramModel::Layout::Micro, row5ms), 5000);
    EXPECT_GT(GilHistogramModel::binUpper(GilHistogramModel::Layout::Micro, row5ms), 5000);
    EXPECT_EQ(model.headerData(GilHistogramModel::BaselineColumn, Qt::Horizontal).toString(),
              QStringLiteral("at 5 ms"));

    model.clearBaseline();
    EXPECT_FALSE(model.hasBaseline());
    EXPECT_DOUBLE_EQ(model.index(row5ms, GilHistogramModel::BaselineColumn).data().toDouble(), 0.0);
}
