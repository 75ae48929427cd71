#include "session/apacheserver.h"

#include "apache-config/apachecheck.h"
#include "apache-config/configimport.h"
#include "apache-config/renderer.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>

#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

constexpr int kPollMs = 100;

double unixNow()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

QString firstError(const std::vector<config::Finding>& findings)
{
    for (const config::Finding& f : findings)
        if (f.severity == config::Severity::Error)
            return QString::fromStdString(f.message) +
                   (f.where.line > 0 ? u" (line "_s + QString::number(f.where.line) + u')' : QString());
    return {};
}

// The private Apache has its own Listen on 127.0.0.1; the variant's would bind a second port.
QString withoutListen(const QString& text)
{
    static const QRegularExpression listen(u"^\\s*Listen\\s"_s, QRegularExpression::CaseInsensitiveOption);
    QStringList lines = text.split(u'\n');
    for (QString& line : lines)
        if (listen.match(line).hasMatch())
            line = u"# "_s + line + u"    (the measuring Apache listens on 127.0.0.1 at a port of its own)"_s;
    return lines.join(u'\n');
}

int freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

} // namespace

QString ApacheInstall::binaryPath() const
{
    return binary.isEmpty() ? u"/usr/sbin/apache2"_s : binary;
}

QString ApacheInstall::modulesPath() const
{
    return modules.isEmpty() ? u"/usr/lib/apache2/modules"_s : modules;
}

QString apacheMissing(const ApacheInstall& install)
{
    if (!QFileInfo(install.binaryPath()).isExecutable())
        return u"Apache is not installed ("_s + install.binaryPath() +
               u" not found); on Debian: apt install apache2 libapache2-mod-wsgi-py3"_s;
    if (!QFileInfo::exists(install.modulesPath() + u"/mod_wsgi.so"_s))
        return u"mod_wsgi is not installed ("_s + install.modulesPath() +
               u"/mod_wsgi.so not found); on Debian: apt install libapache2-mod-wsgi-py3"_s;
    return {};
}

ApacheVariant exportForApache(const AbVariant& variant, const QString& scriptDirectory,
                              const QString& apachePython)
{
    ApacheVariant out;
    if (variant.freeThreading || variant.requestedRuntime.endsWith(u't')) {
        out.reason = u"free-threaded Python ("_s +
                     (variant.requestedRuntime.isEmpty() ? u"WSGIFreeThreading On"_s
                                                         : u"python="_s + variant.requestedRuntime) +
                     u"): Debian's mod_wsgi 4.9 embeds python"_s + apachePython + u", which has a GIL"_s;
        return out;
    }
    config::ImportOptions importOptions;
    importOptions.dialect = config::Dialect::Engine; // python= and every 6.0 feature are model
    const std::string fileName =
        variant.filePath.isEmpty()
            ? (variant.group.isEmpty() ? u"variant"_s : variant.group).toStdString() + ".conf"
            : variant.filePath.toStdString();
    const config::ImportedConfig imported =
        variant.runInPlace ? config::importConfigFile(variant.filePath.toStdString(), importOptions)
                           : config::importConfig(variant.configText.toStdString(), fileName, importOptions);
    if (const QString error = firstError(imported.findings); !error.isEmpty()) {
        out.reason = u"the configuration cannot be exported: "_s + error;
        return out;
    }
    config::RenderOptions render;
    render.target = config::Dialect::ModWsgi4;
    render.scriptDirectory = scriptDirectory.toStdString();
    render.fileNames = imported.fileNames();
    render.engineRelativePaths = true;
    const config::LoweredModel lowered = config::lowerForTarget(imported.model, render);
    if (!lowered.dropped.empty()) {
        QStringList why;
        for (const config::DroppedItem& d : lowered.dropped)
            why << QString::fromStdString(d.text) + u": "_s + QString::fromStdString(d.reason);
        out.reason = u"mod_wsgi 4.9 cannot express "_s + why.join(u"; "_s);
        return out;
    }
    const config::RenderResult rendered = config::renderSnippet(imported.model, render);
    out.supported = true;
    out.text = withoutListen(QString::fromStdString(rendered.text));
    const QString prefix = QString::fromLatin1(ApacheServer::kRootPlaceholder) + u'/';
    for (const config::GeneratedFile& f : rendered.files) {
        QString path = QString::fromStdString(f.path);
        if (path.startsWith(prefix))
            path = path.mid(prefix.size());
        out.files.push_back({path, QString::fromStdString(f.content)});
    }
    for (const config::Finding& f : rendered.findings)
        out.notes << QString::fromStdString(f.message);

    // The group serving /, as the engine would route it.
    const config::EngineConfig& engine = imported.engine;
    std::string group = variant.group.toStdString();
    for (const config::Mount& m : engine.mounts)
        if (m.urlPrefix.empty() && m.processGroup)
            group = *m.processGroup;
    for (const config::DaemonGroup& g : engine.groups) {
        if (g.name != group && !(group.empty() && &g == &engine.groups.front()))
            continue;
        out.group = QString::fromStdString(g.name);
        out.processes = g.processes;
        out.threads = g.threads;
        out.switchInterval = g.switchInterval ? g.switchInterval : engine.switchInterval;
        const QString runtime = QString::fromStdString(g.runtime);
        if (!runtime.isEmpty() && runtime != apachePython)
            out.notes << u"Apache runs python"_s + apachePython +
                             u" (what Debian's mod_wsgi 4.9 embeds); the "_s
                             u"engine runs python="_s +
                             runtime + u" for this variant"_s;
        break;
    }
    return out;
}

