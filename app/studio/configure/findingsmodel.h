#pragma once
// The findings of the document's current revision, each with the field it concerns (a daemon group and
// option, or a top-level directive) and its line in the engine text, for the Issues dock and the
// markers beside the fields. FindingsFilterModel hides severities the user switched off.

#include "apache-config/engineconfig.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <vector>

namespace wsgi::studio {

struct FindingEntry
{
    config::Finding finding;
    QString group;     // daemon group the finding concerns, "" if none
    QString option;    // daemon option, "" if none
    QString directive; // top-level directive, "" if none
    int line = 0;      // in the engine text, 0 if none
};

class FindingsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        SeverityColumn,
        LineColumn,
        MessageColumn,
        FixColumn,
        CodeColumn,
        ColumnCount
    };
    enum Role
    {
        SeverityRole = Qt::UserRole + 1, // int(config::Severity)
        LineRole,
        GroupRole,
        OptionRole,
        DirectiveRole,
    };

    explicit FindingsModel(QObject* parent = nullptr);

    void setFindings(std::vector<FindingEntry> entries);
    const std::vector<FindingEntry>& entries() const { return m_entries; }
    const FindingEntry& entryAt(int row) const { return m_entries.at(std::size_t(row)); }
    int count(config::Severity severity) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString severityName(config::Severity severity);

private:
    std::vector<FindingEntry> m_entries;
};

class FindingsFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setSeverityShown(config::Severity severity, bool shown);
    bool isSeverityShown(config::Severity severity) const { return m_shown[int(severity)]; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_shown[3] = {true, true, true};
};

} // namespace wsgi::studio
