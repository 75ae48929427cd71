// `wsgi-studio-cli top` against the real engine: two worker processes of the seeds' workload, HTTP
// load from this test (127.0.0.1 only, bounded), and the CLI run as a subprocess, the way scripts
// and users run it.

#include "core/readyline.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString kBinaryDir = QStringLiteral(WSGI_BINARY_DIR);
const QString kSourceDir = QStringLiteral(WSGI_SOURCE_DIR);

// One HTTP/1.1 GET on a new connection; the status code, or 0 when it failed.
int httpGet(int port, const char* target)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int status = 0;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        const std::string request =
            std::string("GET ") + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size())) {
            std::string response;
            char buffer[4096];
            for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
                response.append(buffer, size_t(n));
            if (response.rfind("HTTP/1.1 ", 0) == 0 && response.size() >= 12)
                status = std::atoi(response.c_str() + 9);
        }
    }
    ::close(fd);
    return status;
}

// Sequential requests from a few threads until stopped, at most `limit` in all: enough to show up
// in every telemetry interval, bounded so a stuck test cannot become a load test.
class LoadGenerator
{
public:
    LoadGenerator(int port, int threads, int limit)
    {
        for (int t = 0; t < threads; ++t)
            m_threads.emplace_back([this, port, limit] {
                while (!m_stop && m_sent.fetch_add(1) < limit)
                    if (httpGet(port, "/?cpu_ms=1&wait_ms=1") == 200)
                        ++m_ok;
            });
    }
    ~LoadGenerator() { stop(); }
    void stop()
    {
        m_stop = true;
        for (auto& t : m_threads)
            if (t.joinable())
                t.join();
    }
    int ok() const { return m_ok; }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_sent{0};
    std::atomic<int> m_ok{0};
    std::vector<std::thread> m_threads;
};

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

// The engine under test: 2 processes x 2 threads of resources/apps/workload.py.
class Engine
{
public:
    bool start(QString& error)
    {
        const QString config = u"WSGIDaemonProcess g processes=2 threads=2\n"_s
                               u"WSGIScriptAlias / "_s +
                               kSourceDir +
                               u"/resources/apps/workload.py process-group=g application-group=%{GLOBAL}\n"_s;
        QFile file(m_dir.filePath(u"engine.conf"_s));
        if (!file.open(QIODevice::WriteOnly)) {
            error = u"cannot write the config"_s;
            return false;
        }
        file.write(config.toUtf8());
        file.close();
        tokenFile = m_dir.filePath(u"control.token"_s);
        // Output to files: a pipe nobody drains could block the engine.
        m_process.setStandardOutputFile(m_dir.filePath(u"engine.out"_s));
        m_process.setStandardErrorFile(m_dir.filePath(u"engine.err"_s));
        m_process.setWorkingDirectory(m_dir.path());
        m_process.start(kBinaryDir + u"/bin/wsgi-engine"_s,
                        {u"--config"_s, file.fileName(), u"--listen"_s, u"127.0.0.1:0"_s, u"--control"_s,
                         u"127.0.0.1:0"_s, u"--control-token-file"_s, tokenFile});
        if (!m_process.waitForStarted(10000)) {
            error = u"cannot start wsgi-engine: "_s + m_process.errorString();
            return false;
        }
        pid = m_process.processId();
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while ((port == 0 || controlPort == 0) && std::chrono::steady_clock::now() < deadline) {
            if (m_process.state() == QProcess::NotRunning) {
                error = u"wsgi-engine exited: "_s + log();
                return false;
            }
            QFile out(m_dir.filePath(u"engine.out"_s));
            if (out.open(QIODevice::ReadOnly)) {
                // Readiness from the engine's ready line (core/readyline.h), never from log prose.
                for (const QByteArray& line : out.readAll().split('\n')) {
                    std::string why;
                    const auto ready = wsgi::parseReadyLine(line.toStdString(), why);
                    std::string host;
                    if (ready && !ready->listen.empty()) {
                        wsgi::splitHostPort(ready->listen.front(), host, port);
                        wsgi::splitHostPort(ready->control, host, controlPort);
                    } else if (!why.empty()) {
                        error = QString::fromStdString(why);
                        return false;
                    }
                }
            }
            QThread::msleep(50);
        }
        if (port == 0 || controlPort == 0) {
            error = u"wsgi-engine did not report its ports within 30 s: "_s + log();
            return false;
        }
        // Ready when both workers answer: a few requests, round-robin among idle processes.
        int answered = 0;
        while (answered < 4 && std::chrono::steady_clock::now() < deadline + 30s) {
            if (httpGet(port, "/?cpu_ms=0&wait_ms=0") == 200)
                ++answered;
            else
                QThread::msleep(100);
        }
        if (answered < 4) {
            error = u"the workers did not answer within 60 s: "_s + log();
            return false;
        }
        return true;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (!m_process.waitForFinished(20000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    QString log() const
    {
        QFile err(m_dir.filePath(u"engine.err"_s));
        return err.open(QIODevice::ReadOnly) ? QString::fromUtf8(err.readAll()) : QString();
    }
    QString path(const QString& name) const { return m_dir.filePath(name); }

    int port = 0;
    int controlPort = 0;
    qint64 pid = 0;
    QString tokenFile;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
};

CliResult runCli(const QStringList& arguments, std::chrono::milliseconds timeout = 60s)
{
    QProcess cli;
    cli.start(kBinaryDir + u"/bin/wsgi-studio-cli"_s, arguments);
    CliResult r;
    if (!cli.waitForStarted(10000) || !cli.waitForFinished(int(timeout.count()))) {
        cli.kill();
        cli.waitForFinished(5000);
        r.err = u"wsgi-studio-cli did not finish in time"_s;
        return r;
    }
    r.exitCode = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    r.out = QString::fromUtf8(cli.readAllStandardOutput());
    r.err = QString::fromUtf8(cli.readAllStandardError());
    return r;
}

class TopCommand : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_engine = new Engine;
        if (!s_engine->start(s_startError))
            s_engine->stop();
    }
    static void TearDownTestSuite()
    {
        if (s_engine)
            s_engine->stop();
        delete s_engine;
        s_engine = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(s_startError.isEmpty()) << s_startError.toStdString(); }

    QStringList topArguments(const QStringList& extra, const QString& tokenFile = {}) const
    {
        return QStringList{u"top"_s, u"--control"_s, u"127.0.0.1:"_s + QString::number(s_engine->controlPort),
                           u"--token-file"_s, tokenFile.isEmpty() ? s_engine->tokenFile : tokenFile} +
               extra;
    }

    static Engine* s_engine;
    static QString s_startError;
};

Engine* TopCommand::s_engine = nullptr;
QString TopCommand::s_startError;

} // namespace