ProcessTreeSample sampleProcessTree(qint64 root)
{
    ProcessTreeSample sample;
    sample.time = unixNow();
    static const double ticks = double(sysconf(_SC_CLK_TCK));
    static const double page = double(sysconf(_SC_PAGESIZE));
    struct Entry
    {
        qint64 parent = 0;
        ProcessTreeSample::Process process;
    };
    std::map<qint64, Entry> all;
    const QStringList pids = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& name : pids) {
        bool isPid = false;
        const qint64 pid = name.toLongLong(&isPid);
        if (!isPid)
            continue;
        std::ifstream in("/proc/" + name.toStdString() + "/stat");
        std::string line;
        if (!std::getline(in, line))
            continue;
        // The command may hold spaces and parentheses: fields start after the last ')'.
        const std::size_t close = line.rfind(')');
        if (close == std::string::npos)
            continue;
        std::istringstream fields(line.substr(close + 2));
        std::vector<std::string> f;
        std::string word;
        while (fields >> word && f.size() < 24)
            f.push_back(word);
        if (f.size() < 22)
            continue;
        // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, rss 24.
        Entry e;
        e.parent = std::stoll(f[1]);
        e.process.cpuSec = (std::stod(f[11]) + std::stod(f[12])) / ticks;
        e.process.rssBytes = std::stod(f[21]) * page;
        all[pid] = e;
    }
    if (!all.count(root))
        return sample;
    std::vector<qint64> frontier{root};
    sample.processes[root] = all[root].process;
    while (!frontier.empty()) {
        const qint64 parent = frontier.back();
        frontier.pop_back();
        for (const auto& [pid, e] : all)
            if (e.parent == parent && !sample.processes.count(pid)) {
                sample.processes[pid] = e.process;
                frontier.push_back(pid);
            }
    }
    return sample;
}

ProcessTreeUsage treeUsage(const ProcessTreeSample& start, const ProcessTreeSample& end)
{
    ProcessTreeUsage usage;
    usage.seconds = end.time - start.time;
    double cpu = 0;
    for (const auto& [pid, p] : end.processes) {
        const auto before = start.processes.find(pid);
        cpu += p.cpuSec - (before == start.processes.end() ? 0 : before->second.cpuSec);
        usage.rssBytes += p.rssBytes;
    }
    usage.processes = int(end.processes.size());
    if (usage.seconds > 0)
        usage.cpuCores = std::max(0.0, cpu) / usage.seconds;
    return usage;
}

