#include "studio/models/runtimesmodel.h"

#include <QFileInfo>

#include <algorithm>

namespace wsgi::studio::models {

RuntimesModel::RuntimesModel(QObject* parent) : QAbstractTableModel(parent) {}

void RuntimesModel::setRuntimes(const QList<RuntimeInfo>& runtimes)
{
    const bool sameNames =
        runtimes.size() == m_runtimes.size() &&
        std::equal(runtimes.begin(), runtimes.end(), m_runtimes.begin(),
                   [](const RuntimeInfo& a, const RuntimeInfo& b) { return a.name == b.name; });
    if (!sameNames) {
        beginResetModel();
        m_runtimes = runtimes;
        endResetModel();
        return;
    }
    m_runtimes = runtimes;
    if (!m_runtimes.isEmpty()) {
        Q_EMIT dataChanged(index(0, 0), index(int(m_runtimes.size()) - 1, ColumnCount - 1));
    }
}

int RuntimesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runtimes.size());
}

int RuntimesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RuntimesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const RuntimeInfo& r = m_runtimes[index.row()];
    const auto yesNo = [](bool value) { return value ? tr("yes") : tr("no"); };
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn:
            return r.name;
        case VersionColumn:
            if (!r.version.isEmpty()) {
                return r.version;
            }
            return r.probed ? tr("not found") : tr("checking…");
        case FreeThreadedColumn:
            return yesNo(r.freeThreaded);
        case PerInterpreterGilColumn:
            return yesNo(r.perInterpreterGilPossible);
        case WorkerColumn:
            return QFileInfo(r.workerPath).fileName();
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case VersionColumn:
            return r.error.isEmpty() ? r.python : r.error;
        case FreeThreadedColumn:
            return tr("A free-threaded build (Py_GIL_DISABLED): WSGIFreeThreading On can run without a GIL");
        case PerInterpreterGilColumn:
            return tr("Python 3.12+: sub-interpreters can each have their own GIL (WSGIPerInterpreterGIL)");
        case WorkerColumn:
            return r.workerPath;
        default:
            return r.summary();
        }
    }
    return {};
}

QVariant RuntimesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case NameColumn:
        return tr("Runtime");
    case VersionColumn:
        return tr("Python version");
    case FreeThreadedColumn:
        return tr("Free-threaded");
    case PerInterpreterGilColumn:
        return tr("Per-interpreter GIL possible");
    case WorkerColumn:
        return tr("Worker binary");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
