#include "apache/mpmsimmodel.h"

namespace wsgi::studio {

void MpmSimModel::setSimulation(mpm::Simulation simulation)
{
    beginResetModel();
    m_simulation = std::move(simulation);
    endResetModel();
}

int MpmSimModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_simulation.samples.size());
}

int MpmSimModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MpmSimModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    const mpm::SecondSample& s = m_simulation.samples[std::size_t(index.row())];
    switch (index.column()) {
    case SecondColumn:
        return s.second;
    case ProcessesColumn:
        return s.processes;
    case BusyColumn:
        return s.busy;
    case IdleColumn:
        return s.idle;
    case LoadColumn:
        return s.load;
    case WaitingColumn:
        return s.waiting;
    case EventColumn:
        return QString::fromStdString(s.event);
    default:
        return {};
    }
}

QVariant MpmSimModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SecondColumn:
        return tr("second");
    case ProcessesColumn:
        return tr("processes");
    case BusyColumn:
        return tr("busy threads");
    case IdleColumn:
        return tr("idle threads");
    case LoadColumn:
        return tr("concurrent requests");
    case WaitingColumn:
        return tr("waiting requests");
    case EventColumn:
        return tr("what httpd did");
    default:
        return {};
    }
}

} // namespace wsgi::studio
