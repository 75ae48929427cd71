#pragma once
// One row per simulated second of httpd's MPM maintenance: load, processes, busy and idle threads,
// requests waiting, and what the parent did. The chart reads the first five columns.

#include "apache-config/mpmsim.h"

#include <QAbstractTableModel>

namespace wsgi::studio {

class MpmSimModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        SecondColumn,
        ProcessesColumn,
        BusyColumn,
        IdleColumn,
        LoadColumn,
        WaitingColumn,
        EventColumn,
        ColumnCount
    };

    using QAbstractTableModel::QAbstractTableModel;
    void setSimulation(mpm::Simulation simulation);
    const mpm::Simulation& simulation() const { return m_simulation; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    mpm::Simulation m_simulation;
};

} // namespace wsgi::studio
