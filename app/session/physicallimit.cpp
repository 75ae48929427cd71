#include "session/physicallimit.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QTimer>

#ifndef WSGI_STUDIO_PYTHON_ROOT
#define WSGI_STUDIO_PYTHON_ROOT "/opt/wsgi-studio/python"
#endif

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

constexpr int kProbeTimeoutMs = 120000;

QString versionOnly(const QString& text)
{
    return text.section(u' ', 0, 0).trimmed();
}

} // namespace

QJsonObject PhysicalLimit::toJson() const
{
    QJsonObject o{{u"runtime"_s, runtime},
                  {u"executable"_s, executable},
                  {u"python"_s, python},
                  {u"free_threaded_build"_s, freeThreadedBuild},
                  {u"requests_measured"_s, requests},
                  {u"cores"_s, cores}};
    o.insert(u"cpu_seconds_per_request"_s,
             cpuSecondsPerRequest ? QJsonValue(*cpuSecondsPerRequest) : QJsonValue());
    o.insert(u"requests_per_second"_s, ok() ? QJsonValue(requestsPerSecond()) : QJsonValue());
    o.insert(u"requests_per_minute"_s, ok() ? QJsonValue(requestsPerSecond() * 60) : QJsonValue());
    if (!error.isEmpty())
        o.insert(u"error"_s, error);
    return o;
}

QStringList pythonCandidates(const QString& runtime)
{
    QString root = qEnvironmentVariable("WSGI_STUDIO_PYTHON_ROOT");
    if (root.isEmpty())
        root = QStringLiteral(WSGI_STUDIO_PYTHON_ROOT);
    QString minor = runtime;
    if (minor.endsWith(u't'))
        minor.chop(1);
    QStringList candidates{root + u'/' + runtime + u"/bin/python3"_s};
    if (!runtime.endsWith(u't'))
        candidates << u"/usr/bin/python"_s + minor << u"/usr/local/bin/python"_s + minor
                   << u"/usr/bin/python3"_s;
    else
        candidates << u"/usr/bin/python"_s + runtime << u"/usr/local/bin/python"_s + runtime;
    QStringList existing;
    for (const QString& path : candidates)
        if (QFileInfo(path).isExecutable() && !existing.contains(path))
            existing << path;
    return existing;
}

bool parseMeasureCpuOutput(const QByteArray& output, PhysicalLimit& limit, QString& error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(output, &parseError);
    const QJsonObject o = document.object();
    const QJsonValue cpu = o.value(u"cpu_seconds_per_request"_s);
    if (document.isNull() || !cpu.isDouble() || cpu.toDouble() <= 0) {
        error = u"its --measure-cpu output has no positive cpu_seconds_per_request"_s;
        return false;
    }
    limit.cpuSecondsPerRequest = cpu.toDouble();
    limit.requests = o.value(u"requests"_s).toInt();
    limit.python = o.value(u"python"_s).toString();
    limit.freeThreadedBuild = o.value(u"free_threaded_build"_s).toBool();
    return true;
}

PhysicalLimitProbe::PhysicalLimitProbe(QObject* parent) : QObject(parent) {}

PhysicalLimitProbe::~PhysicalLimitProbe()
{
    cancel();
}

void PhysicalLimitProbe::start(const QString& runtime, const QString& expectedVersion, const QString& appPath,
                               int requests, int cores)
{
    m_limit = {};
    m_limit.runtime = runtime;
    m_limit.cores = cores;
    m_limit.requests = requests;
    m_expectedVersion = versionOnly(expectedVersion);
    m_appPath = appPath;
    m_candidates = pythonCandidates(runtime);
    m_rejections.clear();
    m_done = false;
    if (m_candidates.isEmpty()) {
        m_limit.error = u"no Python executable found for runtime "_s + runtime;
        QTimer::singleShot(0, this, &PhysicalLimitProbe::finish);
        return;
    }
    tryNext();
}

void PhysicalLimitProbe::cancel()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
    m_done = true;
}

void PhysicalLimitProbe::tryNext()
{
    if (m_candidates.isEmpty()) {
        m_limit.error = u"cannot measure CPU per request on runtime "_s + m_limit.runtime + u": "_s +
                        m_rejections.join(u"; "_s);
        finish();
        return;
    }
    const QString executable = m_candidates.takeFirst();
    m_limit.executable = executable;
    if (m_process) {
        // Called from the previous process's own finished signal: it may not be deleted here.
        m_process->disconnect(this);
        m_process.release()->deleteLater();
    }
    m_process = std::make_unique<QProcess>();
    connect(m_process.get(), &QProcess::finished, this, &PhysicalLimitProbe::onFinished);
    connect(m_process.get(), &QProcess::errorOccurred, this, [this, executable](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            m_rejections << executable + u": "_s + m_process->errorString();
            QTimer::singleShot(0, this, &PhysicalLimitProbe::tryNext);
        }
    });
    // A hung application must not hang the benchmark.
    QTimer::singleShot(kProbeTimeoutMs, m_process.get(), [process = m_process.get()] { process->kill(); });
    m_process->start(executable, {m_appPath, u"--measure-cpu"_s, QString::number(m_limit.requests)});
}

void PhysicalLimitProbe::onFinished(int exitCode, QProcess::ExitStatus status)
{
    const QString executable = m_limit.executable;
    const QByteArray out = m_process->readAllStandardOutput();
    const QString err = QString::fromUtf8(m_process->readAllStandardError()).trimmed();
    if (status != QProcess::NormalExit || exitCode != 0) {
        QString why = executable + u" "_s + QFileInfo(m_appPath).fileName() + u" --measure-cpu failed"_s;
        const QString lastLine = err.section(u'\n', -1);
        if (!lastLine.isEmpty())
            why += u": "_s + lastLine;
        // An app without --measure-cpu fails the same way on every Python: stop here.
        m_limit.error = why;
        m_limit.cpuSecondsPerRequest.reset();
        finish();
        return;
    }
    QString error;
    PhysicalLimit measured = m_limit;
    if (!parseMeasureCpuOutput(out, measured, error)) {
        m_limit.error = executable + u": "_s + error;
        finish();
        return;
    }
    const bool wantFreeThreaded = m_limit.runtime.endsWith(u't');
    if ((!m_expectedVersion.isEmpty() && measured.python != m_expectedVersion) ||
        measured.freeThreadedBuild != wantFreeThreaded) {
        m_rejections << executable + u" is Python "_s + measured.python +
                            (measured.freeThreadedBuild ? u" (free-threaded)"_s : QString()) +
                            u", the engine runs "_s + m_expectedVersion;
        tryNext();
        return;
    }
    m_limit = measured;
    m_limit.error.clear();
    finish();
}

void PhysicalLimitProbe::finish()
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT finished(m_limit);
}

} // namespace wsgi::studio
