// `wsgi-studio-cli ab` and `bench` against the real engine, run as subprocesses the way users and
// scripts run them. Settings are trivial on purpose (1 ms of CPU per request, 1 s windows, a few
// connections): these check that the machinery is complete and consistent, not what is faster.

#include "core/readyline.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString kBinaryDir = QStringLiteral(WSGI_BINARY_DIR);
const QString kSourceDir = QStringLiteral(WSGI_SOURCE_DIR);
const QString kWorkload = kSourceDir + u"/resources/apps/workload.py"_s;

QString enginePath()
{
    // WSGI_STUDIO_ENGINE lets a developer point the tests at another build of the engine.
    const QString fromEnvironment = qEnvironmentVariable("WSGI_STUDIO_ENGINE");
    return fromEnvironment.isEmpty() ? kBinaryDir + u"/bin/wsgi-engine"_s : fromEnvironment;
}

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

QProcessEnvironment cliEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // The workload's defaults apply to the engine's workers and to --measure-cpu alike, so the
    // physical limit matches what is served.
    environment.insert(u"WORKLOAD_CPU_MS"_s, u"1"_s);
    environment.insert(u"WORKLOAD_WAIT_MS"_s, u"1"_s);
    return environment;
}

CliResult runCli(const QStringList& arguments, std::chrono::milliseconds timeout = 120s)
{
    QProcess cli;
    cli.setProcessEnvironment(cliEnvironment());
    cli.start(kBinaryDir + u"/bin/wsgi-studio-cli"_s, arguments);
    CliResult r;
    if (!cli.waitForFinished(int(timeout.count()))) {
        cli.kill();
        cli.waitForFinished(5000);
        r.err = u"(timed out) "_s;
    }
    r.exitCode = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    r.out = QString::fromUtf8(cli.readAllStandardOutput());
    r.err += QString::fromUtf8(cli.readAllStandardError());
    return r;
}

QJsonObject readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QJsonObject variantNamed(const QJsonObject& document, const QString& name)
{
    for (const auto& v : document.value(u"variants"_s).toArray())
        if (v.toObject().value(u"name"_s).toString() == name)
            return v.toObject();
    return {};
}

QStringList shortRun()
{
    return {u"ab"_s,       u"--repeats"_s, u"3"_s,          u"--duration"_s, u"1"_s,
            u"--warmup"_s, u"0.5"_s,       u"--cooldown"_s, u"0.2"_s,        u"--concurrency"_s,
            u"4"_s,        u"--engine"_s,  enginePath(),    u"--app"_s,      kWorkload};
}

} // namespace

