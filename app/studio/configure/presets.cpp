#include "configure/presets.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

config::DaemonProcess* daemonOf(config::WsgiModel& model, const QString& group)
{
    for (config::DaemonProcess& d : model.server.daemons)
        if (d.name == group.toStdString())
            return &d;
    for (config::VirtualHostBlock& h : model.virtualHosts)
        for (config::DaemonProcess& d : h.scope.daemons)
            if (d.name == group.toStdString())
                return &d;
    return nullptr;
}

QString directiveValue(const config::WsgiModel& model, const QString& name)
{
    for (const config::WsgiDirective& d : model.server.directives)
        if (QString::fromStdString(d.name).compare(name, Qt::CaseInsensitive) == 0)
            return d.args.empty() ? QString() : QString::fromStdString(d.args.front());
    return {};
}

void setDirective(config::WsgiModel& model, const QString& name, const QString& value)
{
    auto& list = model.server.directives;
    auto it = std::find_if(list.begin(), list.end(), [&](const config::WsgiDirective& d) {
        return QString::fromStdString(d.name).compare(name, Qt::CaseInsensitive) == 0;
    });
    if (value.isEmpty()) {
        if (it != list.end())
            list.erase(it);
    } else if (it == list.end()) {
        list.push_back({name.toStdString(), {value.toStdString()}, {}, {}});
    } else {
        it->args = {value.toStdString()};
    }
}

} // namespace

const QList<Preset>& presets()
{
    static const QList<Preset> list = {
        {u"10x1"_s,
         u"CPU-bound: 10 × 1"_s,
         u"Ten single-threaded processes: no GIL contention, one core each (the seeds' baseline, 134k rpm)."_s,
         {{u"processes"_s, u"10"_s}, {u"threads"_s, u"1"_s}, {u"switch-interval"_s, {}}},
         {{u"WSGIFreeThreading"_s, {}}},
         {}},
        {u"2x5"_s,
         u"Shared GIL: 2 × 5"_s,
         u"Two processes of five threads on Python's default 5 ms switch interval (the switch-interval "
         u"seed's "
         "starting point: 37k rpm on CPU-bound work)."_s,
         {{u"processes"_s, u"2"_s}, {u"threads"_s, u"5"_s}, {u"switch-interval"_s, {}}},
         {{u"WSGIFreeThreading"_s, {}}},
         {}},
        {u"2x5-tuned"_s,
         u"Shared GIL: 2 × 5, 0.1 ms switch interval"_s,
         u"The switch-interval seed's tuned row: the same shape with switch-interval=0.0001 (121k rpm)."_s,
         {{u"processes"_s, u"2"_s}, {u"threads"_s, u"5"_s}, {u"switch-interval"_s, u"0.0001"_s}},
         {{u"WSGIFreeThreading"_s, {}}},
         {}},
        {u"2-2-30"_s,
         u"The \"2-2-30\" start"_s,
         u"One machine, 2 cores, 2 processes, 30 threads and request-timeout=120 (the vertical-scaling "
         "seed)."_s,
         {{u"processes"_s, u"2"_s},
          {u"threads"_s, u"30"_s},
          {u"display-name"_s, u"%{GROUP}"_s},
          {u"request-timeout"_s, u"120"_s}},
         {},
         {}},
        {u"ft-1xN"_s,
         u"Free-threaded: 1 × 10"_s,
         u"One process of ten threads on a free-threaded Python with WSGIFreeThreading On: the GIL is gone "
         u"and "
         "one process uses many cores (the free-threading seed: 134k rpm, 6.65 cores in one process)."_s,
         {{u"processes"_s, u"1"_s}, {u"threads"_s, u"10"_s}, {u"switch-interval"_s, {}}},
         {{u"WSGIFreeThreading"_s, u"On"_s}, {u"WSGIPerInterpreterGIL"_s, {}}},
         {},
         true},
        {u"subinterp"_s,
         u"Per-interpreter GIL sub-interpreters"_s,
         u"Mounts run in a named application group (a sub-interpreter) with WSGIPerInterpreterGIL On, so "
         u"each "
         "interpreter has its own GIL on Python 3.12+ (%{GLOBAL}, the main interpreter, always shares it)."_s,
         {{u"processes"_s, u"1"_s}, {u"threads"_s, u"10"_s}},
         {{u"WSGIPerInterpreterGIL"_s, u"On"_s}, {u"WSGIFreeThreading"_s, {}}},
         u"app"_s,
         false,
         true},
    };
    return list;
}

