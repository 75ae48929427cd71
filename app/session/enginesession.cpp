#include "session/enginesession.h"

#include "session/enginelauncher.h"
#include "session/tokenfile.h"

#include <QJsonValue>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

constexpr int kLostLogLines = 40; // what a "lost" report shows: enough for a traceback

QString clientErrorCode(const ControlError& error)
{
    switch (error.kind) {
    case ControlError::Kind::Connection:
        return u"connection"_s;
    case ControlError::Kind::Protocol:
        return u"protocol"_s;
    case ControlError::Kind::Timeout:
        return u"timeout"_s;
    case ControlError::Kind::Engine:
        return error.code;
    case ControlError::Kind::Malformed:
        return u"malformed"_s;
    }
    return {};
}

} // namespace

EngineSession::EngineSession(QObject* parent) : QObject(parent)
{
    m_statusTimer.setInterval(1000);
    connect(&m_statusTimer, &QTimer::timeout, this, &EngineSession::pollStatus);
    m_lostTimer.setSingleShot(true);
    connect(&m_lostTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Ready)
            becomeLost(m_pendingLost);
        else if (m_state == State::Starting || m_state == State::Connecting)
            failStart(m_pendingLost);
    });
    connect(&m_client, &ControlClient::statusAvailable, this, [this](const EngineStatus& status) {
        m_lastStatus = status;
        if (m_state == State::Ready)
            Q_EMIT statusAvailable(status);
    });
    connect(&m_client, &ControlClient::telemetryAvailable, this, [this](const TelemetrySample& sample) {
        if (m_state == State::Ready)
            Q_EMIT telemetryAvailable(sample);
    });
    connect(&m_client, &ControlClient::errorOccurred, this, [this](const ControlError& error) {
        if (error.kind != ControlError::Kind::Malformed)
            m_lastError = error.message;
    });
    connect(&m_client, &ControlClient::disconnected, this, &EngineSession::onClientDisconnected);
}

EngineSession::~EngineSession()
{
    m_client.disconnectFromEngine();
    delete m_launcher; // its destructor stops an engine still running
}

QString EngineSession::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return u"idle"_s;
    case State::Starting:
        return u"starting"_s;
    case State::Connecting:
        return u"connecting"_s;
    case State::Ready:
        return u"ready"_s;
    case State::Lost:
        return u"lost"_s;
    case State::Stopping:
        return u"stopping"_s;
    }
    return {};
}

qint64 EngineSession::pid() const
{
    if (m_pid != 0)
        return m_pid;
    return qint64(m_lastStatus.engine.pid != 0 ? m_lastStatus.engine.pid : m_client.hello().pid);
}

QStringList EngineSession::logLines() const
{
    return QStringList(m_log.begin(), m_log.end());
}

QStringList EngineSession::warnings() const
{
    return m_launcher ? m_launcher->warnings() : m_retiredWarnings;
}

QString EngineSession::errorTail(int lines) const
{
    return m_launcher ? m_launcher->errorTail(lines) : QString();
}

void EngineSession::setStatusPollInterval(std::chrono::milliseconds interval)
{
    m_statusTimer.setInterval(int(std::max<std::chrono::milliseconds::rep>(interval.count(), 50)));
}

void EngineSession::setTelemetryInterval(int ms)
{
    if (ms == m_telemetryMs)
        return;
    m_telemetryMs = ms;
    // Connecting: the subscription went out with the first status request; this one replaces it.
    if (m_state != State::Ready && m_state != State::Connecting)
        return;
    if (ms > 0)
        subscribeTelemetry();
    else
        m_client.unsubscribe([](const ControlReply&) {});
}

void EngineSession::setControlTimeouts(std::chrono::milliseconds connect, std::chrono::milliseconds request)
{
    m_client.setConnectTimeout(connect);
    m_client.setRequestTimeout(request);
}

void EngineSession::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (state == State::Ready)
        m_readySince = QDateTime::currentDateTime();
    else
        m_readySince = {};
    Q_EMIT stateChanged(state);
}

