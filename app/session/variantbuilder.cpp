#include "session/variantbuilder.h"

#include "session/configdocument.h"

#include <QDir>
#include <QFileInfo>

#include <functional>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

std::string str(const QString& s)
{
    return s.toStdString();
}

QString qstr(const std::string& s)
{
    return QString::fromStdString(s);
}

void forEachScope(config::WsgiModel& model, const std::function<void(config::WsgiScope&)>& fn)
{
    fn(model.server);
    for (config::VirtualHostBlock& host : model.virtualHosts)
        fn(host.scope);
}

config::DaemonProcess* findDaemon(config::WsgiModel& model, const QString& name)
{
    config::DaemonProcess* found = nullptr;
    forEachScope(model, [&](config::WsgiScope& scope) {
        for (config::DaemonProcess& d : scope.daemons)
            if (!found && d.name == str(name))
                found = &d;
    });
    return found;
}

const config::ScriptAlias* rootAlias(const config::WsgiModel& model)
{
    for (const config::ScriptAlias& a : model.server.aliases)
        if (a.directive == "WSGIScriptAlias" && (a.url == "/" || a.url.empty()))
            return &a;
    return nullptr;
}

QDir baseDirectory(const QString& documentPath)
{
    return documentPath.isEmpty() ? QDir::current() : QFileInfo(documentPath).absoluteDir();
}

QString absolute(const QDir& base, const QString& path)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path) || path.contains(u"%{"_s) || path.contains(u"${"_s))
        return path; // expanded by the engine, not a file name we can resolve here
    return QDir::cleanPath(base.absoluteFilePath(path));
}

QString absoluteList(const QDir& base, const QString& paths)
{
    QStringList out;
    for (const QString& p : paths.split(u':'))
        out << absolute(base, p);
    return out.join(u':');
}

std::optional<config::WsgiModel> modelOf(const QString& text, const QString& documentPath,
                                         std::shared_ptr<const ConfigDocument::Source>& source,
                                         QString& error)
{
    source = ConfigDocument::readSource(text, documentPath);
    if (source->broken) {
        error = u"the base configuration does not parse; fix it on the Configure page first"_s;
        return std::nullopt;
    }
    return source->imported.model;
}

bool isOn(const QString& value)
{
    const QString v = value.toLower();
    return v == u"on"_s || v == u"true"_s || v == u"1"_s;
}

} // namespace

QString defaultGroupOf(const QString& text, const QString& documentPath)
{
    const auto source = ConfigDocument::readSource(text, documentPath);
    const config::WsgiModel& model = source->imported.model;
    if (const config::ScriptAlias* root = rootAlias(model))
        if (const std::string* group = root->options.find("process-group"))
            return qstr(*group);
    const auto daemons = model.allDaemons();
    return daemons.size() == 1 ? qstr(daemons.front()->name) : QString();
}

std::optional<QString> applyChanges(const QString& baseText, const QString& documentPath,
                                    const std::vector<OptionChange>& changes, QString& error)
{
    std::shared_ptr<const ConfigDocument::Source> source;
    auto model = modelOf(baseText, documentPath, source, error);
    if (!model)
        return std::nullopt;
    const QString fallbackGroup = defaultGroupOf(baseText, documentPath);
    for (const OptionChange& change : changes) {
        const QString option = change.option.trimmed().toLower();
        const QString group = change.group.isEmpty() ? fallbackGroup : change.group;
        const QString what = option + u'=' + change.value + u" of group '"_s + group + u'\'';
        if (option == u"free-threading"_s) {
            auto& list = model->server.directives;
            auto it = std::find_if(list.begin(), list.end(), [](const config::WsgiDirective& d) {
                return QString::fromStdString(d.name).compare(u"WSGIFreeThreading"_s, Qt::CaseInsensitive) ==
                       0;
            });
            const std::string value = isOn(change.value) ? "On" : "Off";
            if (it != list.end()) {
                it->args = {value};
            } else {
                config::WsgiDirective d;
                d.name = "WSGIFreeThreading";
                d.args = {value};
                list.push_back(std::move(d));
            }
            continue;
        }
        config::DaemonProcess* daemon = findDaemon(*model, group);
        if (!daemon) {
            error = what + u": there is no daemon group '"_s + group + u"' in the configuration"_s;
            return std::nullopt;
        }
        // python= names an engine runtime: mod_wsgi's value rules do not know it.
        if (option != u"python"_s) {
            const QString why = ConfigDocument::checkDaemonOption(option, change.value);
            if (!why.isEmpty()) {
                error = what + u": "_s + why;
                return std::nullopt;
            }
        }
        daemon->options.set(str(option), str(change.value));
    }
    return ConfigDocument::renderEngineText(*source, *model);
}