TEST(AbIntegration, TwoVariantsGiveACompleteConsistentDocument)
{
    QTemporaryDir dir;
    const QString output = dir.filePath(u"ab.json"_s);
    const CliResult r =
        runCli(shortRun() + QStringList{u"--variant"_s, u"one=processes=1 threads=2"_s, u"--variant"_s,
                                        u"two=processes=2 threads=2 switch-interval=0.001"_s, u"--markdown"_s,
                                        u"-o"_s, output});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString() << r.out.toStdString();
    EXPECT_TRUE(
        r.out.contains(u"| Config | rpm | response | app | CPU/proc | CPU total | RSS | GIL p95 | of limit | "
                       u"vs one |"_s))
        << r.out.toStdString();
    EXPECT_TRUE(r.out.contains(
        QRegularExpression(u"- two (is [0-9.]+x one|and one differ by less than the noise)"_s)))
        << r.out.toStdString();
    // Progress lines on stderr (not a terminal: one per measured repeat).
    EXPECT_TRUE(r.err.contains(u"[2/2 two] repeat 3/3: measuring"_s)) << r.err.toStdString();

    const QJsonObject doc = readJson(output);
    ASSERT_FALSE(doc.isEmpty());
    EXPECT_EQ(doc.value(u"schema"_s).toString(), u"wsgi-studio-ab-result"_s);
    EXPECT_EQ(doc.value(u"version"_s).toInt(), 1);
    EXPECT_EQ(doc.value(u"kind"_s).toString(), u"ab"_s);
    EXPECT_FALSE(doc.value(u"cancelled"_s).toBool());
    EXPECT_EQ(doc.value(u"baseline"_s).toString(), u"one"_s);
    EXPECT_FALSE(doc.value(u"tool"_s).toObject().value(u"version"_s).toString().isEmpty());
    const QJsonObject machine = doc.value(u"machine"_s).toObject();
    EXPECT_GE(machine.value(u"cores"_s).toInt(), 1);
    EXPECT_FALSE(machine.value(u"cpu_model"_s).toString().isEmpty());
    EXPECT_TRUE(machine.value(u"kernel"_s).toString().startsWith(u"Linux"_s));
    EXPECT_GT(machine.value(u"memory_bytes"_s).toDouble(), 0);

    // The physical limit was measured on the variants' runtime with the same 1 ms workload.
    const QJsonObject limits = doc.value(u"physical_limits"_s).toObject();
    ASSERT_EQ(limits.size(), 1);
    const QJsonObject limit = limits.begin()->toObject();
    EXPECT_NEAR(limit.value(u"cpu_seconds_per_request"_s).toDouble(), 0.001, 0.0008);

    double previousEnd = 0;
    for (int round = 1; round <= 3; ++round) {
        for (const QString& name : {u"one"_s, u"two"_s}) {
            const QJsonObject v = variantNamed(doc, name);
            ASSERT_EQ(v.value(u"status"_s).toString(), u"ok"_s) << name.toStdString();
            const QJsonArray repeats = v.value(u"repeats"_s).toArray();
            ASSERT_EQ(repeats.size(), 3);
            const QJsonObject rep = repeats[round - 1].toObject();
            EXPECT_EQ(rep.value(u"round"_s).toInt(), round);
            // Alternated: each window starts after the previous variant's ended (A1 B1 A2 B2 ...).
            const QJsonObject window = rep.value(u"window"_s).toObject();
            EXPECT_GT(window.value(u"start"_s).toDouble(), previousEnd);
            EXPECT_NEAR(window.value(u"duration_s"_s).toDouble(), 1.0, 0.01);
            previousEnd = window.value(u"end"_s).toDouble();
            // Client and server saw the same window: their request counts agree.
            const double client = rep.value(u"client"_s).toObject().value(u"requests"_s).toDouble();
            const QJsonObject server = rep.value(u"server"_s).toObject();
            EXPECT_GT(client, 20);
            EXPECT_GE(server.value(u"samples"_s).toInt(), 5);
            const double serverRate = server.value(u"requests_per_second"_s).toDouble();
            EXPECT_NEAR(serverRate, client, client * 0.3) << name.toStdString() << " round " << round;
            EXPECT_GT(server.value(u"cpu_total_cores"_s).toDouble(), 0.05);
            EXPECT_GT(server.value(u"rss_bytes"_s).toDouble(), 1e6);
            EXPECT_TRUE(server.value(u"gil_applicable"_s).toBool());
            EXPECT_EQ(rep.value(u"loadgen"_s).toObject().value(u"schema"_s).toString(),
                      u"wsgi-loadgen-result"_s);
        }
    }
    const QJsonObject one = variantNamed(doc, u"one"_s);
    EXPECT_EQ(one.value(u"source"_s).toString(), u"inline"_s);
    EXPECT_TRUE(
        one.value(u"config"_s).toString().contains(u"WSGIDaemonProcess one processes=1 threads=2\n"_s));
    EXPECT_TRUE(one.value(u"config"_s).toString().contains(u"WSGIScriptAlias / "_s + kWorkload));
    EXPECT_EQ(one.value(u"runtime"_s).toString(), u"3.11"_s);
    EXPECT_EQ(one.value(u"gil_mode"_s).toString(), u"shared"_s);
    EXPECT_DOUBLE_EQ(one.value(u"switch_interval"_s).toDouble(), 0.005);
    EXPECT_EQ(one.value(u"processes"_s).toInt(), 1);
    EXPECT_EQ(one.value(u"verdict"_s).toString(), u"one is the baseline"_s);
    const QJsonObject two = variantNamed(doc, u"two"_s);
    EXPECT_DOUBLE_EQ(two.value(u"switch_interval"_s).toDouble(), 0.001); // in force, from the engine
    EXPECT_EQ(two.value(u"processes"_s).toInt(), 2);
    const QJsonObject summary = two.value(u"summary"_s).toObject();
    EXPECT_EQ(summary.value(u"repeats"_s).toInt(), 3);
    EXPECT_GT(summary.value(u"rpm"_s).toObject().value(u"median"_s).toDouble(), 0);
    EXPECT_GT(summary.value(u"of_limit"_s).toObject().value(u"median"_s).toDouble(), 0.01);
    const QJsonObject ratio = two.value(u"ratio"_s).toObject();
    EXPECT_EQ(ratio.value(u"pairs"_s).toInt(), 3);
    EXPECT_LE(ratio.value(u"ci_low"_s).toDouble(), ratio.value(u"value"_s).toDouble());
    EXPECT_GE(ratio.value(u"ci_high"_s).toDouble(), ratio.value(u"value"_s).toDouble());
    EXPECT_FALSE(two.value(u"verdict"_s).toString().isEmpty());
}

