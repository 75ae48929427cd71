#include "studio/models/ablivemodel.h"

namespace wsgi::studio::models {

AbLiveModel::AbLiveModel(QObject* parent) : QAbstractTableModel(parent) {}

void AbLiveModel::addProgress(const AbProgress& p)
{
    if (p.variantIndex != m_variant || p.round != m_round) {
        beginResetModel();
        m_rows.clear();
        m_variant = p.variantIndex;
        m_round = p.round;
        m_label = tr("%1, repeat %2/%3").arg(p.variant).arg(p.round).arg(p.rounds);
        endResetModel();
    }
    const bool loading = p.phase == AbProgress::Phase::WarmingUp || p.phase == AbProgress::Phase::Measuring;
    if (!loading || p.runElapsedSec <= 0)
        return;
    if (!m_rows.empty() && p.runElapsedSec - m_rows.back().elapsed < m_minIntervalSec)
        return;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.push_back({p.runElapsedSec, p.currentRate, double(p.errors), p.intervalAnswers > 0,
                      p.intervalP50Ms, p.intervalP99Ms});
    endInsertRows();
}

void AbLiveModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_variant = m_round = -1;
    m_label.clear();
    endResetModel();
}

int AbLiveModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AbLiveModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AbLiveModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        role != Qt::DisplayRole)
        return {};
    const Row& row = m_rows[size_t(index.row())];
    switch (index.column()) {
    case ElapsedColumn:
        return row.elapsed;
    case RateColumn:
        return row.rate;
    case ErrorsColumn:
        return row.errors;
    case P50Column:
        return row.hasLatency ? QVariant(row.p50Ms) : QVariant(); // no point rather than a fake 0
    case P99Column:
        return row.hasLatency ? QVariant(row.p99Ms) : QVariant();
    default:
        return {};
    }
}

QVariant AbLiveModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ElapsedColumn:
        return tr("elapsed (s)");
    case RateColumn:
        return tr("requests/s");
    case ErrorsColumn:
        return tr("errors");
    case P50Column:
        return tr("p50 (ms)");
    case P99Column:
        return tr("p99 (ms)");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
