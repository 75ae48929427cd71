// The engine as an operator meets it: configs accepted or rejected, mounts routed to groups,
// GIL modes in force per runtime, failures contained.

#include "enginefixture.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <thread>

using namespace wsgi::testing;

namespace {

std::string field(const std::string& json, const std::string& name)
{
    const std::string key = "\"" + name + "\": ";
    const size_t at = json.find(key);
    if (at == std::string::npos)
        return {};
    const size_t start = at + key.size();
    const size_t end = json.find_first_of(",}", start);
    std::string v = json.substr(start, end - start);
    if (!v.empty() && v.front() == '"')
        v = v.substr(1, v.size() - 2);
    return v;
}

TEST(EngineConfig, MistakesAreRejectedWithFileLineAndNothingStarts)
{
    const auto r = runEngineCommand("WSGIDaemonProcess g processes=2 threads=five\n"
                                    "WSGIScriptAlias / " +
                                    appPath("trivial.py") + " process-group=g\n");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("engine.conf:1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("threads"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nothing was started"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("listening"), std::string::npos) << r.output;
}

TEST(EngineConfig, UnimplementedDirectivesAndOptionsAreNamed)
{
    const auto r = runEngineCommand("WSGIDaemonProcess g threads=2 chroot=/srv/jail\n"
                                    "WSGIScriptAlias / " +
                                    appPath("trivial.py") +
                                    " process-group=g\n"
                                    "WSGIImportScript /x.py process-group=g application-group=%{GLOBAL}\n");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("engine.conf:1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("chroot"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("engine.conf:3"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("WSGIImportScript"), std::string::npos) << r.output;
}

TEST(EngineConfig, MissingRuntimeIsReportedBeforeStart)
{
    const auto r = runEngineCommand("WSGIDaemonProcess g python=3.99\n"
                                    "WSGIScriptAlias / " +
                                    appPath("trivial.py") + " process-group=g\n");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("3.99"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("available"), std::string::npos) << r.output;
}

TEST(EngineConfig, CheckPrintsThePlan)
{
    const auto r = runEngineCommand("WSGIDaemonProcess g processes=3 threads=2 switch-interval=0.002\n"
                                    "WSGIScriptAlias /app " +
                                        appPath("trivial.py") + " process-group=g\n",
                                    {"--check"});
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("group g: 3 processes x 2 threads"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("mount /app -> group g"), std::string::npos) << r.output;
}

TEST(Engine, LongestPrefixRoutesToItsGroup)
{
    EngineProcess engine("WSGIDaemonProcess outer processes=1 threads=2\n"
                         "WSGIDaemonProcess inner processes=2 threads=1\n"
                         "WSGIScriptAlias / " +
                         testAppPath("gilstate.py") +
                         " process-group=outer application-group=%{GLOBAL}\n"
                         "WSGIScriptAlias /api " +
                         testAppPath("gilstate.py") + " process-group=inner application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    EXPECT_EQ(field(httpGet(engine.port(), "/").body, "process_group"), "outer");
    EXPECT_EQ(field(httpGet(engine.port(), "/api").body, "process_group"), "inner");
    EXPECT_EQ(field(httpGet(engine.port(), "/api/x").body, "process_group"), "inner");
    EXPECT_EQ(field(httpGet(engine.port(), "/apix").body, "process_group"), "outer");
    // Two processes of one thread: sequential requests are served by both.
    std::set<std::string> pids;
    for (int i = 0; i < 20; ++i)
        pids.insert(field(httpGet(engine.port(), "/api").body, "pid"));
    EXPECT_EQ(pids.size(), 2u);
    const auto inner = httpGet(engine.port(), "/api");
    EXPECT_EQ(field(inner.body, "multithread"), "false");
    EXPECT_EQ(field(inner.body, "multiprocess"), "true");
}

TEST(Engine, ScriptThatFailsToImportGets500AndOtherMountsServe)
{
    EngineProcess engine("WSGIDaemonProcess g threads=2\n"
                         "WSGIScriptAlias /broken " +
                         testAppPath("broken.py") +
                         " process-group=g application-group=%{GLOBAL}\n"
                         "WSGIScriptAlias /nocallable " +
                         testAppPath("no_callable.py") +
                         " process-group=g application-group=%{GLOBAL}\n"
                         "WSGIScriptAlias /ok " +
                         testAppPath("gilstate.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/ok")) << engine.log();
    EXPECT_EQ(httpGet(engine.port(), "/broken").status, 500);
    EXPECT_EQ(httpGet(engine.port(), "/nocallable").status, 500);
    EXPECT_EQ(httpGet(engine.port(), "/ok").status, 200);
    const std::string log = engine.log();
    EXPECT_NE(log.find("this module is broken on purpose"), std::string::npos) << log;
    EXPECT_NE(log.find("does not contain WSGI application 'application'"), std::string::npos) << log;
}

TEST(Engine, WorkerThatDiesIsRestartedAndTheRequestGets500)
{
    EngineProcess engine("WSGIDaemonProcess g processes=1 threads=1\n"
                         "WSGIScriptAlias / " +
                         testAppPath("gilstate.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    const std::string before = field(httpGet(engine.port(), "/").body, "pid");
    // In proxy mode the supervisor answers for the dead process; in direct mode the connection
    // died with it.
    const auto crashed = httpGet(engine.port(), "/crash");
    if (directDispatch())
        EXPECT_TRUE(crashed.incomplete);
    else
        EXPECT_EQ(crashed.status, 500);
    std::string after;
    for (int i = 0; i < 100 && (after.empty() || after == before); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        after = field(httpGet(engine.port(), "/").body, "pid");
    }
    EXPECT_FALSE(after.empty());
    EXPECT_NE(after, before);
    EXPECT_NE(engine.log().find("exited with status 3"), std::string::npos) << engine.log();
}

TEST(Engine, SwitchIntervalIsApplied)
{
    EngineProcess engine("WSGIDaemonProcess g threads=2 switch-interval=0.0001\n"
                         "WSGIScriptAlias / " +
                         testAppPath("gilstate.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    // CPython keeps the interval in whole microseconds.
    EXPECT_NEAR(std::stod(field(httpGet(engine.port(), "/").body, "switch_interval")), 0.0001, 1e-9);
}

TEST(Engine, ApplicationGroupsAreSeparateInterpreters)
{
    EngineProcess engine("WSGIDaemonProcess g threads=2\n"
                         "WSGIScriptAlias /main " +
                         testAppPath("gilstate.py") +
                         " process-group=g application-group=%{GLOBAL}\n"
                         "WSGIScriptAlias /a " +
                         testAppPath("gilstate.py") +
                         " process-group=g application-group=alpha\n"
                         "WSGIScriptAlias /b " +
                         testAppPath("gilstate.py") + " process-group=g application-group=beta\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/main")) << engine.log();
    const auto main = httpGet(engine.port(), "/main").body;
    const auto a = httpGet(engine.port(), "/a").body;
    const auto b = httpGet(engine.port(), "/b").body;
    EXPECT_EQ(field(main, "interpreter"), "0") << main;
    EXPECT_EQ(field(a, "application_group"), "alpha");
    EXPECT_NE(field(a, "interpreter"), "0") << a;
    EXPECT_NE(field(b, "interpreter"), "0") << b;
    EXPECT_NE(field(a, "interpreter"), field(b, "interpreter"));
}

TEST(Engine, PerInterpreterGilGivesEachGroupItsOwnSwitchInterval)
{
    if (!hasRuntime("3.13"))
        GTEST_SKIP() << "no Python 3.13 runtime was built (installers/python-runtimes.sh)";
    EngineProcess engine("WSGIDaemonProcess g threads=2 python=3.13\n"
                         "<WSGIInterpreterOptions process-group=g application-group=fast>\n"
                         "    WSGIPerInterpreterGIL On\n"
                         "    WSGISwitchInterval 0.001\n"
                         "</WSGIInterpreterOptions>\n"
                         "WSGIScriptAlias /main " +
                         testAppPath("gilstate.py") +
                         " process-group=g application-group=%{GLOBAL}\n"
                         "WSGIScriptAlias /fast " +
                         testAppPath("gilstate.py") + " process-group=g application-group=fast\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/main")) << engine.log();
    const auto main = httpGet(engine.port(), "/main").body;
    const auto fast = httpGet(engine.port(), "/fast").body;
    EXPECT_EQ(field(main, "version"), "3.13");
    EXPECT_EQ(field(main, "switch_interval"), "0.005") << main;
    EXPECT_EQ(field(fast, "switch_interval"), "0.001") << fast;
}

TEST(Engine, PerInterpreterGilOn311IsWarnedAndIgnored)
{
    EngineProcess engine("WSGIDaemonProcess g threads=2 python=3.11\n"
                         "<WSGIInterpreterOptions process-group=g application-group=fast>\n"
                         "    WSGIPerInterpreterGIL On\n"
                         "</WSGIInterpreterOptions>\n"
                         "WSGIScriptAlias /fast " +
                         testAppPath("gilstate.py") + " process-group=g application-group=fast\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/fast")) << engine.log();
    EXPECT_EQ(httpGet(engine.port(), "/fast").status, 200);
    EXPECT_NE(engine.log().find("WSGI0198"), std::string::npos) << engine.log();
}

TEST(Engine, FreeThreadingTurnsTheGilOffOnlyWhereItResolvesOn)
{
    if (!hasRuntime("3.13t"))
        GTEST_SKIP() << "no free-threaded Python 3.13t runtime was built (installers/python-runtimes.sh)";
    EngineProcess engine("WSGIDaemonProcess ft threads=4 python=3.13t\n"
                         "WSGIDaemonProcess gil threads=4 python=3.13t\n"
                         "<WSGIInterpreterOptions process-group=ft>\n"
                         "    WSGIFreeThreading On\n"
                         "</WSGIInterpreterOptions>\n"
                         "WSGIScriptAlias /ft " +
                         testAppPath("gilstate.py") +
                         " process-group=ft application-group=%{GLOBAL}\n"
                         "WSGIScriptAlias /gil " +
                         testAppPath("gilstate.py") + " process-group=gil application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/ft")) << engine.log();
    EXPECT_EQ(field(httpGet(engine.port(), "/ft").body, "gil_enabled"), "false");
    // mod_wsgi 6 forces the GIL on for a free-threaded build unless free-threading resolves On.
    EXPECT_EQ(field(httpGet(engine.port(), "/gil").body, "gil_enabled"), "true");
    EXPECT_NE(engine.log().find("GIL disabled"), std::string::npos) << engine.log();
}

TEST(Engine, FreeThreadingOnAGilBuildIsWarnedAndHasNoEffect)
{
    EngineProcess engine("WSGIFreeThreading On\n"
                         "WSGIDaemonProcess g threads=2\n"
                         "WSGIScriptAlias / " +
                         testAppPath("gilstate.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    EXPECT_EQ(field(httpGet(engine.port(), "/").body, "gil_enabled"), "true");
    EXPECT_NE(engine.log().find("WSGI0200"), std::string::npos) << engine.log();
}

TEST(Engine, FlaskAndDjangoAppsWork)
{
    EngineProcess engine("WSGIDaemonProcess g threads=4\n"
                         "WSGIScriptAlias /flask " +
                         appPath("flask_app.py") +
                         " process-group=g application-group=flask\n"
                         "WSGIScriptAlias /django " +
                         appPath("django_app.py") + " process-group=g application-group=django\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/flask/")) << engine.log();
    const auto flask = httpGet(engine.port(), "/flask/");
    EXPECT_EQ(flask.status, 200) << flask.body << engine.log();
    const auto django = httpGet(engine.port(), "/django/");
    EXPECT_EQ(django.status, 200) << django.body << engine.log();
}

TEST(Engine, DemoConfigServesTheWorkload)
{
    // The demo's script path is relative to the demo file; the test's copy lives elsewhere.
    std::ifstream in(sourceDir() / "resources/configs/demo.conf");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string relative = "../apps/workload.py";
    ASSERT_NE(text.find(relative), std::string::npos);
    text.replace(text.find(relative), relative.size(), appPath("workload.py"));
    EngineProcess engine(text);
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    const auto r = httpGet(engine.port(), "/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), 1024u);
}

TEST(EngineLimits, QueueTimeoutAnswers504)
{
    EngineProcess engine("WSGIDaemonProcess g threads=1 queue-timeout=1\n"
                         "WSGIScriptAlias / " +
                         appPath("workload.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/?cpu_ms=0&wait_ms=0")) << engine.log();
    std::thread busy([&] { httpGet(engine.port(), "/?cpu_ms=0&wait_ms=3000"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto queued = httpGet(engine.port(), "/?cpu_ms=0&wait_ms=0");
    busy.join();
    EXPECT_EQ(queued.status, 504);
    EXPECT_NE(queued.body.find("queue-timeout"), std::string::npos);
}

TEST(EngineLimits, ListenBacklogFullAnswers503)
{
    EngineProcess engine("WSGIDaemonProcess g threads=1 listen-backlog=1\n"
                         "WSGIScriptAlias / " +
                         appPath("workload.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/?cpu_ms=0&wait_ms=0")) << engine.log();
    std::thread busy([&] { httpGet(engine.port(), "/?cpu_ms=0&wait_ms=1500"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::thread waiting([&] { EXPECT_EQ(httpGet(engine.port(), "/?cpu_ms=0&wait_ms=0").status, 200); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto refused = httpGet(engine.port(), "/?cpu_ms=0&wait_ms=0");
    busy.join();
    waiting.join();
    EXPECT_EQ(refused.status, 503);
    EXPECT_NE(refused.body.find("listen-backlog=1"), std::string::npos);
}

TEST(EngineLimits, SocketTimeoutAnswers504AndTheThreadComesBack)
{
    EngineProcess engine("WSGIDaemonProcess g threads=1 socket-timeout=1\n"
                         "WSGIScriptAlias / " +
                         appPath("workload.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/?cpu_ms=0&wait_ms=0")) << engine.log();
    const auto slow = httpGet(engine.port(), "/?cpu_ms=0&wait_ms=3000");
    EXPECT_EQ(slow.status, 504);
    // Once the slow request ends, its thread serves again.
    EXPECT_EQ(httpGet(engine.port(), "/?cpu_ms=0&wait_ms=0").status, 200);
}

TEST(EngineLimits, MaximumRequestsRecyclesTheProcess)
{
    EngineProcess engine("WSGIDaemonProcess g threads=1 maximum-requests=5\n"
                         "WSGIScriptAlias / " +
                         testAppPath("gilstate.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    // Direct mode learns the count in batches, so the replacement may take a moment to take over.
    std::set<std::string> pids;
    for (int i = 0; i < 100 && pids.size() < 2; ++i) {
        const auto r = httpGet(engine.port(), "/");
        EXPECT_EQ(r.status, 200);
        pids.insert(field(r.body, "pid"));
        if (i >= 10)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_GE(pids.size(), 2u);
}

TEST(EngineConfig, ServiceScriptModeIsRejected)
{
    const auto r = runEngineCommand("WSGIDaemonProcess g threads=0\n"
                                    "WSGIScriptAlias / " +
                                    appPath("trivial.py") + " process-group=g\n");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("threads=0"), std::string::npos) << r.output;
}

} // namespace
