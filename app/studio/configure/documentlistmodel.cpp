#include "configure/documentlistmodel.h"

#include "session/configdocument.h"

namespace wsgi::studio {

DocumentListModel::DocumentListModel(ConfigDocument* document, int columns, RowCounter rows, QObject* parent)
    : QAbstractTableModel(parent), m_document(document), m_rowCounter(std::move(rows)), m_columns(columns)
{
    m_rows = m_rowCounter(document->model());
    connect(document, &ConfigDocument::modelChanged, this, &DocumentListModel::refresh);
}

void DocumentListModel::refresh()
{
    const int rows = m_rowCounter(m_document->model());
    if (rows == m_rows) {
        if (rows > 0)
            emit dataChanged(index(0, 0), index(rows - 1, m_columns - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int DocumentListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int DocumentListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_columns;
}

Qt::ItemFlags DocumentListModel::flags(const QModelIndex& index) const
{
    return QAbstractTableModel::flags(index) | (index.isValid() ? Qt::ItemIsEditable : Qt::NoItemFlags);
}

} // namespace wsgi::studio
