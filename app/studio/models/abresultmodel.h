#pragma once
// The A/B result table in the seeds' shape (Config | rpm | response | app | CPU/proc | CPU total | RSS |
// GIL p95 | of limit | vs baseline), its cells exactly abTableRows' (the CLI prints the same ones). The
// throughput figures behind the rpm column are roles on column 0, for the bar chart: the median, the
// min and max of the repeats, every repeat, and the physical limit of the variant's runtime.

#include "session/abresult.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

namespace wsgi::studio::models {

class AbResultModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        MedianRpmRole = Qt::UserRole + 1, // double, absent when not measured
        MinRpmRole,
        MaxRpmRole,
        RepeatRpmsRole, // QVariantList of doubles, in round order
        LimitRpmRole,   // double, absent without a measured limit
        OkRole,         // bool: the variant completed
        VerdictRole,    // QString
    };

    explicit AbResultModel(QObject* parent = nullptr);

    void setResult(const AbResult& result, const AbSummary& summary);
    // The same with the cells given (one server's table of a two-server result, in the entries' order).
    void setResult(const AbResult& result, const AbSummary& summary, std::vector<QStringList> rows);
    void clear();
    const AbResult& result() const { return m_result; }
    const AbSummary& summary() const { return m_summary; }
    bool isEmpty() const { return m_rows.size() <= 1; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    AbResult m_result;
    AbSummary m_summary;
    std::vector<QStringList> m_rows; // header first
};

} // namespace wsgi::studio::models
