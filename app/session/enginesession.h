#pragma once
// The one owner of "the engine I am attached to": starts a local engine (EngineLauncher) or attaches
// to a running one by control endpoint and token file, owns the token and the control client, and
// says where it stands through `stateChanged`:
//
//   Idle -> Starting (local: the process runs, no ready line yet) -> Connecting (control hello and the
//   first status) -> Ready -> Stopping -> Idle
//   Ready -> Lost: the engine process exited or the control connection died without stop() asked;
//   `lost` carries the reason and the engine's last log lines. A start or attach that never reached
//   Ready ends in `failed` with the engine's own words and the state goes back to Idle.
//
// When Ready it polls the status (setStatusPollInterval, default 1 s) and subscribes to telemetry
// (setTelemetryInterval, default 1000 ms; 0 = none), forwarding both as typed signals. A local
// engine's stdout and stderr lines are kept (the last kLogLimit) and forwarded as `logLine`.
//
//   EngineSession session;
//   connect(&session, &EngineSession::stateChanged, ...);
//   session.startLocal({.enginePath = EngineLauncher::defaultEnginePath(), .configText = text});
//   session.reload(newText, [](const ReloadOutcome& r) { ... });  // r.findings when rejected

#include "session/controlclient.h"
#include "session/endpoint.h"
#include "session/enginestatus.h"
#include "session/reloadoutcome.h"
#include "session/stackdump.h"
#include "session/telemetrysample.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

namespace wsgi::studio {

class EngineLauncher;

class EngineSession : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Starting,
        Connecting,
        Ready,
        Lost,
        Stopping
    };
    Q_ENUM(State)

    struct LocalOptions
    {
        QString enginePath; // empty: EngineLauncher::defaultEnginePath()
        QString configText; // written to a private temp dir ...
        QString configFile; // ... unless this is set: the engine runs this file in place
        QString configName; // the temp file's name (the engine's messages cite it); empty: engine.conf
        QStringList extraArguments;
        QString listen = QStringLiteral("127.0.0.1:0"); // EngineLaunchSpec::listen; empty: the config's
        bool quiet = false; // --quiet: the engine logs only problems (A/B runs want that)
        std::chrono::milliseconds startTimeout{30000};
    };
    struct AttachOptions
    {
        Endpoint control;
        QString tokenFile;
    };
    using ReloadHandler = std::function<void(const ReloadOutcome&)>;

    static constexpr int kLogLimit = 2000; // lines kept
    // The first telemetry sample of a subscription covers this much, not a whole interval: the
    // charts show data as soon as the window opens. The engine reads CPU time to the nanosecond,
    // so even this short interval's CPU figures are measured, not 10 ms ticks rounded.
    static constexpr int kFirstSampleMs = 15;

    explicit EngineSession(QObject* parent = nullptr);
    ~EngineSession() override; // a local engine still running is stopped

    State state() const { return m_state; }
    // What the last startLocal/attach was given: what restart() repeats.
    const LocalOptions& localOptions() const { return m_localOptions; }
    const AttachOptions& attachOptions() const { return m_attachOptions; }
    static QString stateName(State state); // "idle", "starting", ..., for status bars and messages
    bool isLocal() const { return m_local; }

    void startLocal(const LocalOptions& options);
    void attach(const AttachOptions& options);
    // A local engine gets SIGTERM (SIGKILL after the grace period); an attached one is only left.
    void stop();
    void restart(); // stop, then start or attach again with the same options

    // Sends the text to the engine; the handler always runs once (never inside this call), also when
    // the session is not Ready. A rejected reload leaves the engine on its old generation.
    void reload(const QString& configText, ReloadHandler handler);
    // The Python stacks of every process of `group`, decoded; the handler always runs once (never
    // inside this call). Not Ready or a failed request: `error` says why and the dump is empty.
    using StackDumpHandler = std::function<void(const StackDump& dump, const QString& error)>;
    void dumpStacks(const QString& group, StackDumpHandler handler);

    ControlClient* client() { return &m_client; }
    const EngineStatus& lastStatus() const { return m_lastStatus; }
    const ControlHello& hello() const { return m_client.hello(); }

    qint64 pid() const;
    QString listenUrl() const { return m_listenUrl; } // "http://127.0.0.1:PORT"; empty before known
    Endpoint controlEndpoint() const { return m_controlEndpoint; }
    QString tokenFile() const { return m_tokenFile; }
    QDateTime readySince() const { return m_readySince; } // invalid unless Ready
    int64_t generation() const { return m_lastStatus.engine.generation; }
    QString dispatchMode() const { return m_dispatch; } // "direct" or "proxy"; empty when attached
    QStringList logLines() const;
    QStringList warnings() const; // the engine's "warning:" lines (local engines)
    // A local engine's own words about a problem (EngineLauncher::errorTail); empty when attached.
    QString errorTail(int lines = 12) const;
    QString lastError() const { return m_lastError; }

    void setStatusPollInterval(std::chrono::milliseconds interval);
    void setTelemetryInterval(int ms); // 0: no telemetry subscription
    // How long the attach's connect and requests may take (tests use short ones).
    void setControlTimeouts(std::chrono::milliseconds connect, std::chrono::milliseconds request);
    // After the control connection dies, how long to wait for the local process's exit before
    // reporting Lost (the exit's reason says more than "connection closed").
    void setLostGrace(std::chrono::milliseconds grace) { m_lostGrace = grace; }

Q_SIGNALS:
    void stateChanged(wsgi::studio::EngineSession::State state);
    void statusAvailable(const wsgi::studio::EngineStatus& status);
    void telemetryAvailable(const wsgi::studio::TelemetrySample& sample);
    void logLine(const QString& line);
    void lost(const QString& reason, const QStringList& lastLogLines);
    void failed(const QString& reason);
    void reloaded(int64_t generation);

private:
    bool refuseWhileBusy();
    void resetForNewEngine();
    void setState(State state);
    void beginLocal();
    void beginAttach();
    void connectControl(const Endpoint& endpoint, const QString& tokenFile);
    void onConnected();
    void onFirstStatus(const ControlReply& reply);
    void onStatusReply(const ControlReply& reply);
    void pollStatus();
    void subscribeTelemetry();
    void onClientDisconnected();
    void onEngineExited(const QString& reason);
    void onEngineFailed(const QString& reason);
    void becomeLost(const QString& reason);
    void failStart(const QString& reason);
    void appendLog(const QString& line);
    void finishStop();
    void retireLauncher(); // stops it if it still runs, deletes it later

    State m_state = State::Idle;
    bool m_local = false;
    LocalOptions m_localOptions;
    AttachOptions m_attachOptions;
    bool m_hasTarget = false; // startLocal or attach was called: restart() knows what to do
    bool m_restartPending = false;
    uint64_t m_epoch = 0; // bumped per start/attach: callbacks of an earlier one are ignored

    EngineLauncher* m_launcher = nullptr;
    ControlClient m_client;
    QTimer m_statusTimer;
    QTimer m_lostTimer;
    EngineStatus m_lastStatus;
    Endpoint m_controlEndpoint;
    QString m_tokenFile;
    QString m_listenUrl;
    QString m_dispatch;
    qint64 m_pid = 0;
    QDateTime m_readySince;
    QString m_lastError;
    QString m_pendingLost;
    QStringList m_retiredWarnings; // of the engine that ran last
    std::deque<QString> m_log;
    int m_telemetryMs = 1000;
    std::chrono::milliseconds m_lostGrace{500};
    bool m_statusInFlight = false;
};

} // namespace wsgi::studio