TEST(AbIntegration, FailedVariantsAreReportedWithTheEnginesWordsAndTheOthersKept)
{
    QTemporaryDir dir;
    // A snippet with its own mount: runs in place, serving the app that kills its engine mid-run.
    const QString killerConf = dir.filePath(u"dies.conf"_s);
    QFile conf(killerConf);
    ASSERT_TRUE(conf.open(QIODevice::WriteOnly));
    conf.write("WSGIDaemonProcess dies processes=1 threads=2\n"
               "WSGIScriptAlias / " AB_TEST_APPS_DIR
               "/killer.py process-group=dies application-group=%{GLOBAL}\n");
    conf.close();
    const QString output = dir.filePath(u"ab.json"_s);
    QStringList arguments = shortRun();
    arguments[4] = u"1.5"_s; // --duration: the killer strikes 1 s after its first request, mid-window
    const CliResult r =
        runCli(arguments + QStringList{u"--variant"_s, u"ok=processes=1 threads=2"_s, u"--variant"_s,
                                       u"bad=processes=1 bogus=1"_s, u"--variant"_s,
                                       u"noruntime=processes=1 python=3.9"_s, u"--variant"_s,
                                       u"dies="_s + killerConf, u"-o"_s, output});
    EXPECT_EQ(r.exitCode, 3) << r.err.toStdString() << r.out.toStdString();
    EXPECT_TRUE(r.err.contains(u"variant 'bad' failed: bad.conf:2: error: invalid option 'bogus'"_s))
        << r.err.toStdString();
    EXPECT_TRUE(r.out.contains(u"Failed:\n"_s)) << r.out.toStdString();

    const QJsonObject doc = readJson(output);
    const QJsonObject ok = variantNamed(doc, u"ok"_s);
    EXPECT_EQ(ok.value(u"status"_s).toString(), u"ok"_s);
    EXPECT_EQ(ok.value(u"repeats"_s).toArray().size(), 3);

    const QJsonObject bad = variantNamed(doc, u"bad"_s);
    EXPECT_EQ(bad.value(u"status"_s).toString(), u"failed"_s);
    EXPECT_TRUE(bad.value(u"failure"_s).toString().contains(u"[E-UNKNOWN-OPTION]"_s))
        << bad.value(u"failure"_s).toString().toStdString();
    EXPECT_EQ(bad.value(u"failed_in_round"_s).toInt(), 1);
    EXPECT_TRUE(bad.value(u"repeats"_s).toArray().isEmpty());

    const QJsonObject noRuntime = variantNamed(doc, u"noruntime"_s);
    EXPECT_EQ(noRuntime.value(u"status"_s).toString(), u"failed"_s);
    EXPECT_TRUE(noRuntime.value(u"failure"_s).toString().contains(u"needs Python runtime 3.9"_s))
        << noRuntime.value(u"failure"_s).toString().toStdString();

    const QJsonObject dies = variantNamed(doc, u"dies"_s);
    EXPECT_EQ(dies.value(u"status"_s).toString(), u"failed"_s);
    EXPECT_EQ(dies.value(u"source"_s).toString(), u"file"_s);
    EXPECT_TRUE(dies.value(u"failure"_s).toString().contains(u"the engine exited during repeat 1"_s))
        << dies.value(u"failure"_s).toString().toStdString();
    EXPECT_TRUE(dies.value(u"repeats"_s).toArray().isEmpty());
}

