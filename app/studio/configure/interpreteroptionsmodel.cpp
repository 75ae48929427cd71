#include "configure/interpreteroptionsmodel.h"

#include "session/configdocument.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

// The directives a container may hold (modwsgi.md section 2.4); anything else is refused here, since
// mod_wsgi itself does not check.
const QStringList kAllowed = {u"WSGIPerInterpreterGIL"_s, u"WSGIFreeThreading"_s, u"WSGISwitchInterval"_s,
                              u"WSGIPythonPath"_s,        u"WSGIRestrictStdin"_s, u"WSGIRestrictStdout"_s,
                              u"WSGIRestrictSignal"_s};

QString directivesText(const config::InterpreterOptionsBlock& b)
{
    QStringList parts;
    for (const config::WsgiDirective& d : b.directives) {
        QString part = QString::fromStdString(d.name);
        for (const std::string& a : d.args)
            part += u' ' + QString::fromStdString(a);
        parts << part;
    }
    return parts.join(u"; "_s);
}

bool parseDirectives(const QString& text, std::vector<config::WsgiDirective>& out, QString& error)
{
    out.clear();
    for (const QString& part : text.split(u';', Qt::SkipEmptyParts)) {
        const QStringList words = part.simplified().split(u' ', Qt::SkipEmptyParts);
        if (words.isEmpty())
            continue;
        auto allowed = std::find_if(kAllowed.begin(), kAllowed.end(), [&](const QString& a) {
            return a.compare(words[0], Qt::CaseInsensitive) == 0;
        });
        if (allowed == kAllowed.end()) {
            error = u"'"_s + words[0] + u"' cannot be in <WSGIInterpreterOptions>; allowed: "_s +
                    kAllowed.join(u", "_s);
            return false;
        }
        if (words.size() != 2) {
            error = *allowed + u" takes one value"_s;
            return false;
        }
        out.push_back({allowed->toStdString(), {words[1].toStdString()}, {}, {}});
    }
    return true;
}

} // namespace

InterpreterOptionsModel::InterpreterOptionsModel(ConfigDocument* document, QObject* parent)
    : DocumentListModel(
          document, ColumnCount, [](const config::WsgiModel& model) { return int(model.containers.size()); },
          parent)
{
}

QVariant InterpreterOptionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& containers = m_document->model().containers;
    if (std::size_t(index.row()) >= containers.size())
        return {};
    const config::InterpreterOptionsBlock& b = containers[std::size_t(index.row())];
    if (role == Qt::ToolTipRole)
        return tr("Empty selector: any. %{GLOBAL} as application group is the main interpreter. For each "
                  "directive the most specific matching container wins; WSGIPythonPath adds up. Allowed: %1")
            .arg(kAllowed.join(u", "_s));
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case ProcessGroupColumn:
        return b.processGroup ? QString::fromStdString(*b.processGroup) : QString();
    case ApplicationGroupColumn:
        return b.applicationGroup ? QString::fromStdString(*b.applicationGroup) : QString();
    case DirectivesColumn:
        return directivesText(b);
    default:
        return {};
    }
}

bool InterpreterOptionsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !index.isValid())
        return false;
    config::InterpreterOptionsBlock b = m_document->model().containers.at(std::size_t(index.row()));
    const QString text = value.toString().trimmed();
    QString error;
    switch (index.column()) {
    case ProcessGroupColumn:
        b.processGroup = text.isEmpty() ? std::nullopt : std::optional(text.toStdString());
        break;
    case ApplicationGroupColumn:
        b.applicationGroup = text.isEmpty() ? std::nullopt : std::optional(text.toStdString());
        break;
    default:
        if (!parseDirectives(text, b.directives, error)) {
            emit editRejected(error);
            return false;
        }
    }
    if (!m_document->setContainer(index.row(), b, &error)) {
        emit editRejected(error);
        return false;
    }
    return true;
}

QVariant InterpreterOptionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ProcessGroupColumn:
        return tr("process-group=");
    case ApplicationGroupColumn:
        return tr("application-group=");
    case DirectivesColumn:
        return tr("Directives");
    default:
        return {};
    }
}

} // namespace wsgi::studio
