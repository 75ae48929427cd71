// wsgi-studio-cli in-process: the command registry, usage errors and exit codes, and `top` against
// the fake engine (the real engine is in tests/integration/app).

#include "cli/commands.h"
#include "fakeengine.h"
#include "protocolsamples.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using namespace wsgi::studio::cli;
using namespace wsgi::studio::testing;

namespace {

struct CliRun
{
    int exitCode = -1;
    std::string out;
    std::string err;
};

CliRun run(const QStringList& arguments)
{
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    CliRun r;
    r.exitCode = runCli(arguments);
    r.out = ::testing::internal::GetCapturedStdout();
    r.err = ::testing::internal::GetCapturedStderr();
    return r;
}

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

class TopAgainstFakeEngine : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_tokenFile = m_dir.filePath(u"token"_s);
        QFile file(m_tokenFile);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("right-token\n");
        file.close();
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        m_engine.setResponder([this](FakeEngine& e, const QJsonObject& request) {
            if (request.value(u"token"_s).toString() != u"right-token"_s) {
                e.replyError(request, u"unauthorized"_s, u"wrong token"_s);
                return;
            }
            const QString op = request.value(u"op"_s).toString();
            if (op == u"status"_s) {
                e.reply(request, statusResultJson(m_processes));
            } else if (op == u"subscribe"_s) {
                e.reply(request, {{u"interval_ms"_s, request.value(u"interval_ms"_s)}});
                e.send(compact(telemetryEventJson(m_processes, request.value(u"interval_ms"_s).toInt())));
            }
        });
        ProcessSpec second;
        second.process = 2;
        second.pid = 1002;
        m_processes = {ProcessSpec{}, second};
    }

    QStringList topArguments(const QStringList& extra) const
    {
        return QStringList{u"top"_s, u"--control"_s, u"127.0.0.1:"_s + QString::number(m_engine.port()),
                           u"--token-file"_s, m_tokenFile} +
               extra;
    }

    QTemporaryDir m_dir;
    QString m_tokenFile;
    FakeEngine m_engine;
    std::vector<ProcessSpec> m_processes;
};

} // namespace

TEST(Cli, ProgramHelpListsTheCommands)
{
    const CliRun r = run({u"--help"_s});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_TRUE(contains(r.out, "Usage: wsgi-studio-cli COMMAND"));
    EXPECT_TRUE(contains(r.out, "\n  top  "));
    for (const Command& command : commands())
        EXPECT_TRUE(contains(r.out, command.name.toStdString()));
}

TEST(Cli, NoOrUnknownCommandIsAUsageError)
{
    CliRun r = run({});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.err, "no command given"));
    r = run({u"frobnicate"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.err, "unknown command 'frobnicate'"));
    EXPECT_TRUE(r.out.empty());
}

TEST(Cli, TopHelpShowsItsOptions)
{
    for (const QStringList& arguments :
         {QStringList{u"top"_s, u"--help"_s}, QStringList{u"help"_s, u"top"_s}}) {
        const CliRun r = run(arguments);
        EXPECT_EQ(r.exitCode, 0);
        EXPECT_TRUE(contains(r.out, "Usage: wsgi-studio-cli top --control HOST:PORT --token-file FILE"));
        for (const char* option : {"--interval MS", "--once", "--json", "--group NAME", "Default: 1000"})
            EXPECT_TRUE(contains(r.out, option)) << option;
    }
}

TEST(Cli, TopUsageErrors)
{
    struct Case
    {
        QStringList arguments;
        const char* message;
    };
    for (const Case& c : {
             Case{{u"top"_s}, "--control HOST:PORT is required"},
             Case{{u"top"_s, u"--control"_s, u"nowhere"_s, u"--token-file"_s, u"t"_s}, "is not HOST:PORT"},
             Case{{u"top"_s, u"--control"_s, u"127.0.0.1:1"_s}, "--token-file FILE is required"},
             Case{{u"top"_s, u"--control"_s, u"127.0.0.1:1"_s, u"--token-file"_s, u"t"_s, u"--interval"_s,
                   u"50"_s},
                  "--interval must be"},
             Case{{u"top"_s, u"--control"_s, u"127.0.0.1:1"_s, u"--token-file"_s, u"t"_s, u"--interval"_s,
                   u"1s"_s},
                  "--interval must be"},
             Case{{u"top"_s, u"--bogus"_s}, "Unknown option 'bogus'"},
             Case{{u"top"_s, u"extra"_s}, "unexpected argument 'extra'"},
         }) {
        const CliRun r = run(c.arguments);
        EXPECT_EQ(r.exitCode, 2) << c.message;
        EXPECT_TRUE(contains(r.err, c.message)) << r.err;
        EXPECT_TRUE(contains(r.err, "Usage: wsgi-studio-cli top")) << r.err;
    }
}

