#pragma once
// The mounts (WSGIScriptAlias) of the main server: URL prefix, script, process group, application
// group. Edits go through ConfigDocument::setMount; a refused one is reported by editRejected.

#include "configure/documentlistmodel.h"

namespace wsgi::studio {

class MountsModel : public DocumentListModel
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

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace wsgi::studio
