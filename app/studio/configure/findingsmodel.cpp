#include "configure/findingsmodel.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

FindingsModel::FindingsModel(QObject* parent) : QAbstractTableModel(parent) {}

void FindingsModel::setFindings(std::vector<FindingEntry> entries)
{
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

int FindingsModel::count(config::Severity severity) const
{
    return int(std::count_if(m_entries.begin(), m_entries.end(),
                             [&](const FindingEntry& e) { return e.finding.severity == severity; }));
}

QString FindingsModel::severityName(config::Severity severity)
{
    switch (severity) {
    case config::Severity::Error:
        return tr("Error");
    case config::Severity::Warning:
        return tr("Warning");
    case config::Severity::Note:
        break;
    }
    return tr("Note");
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FindingEntry& e = m_entries[std::size_t(index.row())];
    switch (role) {
    case SeverityRole:
        return int(e.finding.severity);
    case LineRole:
        return e.line;
    case GroupRole:
        return e.group;
    case OptionRole:
        return e.option;
    case DirectiveRole:
        return e.directive;
    case Qt::ToolTipRole:
        return QString::fromStdString(config::formatFinding(e.finding));
    case Qt::DecorationRole:
        if (index.column() != SeverityColumn || !qApp)
            return {};
        return qApp->style()->standardIcon(
            e.finding.severity == config::Severity::Error     ? QStyle::SP_MessageBoxCritical
            : e.finding.severity == config::Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                              : QStyle::SP_MessageBoxInformation);
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case SeverityColumn:
        return severityName(e.finding.severity);
    case LineColumn:
        return e.line > 0 ? QVariant(e.line) : QVariant();
    case MessageColumn: {
        QString where;
        if (!e.group.isEmpty())
            where = e.group + (e.option.isEmpty() ? QString() : u" · "_s + e.option) + u": "_s;
        else if (!e.directive.isEmpty())
            where = e.directive + u": "_s;
        return QString(where + QString::fromStdString(e.finding.message));
    }
    case FixColumn:
        return QString::fromStdString(e.finding.suggestion);
    case CodeColumn:
        return QString::fromStdString(e.finding.code);
    default:
        return {};
    }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case LineColumn:
        return tr("Line");
    case MessageColumn:
        return tr("Finding");
    case FixColumn:
        return tr("Fix");
    case CodeColumn:
        return tr("Code");
    default:
        return {};
    }
}

void FindingsFilterModel::setSeverityShown(config::Severity severity, bool shown)
{
    if (m_shown[int(severity)] == shown)
        return;
    m_shown[int(severity)] = shown;
    invalidateFilter();
}

bool FindingsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return m_shown[sourceModel()->data(index, FindingsModel::SeverityRole).toInt()];
}

} // namespace wsgi::studio
