#include "studio/models/ablatencymodel.h"

#include "session/abexport.h"

#include <cmath>

namespace wsgi::studio::models {

const std::vector<double>& AbLatencyModel::percentiles()
{
    static const std::vector<double> values{50, 75, 90, 95, 99, 99.5, 99.9};
    return values;
}

double AbLatencyModel::ninesOf(double percentile)
{
    return -std::log10(1 - percentile / 100);
}

AbLatencyModel::AbLatencyModel(QObject* parent) : QAbstractTableModel(parent) {}

void AbLatencyModel::setResult(const AbResult& result)
{
    beginResetModel();
    m_names.clear();
    m_ms.clear();
    for (const AbVariantResult& v : result.variants) {
        m_names << resultLabel(v);
        std::vector<std::optional<double>> column;
        for (const double p : percentiles())
            column.push_back(clientLatencyMs(v, p));
        m_ms.push_back(std::move(column));
    }
    endResetModel();
}

void AbLatencyModel::clear()
{
    beginResetModel();
    m_names.clear();
    m_ms.clear();
    endResetModel();
}

QList<int> AbLatencyModel::variantColumns() const
{
    QList<int> columns;
    for (int i = 0; i < m_names.size(); ++i)
        columns << i + 1;
    return columns;
}

int AbLatencyModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || m_names.isEmpty() ? 0 : int(percentiles().size());
}

int AbLatencyModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_names.size()) + 1;
}

QVariant AbLatencyModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        role != Qt::DisplayRole)
        return {};
    const auto row = size_t(index.row());
    if (index.column() == 0)
        return ninesOf(percentiles()[row]);
    const auto& value = m_ms[size_t(index.column() - 1)][row];
    return value ? QVariant(*value) : QVariant();
}

QVariant AbLatencyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section >= 0 && size_t(section) < percentiles().size()
                   ? QVariant(QStringLiteral("p%1").arg(percentiles()[size_t(section)]))
                   : QVariant();
    if (section == 0)
        return tr("percentile (nines)");
    return m_names.value(section - 1);
}

} // namespace wsgi::studio::models
