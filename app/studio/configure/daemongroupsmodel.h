#pragma once
// The daemon groups of a ConfigDocument: one row per WSGIDaemonProcess, with its size, runtime and
// how many options differ from mod_wsgi's defaults. Follows the document: a change that keeps the
// same groups is a dataChanged, anything else a reset.

#include <QAbstractTableModel>
#include <QStringList>

namespace wsgi::studio {

class ConfigDocument;

class DaemonGroupsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        ProcessesColumn,
        ThreadsColumn,
        RuntimeColumn,
        ChangedColumn,
        ColumnCount
    };
    enum Role
    {
        GroupNameRole = Qt::UserRole + 1,
        ChangedCountRole,
    };

    explicit DaemonGroupsModel(ConfigDocument* document, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int rowOf(const QString& group) const { return int(m_names.indexOf(group)); }
    QString groupAt(int row) const { return m_names.value(row); }
    // Options of `group` written with a value other than the default.
    static int changedCount(const ConfigDocument& document, const QString& group);

private:
    void refresh();

    ConfigDocument* m_document;
    QStringList m_names;
};

} // namespace wsgi::studio
