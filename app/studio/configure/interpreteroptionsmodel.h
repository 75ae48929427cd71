#pragma once
// The <WSGIInterpreterOptions> containers: their selectors (process-group=, application-group=) and
// the directives inside, written as "Name value; Name value". Edits go through
// ConfigDocument::setContainer; a refused one is reported by editRejected.

#include "configure/documentlistmodel.h"

namespace wsgi::studio {

class InterpreterOptionsModel : public DocumentListModel
{
    Q_OBJECT
public:
    enum Column
    {
        ProcessGroupColumn,
        ApplicationGroupColumn,
        DirectivesColumn,
        ColumnCount
    };

    explicit InterpreterOptionsModel(ConfigDocument* document, QObject* parent = nullptr);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace wsgi::studio