const Preset* findPreset(const QString& id)
{
    for (const Preset& p : presets())
        if (p.id == id)
            return &p;
    return nullptr;
}

config::WsgiModel applyPreset(const config::WsgiModel& model, const Preset& preset, const QString& group,
                              const QString& runtime)
{
    config::WsgiModel out = model;
    config::DaemonProcess* d = daemonOf(out, group);
    if (!d)
        return out;
    for (const auto& [name, value] : preset.options) {
        if (value.isEmpty())
            d->options.remove(name.toStdString());
        else
            d->options.set(name.toStdString(), value.toStdString());
    }
    if ((preset.freeThreadedRuntime || preset.ownGilRuntime) && !runtime.isEmpty())
        d->options.set("python", runtime.toStdString());
    for (const auto& [name, value] : preset.directives)
        setDirective(out, name, value);
    if (!preset.applicationGroup.isEmpty())
        for (config::ScriptAlias& a : out.server.aliases)
            if (const std::string* g = a.options.find("process-group"); g && *g == d->name)
                a.options.set("application-group", preset.applicationGroup.toStdString());
    return out;
}

QStringList presetDeviations(const config::WsgiModel& model, const Preset& preset, const QString& group)
{
    QStringList out;
    config::WsgiModel copy = model;
    const config::DaemonProcess* d = daemonOf(copy, group);
    if (!d)
        return {u"group %1 is gone"_s.arg(group)};
    for (const auto& [name, value] : preset.options) {
        const std::string* now = d->options.find(name.toStdString());
        const QString current = now ? QString::fromStdString(*now) : QString();
        if (current != value)
            out << (current.isEmpty() ? QString(name + u" unset"_s) : QString(name + u'=' + current)) +
                       u" (preset: "_s + (value.isEmpty() ? u"unset"_s : value) + u')';
    }
    for (const auto& [name, value] : preset.directives) {
        const QString current = directiveValue(model, name);
        if (current.compare(value, Qt::CaseInsensitive) != 0)
            out << name + u' ' + (current.isEmpty() ? u"unset"_s : current) + u" (preset: "_s +
                       (value.isEmpty() ? u"unset"_s : value) + u')';
    }
    return out;
}

std::optional<QuickFix> quickFixFor(const FindingEntry& entry, const config::WsgiModel& model)
{
    const std::string& code = entry.finding.code;
    QuickFix fix{{}, model};
    config::DaemonProcess* d = entry.group.isEmpty() ? nullptr : daemonOf(fix.model, entry.group);
    if (code == "WSGI0200") { // free-threading on a GIL build
        fix.label = u"Turn WSGIFreeThreading off"_s;
        setDirective(fix.model, u"WSGIFreeThreading"_s, {});
        for (config::InterpreterOptionsBlock& c : fix.model.containers)
            std::erase_if(c.directives, [](const auto& x) { return x.name == "WSGIFreeThreading"; });
        return fix;
    }
    if (code == "WSGI0202" || code == "WSGI0198") { // own GIL moot (free-threading) or impossible (< 3.12)
        fix.label = u"Turn WSGIPerInterpreterGIL off"_s;
        setDirective(fix.model, u"WSGIPerInterpreterGIL"_s, {});
        return fix;
    }
    if (code == "WSGI0204" && d) { // switch-interval= does nothing under free-threading
        fix.label = u"Remove switch-interval from "_s + entry.group;
        d->options.remove("switch-interval");
        return fix;
    }
    if (code == "WSGI0203") {
        fix.label = u"Remove WSGISwitchInterval"_s;
        setDirective(fix.model, u"WSGISwitchInterval"_s, {});
        return fix;
    }
    if ((code == "E-UNSUPPORTED-OPTION" || code == "W-IGNORED-OPTION") && d && !entry.option.isEmpty()) {
        fix.label = u"Remove "_s + entry.option + u" from "_s + entry.group;
        d->options.remove(entry.option.toStdString());
        return fix;
    }
    return std::nullopt;
}

} // namespace wsgi::studio