ApacheServer::ApacheServer(QObject* parent) : QObject(parent)
{
    m_pollTimer.setSingleShot(true);
    m_pollTimer.setInterval(kPollMs);
    m_stopDeadline.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &ApacheServer::poll);
    connect(&m_stopDeadline, &QTimer::timeout, this, [this] {
        if (m_process.state() != QProcess::NotRunning)
            m_process.kill();
    });
    connect(&m_process, &QProcess::finished, this, &ApacheServer::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(u"cannot start "_s + m_options.install.binaryPath() + u": "_s + m_process.errorString());
    });
}

ApacheServer::~ApacheServer()
{
    m_pollTimer.stop();
    if (m_probe)
        m_probe->abort();
    if (m_process.state() != QProcess::NotRunning) {
        for (const auto& [pid, p] : sampleProcessTree(m_process.processId()).processes)
            m_tree.push_back(pid);
        m_process.disconnect(this);
        m_process.terminate();
        if (!m_process.waitForFinished(m_options.stopTimeoutMs)) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }
    killLeftovers();
}

bool ApacheServer::isRunning() const
{
    return m_state == State::Running;
}

qint64 ApacheServer::pid() const
{
    return m_process.processId();
}

QString ApacheServer::listenUrl() const
{
    return u"http://127.0.0.1:"_s + QString::number(m_port);
}

QString ApacheServer::serverRoot() const
{
    return m_root ? QString::fromStdString(m_root->dir()) : QString();
}

