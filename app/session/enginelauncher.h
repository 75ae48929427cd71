#pragma once
// Starts a local wsgi-engine on loopback and stops it again: the config text goes to a private temp
// dir (or a config file runs in place), the engine is asked for port 0 on 127.0.0.1 for HTTP and
// control, and `started` comes once it printed its ready line (core/readyline.h).
// A start that fails (the engine rejected the config, a runtime is missing, the binary is absent, no
// ports within the timeout) ends in `failed` carrying the engine's own error text. An engine that
// exits on its own after starting ends in `exited`, also with its text. stop() sends SIGTERM and,
// after a grace period, SIGKILL; `stopped` follows.
//
//   EngineLauncher engine;
//   connect(&engine, &EngineLauncher::started, ...);  // engine.httpPort(), engine.controlEndpoint()
//   engine.start({.enginePath = EngineLauncher::defaultEnginePath(), .configText = text});
//
// The engine runs in its own process group, so a Ctrl-C on the terminal reaches the studio only and
// the studio decides how the engine stops; it also gets SIGTERM if the studio dies.

#include "session/endpoint.h"

#include "core/readyline.h"

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

#include <chrono>
#include <memory>

namespace wsgi::studio {

struct EngineLaunchSpec
{
    QString enginePath; // the wsgi-engine binary
    QString configText; // written to <temp>/engine.conf ...
    QString configFile; // ... unless this is set: then the engine runs this file in place
    QString configName = QStringLiteral("engine.conf"); // the temp file's name: the engine's messages cite it
    QStringList extraArguments;                         // e.g. {"--default-runtime", "3.13"}
    // --listen: any free port by default (A/B engines run side by side with whatever the user has);
    // empty: the configuration's own Listen, as Apache would serve it.
    QString listen = QStringLiteral("127.0.0.1:0");
    std::chrono::milliseconds startTimeout{30000};
    bool quiet = true; // --quiet: the engine logs only problems (which we collect)
};

class EngineLauncher : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Starting,
        Running,
        Stopping,
        Exited
    };

    explicit EngineLauncher(QObject* parent = nullptr);
    ~EngineLauncher() override; // kills an engine still running (SIGTERM, briefly waits, SIGKILL)

    // $WSGI_STUDIO_ENGINE, else wsgi-engine beside this program, else the one on PATH.
    static QString defaultEnginePath();

    void start(const EngineLaunchSpec& spec);
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10000));

    State state() const { return m_state; }
    qint64 pid() const { return m_pid; }
    quint16 httpPort() const { return m_httpPort; }
    Endpoint controlEndpoint() const { return {QStringLiteral("127.0.0.1"), m_controlPort}; }
    QString tokenFile() const { return m_tokenFile; }
    QString configPath() const { return m_configPath; }
    QString url() const;                                     // "http://127.0.0.1:PORT"
    const wsgi::ReadyLine& ready() const { return m_ready; } // what the engine's ready line said
    // What the engine wrote to stderr (bounded to its last 64 KiB), and the warning lines in it.
    QString errorOutput() const { return m_stderr; }
    QStringList warnings() const;
    // The engine's own words about what went wrong, for a message: its "file:line: error:" lines
    // with their hints when there are any, else the last lines of stderr. Paths inside the private
    // temp dir are shown by file name.
    QString errorTail(int lines = 12) const;

Q_SIGNALS:
    void started();
    void failed(const QString& reason); // the last signal: delete the launcher afterwards
    void exited(const QString& reason); // after `started`, without stop() having been asked
    void stopped();
    // Every line the engine writes, stdout and stderr alike, without its newline (the ready line is
    // not a log line and is not repeated here).
    void logLine(const QString& line);

private:
    void onStdout();
    void onStderr();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onErrorOccurred(QProcess::ProcessError error);
    void fail(const QString& reason);
    QString exitDescription(int exitCode, QProcess::ExitStatus status) const;
    QString problemTail(int lines = 12) const;

    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QTemporaryDir> m_dir;
    QTimer m_startTimer;
    QTimer m_killTimer;
    State m_state = State::Idle;
    qint64 m_pid = 0;
    quint16 m_httpPort = 0;
    quint16 m_controlPort = 0;
    QString m_tokenFile;
    QString m_configPath;
    void onReadyLine(const std::string& line);
    void emitLines(QString& partial, const QByteArray& bytes, bool isStdout);

    wsgi::ReadyLine m_ready;
    QString m_stdoutLine; // partial line
    QString m_stderrLine; // partial line
    QString m_stderr;
    bool m_failedReported = false;
};

} // namespace wsgi::studio
