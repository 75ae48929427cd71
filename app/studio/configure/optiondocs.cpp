#include "configure/optiondocs.h"

#include "apache-config/modwsgifeatures.h"

#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

using config::OptionSupport;
using config::OptionValueKind;

// When to change an option: the operator's question, answered from the seeds and modwsgi.md.
const QHash<QString, QString>& advice()
{
    static const QHash<QString, QString> table = {
        {u"processes"_s,
         u"Raise it for CPU-bound applications: each process has its own GIL, so N processes use "
         "N cores (the seeds' 10x1 beats 1x10 on CPU-bound work). Memory grows with it."_s},
        {u"threads"_s,
         u"Raise it for I/O-bound applications (waiting on databases or APIs). For CPU-bound work "
         "more threads only queue on the GIL; keep it low and add processes instead."_s},
        {u"switch-interval"_s,
         u"Lower it (e.g. 0.001) when short requests wait behind long CPU-bound ones in the "
         "same process; it costs more GIL hand-overs. Ignored under free-threading."_s},
        {u"maximum-requests"_s, u"Set it to recycle processes that leak memory; 0 keeps them forever."_s},
        {u"queue-timeout"_s,
         u"Set it (e.g. 45) so a backlog is answered with 504 instead of requests waiting "
         "longer than any client would."_s},
        {u"request-timeout"_s, u"Set it to restart a process stuck on a request; it is scaled by threads."_s},
        {u"restart-interval"_s,
         u"Set it to recycle processes on a timer (gracefully) when memory creeps up slowly; a long "
         "benchmark then sees those restarts, as production does."_s},
        {u"inactivity-timeout"_s,
         u"Set it to give memory back after idle periods: a process that served requests and then sat idle "
         "this long is restarted; the next request pays the application's start."_s},
        {u"startup-timeout"_s,
         u"Set it (e.g. 15) so a process whose WSGI script hangs while loading is restarted instead of "
         "holding its slot."_s},
        {u"cpu-time-limit"_s,
         u"Set it to recycle a process once it has used this much CPU time since it started (gracefully; "
         "the RLIMIT_CPU hard limit stops one that does not exit)."_s},
        {u"memory-limit"_s,
         u"A cap on the process's data segment (RLIMIT_DATA, thread stacks included): allocations past it "
         "fail with MemoryError; it does not restart the process. Use maximum-requests or "
         "restart-interval to recycle leaks."_s},
        {u"virtual-memory-limit"_s,
         u"A cap on the process's address space (RLIMIT_AS): allocations past it fail with MemoryError. "
         "Leave room for every thread's stack."_s},
        {u"graceful-timeout"_s, u"Raise it when requests legitimately take long during a recycle."_s},
        {u"shutdown-timeout"_s, u"Raise it when the application needs time to clean up on exit."_s},
        {u"socket-timeout"_s, u"Lower it to give up sooner on a stuck daemon; 0 uses Apache's Timeout."_s},
        {u"listen-backlog"_s, u"Raise it when bursts exceed the threads and connections are refused."_s},
        {u"display-name"_s, u"Set '%{GROUP}' so ps and top show which group a process belongs to."_s},
        {u"python-home"_s, u"Point it at the group's virtual environment."_s},
        {u"python-path"_s, u"Add the project's directories so its modules import."_s},
        {u"home"_s, u"Set it to the project directory when the application opens relative paths."_s},
        {u"python"_s,
         u"Pick the Python this group runs: a free-threaded build (3.13t) with WSGIFreeThreading On "
         "runs threads in parallel; 3.12+ allows sub-interpreters with their own GIL."_s},
    };
    return table;
}

QString unitOf(OptionValueKind kind, const QString& name)
{
    switch (kind) {
    case OptionValueKind::Seconds:
        return u"s"_s;
    case OptionValueKind::Milliseconds:
        return u"ms"_s;
    case OptionValueKind::Bytes:
    case OptionValueKind::Bytes64:
        return u"bytes"_s;
    case OptionValueKind::Float:
        return name == u"switch-interval"_s ? u"s"_s : QString();
    case OptionValueKind::Integer:
        return name == u"processes"_s || name == u"threads"_s ? u"count"_s : QString();
    default:
        return {};
    }
}