// A session holds one engine at a time: a start or attach while one is running or starting fails
// (asynchronously, like every other failure) instead of leaking the first.
bool EngineSession::refuseWhileBusy()
{
    if (m_state == State::Idle || m_state == State::Lost)
        return false;
    const QString why = u"an engine session is "_s + stateName(m_state) + u": stop it first"_s;
    QTimer::singleShot(0, this, [this, why] { Q_EMIT failed(why); });
    return true;
}

void EngineSession::startLocal(const LocalOptions& options)
{
    if (refuseWhileBusy())
        return;
    m_local = true;
    m_hasTarget = true;
    m_localOptions = options;
    beginLocal();
}

void EngineSession::attach(const AttachOptions& options)
{
    if (refuseWhileBusy())
        return;
    m_local = false;
    m_hasTarget = true;
    m_attachOptions = options;
    beginAttach();
}

// A new start or attach: what was known about the previous engine (its launcher, log, status,
// pid, address) is dropped, and the epoch moves on so its late callbacks are ignored.
void EngineSession::resetForNewEngine()
{
    ++m_epoch;
    retireLauncher();
    m_retiredWarnings.clear();
    m_log.clear();
    m_lastStatus = {};
    m_lastError.clear();
    m_pid = 0;
    m_listenUrl.clear();
    m_dispatch.clear();
}

void EngineSession::beginLocal()
{
    resetForNewEngine();
    auto* launcher = new EngineLauncher(this);
    m_launcher = launcher;
    connect(launcher, &EngineLauncher::logLine, this, &EngineSession::appendLog);
    connect(launcher, &EngineLauncher::started, this, [this, launcher] {
        if (launcher != m_launcher || m_state != State::Starting)
            return;
        m_pid = launcher->pid();
        m_listenUrl = launcher->url();
        m_dispatch = QString::fromStdString(launcher->ready().dispatch);
        connectControl(launcher->controlEndpoint(), launcher->tokenFile());
    });
    connect(launcher, &EngineLauncher::failed, this, [this, launcher](const QString& reason) {
        if (launcher == m_launcher)
            onEngineFailed(reason);
    });
    connect(launcher, &EngineLauncher::exited, this, [this, launcher](const QString& reason) {
        if (launcher == m_launcher)
            onEngineExited(reason);
    });
    connect(launcher, &EngineLauncher::stopped, this, [this, launcher] {
        if (launcher == m_launcher && m_state == State::Stopping)
            finishStop();
    });
    setState(State::Starting);
    EngineLaunchSpec spec;
    spec.enginePath =
        m_localOptions.enginePath.isEmpty() ? EngineLauncher::defaultEnginePath() : m_localOptions.enginePath;
    spec.configText = m_localOptions.configText;
    spec.configFile = m_localOptions.configFile;
    if (!m_localOptions.configName.isEmpty())
        spec.configName = m_localOptions.configName;
    spec.extraArguments = m_localOptions.extraArguments;
    spec.listen = m_localOptions.listen;
    spec.quiet = m_localOptions.quiet;
    spec.startTimeout = m_localOptions.startTimeout;
    launcher->start(spec);
}

void EngineSession::beginAttach()
{
    resetForNewEngine();
    connectControl(m_attachOptions.control, m_attachOptions.tokenFile);
}

void EngineSession::connectControl(const Endpoint& endpoint, const QString& tokenFile)
{
    setState(State::Connecting);
    m_controlEndpoint = endpoint;
    m_tokenFile = tokenFile;
    const TokenFile token = readTokenFile(tokenFile);
    if (!token.ok()) {
        const QString why = token.error;
        QTimer::singleShot(0, this, [this, why, epoch = m_epoch] {
            if (epoch == m_epoch && m_state == State::Connecting)
                failStart(why);
        });
        return;
    }
    if (!token.warning.isEmpty())
        appendLog(u"warning: "_s + token.warning);
    m_client.connectToEngine(endpoint, token.token);
    m_client.requestStatus([this, epoch = m_epoch](const ControlReply& reply) {
        if (epoch == m_epoch)
            onFirstStatus(reply);
    });
    // Sent with the status request, not after its reply: the engine answers in order, so the
    // status (and Ready) comes before the first sample, whose first_ms starts a round trip sooner.
    if (m_telemetryMs > 0)
        subscribeTelemetry();
}

