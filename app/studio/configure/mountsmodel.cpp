#include "configure/mountsmodel.h"

#include "session/configdocument.h"

namespace wsgi::studio {

namespace {
const char* optionOf(int column)
{
    return column == MountsModel::GroupColumn ? "process-group" : "application-group";
}
} // namespace

MountsModel::MountsModel(ConfigDocument* document, QObject* parent)
    : DocumentListModel(
          document, ColumnCount,
          [](const config::WsgiModel& model) { return int(model.server.aliases.size()); }, parent)
{
}

QVariant MountsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& aliases = m_document->model().server.aliases;
    if (std::size_t(index.row()) >= aliases.size())
        return {};
    const config::ScriptAlias& a = aliases[std::size_t(index.row())];
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case UrlColumn:
            return tr("URL prefix: requests under it go to this application (the longest prefix wins)");
        case ScriptColumn:
            return tr("The WSGI script; a relative path is relative to the configuration file");
        case GroupColumn:
            return tr("process-group=: the daemon group that runs it");
        default:
            return tr(
                "application-group=: %{GLOBAL} is the main interpreter, any other name a sub-interpreter");
        }
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case UrlColumn:
        return QString::fromStdString(a.url);
    case ScriptColumn:
        return QString::fromStdString(a.script);
    default: {
        const std::string* v = a.options.find(optionOf(index.column()));
        return v ? QString::fromStdString(*v) : QString();
    }
    }
}

bool MountsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !index.isValid())
        return false;
    config::ScriptAlias a = m_document->model().server.aliases.at(std::size_t(index.row()));
    const std::string text = value.toString().trimmed().toStdString();
    switch (index.column()) {
    case UrlColumn:
        a.url = text;
        break;
    case ScriptColumn:
        a.script = text;
        break;
    default:
        if (text.empty())
            a.options.remove(optionOf(index.column()));
        else
            a.options.set(optionOf(index.column()), text);
    }
    QString error;
    if (!m_document->setMount(index.row(), a, &error)) {
        emit editRejected(error);
        return false;
    }
    return true;
}

QVariant MountsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case UrlColumn:
        return tr("URL prefix");
    case ScriptColumn:
        return tr("Script");
    case GroupColumn:
        return tr("Process group");
    case ApplicationGroupColumn:
        return tr("Application group");
    default:
        return {};
    }
}

} // namespace wsgi::studio