QString ruleOf(OptionValueKind kind)
{
    switch (kind) {
    case OptionValueKind::Integer:
        return u"whole number, read with atoi: trailing text is ignored"_s;
    case OptionValueKind::Seconds:
        return u"whole seconds, read with atoi: '60s' reads as 60, '1.5' as 1"_s;
    case OptionValueKind::Milliseconds:
        return u"whole milliseconds, read with atoi"_s;
    case OptionValueKind::Bytes:
        return u"bytes, read with atoi; 0 means the built-in size"_s;
    case OptionValueKind::Bytes64:
        return u"bytes, read with apr_atoi64"_s;
    case OptionValueKind::Float:
        return u"seconds as a decimal number (strtod, the whole text), greater than 0"_s;
    case OptionValueKind::AbsolutePath:
        return u"an absolute path"_s;
    case OptionValueKind::PathList:
        return u"directories separated by ':'"_s;
    case OptionValueKind::Octal:
        return u"octal, e.g. 0022"_s;
    case OptionValueKind::OnOff:
        return u"On or Off"_s;
    case OptionValueKind::Account:
        return u"a user or group name, or #id"_s;
    case OptionValueKind::Runtime:
        return u"3.N or 3.Nt (free-threaded)"_s;
    case OptionValueKind::Text:
        break;
    }
    return u"text"_s;
}

QString rangeOf(const config::DaemonOptionSpec& spec)
{
    if (spec.kind == OptionValueKind::Float)
        return u"> 0"_s;
    if (spec.kind == OptionValueKind::Bytes && spec.min > 0)
        return u"0 or ≥ "_s + QString::number(spec.min);
    if (spec.kind != OptionValueKind::Integer && spec.kind != OptionValueKind::Seconds &&
        spec.kind != OptionValueKind::Milliseconds && spec.kind != OptionValueKind::Bytes64)
        return {};
    const QString max = spec.max == 0 || spec.max >= 2147483647 ? u"∞"_s : QString::number(spec.max);
    return QString::number(spec.min) + u" – "_s + max;
}

QString engineNoteOf(const config::DaemonOptionSpec& spec)
{
    const QString reason = QString::fromUtf8(spec.reason.data(), qsizetype(spec.reason.size()));
    switch (spec.support) {
    case OptionSupport::Implemented:
        return {};
    case OptionSupport::Ignored:
        return u"The engine accepts it but it has no effect on what it runs: "_s + reason;
    case OptionSupport::IgnoredWithCaveat:
        return u"The engine accepts it but does not apply it (can show in long measurements): "_s + reason;
    case OptionSupport::NotImplemented:
        return u"The engine does not implement it and refuses a configuration that sets it: "_s + reason;
    case OptionSupport::EngineOnly:
        return u"Engine-only: the Apache export leaves it out with a note."_s;
    }
    return {};
}

QList<OptionInfo> build()
{
    QList<OptionInfo> out;
    for (const config::DaemonOptionSpec& spec : config::daemonOptionTable()) {
        OptionInfo info;
        info.name = QString::fromUtf8(spec.name.data(), qsizetype(spec.name.size()));
        info.kind = spec.kind;
        info.support = spec.support;
        info.unit = unitOf(spec.kind, info.name);
        info.range = rangeOf(spec);
        info.rule = ruleOf(spec.kind);
        info.engineNote = engineNoteOf(spec);
        info.advice = advice().value(info.name);
        if (const config::DaemonOptionDoc* doc = config::findDaemonOptionDoc(spec.name)) {
            info.default6 = QString::fromUtf8(doc->defaultValue.data(), qsizetype(doc->defaultValue.size()));
            info.meaning = QString::fromUtf8(doc->meaning.data(), qsizetype(doc->meaning.size()));
            info.inModWsgi4 = doc->inModWsgi4;
            info.default4 = doc->inModWsgi4 ? info.default6 : QString();
        } else if (info.name == u"python"_s) {
            info.meaning = u"the Python runtime the engine runs this group with"_s;
            info.inModWsgi4 = false;
        }
        // 4.x flushes after 64 KiB when the size is left at 0; 6.0.2 raised that to 8 MiB.
        if (info.name == u"response-buffer-size"_s)
            info.meaning = u"bytes passed on before a forced flush (0 = 8 MiB in 6.0.2+, 64 KiB in 4.9)"_s;
        out << info;
    }
    return out;
}

} // namespace

QString OptionInfo::defaultText() const
{
    if (name == u"python"_s)
        return u"the engine's default runtime (engine-only)"_s;
    const QString value = default6.isEmpty() ? u"unset"_s : default6;
    if (!inModWsgi4)
        return value + u" (mod_wsgi 6.0; 4.9 has no such option)"_s;
    if (default4 != default6)
        return value + u" (6.0) / "_s + (default4.isEmpty() ? u"unset"_s : default4) + u" (4.9)"_s;
    return value + u" (mod_wsgi 6.0 and 4.9)"_s;
}

QString OptionInfo::shortDefault() const
{
    if (name == u"python"_s)
        return u"engine's default · engine-only"_s;
    QString out = default6.isEmpty() ? u"unset"_s : default6;
    if (!inModWsgi4)
        out += u" · 6.0 only"_s;
    else if (default4 != default6)
        out += u" · 4.9: "_s + (default4.isEmpty() ? u"unset"_s : default4);
    return out;
}

