// ConfigDocument's named edit operations. Each one changes a copy of the model and either returns
// false with the reason (nothing changes) or becomes one undo step.

#include "session/configdocument.h"

#include "apache-config/daemonoptions.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

using config::WsgiModel;

std::string str(const QString& s)
{
    return s.toStdString();
}

// What mod_wsgi accepts as a group name is any word; the studio keeps names that need no quoting
// in every place they appear (process-group=, container selectors, display-name's %{GROUP}).
QString checkGroupName(const QString& name)
{
    static const QRegularExpression ok(u"^[A-Za-z0-9_.-]+$"_s);
    if (name.isEmpty())
        return u"a daemon group needs a name"_s;
    if (!ok.match(name).hasMatch())
        return u"group name '"_s + name + u"' may hold only letters, digits, '_', '.' and '-'"_s;
    return {};
}

template <typename Fn> void forEachScope(WsgiModel& model, Fn fn)
{
    fn(model.server);
    for (config::VirtualHostBlock& host : model.virtualHosts)
        fn(host.scope);
}

void clearOrigins(config::WsgiScope& scope)
{
    for (auto& d : scope.directives)
        d.origin = {};
    for (auto& d : scope.daemons)
        d.origin = {};
    for (auto& d : scope.imports)
        d.origin = {};
    for (auto& d : scope.aliases)
        d.origin = {};
}

// The imported model in the shape the engine runs: one server scope (virtual hosts' groups and mounts
// move to it), nothing tied to the imported file's lines.
WsgiModel importable(const WsgiModel& imported)
{
    WsgiModel out;
    out.server = imported.server;
    for (const config::VirtualHostBlock& host : imported.virtualHosts) {
        const config::WsgiScope& s = host.scope;
        out.server.daemons.insert(out.server.daemons.end(), s.daemons.begin(), s.daemons.end());
        out.server.aliases.insert(out.server.aliases.end(), s.aliases.begin(), s.aliases.end());
        out.server.imports.insert(out.server.imports.end(), s.imports.begin(), s.imports.end());
    }
    clearOrigins(out.server);
    out.containers = imported.containers;
    for (auto& c : out.containers) {
        c.origin = {};
        for (auto& d : c.directives)
            d.origin = {};
    }
    out.mpm = imported.mpm;
    for (auto& block : out.mpm) {
        block.origin = {};
        for (auto& v : block.values)
            v.origin = {};
    }
    return out;
}

template <typename T, typename Key> void mergeBy(std::vector<T>& into, const std::vector<T>& from, Key key)
{
    for (const T& item : from) {
        auto it = std::find_if(into.begin(), into.end(), [&](const T& x) { return key(x) == key(item); });
        if (it == into.end()) {
            into.push_back(item);
        } else {
            const config::Origin keep = it->origin; // replaced in place, on its own line
            *it = item;
            it->origin = keep;
        }
    }
}

} // namespace

config::DaemonProcess* ConfigDocument::findDaemon(WsgiModel& model, const QString& name)
{
    config::DaemonProcess* found = nullptr;
    forEachScope(model, [&](config::WsgiScope& scope) {
        for (config::DaemonProcess& d : scope.daemons)
            if (!found && d.name == str(name))
                found = &d;
    });
    return found;
}

bool ConfigDocument::addGroup(const QString& name, QString* error)
{
    return edit(
        tr("Add group %1").arg(name),
        [&](WsgiModel& m, QString& why) {
            if (!(why = checkGroupName(name)).isEmpty())
                return false;
            if (findDaemon(m, name)) {
                why = u"a daemon group called '"_s + name + u"' exists already"_s;
                return false;
            }
            config::DaemonProcess d;
            d.name = str(name);
            d.options.set("processes", "1");
            d.options.set("threads", "15");
            d.options.set("display-name", "%{GROUP}");
            m.server.daemons.push_back(std::move(d));
            return true;
        },
        error);
}

bool ConfigDocument::duplicateGroup(const QString& name, const QString& newName, QString* error)
{
    return edit(
        tr("Duplicate group %1").arg(name),
        [&](WsgiModel& m, QString& why) {
            const config::DaemonProcess* from = findDaemon(m, name);
            if (!from) {
                why = u"there is no daemon group '"_s + name + u'\'';
                return false;
            }
            if (!(why = checkGroupName(newName)).isEmpty())
                return false;
            if (findDaemon(m, newName)) {
                why = u"a daemon group called '"_s + newName + u"' exists already"_s;
                return false;
            }
            config::DaemonProcess copy = *from;
            copy.name = str(newName);
            copy.origin = {};
            m.server.daemons.push_back(std::move(copy));
            return true;
        },
        error);
}

