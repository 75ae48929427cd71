#include "studio/models/histogrammodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

using wsgi::Histogram;
using wsgi::studio::models::HistogramModel;

TEST(HistogramModel, BinEdgesLineUpWithEveryHistogramBucket)
{
    // A bucket split across two bins would have to be guessed at; none may be.
    for (int bucket = 0; bucket < Histogram::bucketCount(); ++bucket) {
        const int first = HistogramModel::binOf(Histogram::bucketLower(bucket));
        const int last = HistogramModel::binOf(Histogram::bucketUpper(bucket) - 1);
        ASSERT_EQ(first, last) << "bucket " << bucket << " [" << Histogram::bucketLower(bucket) << ", "
                               << Histogram::bucketUpper(bucket) << ")";
    }
    for (int bin = 0; bin + 1 < HistogramModel::binCount(); ++bin) {
        EXPECT_EQ(HistogramModel::binUpper(bin), HistogramModel::binLower(bin + 1));
    }
    EXPECT_EQ(HistogramModel::binLower(0), 0);
}

TEST(HistogramModel, CountsSumToTheHistogramAndPercentilesComeFromIt)
{
    HistogramModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const int rows = model.rowCount();
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);

    Histogram h;
    for (int i = 1; i <= 1000; ++i) {
        h.record(i * 7); // 7 µs .. 7 ms
    }
    h.record(3, 5);
    model.setHistogram(h);

    qint64 sum = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const qint64 count = model.index(row, HistogramModel::CountColumn).data().toLongLong();
        if (count > 0) {
            const qint64 lower = model.index(row, HistogramModel::LowerColumn).data().toLongLong();
            const qint64 upper = model.index(row, HistogramModel::UpperColumn).data().toLongLong();
            EXPECT_LT(lower, upper);
        }
        sum += count;
    }
    EXPECT_EQ(sum, h.count());
    EXPECT_EQ(model.index(HistogramModel::binOf(3), HistogramModel::CountColumn).data().toLongLong(), 5);
    EXPECT_DOUBLE_EQ(model.percentileUs(95), h.percentile(95));
    EXPECT_EQ(model.rowCount(), rows) << "the layout is fixed";
    EXPECT_EQ(resets.count(), 0);
    EXPECT_EQ(changes.count(), 1);

    model.setHistogram(Histogram());
    EXPECT_EQ(model.totalCount(), 0);
    EXPECT_EQ(model.index(HistogramModel::binOf(3), HistogramModel::CountColumn).data().toLongLong(), 0);
}

TEST(HistogramModel, HeadersNameTheirUnits)
{
    HistogramModel model;
    EXPECT_TRUE(model.headerData(HistogramModel::LowerColumn, Qt::Horizontal).toString().contains(u"µs"));
    EXPECT_TRUE(model.headerData(HistogramModel::UpperColumn, Qt::Horizontal).toString().contains(u"µs"));
}