TEST(AbIntegration, InterruptStopsCleanlyAndKeepsWhatCompleted)
{
    QTemporaryDir dir;
    const QString output = dir.filePath(u"ab.json"_s);
    QProcess cli;
    cli.setProcessEnvironment(cliEnvironment());
    cli.start(kBinaryDir + u"/bin/wsgi-studio-cli"_s,
              shortRun() + QStringList{u"--variant"_s, u"a=processes=1 threads=2"_s, u"--variant"_s,
                                       u"b=processes=2 threads=1"_s, u"-o"_s, output});
    ASSERT_TRUE(cli.waitForStarted(10000));
    QString err;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!err.contains(u"[1/2 a] repeat 2/3: measuring"_s) && std::chrono::steady_clock::now() < deadline &&
           cli.state() == QProcess::Running) {
        cli.waitForReadyRead(200);
        err += QString::fromUtf8(cli.readAllStandardError());
    }
    ASSERT_TRUE(err.contains(u"[1/2 a] repeat 2/3: measuring"_s)) << err.toStdString();
    ::kill(pid_t(cli.processId()), SIGINT);
    ASSERT_TRUE(cli.waitForFinished(20000)) << "the CLI did not stop within 20 s of Ctrl-C";
    EXPECT_EQ(cli.exitCode(), 130);
    err += QString::fromUtf8(cli.readAllStandardError());
    EXPECT_TRUE(err.contains(u"cancelling"_s)) << err.toStdString();
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    EXPECT_TRUE(out.contains(u"Cancelled: only the repeats that completed are shown."_s))
        << out.toStdString();

    const QJsonObject doc = readJson(output);
    EXPECT_TRUE(doc.value(u"cancelled"_s).toBool());
    // Round 1 of both completed; a's second repeat was cut short and is not counted.
    const QJsonObject a = variantNamed(doc, u"a"_s);
    EXPECT_EQ(a.value(u"repeats"_s).toArray().size(), 1);
    EXPECT_EQ(a.value(u"status"_s).toString(), u"cancelled"_s);
    EXPECT_EQ(variantNamed(doc, u"b"_s).value(u"repeats"_s).toArray().size(), 1);
}

TEST(AbIntegration, SweepRanksItsCellsByThroughputAndMemory)
{
    QTemporaryDir dir;
    const QString output = dir.filePath(u"sweep.json"_s);
    const CliResult r =
        runCli({u"sweep"_s, u"--app"_s, kWorkload, u"--engine"_s, enginePath(), u"--processes"_s, u"1,2"_s,
                u"--threads"_s, u"1"_s, u"--repeats"_s, u"3"_s, u"--duration"_s, u"0.5"_s, u"--warmup"_s,
                u"0.3"_s, u"--cooldown"_s, u"0.1"_s, u"-o"_s, output});
    ASSERT_EQ(r.exitCode, 0) << r.err.toStdString() << r.out.toStdString();
    EXPECT_TRUE(r.out.contains(u"Ranked by throughput (median rpm, highest first):"_s))
        << r.out.toStdString();
    EXPECT_TRUE(r.out.contains(u"Ranked by memory (median total RSS, lowest first):\n    1. 1x1"_s))
        << r.out.toStdString();
    const QJsonObject doc = readJson(output);
    EXPECT_EQ(doc.value(u"kind"_s).toString(), u"sweep"_s);
    const QJsonObject sweep = doc.value(u"sweep"_s).toObject();
    EXPECT_EQ(sweep.value(u"cells"_s).toArray().size(), 2);
    EXPECT_EQ(sweep.value(u"ranking_throughput"_s).toArray().size(), 2);
    // One process holds less memory than two: the memory ranking is not a matter of noise.
    EXPECT_EQ(sweep.value(u"ranking_memory"_s).toArray().first().toString(), u"1x1"_s);
}

