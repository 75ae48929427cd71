// Reload is validated first: what this machine can check (the scripts, the directories, the runtime)
// is checked before the switch, and a refused configuration leaves the running one serving.

#include "core/json.h"
#include "enginefixture.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace wsgi::testing;
using wsgi::Json;

namespace {

class ReloadChecks : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_tokenFile = (std::filesystem::temp_directory_path() /
                       ("wsgi-reload-check-" + std::to_string(getpid()) + ".token"))
                          .string();
        std::filesystem::remove(m_tokenFile);
        m_engine = std::make_unique<EngineProcess>(
            "WSGIDaemonProcess g processes=1 threads=2\nWSGIScriptAlias / " + appPath("workload.py") +
                " process-group=g application-group=%{GLOBAL}\n",
            std::vector<std::string>{"--control", "127.0.0.1:0", "--control-token-file", m_tokenFile});
        ASSERT_TRUE(m_engine->started()) << m_engine->log();
        ASSERT_TRUE(m_engine->waitReady("/?cpu_ms=0&wait_ms=0")) << m_engine->log();
        std::string token = readFile(m_tokenFile);
        while (!token.empty() && token.back() == '\n')
            token.pop_back();
        m_client = std::make_unique<ControlClient>(m_engine->controlPort(), token);
    }
    void TearDown() override
    {
        if (HasFailure() && m_engine)
            std::cerr << m_engine->log();
        std::filesystem::remove(m_tokenFile);
    }
    // Sends a reload of `config` (plain text) and returns the reply.
    Json reload(const std::string& config)
    {
        Json request = Json::object();
        request.set("config", Json(config));
        const std::string fields = request.dump();
        std::string error;
        return Json::parse(m_client->request("reload", fields.substr(1, fields.size() - 2)), error)
            .value_or(Json());
    }
    void expectOldConfigServes()
    {
        std::string error;
        const auto status = Json::parse(m_client->request("status"), error);
        ASSERT_TRUE(status.has_value()) << error;
        EXPECT_EQ((*status)["result"]["engine"]["generation"].asInt(), 0);
        EXPECT_EQ(httpGet(m_engine->port(), "/?cpu_ms=0&wait_ms=0").status, 200);
    }

    std::string m_tokenFile;
    std::unique_ptr<EngineProcess> m_engine;
    std::unique_ptr<ControlClient> m_client;
};

TEST_F(ReloadChecks, AMissingScriptIsRefusedAtItsLine)
{
    const Json r = reload("WSGIDaemonProcess g processes=1 threads=2\n"
                          "WSGIScriptAlias / /nonexistent/wsgi-reload/app.py process-group=g\n");
    ASSERT_FALSE(r["ok"].asBool(true)) << r.dump();
    EXPECT_EQ(r["error"]["code"].asString(), "invalid-config");
    const std::string message = r["error"]["message"].asString();
    EXPECT_NE(message.find(":2:"), std::string::npos) << message;
    EXPECT_NE(message.find("/nonexistent/wsgi-reload/app.py"), std::string::npos) << message;
    EXPECT_NE(message.find("E-SCRIPT-MISSING"), std::string::npos) << message;
    expectOldConfigServes();
}

TEST_F(ReloadChecks, AScriptThatIsADirectoryIsRefused)
{
    const Json r = reload("WSGIDaemonProcess g processes=1 threads=2\nWSGIScriptAlias / " +
                          std::filesystem::temp_directory_path().string() + " process-group=g\n");
    EXPECT_EQ(r["error"]["code"].asString(), "invalid-config") << r.dump();
    EXPECT_NE(r["error"]["message"].asString().find("directory"), std::string::npos) << r.dump();
    expectOldConfigServes();
}

TEST_F(ReloadChecks, AMissingHomeOrRuntimeIsRefused)
{
    Json r =
        reload("WSGIDaemonProcess g processes=1 threads=2 home=/nonexistent/wsgi-home\nWSGIScriptAlias / " +
               appPath("workload.py") + " process-group=g\n");
    EXPECT_EQ(r["error"]["code"].asString(), "invalid-config") << r.dump();
    EXPECT_NE(r["error"]["message"].asString().find(":1:"), std::string::npos) << r.dump();
    EXPECT_NE(r["error"]["message"].asString().find("/nonexistent/wsgi-home"), std::string::npos) << r.dump();
    r = reload("WSGIDaemonProcess g processes=1 threads=2 python=9.9\nWSGIScriptAlias / " +
               appPath("workload.py") + " process-group=g\n");
    EXPECT_EQ(r["error"]["code"].asString(), "invalid-config") << r.dump();
    EXPECT_NE(r["error"]["message"].asString().find("9.9"), std::string::npos) << r.dump();
    expectOldConfigServes();
}

TEST(StartChecks, AMissingScriptIsAWarningAtStart)
{
    // Apache starts with a missing script too; the operator learns of it before the first request.
    const auto r = runEngineCommand(
        "WSGIDaemonProcess g\nWSGIScriptAlias / /nonexistent/wsgi-start/app.py process-group=g\n",
        {"--check"});
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find(":2: warning:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("/nonexistent/wsgi-start/app.py"), std::string::npos) << r.output;
}

} // namespace
