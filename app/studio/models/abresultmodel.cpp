#include "studio/models/abresultmodel.h"

#include "session/abtable.h"

#include <QColor>
#include <QFont>

namespace wsgi::studio::models {

AbResultModel::AbResultModel(QObject* parent) : QAbstractTableModel(parent) {}

void AbResultModel::setResult(const AbResult& result, const AbSummary& summary)
{
    beginResetModel();
    m_result = result;
    m_summary = summary;
    m_rows = abTableRows(result, summary);
    endResetModel();
}

void AbResultModel::setResult(const AbResult& result, const AbSummary& summary, std::vector<QStringList> rows)
{
    beginResetModel();
    m_result = result;
    m_summary = summary;
    m_rows = std::move(rows);
    if (m_rows.size() != m_summary.variants.size() + 1)
        m_rows = abTableRows(result, summary); // cells that do not match the entries are not shown
    endResetModel();
}

void AbResultModel::clear()
{
    beginResetModel();
    m_result = {};
    m_summary = {};
    m_rows.clear();
    endResetModel();
}

int AbResultModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || m_rows.empty() ? 0 : int(m_rows.size()) - 1;
}

int AbResultModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || m_rows.empty() ? 0 : int(m_rows.front().size());
}

QVariant AbResultModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto row = size_t(index.row());
    const AbVariantSummary& s = m_summary.variants[row];
    const AbVariantResult& v = m_result.variants[row];
    switch (role) {
    case Qt::DisplayRole:
        return m_rows[row + 1].value(index.column());
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(index.column() == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                                       : Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (!v.failure.isEmpty())
            return v.failure;
        return s.verdict.isEmpty() ? QVariant() : QVariant(s.verdict);
    case Qt::FontRole:
        if (s.name == m_summary.baseline) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case MedianRpmRole:
        return s.rpm ? QVariant(s.rpm->median) : QVariant();
    case MinRpmRole:
        return s.rpm ? QVariant(s.rpm->min) : QVariant();
    case MaxRpmRole:
        return s.rpm ? QVariant(s.rpm->max) : QVariant();
    case RepeatRpmsRole: {
        QVariantList rpms;
        for (const AbRepeat& r : v.repeats)
            rpms << r.load.achievedRate * 60;
        return rpms;
    }
    case LimitRpmRole: {
        const auto it = m_result.limits.find(v.runtime);
        if (it == m_result.limits.end() || !it->second.ok())
            return {};
        return it->second.requestsPerSecond() * 60;
    }
    case OkRole:
        return s.ok;
    case VerdictRole:
        return s.verdict;
    default:
        return {};
    }
}

QVariant AbResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || m_rows.empty())
        return {};
    return m_rows.front().value(section);
}

} // namespace wsgi::studio::models
