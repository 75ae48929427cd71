#pragma once
// A table over one list in the ConfigDocument (mounts, interpreter-options containers): one row per
// entry, every cell editable. Follows the document: a change of length resets the model, any other
// change is a dataChanged over all cells, so views keep their selection while a value is edited.

#include <QAbstractTableModel>

#include <functional>

namespace wsgi::config {
struct WsgiModel;
}

namespace wsgi::studio {

class ConfigDocument;

class DocumentListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using RowCounter = std::function<int(const config::WsgiModel&)>;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

signals:
    void editRejected(const QString& error);

protected:
    DocumentListModel(ConfigDocument* document, int columns, RowCounter rows, QObject* parent);

    ConfigDocument* m_document;

private:
    void refresh();

    RowCounter m_rowCounter;
    int m_columns;
    int m_rows = 0;
};

} // namespace wsgi::studio