void EngineSession::onFirstStatus(const ControlReply& reply)
{
    if (m_state != State::Connecting)
        return;
    if (!reply.ok) {
        QString why = reply.error.message;
        if (reply.error.kind == ControlError::Kind::Engine && reply.error.code == u"unauthorized"_s)
            why = u"the engine at "_s + m_controlEndpoint.toString() + u" rejected the token in "_s +
                  m_tokenFile;
        if (m_local && m_launcher && reply.error.kind == ControlError::Kind::Connection) {
            // The engine may be dying: its exit, if it comes, says more than a closed connection.
            m_pendingLost = why;
            m_lostTimer.start(int(m_lostGrace.count()));
            return;
        }
        failStart(why);
        return;
    }
    const auto status = decodeStatus(reply.result);
    if (!status) {
        failStart(u"cannot read the engine's status: "_s + status.error);
        return;
    }
    m_lastStatus = *status.value;
    if (!m_local) {
        m_pid = qint64(m_lastStatus.engine.pid != 0 ? m_lastStatus.engine.pid : m_client.hello().pid);
        m_listenUrl = m_lastStatus.engine.listen.empty()
                          ? QString()
                          : u"http://"_s + QString::fromStdString(m_lastStatus.engine.listen.front());
    }
    setState(State::Ready);
    if (m_state != State::Ready)
        return; // a slot reacting to Ready stopped the session
    Q_EMIT statusAvailable(m_lastStatus);
    m_statusTimer.start();
}

void EngineSession::subscribeTelemetry()
{
    m_client.subscribe(
        m_telemetryMs,
        [this, epoch = m_epoch](const ControlReply& reply) {
            if (epoch == m_epoch && !reply.ok && reply.error.kind == ControlError::Kind::Engine)
                appendLog(u"the engine refused to stream telemetry: "_s + reply.error.message);
        },
        kFirstSampleMs);
}

void EngineSession::pollStatus()
{
    if (m_state != State::Ready || m_statusInFlight)
        return;
    m_statusInFlight = true;
    m_client.requestStatus([this](const ControlReply&) { m_statusInFlight = false; });
}

void EngineSession::onClientDisconnected()
{
    m_statusInFlight = false;
    if (m_state != State::Ready)
        return; // while connecting, the pending status request reports the failure
    m_statusTimer.stop();
    const QString why =
        u"lost the engine's control connection: "_s + (m_lastError.isEmpty() ? u"it closed"_s : m_lastError);
    if (m_local && m_launcher) {
        m_pendingLost = why;
        m_lostTimer.start(int(m_lostGrace.count()));
        return;
    }
    becomeLost(why);
}

void EngineSession::onEngineExited(const QString& reason)
{
    m_lostTimer.stop();
    if (m_state == State::Ready)
        becomeLost(reason);
    else if (m_state == State::Starting || m_state == State::Connecting)
        failStart(reason);
}

void EngineSession::onEngineFailed(const QString& reason)
{
    if (m_state == State::Starting || m_state == State::Connecting)
        failStart(reason);
}

void EngineSession::becomeLost(const QString& reason)
{
    m_lostTimer.stop();
    m_statusTimer.stop();
    m_client.disconnectFromEngine();
    retireLauncher(); // an engine whose control connection died is of no use: it is stopped
    m_lastError = reason;
    setState(State::Lost);
    QStringList last = logLines();
    if (last.size() > kLostLogLines)
        last = last.mid(last.size() - kLostLogLines);
    Q_EMIT lost(reason, last);
}

void EngineSession::failStart(const QString& reason)
{
    m_lostTimer.stop();
    m_statusTimer.stop();
    m_client.disconnectFromEngine();
    retireLauncher();
    m_lastError = reason;
    m_restartPending = false;
    setState(State::Idle);
    Q_EMIT failed(reason);
}