std::vector<VariantDraft> sweepDrafts(const QString& baseText, const QString& documentPath,
                                      const SweepGrid& grid, const QString& group, QString& error)
{
    std::vector<VariantDraft> drafts;
    for (const SweepCell& cell : sweepCells(grid)) {
        VariantDraft d;
        d.name = cell.name;
        d.reason = u"sweep cell"_s;
        d.changes.push_back({group, u"processes"_s, QString::number(cell.processes)});
        d.changes.push_back({group, u"threads"_s, QString::number(cell.threads)});
        if (cell.switchInterval)
            d.changes.push_back(
                {group, u"switch-interval"_s, QString::number(*cell.switchInterval, 'g', 10)});
        if (!cell.runtime.isEmpty())
            d.changes.push_back({group, u"python"_s, cell.runtime});
        if (cell.freeThreading)
            d.changes.push_back({group, u"free-threading"_s, u"On"_s});
        const auto text = applyChanges(baseText, documentPath, d.changes, error);
        if (!text) {
            error = u"sweep cell "_s + cell.name + u": "_s + error;
            return {};
        }
        d.text = *text;
        drafts.push_back(std::move(d));
    }
    return drafts;
}

QString runnableText(const QString& text, const QString& documentPath)
{
    std::shared_ptr<const ConfigDocument::Source> source;
    QString error;
    auto model = modelOf(text, documentPath, source, error);
    if (!model)
        return text; // the engine reports what does not parse, with its line
    const QDir base = baseDirectory(documentPath);
    bool changed = false;
    auto fix = [&](std::string& value, bool list) {
        const QString before = qstr(value);
        const QString after = list ? absoluteList(base, before) : absolute(base, before);
        if (after != before) {
            value = str(after);
            changed = true;
        }
    };
    forEachScope(*model, [&](config::WsgiScope& scope) {
        for (config::ScriptAlias& a : scope.aliases)
            fix(a.script, false);
        for (config::ImportScript& s : scope.imports)
            fix(s.script, false);
        for (config::WsgiDirective& d : scope.directives) {
            const QString name = qstr(d.name).toLower();
            if ((name == u"wsgipythonpath"_s || name == u"wsgipythonhome"_s) && !d.args.empty())
                fix(d.args.front(), name == u"wsgipythonpath"_s);
        }
        for (config::DaemonProcess& d : scope.daemons)
            for (config::NameValue& nv : d.options.items) {
                const QString key = qstr(nv.name).toLower();
                if (key == u"python-path"_s || key == u"python-home"_s || key == u"home"_s)
                    fix(nv.value, key == u"python-path"_s);
            }
    });
    return changed ? ConfigDocument::renderEngineText(*source, *model) : text;
}

QString rootScriptOf(const QString& text, const QString& documentPath)
{
    const auto source = ConfigDocument::readSource(text, documentPath);
    const config::ScriptAlias* root = rootAlias(source->imported.model);
    return root ? absolute(baseDirectory(documentPath), qstr(root->script)) : QString();
}

std::optional<AbVariant> abVariantFor(const QString& name, const QString& text, const QString& documentPath,
                                      QString& error)
{
    const QString runnable = runnableText(text, documentPath);
    auto variant = variantFromSnippet(name, documentPath, runnable, rootScriptOf(text, documentPath), error);
    if (!variant)
        return std::nullopt;
    // The text runs from a private directory (its paths are absolute now), never the file in place:
    // the file holds the base, not this variant.
    variant->runInPlace = false;
    variant->configText = runnable;
    return variant;
}

std::vector<TextDiffLine> diffTextLines(const QString& before, const QString& after)
{
    const QStringList a = before.split(u'\n');
    const QStringList b = after.split(u'\n');
    const auto n = size_t(a.size());
    const auto m = size_t(b.size());
    std::vector<TextDiffLine> out;
    if (n * m > 4'000'000) { // far beyond any configuration: every line counts as changed
        for (const QString& line : a)
            out.push_back({TextDiffLine::Op::Removed, line});
        for (const QString& line : b)
            out.push_back({TextDiffLine::Op::Added, line});
        return out;
    }
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            lcs[i][j] = a[qsizetype(i)] == b[qsizetype(j)] ? lcs[i + 1][j + 1] + 1
                                                           : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    size_t i = 0;
    size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[qsizetype(i)] == b[qsizetype(j)]) {
            out.push_back({TextDiffLine::Op::Same, a[qsizetype(i)]});
            ++i;
            ++j;
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            out.push_back({TextDiffLine::Op::Removed, a[qsizetype(i++)]}); // the old line first
        } else {
            out.push_back({TextDiffLine::Op::Added, b[qsizetype(j++)]});
        }
    }
    return out;
}

QString changedLinesText(const QString& before, const QString& after)
{
    QString out;
    for (const TextDiffLine& line : diffTextLines(before, after)) {
        if (line.op == TextDiffLine::Op::Removed)
            out += u"- "_s + line.text + u'\n';
        else if (line.op == TextDiffLine::Op::Added)
            out += u"+ "_s + line.text + u'\n';
    }
    return out;
}

} // namespace wsgi::studio