QString OptionInfo::tooltip() const
{
    QString t = u"<b>"_s + name + u"</b>"_s;
    if (!meaning.isEmpty())
        t += u": "_s + meaning.toHtmlEscaped();
    if (!advice.isEmpty())
        t += u"<p><i>When to change it:</i> "_s + advice.toHtmlEscaped() + u"</p>"_s;
    t += u"<p>Default: "_s + defaultText().toHtmlEscaped() + u"<br>Value: "_s + rule.toHtmlEscaped();
    if (!range.isEmpty())
        t += u"<br>Range: "_s + range.toHtmlEscaped() + (unit.isEmpty() ? QString() : u' ' + unit);
    t += u"</p>"_s;
    if (!engineNote.isEmpty())
        t += u"<p>"_s + engineNote.toHtmlEscaped() + u"</p>"_s;
    return t;
}

const QList<OptionInfo>& daemonOptionInfos()
{
    static const QList<OptionInfo> infos = build();
    return infos;
}

const OptionInfo* findOptionInfo(const QString& name)
{
    for (const OptionInfo& info : daemonOptionInfos())
        if (info.name == name)
            return &info;
    return nullptr;
}

bool isDefaultValue(const OptionInfo& info, const QString& value)
{
    if (info.default6.isEmpty())
        return value.isEmpty();
    if (info.kind == OptionValueKind::Float)
        return value.toDouble() == info.default6.toDouble();
    if (info.kind == OptionValueKind::OnOff)
        return value.compare(info.default6, Qt::CaseInsensitive) == 0;
    return value == info.default6;
}

const QList<DirectiveInfo>& topLevelDirectiveInfos()
{
    static const QList<DirectiveInfo> infos = {
        {u"WSGISwitchInterval"_s,
         {},
         u"s"_s,
         u"unset: Python's 0.005 s (mod_wsgi 6.0 only)"_s,
         u"<b>WSGISwitchInterval</b>: seconds between GIL hand-overs. At the top level it is documented for "
         u"the "
         "embedded interpreter only; daemon groups use switch-interval=. Inside a container with "
         "application-group= it applies only to interpreters with their own GIL (else WSGI0199)."_s},
        {u"WSGIPerInterpreterGIL"_s,
         {u"On"_s, u"Off"_s},
         {},
         u"Off (mod_wsgi 6.0 only)"_s,
         u"<b>WSGIPerInterpreterGIL</b>: sub-interpreters (application groups other than %{GLOBAL}) get "
         u"their own "
         "GIL on Python 3.12+ (WSGI0198 below 3.12). The main interpreter always shares the GIL; "
         "free-threading "
         "makes it moot (WSGI0202)."_s},
        {u"WSGIFreeThreading"_s,
         {u"On"_s, u"Off"_s},
         {},
         u"Off (mod_wsgi 6.0 only)"_s,
         u"<b>WSGIFreeThreading</b>: disables the GIL on a free-threaded build (python=3.13t); on any other "
         u"build "
         "it does nothing and warns (WSGI0200). Switch intervals then have no effect (WSGI0203-0205)."_s},
        {u"WSGIRestrictEmbedded"_s,
         {u"On"_s, u"Off"_s},
         {},
         u"Off (mod_wsgi 6.0 and 4.9)"_s,
         u"<b>WSGIRestrictEmbedded</b>: On stops Python from being initialised in Apache's own processes, so "
         "every application must run in a daemon group. Recommended with daemon mode."_s},
        {u"WSGIPythonPath"_s,
         {},
         {},
         u"unset"_s,
         u"<b>WSGIPythonPath</b>: directories (':' separated) added to sys.path of the embedded interpreter; "
         "daemon groups use python-path=."_s},
        {u"WSGIPythonHome"_s,
         {},
         {},
         u"unset: the Python mod_wsgi was built with"_s,
         u"<b>WSGIPythonHome</b>: sys.prefix (a virtual environment) for Python in Apache; daemon groups may "
         "set python-home=."_s},
    };
    return infos;
}

QString dispatchModeHelp()
{
    return u"How requests reach a daemon process. proxy: the supervisor forwards each request over a UNIX "
           "socket, as mod_wsgi does; a worker crash loses only the requests it was serving. direct: the "
           "connection itself is handed to the worker (less copying, lower latency), the trade-off being "
           "that "
           "a worker crash also drops that process's idle keep-alive connections, so those clients "
           "reconnect. "
           "Chosen when the engine starts (--dispatch)."_s;
}

} // namespace wsgi::studio
