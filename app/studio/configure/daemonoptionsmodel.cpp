#include "configure/daemonoptionsmodel.h"

#include "configure/optiondocs.h"
#include "session/configdocument.h"

#include <QFont>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

DaemonOptionsModel::DaemonOptionsModel(ConfigDocument* document, QObject* parent)
    : QAbstractTableModel(parent), m_document(document)
{
    connect(document, &ConfigDocument::modelChanged, this, &DaemonOptionsModel::refresh);
}

void DaemonOptionsModel::setGroup(const QString& group)
{
    if (group == m_group)
        return;
    m_group = group;
    refresh();
}

void DaemonOptionsModel::refresh()
{
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int DaemonOptionsModel::rowOf(const QString& option) const
{
    const QList<OptionInfo>& infos = daemonOptionInfos();
    for (int i = 0; i < infos.size(); ++i)
        if (infos[i].name == option)
            return i;
    return -1;
}

const OptionInfo& DaemonOptionsModel::infoAt(int row) const
{
    return daemonOptionInfos().at(row);
}

QString DaemonOptionsModel::valueAt(int row) const
{
    const config::DaemonProcess* d = m_document->daemon(m_group);
    const std::string* v = d ? d->options.find(infoAt(row).name.toStdString()) : nullptr;
    return v ? QString::fromStdString(*v) : QString();
}

int DaemonOptionsModel::changedCount() const
{
    int n = 0;
    for (int row = 0; row < rowCount(); ++row)
        n += data(index(row, 0), ChangedRole).toBool() ? 1 : 0;
    return n;
}

int DaemonOptionsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(daemonOptionInfos().size());
}

int DaemonOptionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DaemonOptionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OptionInfo& info = infoAt(index.row());
    const config::DaemonProcess* d = m_document->daemon(m_group);
    const std::string* written = d ? d->options.find(info.name.toStdString()) : nullptr;
    const QString value = written ? QString::fromStdString(*written) : QString();
    const bool changed = written && !isDefaultValue(info, value);
    switch (role) {
    case ChangedRole:
        return changed;
    case WrittenRole:
        return written != nullptr;
    case OptionNameRole:
        return info.name;
    case Qt::ToolTipRole:
        return info.tooltip();
    case Qt::FontRole:
        if (changed && (index.column() == NameColumn || index.column() == ValueColumn)) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::DisplayRole:
    case Qt::EditRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case NameColumn:
        return changed && role == Qt::DisplayRole ? info.name + u" ●"_s : info.name;
    case ValueColumn:
        return value;
    case UnitColumn:
        return info.unit;
    case RangeColumn:
        return info.range;
    case DefaultColumn:
        return info.defaultText();
    default:
        return {};
    }
}

bool DaemonOptionsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || index.column() != ValueColumn || m_group.isEmpty())
        return false;
    const QString option = infoAt(index.row()).name;
    const QString text = value.toString().trimmed();
    QString error;
    const bool ok = text.isEmpty() ? m_document->clearDaemonOption(m_group, option, &error)
                                   : m_document->setDaemonOption(m_group, option, text, &error);
    if (!ok)
        emit valueRejected(option, error);
    return ok; // the document's modelChanged refreshes the row
}

Qt::ItemFlags DaemonOptionsModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == ValueColumn && !m_group.isEmpty())
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant DaemonOptionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Option");
    case ValueColumn:
        return tr("Value");
    case UnitColumn:
        return tr("Unit");
    case RangeColumn:
        return tr("Range");
    case DefaultColumn:
        return tr("Default");
    default:
        return {};
    }
}

} // namespace wsgi::studio