TEST(Cli, TopWithoutTokenFileIsAnEngineSideError)
{
    const CliRun r =
        run({u"top"_s, u"--control"_s, u"127.0.0.1:1"_s, u"--token-file"_s, u"/nonexistent/token"_s});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "/nonexistent/token does not exist")) << r.err;
}

TEST_F(TopAgainstFakeEngine, OnceJsonMergesStatusAndTelemetry)
{
    const CliRun r = run(topArguments({u"--once"_s, u"--json"_s, u"--interval"_s, u"200"_s}));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(r.out), &error);
    ASSERT_EQ(error.error, QJsonParseError::NoError) << r.out;
    const QJsonObject status = doc.object().value(u"status"_s).toObject();
    const QJsonObject telemetry = doc.object().value(u"telemetry"_s).toObject();
    EXPECT_EQ(status.value(u"engine"_s).toObject().value(u"pid"_s).toInt(), 4242);
    EXPECT_EQ(telemetry.value(u"interval_ms"_s).toInt(), 200);
    EXPECT_EQ(telemetry.value(u"processes"_s).toArray().size(), 2);
}

TEST_F(TopAgainstFakeEngine, OnceTextHasHeaderAndRows)
{
    const CliRun r = run(topArguments({u"--once"_s}));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "wsgi-engine pid 4242")) << r.out;
    EXPECT_TRUE(contains(r.out, "\nGROUP ")) << r.out;
    EXPECT_TRUE(contains(r.out, " 1001 ")) << r.out;
    EXPECT_TRUE(contains(r.out, " 1002 ")) << r.out;
    EXPECT_FALSE(contains(r.out, "\x1b[")); // not a terminal: no escape sequences
}

TEST_F(TopAgainstFakeEngine, GroupFilterAppliesToJsonToo)
{
    m_processes[1].group = u"other"_s;
    const CliRun r = run(topArguments({u"--once"_s, u"--json"_s, u"--group"_s, u"other"_s}));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const QJsonObject doc = QJsonDocument::fromJson(QByteArray::fromStdString(r.out)).object();
    const QJsonArray processes = doc.value(u"telemetry"_s).toObject().value(u"processes"_s).toArray();
    ASSERT_EQ(processes.size(), 1);
    EXPECT_EQ(processes[0].toObject().value(u"pid"_s).toInt(), 1002);
    EXPECT_EQ(doc.value(u"status"_s).toObject().value(u"groups"_s).toArray().size(), 1);
}

TEST_F(TopAgainstFakeEngine, UnknownGroupIsAnError)
{
    const CliRun r = run(topArguments({u"--once"_s, u"--group"_s, u"nope"_s}));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "no daemon group named 'nope' (its groups: g)")) << r.err;
}

TEST_F(TopAgainstFakeEngine, WrongTokenNamesTheTokenFile)
{
    QFile file(m_tokenFile);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("stale-token\n");
    file.close();
    const CliRun r = run(topArguments({u"--once"_s}));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "rejected the token in " + m_tokenFile.toStdString())) << r.err;
    EXPECT_FALSE(contains(r.err, "stale-token"));
    EXPECT_TRUE(r.out.empty());
}

TEST_F(TopAgainstFakeEngine, ProtocolMismatchIsAnEngineError)
{
    m_engine.setHello(R"({"protocol":"wsgi-engine-control","version":2})");
    const CliRun r = run(topArguments({u"--once"_s}));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "version 2")) << r.err;
}
