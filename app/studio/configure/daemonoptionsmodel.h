#pragma once
// Every WSGIDaemonProcess option of one daemon group: the value as written (empty = default), its unit,
// range, default and whose default, whether it differs from the default, and the tooltip. The rows are
// the option table's and never change; setGroup switches the group. Editing the value column goes
// through ConfigDocument::setDaemonOption: an invalid value is refused (valueRejected says why) and
// nothing changes.

#include <QAbstractTableModel>

namespace wsgi::studio {

class ConfigDocument;
struct OptionInfo;

class DaemonOptionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        ValueColumn,
        UnitColumn,
        RangeColumn,
        DefaultColumn,
        ColumnCount
    };
    enum Role
    {
        ChangedRole = Qt::UserRole + 1, // bool: written with a non-default value
        WrittenRole,                    // bool: written at all
        OptionNameRole,
    };

    explicit DaemonOptionsModel(ConfigDocument* document, QObject* parent = nullptr);

    void setGroup(const QString& group);
    QString group() const { return m_group; }
    int rowOf(const QString& option) const;
    const OptionInfo& infoAt(int row) const;
    QString valueAt(int row) const; // as written, "" when not written
    int changedCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void valueRejected(const QString& option, const QString& error);

private:
    void refresh();

    ConfigDocument* m_document;
    QString m_group;
};

} // namespace wsgi::studio
