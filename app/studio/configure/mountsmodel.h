#pragma once
// The mounts (WSGIScriptAlias) of the main server: URL prefix, script, process group, application
// group. Edits go through ConfigDocument::setMount; a refused one is reported by editRejected.

#include <QAbstractTableModel>

namespace wsgi::studio {

class ConfigDocument;

class MountsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        UrlColumn,
        ScriptColumn,
        GroupColumn,
        ApplicationGroupColumn,
        ColumnCount
    };

    explicit MountsModel(ConfigDocument* document, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void editRejected(const QString& error);

private:
    void refresh();

    ConfigDocument* m_document;
    int m_rows = 0;
};

} // namespace wsgi::studio
