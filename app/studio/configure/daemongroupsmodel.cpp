#include "configure/daemongroupsmodel.h"

#include "configure/optiondocs.h"
#include "session/configdocument.h"
#include "session/format.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

DaemonGroupsModel::DaemonGroupsModel(ConfigDocument* document, QObject* parent)
    : QAbstractTableModel(parent), m_document(document)
{
    m_names = document->groupNames();
    connect(document, &ConfigDocument::modelChanged, this, &DaemonGroupsModel::refresh);
}

void DaemonGroupsModel::refresh()
{
    const QStringList names = m_document->groupNames();
    if (names == m_names) {
        if (!m_names.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_names = names;
    endResetModel();
}

int DaemonGroupsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

int DaemonGroupsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int DaemonGroupsModel::changedCount(const ConfigDocument& document, const QString& group)
{
    const config::DaemonProcess* d = document.daemon(group);
    if (!d)
        return 0;
    int n = 0;
    for (const config::NameValue& option : d->options.items) {
        const OptionInfo* info = findOptionInfo(QString::fromStdString(option.name));
        n += !info || !isDefaultValue(*info, QString::fromStdString(option.value)) ? 1 : 0;
    }
    return n;
}

QVariant DaemonGroupsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString name = m_names.at(index.row());
    const config::DaemonProcess* d = m_document->daemon(name);
    if (!d)
        return {};
    auto option = [&](const char* key, const char* fallback) {
        const std::string* v = d->options.find(key);
        return QString::fromStdString(v ? *v : std::string(fallback));
    };
    if (role == GroupNameRole)
        return name;
    if (role == ChangedCountRole)
        return changedCount(*m_document, name);
    if (role == Qt::ToolTipRole)
        return tr("%1: %2 \u00d7 %3; %4 changed from the default")
            .arg(name, formatCount(option("processes", "1").toLongLong(), tr("process"), tr("processes")),
                 formatCount(option("threads", "15").toLongLong(), tr("thread"), tr("threads")),
                 formatCount(changedCount(*m_document, name), tr("option"), tr("options")));
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return name;
    case ProcessesColumn:
        return option("processes", "1");
    case ThreadsColumn:
        return option("threads", "15");
    case RuntimeColumn:
        return option("python", "default");
    case ChangedColumn:
        return changedCount(*m_document, name);
    default:
        return {};
    }
}

QVariant DaemonGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    // Short titles keep the list narrow; the tooltip says them in full.
    const bool full = role == Qt::ToolTipRole;
    switch (section) {
    case NameColumn:
        return tr("Group");
    case ProcessesColumn:
        return full ? tr("Processes (processes=)") : tr("Proc");
    case ThreadsColumn:
        return full ? tr("Threads per process (threads=)") : tr("Thr");
    case RuntimeColumn:
        return full ? tr("Python runtime (python=)") : tr("Python");
    case ChangedColumn:
        return full ? tr("Options changed from mod_wsgi's defaults") : tr("Chg");
    default:
        return {};
    }
}

} // namespace wsgi::studio