TEST_F(TopCommand, OnceJsonUnderLoadShowsBothProcessesWithRequests)
{
    LoadGenerator load(s_engine->port, 4, 5000);
    const CliResult r = runCli(topArguments({u"--once"_s, u"--json"_s, u"--interval"_s, u"1000"_s}));
    load.stop();
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    ASSERT_GT(load.ok(), 0);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &parseError);
    ASSERT_EQ(parseError.error, QJsonParseError::NoError) << r.out.toStdString();
    const QJsonObject status = doc.object().value(u"status"_s).toObject();
    const QJsonObject telemetry = doc.object().value(u"telemetry"_s).toObject();

    EXPECT_EQ(status.value(u"engine"_s).toObject().value(u"pid"_s).toInteger(), s_engine->pid);
    const QJsonArray groups = status.value(u"groups"_s).toArray();
    ASSERT_EQ(groups.size(), 1);
    std::set<qint64> statusPids;
    for (const QJsonValue& p : groups[0].toObject().value(u"processes"_s).toArray())
        statusPids.insert(p.toObject().value(u"pid"_s).toInteger());
    EXPECT_EQ(statusPids.size(), 2u);

    EXPECT_EQ(telemetry.value(u"event"_s).toString(), u"telemetry"_s);
    EXPECT_EQ(telemetry.value(u"interval_ms"_s).toInt(), 1000);
    const QJsonArray processes = telemetry.value(u"processes"_s).toArray();
    ASSERT_EQ(processes.size(), 2);
    std::set<qint64> telemetryPids;
    qint64 requests = 0;
    for (const QJsonValue& v : processes) {
        const QJsonObject p = v.toObject();
        telemetryPids.insert(p.value(u"pid"_s).toInteger());
        requests += p.value(u"request_count"_s).toInteger();
        EXPECT_EQ(p.value(u"group"_s).toString(), u"g"_s);
        EXPECT_EQ(p.value(u"gil_mode"_s).toString(), u"shared"_s);
        // Every request of the interval is in its request-time histogram.
        EXPECT_EQ(p.value(u"request_time_histogram"_s).toObject().value(u"count"_s).toInteger(),
                  p.value(u"request_count"_s).toInteger());
    }
    EXPECT_EQ(telemetryPids, statusPids);
    EXPECT_GT(requests, 0) << "no request counted during a loaded interval";
}

