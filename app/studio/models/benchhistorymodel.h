#pragma once
// The saved A/B runs (BenchmarkHistory), newest first: when, what kind, the variants, the headline
// verdict. The path of each run is Qt::UserRole on column 0.

#include "session/benchmarkhistory.h"

#include <QAbstractTableModel>

#include <vector>

namespace wsgi::studio::models {

class BenchHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        StartedColumn,
        VariantsColumn,
        VerdictColumn,
        ColumnCount
    };
    static constexpr int PathRole = Qt::UserRole;

    explicit BenchHistoryModel(QObject* parent = nullptr);

    void setEntries(std::vector<HistoryEntry> entries);
    const std::vector<HistoryEntry>& entries() const { return m_entries; }
    QString pathAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<HistoryEntry> m_entries;
};

} // namespace wsgi::studio::models