QString ApacheServer::errorTail(int lines) const
{
    if (!m_root)
        return {};
    QStringList all;
    for (const char* name : {"error.log", "server.out"}) {
        QFile file(QString::fromStdString(m_root->path(name)));
        if (file.open(QIODevice::ReadOnly))
            all += QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    }
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

void ApacheServer::start(const Options& options)
{
    Q_ASSERT(m_state == State::Idle);
    m_options = options;
    m_state = State::Starting;
    if (const QString missing = apacheMissing(options.install); !missing.isEmpty()) {
        QTimer::singleShot(0, this, [this, missing] { fail(missing); });
        return;
    }
    m_root = std::make_unique<config::ApacheServerRoot>(config::ApacheInstallation{
        options.install.binaryPath().toStdString(), options.install.modulesPath().toStdString()});
    if (!m_root->ok()) {
        const QString why = QString::fromStdString(m_root->error());
        QTimer::singleShot(0, this, [this, why] { fail(u"cannot make Apache's ServerRoot: "_s + why); });
        return;
    }
    for (const ApacheVariant::File& f : options.files)
        m_root->writeFile(f.relativePath.toStdString(), f.content.toStdString());
    m_port = freePort();
    const QString root = QString::fromStdString(m_root->dir());
    const std::string conf = m_root->writeConfig(
        QString(options.snippet).replace(QString::fromLatin1(kRootPlaceholder), root).toStdString(), m_port);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(QString::fromStdString(m_root->path("server.out")));
    m_process.setProgram(options.install.binaryPath());
    m_process.setArguments({u"-DFOREGROUND"_s, u"-f"_s, QString::fromStdString(conf)});
    m_startClock.start();
    m_process.start();
    m_pollTimer.start();
}

void ApacheServer::poll()
{
    if (m_state != State::Starting)
        return;
    if (m_startClock.elapsed() > m_options.startTimeoutMs) {
        fail(u"Apache did not answer on 127.0.0.1:"_s + QString::number(m_port) + u" within "_s +
             QString::number(m_options.startTimeoutMs / 1000.0) + u" s"_s +
             (errorTail().isEmpty() ? QString() : u":\n"_s + errorTail()));
        return;
    }
    if (m_probe)
        m_probe->deleteLater();
    m_probe = new QTcpSocket(this);
    QTcpSocket* probe = m_probe;
    connect(probe, &QTcpSocket::connected, this, [this, probe] {
        probe->write("GET " + m_options.readyPath.toUtf8() + " HTTP/1.0\r\nHost: localhost\r\n\r\n");
    });
    connect(probe, &QTcpSocket::readyRead, this, [this, probe] {
        if (probe != m_probe || m_state != State::Starting || !probe->peek(5).startsWith("HTTP/"))
            return;
        probe->abort();
        m_state = State::Running;
        // "AH00489: Apache/2.4.62 (Debian) mod_wsgi/4.9.4 Python/3.11 configured -- resuming ..." (AH00163 on
        // a restart)
        QFile log(QString::fromStdString(m_root->path("error.log")));
        if (log.open(QIODevice::ReadOnly)) {
            static const QRegularExpression configured(u"AH00(?:163|489): (.*) configured"_s);
            const auto match = configured.match(QString::fromUtf8(log.readAll()));
            if (match.hasMatch())
                m_version = match.captured(1);
        }
        for (const auto& [pid, p] : sampleProcessTree(m_process.processId()).processes)
            m_tree.push_back(pid);
        Q_EMIT ready();
    });
    auto retry = [this, probe] {
        if (probe == m_probe && m_state == State::Starting && !m_pollTimer.isActive())
            m_pollTimer.start();
    };
    connect(probe, &QTcpSocket::errorOccurred, this, retry);
    connect(probe, &QTcpSocket::disconnected, this, retry);
    probe->connectToHost(QHostAddress::LocalHost, quint16(m_port));
    // A connect that hangs is retried too.
    QTimer::singleShot(1000, probe, [probe] { probe->abort(); });
}

void ApacheServer::fail(const QString& reason)
{
    if (m_state == State::Idle)
        return;
    m_pollTimer.stop();
    const bool running = m_process.state() != QProcess::NotRunning;
    if (running) {
        m_state = State::Stopping;
        m_process.terminate();
        m_stopDeadline.start(m_options.stopTimeoutMs);
    } else {
        m_state = State::Idle;
    }
    Q_EMIT failed(reason);
}

void ApacheServer::stop()
{
    m_pollTimer.stop();
    if (m_process.state() == QProcess::NotRunning) {
        m_state = State::Idle;
        killLeftovers();
        QTimer::singleShot(0, this, &ApacheServer::stopped);
        return;
    }
    for (const auto& [pid, p] : sampleProcessTree(m_process.processId()).processes)
        m_tree.push_back(pid);
    m_state = State::Stopping;
    m_process.terminate(); // SIGTERM: httpd stops its children and the mod_wsgi daemons
    m_stopDeadline.start(m_options.stopTimeoutMs);
}

void ApacheServer::onFinished()
{
    m_stopDeadline.stop();
    m_pollTimer.stop();
    const State was = m_state;
    m_state = State::Idle;
    killLeftovers();
    const QString how = m_process.exitStatus() == QProcess::CrashExit
                            ? u"apache2 was killed"_s
                            : u"apache2 exited with status "_s + QString::number(m_process.exitCode());
    if (was == State::Starting)
        Q_EMIT failed(how + u" before it answered"_s +
                      (errorTail().isEmpty() ? QString() : u":\n"_s + errorTail()));
    else if (was == State::Running)
        Q_EMIT lost(how + (errorTail().isEmpty() ? QString() : u":\n"_s + errorTail()));
    else
        Q_EMIT stopped();
}

void ApacheServer::killLeftovers()
{
    // Only processes still running this server's httpd.conf: a recycled pid is someone else's.
    if (!m_root)
        return;
    const QByteArray conf = QByteArray::fromStdString(m_root->path("httpd.conf"));
    for (qint64 pid : m_tree) {
        QFile cmdline(u"/proc/"_s + QString::number(pid) + u"/cmdline"_s);
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(conf))
            ::kill(pid_t(pid), SIGKILL);
    }
    m_tree.clear();
}

} // namespace wsgi::studio
