#pragma once
// A wsgi::Histogram as table rows for a chart: a fixed layout of bins (every microsecond below 8 µs,
// then four per octave up to 2^40 µs), each holding the count of the histogram's buckets that fall in
// it. The bin edges line up with the histogram's own bucket edges, so no count is split or guessed.
// The layout never changes, so an update is one dataChanged and a view keeps its state.

#include "core/histogram.h"

#include <QAbstractTableModel>
#include <QList>

#include <vector>

namespace wsgi::studio::models {

class HistogramModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        LowerColumn, // µs, inclusive
        UpperColumn, // µs, exclusive
        CountColumn,
        ColumnCount
    };

    explicit HistogramModel(QObject* parent = nullptr);

    void setHistogram(const wsgi::Histogram& histogram);
    const wsgi::Histogram& histogram() const { return m_histogram; }
    // From the merged histogram itself (never from the bins): 0 when empty.
    double percentileUs(double percent) const { return m_histogram.percentile(percent); }
    qint64 totalCount() const { return m_histogram.count(); }

    static int binCount();
    static qint64 binLower(int bin);
    static qint64 binUpper(int bin);
    static int binOf(qint64 valueUs);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    wsgi::Histogram m_histogram;
    std::vector<qint64> m_counts;
};

} // namespace wsgi::studio::models
