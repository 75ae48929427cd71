#include "studio/models/benchhistorymodel.h"

#include <QLocale>

namespace wsgi::studio::models {

BenchHistoryModel::BenchHistoryModel(QObject* parent) : QAbstractTableModel(parent) {}

void BenchHistoryModel::setEntries(std::vector<HistoryEntry> entries)
{
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

QString BenchHistoryModel::pathAt(int row) const
{
    return row >= 0 && size_t(row) < m_entries.size() ? m_entries[size_t(row)].path : QString();
}

int BenchHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int BenchHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BenchHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const HistoryEntry& e = m_entries[size_t(index.row())];
    if (role == PathRole)
        return e.path;
    if (role == Qt::ToolTipRole)
        return e.path;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case StartedColumn:
        return QString(QLocale().toString(e.startedAt.toLocalTime(), QLocale::ShortFormat) +
                       (e.kind == QLatin1String("sweep") ? tr(" (sweep)") : QString()));
    case VariantsColumn:
        return e.variants.join(QStringLiteral(", "));
    case VerdictColumn:
        return e.cancelled ? tr("cancelled; %1").arg(e.headline) : e.headline;
    default:
        return {};
    }
}

QVariant BenchHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StartedColumn:
        return tr("Started");
    case VariantsColumn:
        return tr("Variants");
    case VerdictColumn:
        return tr("Verdict");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
