#pragma once
// The Apache server kind of an A/B run: Debian's Apache 2.4 + mod_wsgi 4.9 (libapache2-mod-wsgi-py3)
// in daemon mode, serving a variant's configuration as the studio exports it for mod_wsgi 4.9, in a
// private ServerRoot (config::ApacheServerRoot: its own PidFile, logs, runtime and socket
// directories) listening on 127.0.0.1 at a free port. Started per repeat and stopped again, like the
// engine.
//
//   ApacheVariant exported = exportForApache(variant, serverRoot);  // or .supported == false, why
//   ApacheServer server;  connect ready / failed / lost;  server.start(options);  ...  server.stop();
//
// Apache has none of the engine's telemetry: what the server used is read from /proc for its whole
// process tree (the parent, the MPM children that proxy to mod_wsgi, the daemon processes).

#include "session/abvariant.h"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QTcpSocket;

namespace wsgi::config {
class ApacheServerRoot;
}

namespace wsgi::studio {

struct ApacheInstall
{
    QString binary;  // empty: /usr/sbin/apache2
    QString modules; // empty: /usr/lib/apache2/modules
    QString binaryPath() const;
    QString modulesPath() const;
};

// Empty when apache2 and mod_wsgi.so are there; otherwise what is missing and how to install it.
QString apacheMissing(const ApacheInstall& install);

// A variant as Apache + mod_wsgi 4.9 runs it.
struct ApacheVariant
{
    bool supported = false;
    QString reason; // when not supported: why Apache cannot run it (free-threaded Python, ...)
    QString text;   // the exported snippet (mod_wsgi 4.9), Listen lines commented out
    struct File
    {
        QString relativePath; // inside the ServerRoot
        QString content;
    };
    std::vector<File> files; // import scripts the text names (switch intervals, per-group paths)
    QStringList notes;       // what the export changed, and runtime differences
    QString group;           // the daemon group serving /, when known
    int processes = 0;       // of that group
    int threads = 0;
    std::optional<double> switchInterval;
};

// `scriptDirectory`: where the import scripts will be, as the WSGIImportScript lines name them:
// "@SERVER_ROOT@/scripts" (ApacheServer::kRootPlaceholder) puts them inside each private ServerRoot,
// and `files` are then relative to it. The mod_wsgi 4.9 Debian ships embeds `apachePython` ("3.11").
ApacheVariant exportForApache(const AbVariant& variant, const QString& scriptDirectory,
                              const QString& apachePython = QStringLiteral("3.11"));

// CPU and memory of a process tree, from /proc.
struct ProcessTreeSample
{
    double time = 0; // unix seconds
    struct Process
    {
        double cpuSec = 0; // user + system since the process started
        double rssBytes = 0;
    };
    std::map<qint64, Process> processes; // the root and every descendant
};
ProcessTreeSample sampleProcessTree(qint64 root);

// What the tree used between two samples: CPU in cores (a process that appeared counts from 0, one
// that went away up to its last sample), RSS summed at `end`.
struct ProcessTreeUsage
{
    double cpuCores = 0;
    double rssBytes = 0;
    int processes = 0;
    double seconds = 0;
};
ProcessTreeUsage treeUsage(const ProcessTreeSample& start, const ProcessTreeSample& end);

class ApacheServer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        ApacheInstall install;
        QString snippet;                         // kRootPlaceholder stands for the ServerRoot
        std::vector<ApacheVariant::File> files;  // relative to the ServerRoot
        QString readyPath = QStringLiteral("/"); // answered (any status) = ready
        int startTimeoutMs = 30000;
        int stopTimeoutMs = 10000;
    };

    // Replaced by the ServerRoot's directory in the snippet at start.
    static constexpr const char* kRootPlaceholder = "@SERVER_ROOT@";

    explicit ApacheServer(QObject* parent = nullptr);
    ~ApacheServer() override; // stops a running server (blocking, at most stopTimeoutMs)

    // Makes a private ServerRoot, writes the configuration, starts apache2 -DFOREGROUND and polls
    // the ready path until it answers. Emits ready() or failed(reason).
    void start(const Options& options);
    void stop(); // SIGTERM to the parent (it stops its children and the daemons); stopped() once gone

    bool isRunning() const;
    qint64 pid() const;
    int port() const { return m_port; }
    QString listenUrl() const;
    QString serverRoot() const;                   // for the test that looks at it
    QString version() const { return m_version; } // "Apache/2.4.62 (Debian) mod_wsgi/4.9.4 Python/3.11"
    QString errorTail(int lines = 8) const;       // the end of error.log

Q_SIGNALS:
    void ready();
    void failed(const QString& reason);
    void lost(const QString& reason); // exited while running
    void stopped();

private:
    void poll();
    void onFinished();
    void fail(const QString& reason);
    void killLeftovers();

    Options m_options;
    std::unique_ptr<config::ApacheServerRoot> m_root;
    QProcess m_process;
    QTcpSocket* m_probe = nullptr;
    QTimer m_pollTimer;
    QElapsedTimer m_startClock;
    QTimer m_stopDeadline;
    std::vector<qint64> m_tree; // every pid seen in the tree, so none outlives stop()
    int m_port = 0;
    QString m_version;
    enum class State
    {
        Idle,
        Starting,
        Running,
        Stopping
    };
    State m_state = State::Idle;
};

} // namespace wsgi::studio