void EngineSession::stop()
{
    switch (m_state) {
    case State::Idle:
    case State::Stopping:
        return;
    case State::Lost:
        setState(State::Idle);
        return;
    case State::Starting:
    case State::Connecting:
    case State::Ready:
        break;
    }
    ++m_epoch;
    m_lostTimer.stop();
    m_statusTimer.stop();
    m_client.disconnectFromEngine();
    if (!m_local || !m_launcher) {
        setState(State::Stopping);
        QTimer::singleShot(0, this, [this] {
            if (m_state == State::Stopping)
                finishStop();
        });
        return;
    }
    setState(State::Stopping);
    m_launcher->stop();
}

void EngineSession::finishStop()
{
    retireLauncher();
    setState(State::Idle);
    if (std::exchange(m_restartPending, false)) {
        if (m_local)
            beginLocal();
        else
            beginAttach();
    }
}

void EngineSession::restart()
{
    if (!m_hasTarget) {
        QTimer::singleShot(0, this,
                           [this] { Q_EMIT failed(u"nothing to restart: no engine was started yet"_s); });
        return;
    }
    if (m_state == State::Idle || m_state == State::Lost) {
        if (m_local)
            beginLocal();
        else
            beginAttach();
        return;
    }
    m_restartPending = true;
    if (m_state != State::Stopping)
        stop();
}

void EngineSession::dumpStacks(const QString& group, StackDumpHandler handler)
{
    if (m_state != State::Ready) {
        const QString error = u"no engine to ask: the session is "_s + stateName(m_state);
        QTimer::singleShot(0, this, [handler = std::move(handler), error] {
            if (handler)
                handler({}, error);
        });
        return;
    }
    m_client.dumpStacks(group, [handler = std::move(handler)](const ControlReply& reply) {
        if (!handler)
            return;
        if (!reply.ok)
            handler({}, reply.error.message.isEmpty() ? reply.error.code : reply.error.message);
        else
            handler(decodeStackDump(reply.result), {});
    });
}

void EngineSession::reload(const QString& configText, ReloadHandler handler)
{
    if (m_state != State::Ready) {
        ReloadOutcome outcome;
        outcome.generation = generation();
        outcome.errorCode = u"not-ready"_s;
        outcome.message = u"no engine to reload: the session is "_s + stateName(m_state);
        QTimer::singleShot(0, this, [handler = std::move(handler), outcome] {
            if (handler)
                handler(outcome);
        });
        return;
    }
    m_client.reload(configText, [this, handler = std::move(handler)](const ControlReply& reply) {
        ReloadOutcome outcome;
        outcome.generation = generation();
        if (reply.ok) {
            outcome.ok = true;
            outcome.generation = reply.result.value(u"generation"_s).toInteger(generation());
            m_lastStatus.engine.generation = outcome.generation;
            outcome.message = u"applied: generation "_s + QString::number(outcome.generation);
        } else {
            outcome.message = reply.error.message;
            outcome.errorCode = clientErrorCode(reply.error);
            outcome.findings = parseEngineFindings(reply.error.message);
            for (const EngineFinding& f : outcome.findings) {
                if (f.severity == u"error"_s) {
                    outcome.file = f.file;
                    outcome.line = f.line;
                    break;
                }
            }
        }
        if (handler)
            handler(outcome);
        if (outcome.ok) {
            Q_EMIT reloaded(outcome.generation);
            pollStatus(); // the new groups and processes, without waiting for the next poll
        }
    });
}

void EngineSession::appendLog(const QString& line)
{
    m_log.push_back(line);
    while (m_log.size() > size_t(kLogLimit))
        m_log.pop_front();
    Q_EMIT logLine(line);
}

void EngineSession::retireLauncher()
{
    EngineLauncher* launcher = std::exchange(m_launcher, nullptr);
    if (!launcher)
        return;
    launcher->disconnect(this);
    // Keep its text for warnings() and messages until the next start.
    m_retiredWarnings = launcher->warnings();
    const auto state = launcher->state();
    if (state == EngineLauncher::State::Running || state == EngineLauncher::State::Starting) {
        connect(launcher, &EngineLauncher::stopped, launcher, &QObject::deleteLater);
        connect(launcher, &EngineLauncher::failed, launcher, &QObject::deleteLater);
        launcher->stop();
        return;
    }
    launcher->deleteLater(); // exited or stopping: its destructor reaps whatever is left
}

} // namespace wsgi::studio
