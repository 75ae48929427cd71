#include "studio/models/histogrammodel.h"

#include <algorithm>

namespace wsgi::studio::models {

namespace {

// Edges: 0..8 every µs, then 2^k * {1, 1.25, 1.5, 1.75} for k = 3..39, then 2^40.
const std::vector<qint64>& edges()
{
    static const std::vector<qint64> table = [] {
        std::vector<qint64> e;
        for (qint64 v = 0; v < 8; ++v) {
            e.push_back(v);
        }
        for (int k = 3; k < wsgi::Histogram::kMaxValueBits; ++k) {
            const qint64 base = qint64(1) << k;
            for (int q = 0; q < 4; ++q) {
                e.push_back(base + base / 4 * q);
            }
        }
        e.push_back(qint64(1) << wsgi::Histogram::kMaxValueBits);
        return e;
    }();
    return table;
}

} // namespace

HistogramModel::HistogramModel(QObject* parent) : QAbstractTableModel(parent), m_counts(size_t(binCount()), 0)
{
}

int HistogramModel::binCount()
{
    return int(edges().size()) - 1;
}

qint64 HistogramModel::binLower(int bin)
{
    return edges()[size_t(std::clamp(bin, 0, binCount() - 1))];
}

qint64 HistogramModel::binUpper(int bin)
{
    return edges()[size_t(std::clamp(bin, 0, binCount() - 1)) + 1];
}

int HistogramModel::binOf(qint64 valueUs)
{
    const auto& e = edges();
    const auto it = std::upper_bound(e.begin(), e.end(), std::max<qint64>(0, valueUs));
    return std::clamp(int(it - e.begin()) - 1, 0, binCount() - 1);
}

void HistogramModel::setHistogram(const wsgi::Histogram& histogram)
{
    m_histogram = histogram;
    std::fill(m_counts.begin(), m_counts.end(), 0);
    for (const auto& [bucket, count] : histogram.sparse()) {
        m_counts[size_t(binOf(wsgi::Histogram::bucketLower(bucket)))] += count;
    }
    Q_EMIT dataChanged(index(0, 0), index(binCount() - 1, ColumnCount - 1), {Qt::DisplayRole});
}

int HistogramModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : binCount();
}

int HistogramModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistogramModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        (role != Qt::DisplayRole && role != Qt::EditRole)) {
        return {};
    }
    switch (index.column()) {
    case LowerColumn:
        return binLower(index.row());
    case UpperColumn:
        return binUpper(index.row());
    case CountColumn:
        return m_counts[size_t(index.row())];
    default:
        return {};
    }
}

QVariant HistogramModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case LowerColumn:
        return tr("from (µs)");
    case UpperColumn:
        return tr("to (µs)");
    case CountColumn:
        return tr("count");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