// A plain engine for bench to load.
class BenchEngine
{
public:
    ~BenchEngine()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGTERM);
            if (!m_process.waitForFinished(10000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }

    bool start(QString& error)
    {
        const QString config = m_dir.filePath(u"bench.conf"_s);
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly))
            return false;
        file.write((u"WSGIDaemonProcess g processes=1 threads=2\nWSGIScriptAlias / "_s + kWorkload +
                    u" process-group=g application-group=%{GLOBAL}\n"_s)
                       .toUtf8());
        file.close();
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(enginePath(), {u"--config"_s, config, u"--listen"_s, u"127.0.0.1:0"_s, u"--quiet"_s});
        QByteArray text;
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (port == 0 && std::chrono::steady_clock::now() < deadline &&
               m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(200);
            text += m_process.readAll();
            // Readiness from the engine's ready line (core/readyline.h), never from log prose.
            for (const QByteArray& line : text.split('\n')) {
                std::string why;
                const auto ready = wsgi::parseReadyLine(line.toStdString(), why);
                std::string host;
                int listenPort = 0;
                if (ready && !ready->listen.empty() &&
                    wsgi::splitHostPort(ready->listen.front(), host, listenPort))
                    port = quint16(listenPort);
            }
        }
        if (port == 0) {
            error = u"the engine did not start: "_s + QString::fromUtf8(text);
            return false;
        }
        // Ready when the worker answers.
        while (std::chrono::steady_clock::now() < deadline) {
            QTcpSocket socket;
            socket.connectToHost(u"127.0.0.1"_s, port);
            if (socket.waitForConnected(1000)) {
                socket.write(
                    "GET /?cpu_ms=0&wait_ms=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                QByteArray answer;
                while (socket.waitForReadyRead(2000))
                    answer += socket.readAll();
                if (answer.startsWith("HTTP/1.1 200"))
                    return true;
            }
            QThread::msleep(100);
        }
        error = u"the worker did not answer"_s;
        return false;
    }

    quint16 port = 0;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
};

TEST(BenchIntegration, CountsRequestsAgainstTheEngine)
{
    BenchEngine engine;
    QString error;
    ASSERT_TRUE(engine.start(error)) << error.toStdString();
    const QString url = u"http://127.0.0.1:"_s + QString::number(engine.port) + u"/?cpu_ms=1&wait_ms=0"_s;

    const CliResult json = runCli({u"bench"_s, url, u"-d"_s, u"1"_s, u"-c"_s, u"2"_s, u"--json"_s});
    ASSERT_EQ(json.exitCode, 0) << json.err.toStdString();
    const QJsonObject doc = QJsonDocument::fromJson(json.out.toUtf8()).object();
    EXPECT_EQ(doc.value(u"schema"_s).toString(), u"wsgi-loadgen-result"_s);
    const double requests = doc.value(u"requests"_s).toDouble();
    EXPECT_GT(requests, 50);
    EXPECT_EQ(doc.value(u"status"_s).toObject().value(u"2xx"_s).toDouble(), requests);
    EXPECT_EQ(doc.value(u"errors"_s).toObject().value(u"total"_s).toDouble(), 0);
    EXPECT_TRUE(json.err.isEmpty()) << json.err.toStdString(); // no progress with --json

    const CliResult text = runCli({u"bench"_s, url, u"-d"_s, u"1"_s, u"--rate"_s, u"50"_s});
    ASSERT_EQ(text.exitCode, 0) << text.err.toStdString();
    EXPECT_TRUE(text.out.contains(u"open loop at 50.0 req/s"_s)) << text.out.toStdString();
    EXPECT_TRUE(text.out.contains(u"Latency (uncorrected):"_s));
    EXPECT_TRUE(text.out.contains(u"p99.99"_s));
    EXPECT_TRUE(text.out.contains(u"Schedule:"_s));
}
