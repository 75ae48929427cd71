#pragma once
// The client latency distributions of the variants, for one chart that overlays them: one row per
// percentile (p50 .. p99.9), column 0 its position on a "nines" axis (-log10(1 - p): p90 = 1, p99 = 2,
// p99.9 = 3, so the tail gets the room it deserves), then one column of milliseconds per variant
// (every repeat's histogram merged). A variant without a saved histogram has no points.

#include "session/abresult.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <optional>
#include <vector>

namespace wsgi::studio::models {

class AbLatencyModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static const std::vector<double>& percentiles(); // 50, 75, 90, 95, 99, 99.5, 99.9
    static double ninesOf(double percentile);

    explicit AbLatencyModel(QObject* parent = nullptr);

    void setResult(const AbResult& result);
    void clear();
    QList<int> variantColumns() const; // 1..N

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QStringList m_names;
    std::vector<std::vector<std::optional<double>>> m_ms; // [variant][percentile]
};

} // namespace wsgi::studio::models