bool ConfigDocument::renameGroup(const QString& name, const QString& newName, QString* error)
{
    return edit(
        tr("Rename group %1 to %2").arg(name, newName),
        [&](WsgiModel& m, QString& why) {
            config::DaemonProcess* d = findDaemon(m, name);
            if (!d) {
                why = u"there is no daemon group '"_s + name + u'\'';
                return false;
            }
            if (name == newName)
                return true;
            if (!(why = checkGroupName(newName)).isEmpty())
                return false;
            if (findDaemon(m, newName)) {
                why = u"a daemon group called '"_s + newName + u"' exists already"_s;
                return false;
            }
            d->name = str(newName);
            // Everything that names the group follows it, so a rename never breaks a mount.
            const std::string from = str(name), to = str(newName);
            forEachScope(m, [&](config::WsgiScope& scope) {
                for (config::ScriptAlias& a : scope.aliases)
                    if (const std::string* g = a.options.find("process-group"); g && *g == from)
                        a.options.set("process-group", to);
                for (config::ImportScript& i : scope.imports)
                    if (const std::string* g = i.options.find("process-group"); g && *g == from)
                        i.options.set("process-group", to);
                for (config::WsgiDirective& w : scope.directives)
                    if (w.name == "WSGIProcessGroup" && w.args.size() == 1 && w.args[0] == from)
                        w.args[0] = to;
            });
            for (config::InterpreterOptionsBlock& c : m.containers)
                if (c.processGroup == from)
                    c.processGroup = to;
            return true;
        },
        error);
}

bool ConfigDocument::removeGroup(const QString& name, QString* error)
{
    return edit(
        tr("Remove group %1").arg(name),
        [&](WsgiModel& m, QString& why) {
            bool removed = false;
            forEachScope(m, [&](config::WsgiScope& scope) {
                removed =
                    std::erase_if(scope.daemons, [&](const auto& d) { return d.name == str(name); }) > 0 ||
                    removed;
            });
            if (!removed)
                why = u"there is no daemon group '"_s + name + u'\'';
            return removed; // mounts still naming it get a finding that says so
        },
        error);
}

bool ConfigDocument::setDaemonOption(const QString& group, const QString& option, const QString& value,
                                     QString* error)
{
    return edit(
        tr("Set %1 of %2 to %3").arg(option, group, value),
        [&](WsgiModel& m, QString& why) {
            config::DaemonProcess* d = findDaemon(m, group);
            if (!d) {
                why = u"there is no daemon group '"_s + group + u'\'';
                return false;
            }
            if (!(why = checkDaemonOption(option, value)).isEmpty()) {
                why = option + u": "_s + why;
                return false;
            }
            d->options.set(str(option), str(value));
            return true;
        },
        error);
}

bool ConfigDocument::clearDaemonOption(const QString& group, const QString& option, QString* error)
{
    return edit(
        tr("Reset %1 of %2").arg(option, group),
        [&](WsgiModel& m, QString& why) {
            config::DaemonProcess* d = findDaemon(m, group);
            if (!d) {
                why = u"there is no daemon group '"_s + group + u'\'';
                return false;
            }
            d->options.remove(str(option));
            return true;
        },
        error);
}

bool ConfigDocument::addMount(const config::ScriptAlias& mount, QString* error)
{
    return edit(
        tr("Add mount %1").arg(QString::fromStdString(mount.url)),
        [&](WsgiModel& m, QString& why) {
            for (const config::ScriptAlias& a : m.server.aliases)
                if (a.url == mount.url) {
                    why = u"URL prefix "_s + QString::fromStdString(mount.url) + u" is mounted already"_s;
                    return false;
                }
            config::ScriptAlias a = mount;
            a.origin = {};
            m.server.aliases.push_back(std::move(a));
            return true;
        },
        error);
}

bool ConfigDocument::setMount(int index, const config::ScriptAlias& mount, QString* error)
{
    return edit(
        tr("Edit mount %1").arg(QString::fromStdString(mount.url)),
        [&](WsgiModel& m, QString& why) {
            if (index < 0 || index >= int(m.server.aliases.size())) {
                why = u"there is no mount "_s + QString::number(index + 1);
                return false;
            }
            if (mount.url.empty() || mount.script.empty()) {
                why = u"a mount needs a URL prefix and a script"_s;
                return false;
            }
            config::ScriptAlias& a = m.server.aliases[std::size_t(index)];
            const config::Origin keep = a.origin;
            a = mount;
            a.origin = keep;
            return true;
        },
        error);
}

bool ConfigDocument::removeMount(int index, QString* error)
{
    return edit(
        tr("Remove mount"),
        [&](WsgiModel& m, QString& why) {
            if (index < 0 || index >= int(m.server.aliases.size())) {
                why = u"there is no mount "_s + QString::number(index + 1);
                return false;
            }
            m.server.aliases.erase(m.server.aliases.begin() + index);
            return true;
        },
        error);
}

