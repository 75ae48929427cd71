#include "session/enginelauncher.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <csignal>
#include <cstring>
#include <sys/prctl.h>
#include <unistd.h>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

constexpr qsizetype kStderrLimit = qsizetype(64) * 1024;

} // namespace

EngineLauncher::EngineLauncher(QObject* parent) : QObject(parent)
{
    m_startTimer.setSingleShot(true);
    m_killTimer.setSingleShot(true);
    connect(&m_startTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Starting)
            return;
        fail(u"wsgi-engine did not print its ready line within "_s +
             QString::number(m_startTimer.interval() / 1000) + u" s"_s +
             (m_stderr.trimmed().isEmpty() ? QString() : u": "_s + errorTail()));
    });
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (m_process && m_process->state() != QProcess::NotRunning)
            m_process->kill(); // SIGKILL: it ignored SIGTERM for the whole grace period
    });
}

EngineLauncher::~EngineLauncher()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        ::kill(pid_t(m_process->processId()), SIGTERM);
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
    }
}

QString EngineLauncher::defaultEnginePath()
{
    QString fromEnvironment = qEnvironmentVariable("WSGI_STUDIO_ENGINE");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    QString beside = QCoreApplication::applicationDirPath() + u"/wsgi-engine"_s;
    if (QFileInfo(beside).isExecutable())
        return beside;
    const QString onPath = QStandardPaths::findExecutable(u"wsgi-engine"_s);
    return onPath.isEmpty() ? beside : onPath;
}

QString EngineLauncher::url() const
{
    return u"http://127.0.0.1:"_s + QString::number(m_httpPort);
}

QStringList EngineLauncher::warnings() const
{
    QStringList lines;
    for (const QString& line : m_stderr.split(u'\n', Qt::SkipEmptyParts))
        if (line.contains(u": warning: "_s) && !line.startsWith(u'['))
            lines << line.trimmed();
    return lines;
}

QString EngineLauncher::errorTail(int lines) const
{
    QString text = m_stderr.trimmed();
    if (m_dir)
        text.replace(m_dir->path() + u'/', QString());
    const QStringList all = text.split(u'\n', Qt::SkipEmptyParts);
    QStringList errors;
    for (qsizetype i = 0; i < all.size(); ++i) {
        if (!all[i].contains(u": error: "_s))
            continue;
        errors << all[i];
        while (i + 1 < all.size() && all[i + 1].startsWith(u' ')) // its "hint:" lines
            errors << all[++i];
    }
    QStringList chosen = errors.isEmpty() ? all : errors;
    if (chosen.size() > lines)
        chosen = chosen.mid(chosen.size() - lines);
    return chosen.join(u'\n');
}

void EngineLauncher::start(const EngineLaunchSpec& spec)
{
    Q_ASSERT(m_state == State::Idle);
    m_state = State::Starting;
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/wsgi-studio-engine-XXXXXX"_s);
    if (!m_dir->isValid()) {
        fail(u"cannot create a temporary directory: "_s + m_dir->errorString());
        return;
    }
    if (!spec.configFile.isEmpty()) {
        m_configPath = spec.configFile;
    } else {
        m_configPath = m_dir->filePath(spec.configName.isEmpty() ? u"engine.conf"_s : spec.configName);
        QFile file(m_configPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(spec.configText.toUtf8()) < 0) {
            fail(u"cannot write "_s + m_configPath + u": "_s + file.errorString());
            return;
        }
    }
    m_tokenFile = m_dir->filePath(u"control.token"_s);
    if (!QFileInfo(spec.enginePath).isExecutable()) {
        fail(u"no wsgi-engine at "_s + spec.enginePath +
             u" (build it, or point WSGI_STUDIO_ENGINE or --engine at it)"_s);
        return;
    }

    m_process = std::make_unique<QProcess>();
    m_process->setWorkingDirectory(m_dir->path());
    // Own process group: a terminal's Ctrl-C goes to the studio, which stops the engine in order.
    // PDEATHSIG: an engine never outlives the studio that started it, even if the studio is killed.
    m_process->setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    });
    connect(m_process.get(), &QProcess::readyReadStandardOutput, this, &EngineLauncher::onStdout);
    connect(m_process.get(), &QProcess::readyReadStandardError, this, &EngineLauncher::onStderr);
    connect(m_process.get(), &QProcess::finished, this, &EngineLauncher::onFinished);
    connect(m_process.get(), &QProcess::errorOccurred, this, &EngineLauncher::onErrorOccurred);
    connect(m_process.get(), &QProcess::started, this, [this] { m_pid = m_process->processId(); });
    QStringList arguments{
        u"--config"_s, m_configPath, u"--control"_s, u"127.0.0.1:0"_s, u"--control-token-file"_s,
        m_tokenFile};
    if (!spec.listen.isEmpty())
        arguments << u"--listen"_s << spec.listen;
    if (spec.quiet)
        arguments << u"--quiet"_s;
    arguments << spec.extraArguments;
    m_startTimer.start(int(spec.startTimeout.count()));
    m_process->start(spec.enginePath, arguments);
}

void EngineLauncher::stop(std::chrono::milliseconds grace)
{
    if (m_state == State::Starting || m_state == State::Running) {
        m_state = State::Stopping;
        m_startTimer.stop();
        if (m_process && m_process->state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process->processId()), SIGTERM);
            m_killTimer.start(int(grace.count()));
            return;
        }
        m_state = State::Exited;
        Q_EMIT stopped();
        return;
    }
    if (m_state == State::Idle || m_state == State::Exited) {
        m_state = State::Exited;
        QTimer::singleShot(0, this, [this] { Q_EMIT stopped(); });
    }
}