TEST_F(TopCommand, OnceTextHasTheHeaderAndOneRowPerProcess)
{
    LoadGenerator load(s_engine->port, 2, 2000);
    const CliResult r = runCli(topArguments({u"--once"_s, u"--interval"_s, u"500"_s}));
    load.stop();
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString();
    const QStringList lines = r.out.split(u'\n');
    ASSERT_FALSE(lines.isEmpty());
    EXPECT_TRUE(lines[0].startsWith(u"wsgi-engine pid "_s + QString::number(s_engine->pid) + u", up "_s))
        << r.out.toStdString();
    EXPECT_TRUE(lines[0].contains(u"serving 127.0.0.1:"_s + QString::number(s_engine->port)));
    EXPECT_TRUE(r.out.contains(u"\ntotal: "_s));
    EXPECT_TRUE(r.out.contains(u"2 processes in 1 group"_s));
    int header = -1, rows = 0;
    for (int i = 0; i < lines.size(); ++i) {
        if (lines[i].startsWith(u"GROUP "_s))
            header = i;
        if (header >= 0 && lines[i].startsWith(u"g "_s) && lines[i].contains(u" shared "_s))
            ++rows;
    }
    ASSERT_GE(header, 0) << r.out.toStdString();
    EXPECT_TRUE(lines[header + 1].contains(u"req/min"_s));
    EXPECT_EQ(rows, 2) << r.out.toStdString();
    EXPECT_FALSE(r.out.contains(u"\x1b["_s)); // not a terminal
}

TEST_F(TopCommand, LiveModeWithoutTerminalPrintsBlocksAndStopsOnSigterm)
{
    QProcess cli;
    cli.start(kBinaryDir + u"/bin/wsgi-studio-cli"_s, topArguments({u"--interval"_s, u"200"_s}));
    ASSERT_TRUE(cli.waitForStarted(10000));
    // Wait for at least two blocks, then stop it the way a service manager would.
    QString out;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (out.count(u"wsgi-engine pid "_s) < 2 && std::chrono::steady_clock::now() < deadline) {
        cli.waitForReadyRead(500);
        out += QString::fromUtf8(cli.readAllStandardOutput());
    }
    ::kill(pid_t(cli.processId()), SIGTERM);
    ASSERT_TRUE(cli.waitForFinished(10000));
    EXPECT_EQ(cli.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
    EXPECT_GE(out.count(u"wsgi-engine pid "_s), 2) << out.toStdString();
    EXPECT_TRUE(out.contains(u"\n\nwsgi-engine pid "_s)); // blocks are separated by a blank line
}

TEST_F(TopCommand, WrongTokenIsExitOneNamingTheFile)
{
    const QString wrong = s_engine->path(u"wrong.token"_s);
    QFile file(wrong);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("0123456789abcdef\n");
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const CliResult r = runCli(topArguments({u"--once"_s}, wrong));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains(u"rejected the token in "_s + wrong)) << r.err.toStdString();
    EXPECT_FALSE(r.err.contains(u"0123456789abcdef"_s));
    EXPECT_TRUE(r.out.isEmpty());
}

TEST_F(TopCommand, NothingListeningIsExitOneNamingTheAddress)
{
    // A port that was free a moment ago: bind, read it back, close.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const int port = ntohs(address.sin_port);
    ::close(fd);

    const CliResult r =
        runCli({u"top"_s, u"--once"_s, u"--control"_s, u"127.0.0.1:"_s + QString::number(port),
                u"--token-file"_s, s_engine->tokenFile});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains(u"connection refused at 127.0.0.1:"_s + QString::number(port)))
        << r.err.toStdString();
}

TEST_F(TopCommand, TheHttpPortIsNotTheControlPort)
{
    // A server that waits for the client to speak first never sends a hello.
    const CliResult r =
        runCli({u"top"_s, u"--once"_s, u"--control"_s, u"127.0.0.1:"_s + QString::number(s_engine->port),
                u"--token-file"_s, s_engine->tokenFile});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains(u"no hello from 127.0.0.1:"_s)) << r.err.toStdString();
}

TEST_F(TopCommand, UsageErrorIsExitTwo)
{
    const CliResult r = runCli({u"top"_s, u"--control"_s, u"127.0.0.1:1"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains(u"--token-file FILE is required"_s)) << r.err.toStdString();
}