bool ConfigDocument::setDirective(const QString& name, const QStringList& args, QString* error)
{
    const QString step =
        args.isEmpty() ? tr("Remove %1").arg(name) : tr("Set %1 %2").arg(name, args.join(u' '));
    return edit(
        step,
        [&](WsgiModel& m, QString&) {
            auto& list = m.server.directives;
            auto it =
                std::find_if(list.begin(), list.end(), [&](const auto& d) { return d.name == str(name); });
            if (args.isEmpty()) {
                if (it != list.end())
                    list.erase(it);
                return true;
            }
            std::vector<std::string> values;
            for (const QString& a : args)
                values.push_back(str(a));
            if (it == list.end()) {
                config::WsgiDirective d;
                d.name = str(name);
                d.args = std::move(values);
                list.push_back(std::move(d));
            } else {
                it->args = std::move(values);
            }
            return true;
        },
        error);
}

bool ConfigDocument::addContainer(const config::InterpreterOptionsBlock& block, QString* error)
{
    return edit(
        tr("Add interpreter options"),
        [&](WsgiModel& m, QString&) {
            config::InterpreterOptionsBlock b = block;
            b.origin = {};
            m.containers.push_back(std::move(b));
            return true;
        },
        error);
}

bool ConfigDocument::setContainer(int index, const config::InterpreterOptionsBlock& block, QString* error)
{
    return edit(
        tr("Edit interpreter options"),
        [&](WsgiModel& m, QString& why) {
            if (index < 0 || index >= int(m.containers.size())) {
                why = u"there is no interpreter-options container "_s + QString::number(index + 1);
                return false;
            }
            const config::Origin keep = m.containers[std::size_t(index)].origin;
            m.containers[std::size_t(index)] = block;
            m.containers[std::size_t(index)].origin = keep;
            return true;
        },
        error);
}

bool ConfigDocument::removeContainer(int index, QString* error)
{
    return edit(
        tr("Remove interpreter options"),
        [&](WsgiModel& m, QString& why) {
            if (index < 0 || index >= int(m.containers.size())) {
                why = u"there is no interpreter-options container "_s + QString::number(index + 1);
                return false;
            }
            m.containers.erase(m.containers.begin() + index);
            return true;
        },
        error);
}

bool ConfigDocument::setMpmValue(const QString& name, const QString& value, QString* error)
{
    return edit(
        value.isEmpty() ? tr("Remove %1").arg(name) : tr("Set %1 %2").arg(name, value),
        [&](WsgiModel& m, QString& why) {
            if (!config::isMpmDirective(str(name))) {
                why = u"'"_s + name + u"' is not an MPM directive"_s;
                return false;
            }
            static const QRegularExpression number(u"^[0-9]+$"_s);
            if (!value.isEmpty() && !number.match(value).hasMatch()) {
                why = name + u" takes a whole number, not '"_s + value + u'\'';
                return false;
            }
            auto top = std::find_if(m.mpm.begin(), m.mpm.end(), [](const auto& b) { return !b.module; });
            // Any earlier setting of the directive (in any block) would be overridden anyway; keep one.
            for (config::MpmBlock& b : m.mpm)
                std::erase_if(b.values, [&](const auto& v) { return v.name == str(name); });
            if (value.isEmpty())
                return true;
            if (top == m.mpm.end()) {
                m.mpm.push_back({});
                top = std::prev(m.mpm.end());
            }
            top->values.push_back({str(name), str(value), {}});
            return true;
        },
        error);
}

bool ConfigDocument::replaceModel(const QString& stepName, const config::WsgiModel& model)
{
    return edit(
        stepName,
        [&](WsgiModel& m, QString&) {
            m = model;
            return true;
        },
        nullptr);
}

bool ConfigDocument::setText(const QString& text, const QString& stepName)
{
    State after{readSource(text, m_path), {}};
    after.model = after.source->imported.model;
    push(stepName, std::move(after));
    return true;
}

bool ConfigDocument::importModel(const config::ImportedConfig& imported, ImportMode mode, QString* error)
{
    const WsgiModel in = importable(imported.model);
    return edit(
        mode == ImportMode::Replace ? tr("Import (replace)") : tr("Import (merge)"),
        [&](WsgiModel& m, QString&) {
            if (mode == ImportMode::Replace) {
                m = in;
                return true;
            }
            mergeBy(m.server.daemons, in.server.daemons, [](const auto& d) { return d.name; });
            mergeBy(m.server.aliases, in.server.aliases, [](const auto& a) { return a.url; });
            mergeBy(m.server.directives, in.server.directives, [](const auto& d) { return d.name; });
            m.server.imports.insert(m.server.imports.end(), in.server.imports.begin(),
                                    in.server.imports.end());
            m.containers.insert(m.containers.end(), in.containers.begin(), in.containers.end());
            m.mpm.insert(m.mpm.end(), in.mpm.begin(), in.mpm.end());
            return true;
        },
        error);
}

} // namespace wsgi::studio
