#pragma once
// The Python runtimes the engine can use, with the facts that decide a group's GIL arrangement:
// version, free-threaded build, whether sub-interpreters may have their own GIL (3.12+).

#include "session/runtimes.h"

#include <QAbstractTableModel>
#include <QList>

namespace wsgi::studio::models {

class RuntimesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        VersionColumn,
        FreeThreadedColumn,
        PerInterpreterGilColumn,
        WorkerColumn,
        ColumnCount
    };

    explicit RuntimesModel(QObject* parent = nullptr);

    // Same runtimes (by name) update in place; a different set replaces the rows.
    void setRuntimes(const QList<RuntimeInfo>& runtimes);
    const QList<RuntimeInfo>& runtimes() const { return m_runtimes; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<RuntimeInfo> m_runtimes;
};

} // namespace wsgi::studio::models