void EngineLauncher::emitLines(QString& partial, const QByteArray& bytes, bool isStdout)
{
    partial += QString::fromUtf8(bytes);
    qsizetype newline;
    while ((newline = partial.indexOf(u'\n')) >= 0) {
        QString line = partial.left(newline);
        partial.remove(0, newline + 1);
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (isStdout && wsgi::isReadyLine(line.toStdString())) {
            onReadyLine(line.toStdString());
            continue;
        }
        Q_EMIT logLine(line);
    }
}

void EngineLauncher::onReadyLine(const std::string& line)
{
    if (m_state != State::Starting)
        return;
    std::string error;
    const auto ready = wsgi::parseReadyLine(line, error);
    if (!ready) {
        fail(u"wsgi-engine printed a ready line this studio cannot read ("_s + QString::fromStdString(error) +
             u"): is it another version?"_s);
        return;
    }
    // The first listen address is the HTTP port we asked for (--listen replaces the config's).
    std::string host;
    int http = 0;
    int control = 0;
    if (ready->listen.empty() || !wsgi::splitHostPort(ready->listen.front(), host, http)) {
        fail(u"wsgi-engine's ready line names no listen address"_s);
        return;
    }
    if (ready->control.empty() || !wsgi::splitHostPort(ready->control, host, control)) {
        fail(u"wsgi-engine's ready line names no control endpoint"_s);
        return;
    }
    m_ready = *ready;
    m_httpPort = quint16(http);
    m_controlPort = quint16(control);
    if (!ready->tokenFile.empty())
        m_tokenFile = QString::fromStdString(ready->tokenFile);
    m_startTimer.stop();
    m_state = State::Running;
    Q_EMIT started();
}

void EngineLauncher::onStdout()
{
    emitLines(m_stdoutLine, m_process->readAllStandardOutput(), true);
}

void EngineLauncher::onStderr()
{
    const QByteArray bytes = m_process->readAllStandardError();
    m_stderr += QString::fromUtf8(bytes);
    if (m_stderr.size() > kStderrLimit)
        m_stderr = m_stderr.right(kStderrLimit);
    emitLines(m_stderrLine, bytes, false);
}

QString EngineLauncher::exitDescription(int exitCode, QProcess::ExitStatus status) const
{
    // On a crash QProcess reports the terminating signal as the exit code.
    if (status == QProcess::CrashExit)
        return u"wsgi-engine was killed by signal "_s + QString::number(exitCode) +
               (exitCode > 0 ? u" ("_s + QString::fromLocal8Bit(::strsignal(exitCode)) + u')' : QString());
    return u"wsgi-engine exited with status "_s + QString::number(exitCode);
}

QString EngineLauncher::problemTail(int lines) const
{
    // After a good start the log also holds routine lines ("process 1 ready"): only the ones that
    // report a problem explain an exit.
    static const QRegularExpression problem(u"error|warning|traceback|exception|fatal|abort|killed|signal"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    QStringList chosen;
    for (const QString& line : errorTail(1000).split(u'\n', Qt::SkipEmptyParts))
        if (problem.match(line).hasMatch() || line.startsWith(u' '))
            chosen << line;
    while (!chosen.isEmpty() && chosen.front().startsWith(u' ')) // a hint whose line was routine
        chosen.removeFirst();
    if (chosen.size() > lines)
        chosen = chosen.mid(chosen.size() - lines);
    return chosen.join(u'\n');
}

void EngineLauncher::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_killTimer.stop();
    m_startTimer.stop();
    onStdout();
    onStderr(); // whatever is left in the pipe: often the very error we need
    for (QString* partial : {&m_stdoutLine, &m_stderrLine})
        if (const QString rest = std::exchange(*partial, QString()); !rest.isEmpty())
            Q_EMIT logLine(rest); // a last line without its newline
    const State was = m_state;
    m_state = State::Exited;
    const QString description = exitDescription(exitCode, status);
    switch (was) {
    case State::Starting:
        if (!m_failedReported) {
            // The engine's words first: the first line is what a one-line summary shows.
            const QString tail = errorTail();
            m_failedReported = true;
            Q_EMIT failed(tail.isEmpty() ? description : tail + u"\n("_s + description + u')');
        }
        break;
    case State::Running: {
        const QString tail = problemTail();
        Q_EMIT exited(tail.isEmpty() ? description : description + u":\n"_s + tail);
        break;
    }
    case State::Stopping:
        Q_EMIT stopped();
        break;
    case State::Idle:
    case State::Exited:
        break;
    }
}

void EngineLauncher::onErrorOccurred(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart)
        fail(u"cannot run "_s + m_process->program() + u": "_s + m_process->errorString());
}

void EngineLauncher::fail(const QString& reason)
{
    if (m_failedReported)
        return;
    m_failedReported = true;
    m_startTimer.stop();
    const bool running = m_process && m_process->state() != QProcess::NotRunning;
    m_state = running ? State::Stopping : State::Exited;
    if (running) {
        // A half-started engine is stopped quietly; the failure is what we report.
        ::kill(pid_t(m_process->processId()), SIGTERM);
        m_killTimer.start(5000);
        m_process->disconnect(this);
        connect(m_process.get(), &QProcess::finished, this, [this] {
            m_killTimer.stop();
            m_state = State::Exited;
        });
    }
    QTimer::singleShot(0, this, [this, reason] { Q_EMIT failed(reason); });
}

} // namespace wsgi::studio
