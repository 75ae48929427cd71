#include "session/runtimes.h"

#include "session/physicallimit.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>

#include <algorithm>
#include <tuple>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

// Prints what the engine needs to know, in one line; works on every Python 3.
constexpr char kProbe[] = "import json, sys, sysconfig\n"
                          "print(json.dumps({'version': '%d.%d.%d' % sys.version_info[:3],\n"
                          "  'major': sys.version_info[0], 'minor': sys.version_info[1],\n"
                          "  'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')),\n"
                          "  'implementation': sys.implementation.name}))\n";

const QString kWorkerPrefix = u"wsgi-worker-"_s;

} // namespace

QString RuntimeInfo::summary() const
{
    QStringList parts;
    parts << (version.isEmpty() ? u"Python "_s + name : version);
    if (freeThreaded)
        parts << u"free-threaded"_s;
    if (perInterpreterGilPossible)
        parts << u"per-interpreter GIL possible"_s;
    if (!error.isEmpty())
        parts << error;
    return parts.join(u", "_s);
}

std::optional<RuntimeInfo> runtimeFromName(const QString& name)
{
    static const QRegularExpression pattern(u"^(\\d+)\\.(\\d+)(t?)$"_s);
    const auto m = pattern.match(name);
    if (!m.hasMatch())
        return std::nullopt;
    RuntimeInfo r;
    r.name = name;
    r.major = m.captured(1).toInt();
    r.minor = m.captured(2).toInt();
    r.freeThreaded = !m.captured(3).isEmpty();
    r.perInterpreterGilPossible = r.major > 3 || (r.major == 3 && r.minor >= 12);
    return r;
}

QString defaultWorkerDir(const QString& enginePath)
{
    return QFileInfo(enginePath).absolutePath();
}

QList<RuntimeInfo> listRuntimes(const QString& workerDir)
{
    QList<RuntimeInfo> runtimes;
    const QDir dir(workerDir);
    for (const QFileInfo& file : dir.entryInfoList({kWorkerPrefix + u'*'}, QDir::Files | QDir::Executable)) {
        auto r = runtimeFromName(file.fileName().mid(kWorkerPrefix.size()));
        if (!r)
            continue; // a backup or a helper script, not a worker
        r->workerPath = file.absoluteFilePath();
        runtimes << *r;
    }
    std::sort(runtimes.begin(), runtimes.end(), [](const RuntimeInfo& a, const RuntimeInfo& b) {
        return std::tie(a.major, a.minor, a.freeThreaded) < std::tie(b.major, b.minor, b.freeThreaded);
    });
    return runtimes;
}

bool parseRuntimeProbe(const QByteArray& output, RuntimeInfo& runtime, QString& error)
{
    QJsonParseError parseError;
    const QJsonObject o = QJsonDocument::fromJson(output.trimmed(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError || !o.value(u"version"_s).isString() ||
        !o.value(u"minor"_s).isDouble()) {
        error = u"the probe printed no facts: "_s + QString::fromUtf8(output.left(200)).trimmed();
        return false;
    }
    runtime.version = o.value(u"version"_s).toString();
    runtime.major = o.value(u"major"_s).toInt();
    runtime.minor = o.value(u"minor"_s).toInt();
    runtime.freeThreaded = o.value(u"free_threaded"_s).toBool();
    runtime.perInterpreterGilPossible = runtime.major > 3 || (runtime.major == 3 && runtime.minor >= 12);
    return true;
}

RuntimeInfo probeRuntime(RuntimeInfo runtime, std::chrono::milliseconds timeout)
{
    const auto expected = runtimeFromName(runtime.name);
    QStringList rejected;
    for (const QString& python : pythonCandidates(runtime.name)) {
        QProcess process;
        process.start(python, {u"-I"_s, u"-c"_s, QString::fromLatin1(kProbe)});
        if (!process.waitForFinished(int(timeout.count()))) {
            process.kill();
            process.waitForFinished(1000);
            rejected << python + u" did not answer within "_s + QString::number(timeout.count()) + u" ms"_s;
            continue;
        }
        RuntimeInfo candidate = runtime;
        QString error;
        if (process.exitCode() != 0 ||
            !parseRuntimeProbe(process.readAllStandardOutput(), candidate, error)) {
            if (error.isEmpty())
                error = u"exit status "_s + QString::number(process.exitCode());
            rejected << python + u": "_s + error;
            continue;
        }
        if (expected && (candidate.major != expected->major || candidate.minor != expected->minor ||
                         candidate.freeThreaded != expected->freeThreaded)) {
            rejected << python + u" is "_s + candidate.version +
                            (candidate.freeThreaded ? u"t"_s : QString());
            continue;
        }
        candidate.python = python;
        candidate.probed = true;
        candidate.error.clear();
        return candidate;
    }
    runtime.probed = true;
    runtime.error = rejected.isEmpty() ? QString(u"no python executable found for runtime "_s + runtime.name)
                                       : QString(u"no matching python ("_s + rejected.join(u"; "_s) + u')');
    return runtime;
}

QList<RuntimeInfo> discoverRuntimes(const QString& workerDir, std::chrono::milliseconds timeout)
{
    QList<RuntimeInfo> runtimes = listRuntimes(workerDir);
    for (RuntimeInfo& r : runtimes)
        r = probeRuntime(r, timeout);
    return runtimes;
}

} // namespace wsgi::studio
