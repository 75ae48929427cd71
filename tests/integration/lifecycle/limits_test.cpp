// The lifecycle options with mod_wsgi 6.0's semantics against the real engine, in both dispatch
// modes: restart-interval, inactivity-timeout, cpu-time-limit and startup-timeout recycle or restart
// the process (counted by reason, with an event and a log line); memory-limit and
// virtual-memory-limit are rlimits, so an allocation past them fails inside the application.

#include "lifecyclesupport.h"
#include "lifecyclesupport_b.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace wsgi::testing;
using wsgi::Json;
using namespace std::chrono_literals;

TEST(Limits, RestartIntervalRecyclesTheProcessWithoutLosingRequests)
{
    LifecycleEngine e(faultsConfig("processes=1 threads=2 restart-interval=2 graceful-timeout=2"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int first = servingPid(e.port());
    ASSERT_GT(first, 0);
    SteadyLoad load(e.port(), 2, "/");
    const Json s = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "restart-interval").empty(); },
        8s);
    load.stop();
    ASSERT_FALSE(LifecycleEngine::events(s, "restart", "restart-interval").empty()) << e.engine().log();
    const Json event = LifecycleEngine::events(s, "restart", "restart-interval").front();
    EXPECT_EQ(event["pid"].asInt(), first);
    EXPECT_EQ(event["process"].asInt(), 1);
    EXPECT_EQ(event["requests_lost"].asInt(), 0);
    EXPECT_GE(LifecycleEngine::restarts(s, "restart-interval"), 1);
    EXPECT_EQ(LifecycleEngine::restarts(s, "crash-exit") + LifecycleEngine::restarts(s, "crash-signal"), 0);
    EXPECT_NE(servingPid(e.port()), first);
    EXPECT_EQ(load.failed(), 0) << load.failures();
    EXPECT_GT(load.succeeded(), 10);
    EXPECT_NE(e.engine().log().find("recycling process 1 of group 'g' (pid " + std::to_string(first) +
                                    "): restart-interval"),
              std::string::npos)
        << e.engine().log();
}

TEST(Limits, InactivityTimeoutRestartsAnIdleProcessButNotABusyOne)
{
    LifecycleEngine e(faultsConfig("processes=1 threads=2 inactivity-timeout=1"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int first = servingPid(e.port());
    ASSERT_GT(first, 0);
    // A request running longer than the timeout keeps the process: it is not idle.
    const HttpResponse slow = httpGet(e.port(), "/sleep?s=2.5");
    EXPECT_EQ(slow.status, 200);
    EXPECT_EQ(servingPid(e.port()), first) << e.engine().log();
    EXPECT_EQ(LifecycleEngine::restarts(e.status(), "inactivity"), 0);
    // Idle for the timeout: restarted once. Its replacement has served nothing, so it stays.
    const Json s =
        e.waitStatus([](const Json& st) { return LifecycleEngine::restarts(st, "inactivity") >= 1; }, 6s);
    ASSERT_EQ(LifecycleEngine::restarts(s, "inactivity"), 1) << e.engine().log();
    const Json after = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "inactivity").empty(); }, 4s);
    const auto events = LifecycleEngine::events(after, "restart", "inactivity");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]["pid"].asInt(), first);
    EXPECT_EQ(events[0]["requests_lost"].asInt(), 0);
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(LifecycleEngine::restarts(e.status(), "inactivity"), 1) << "an unused process is left alone";
    EXPECT_NE(e.engine().log().find("): inactivity"), std::string::npos) << e.engine().log();
}

TEST(Limits, CpuTimeLimitRecyclesASpinningProcessAndItsRequestCompletes)
{
    LifecycleEngine e(faultsConfig("processes=1 threads=1 cpu-time-limit=1 graceful-timeout=5"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int first = servingPid(e.port());
    ASSERT_GT(first, 0);
    const HttpResponse spun = httpGet(e.port(), "/spin?s=2");
    EXPECT_EQ(spun.status, 200) << "graceful: the request that reached the limit finishes";
    EXPECT_EQ(spun.body, "spun");
    const Json s = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "cpu").empty(); }, 8s);
    const auto events = LifecycleEngine::events(s, "restart", "cpu");
    ASSERT_EQ(events.size(), 1u) << e.engine().log();
    EXPECT_EQ(events[0]["pid"].asInt(), first);
    EXPECT_EQ(events[0]["requests_lost"].asInt(), 0);
    EXPECT_EQ(LifecycleEngine::restarts(s, "cpu"), 1);
    const int second = servingPid(e.port());
    EXPECT_GT(second, 0);
    EXPECT_NE(second, first);
    EXPECT_NE(
        e.engine().log().find("recycling process 1 of group 'g' (pid " + std::to_string(first) + "): cpu"),
        std::string::npos)
        << e.engine().log();
}

// memory-limit sets RLIMIT_DATA and virtual-memory-limit RLIMIT_AS in the worker, as mod_wsgi does
// (modwsgi.md section 1): past them an allocation fails with MemoryError, the request gets 500 and
// the process goes on serving.
class MemoryLimits : public ::testing::TestWithParam<std::string>
{
};

TEST_P(MemoryLimits, AnAllocationPastTheLimitFailsAndTheProcessServesOn)
{
    const bool data = GetParam() == "memory-limit";
    long long base = 0;
    {
        LifecycleEngine probe(faultsConfig("processes=1 threads=1"));
        ASSERT_TRUE(probe.ok()) << probe.engine().log();
        const HttpResponse vm = httpGet(probe.port(), "/vm");
        ASSERT_EQ(vm.status, 200);
        long long vmData = 0, vmSize = 0;
        ASSERT_EQ(std::sscanf(vm.body.c_str(), "%lld %lld", &vmData, &vmSize), 2) << vm.body;
        base = data ? vmData : vmSize;
    }
    ASSERT_GT(base, 0);
    const long long limit = base + 48LL * 1024 * 1024;
    LifecycleEngine e(faultsConfig("processes=1 threads=1 " + GetParam() + "=" + std::to_string(limit)));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    // Up to 16 x 16 MiB: the worker's own start can differ from the probe's by a malloc arena (a
    // 64 MiB reservation of address space in direct mode), which must not let every request pass.
    int ok = 0, refused = 0;
    for (int i = 0; i < 16 && refused == 0; ++i) {
        const HttpResponse r = httpGet(e.port(), "/leak?kb=16384");
        (r.status == 200 ? ok : refused) += 1;
        if (r.status != 200) {
            EXPECT_EQ(r.status, 500);
        }
    }
    EXPECT_GE(ok, 1) << "the limit leaves room above the start";
    EXPECT_EQ(refused, 1) << "48 MiB above the start, 16 MiB at a time, fails within 16 requests";
    EXPECT_NE(e.engine().log().find("MemoryError"), std::string::npos) << e.engine().log();
    EXPECT_EQ(servingPid(e.port()), pid) << "mod_wsgi does not restart for a memory limit";
}

INSTANTIATE_TEST_SUITE_P(Rlimits, MemoryLimits, ::testing::Values("memory-limit", "virtual-memory-limit"),
                         [](const auto& test) {
                             return test.param == "memory-limit" ? "Data" : "AddressSpace";
                         });

TEST(Limits, StartupTimeoutRestartsAProcessWhoseScriptDoesNotLoad)
{
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("wsgi-startup-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string script = (dir / "hangs_at_import.py").string();
    std::ofstream(script) << "import time\ntime.sleep(30)\n\ndef application(environ, start_response):\n"
                             "    start_response('200 OK', [])\n    return [b'']\n";
    LifecycleEngine e(faultsConfig("processes=1 threads=1 startup-timeout=1", script), "");
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const Json s = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "startup-timeout").empty(); },
        8s);
    std::filesystem::remove_all(dir);
    const auto events = LifecycleEngine::events(s, "restart", "startup-timeout");
    ASSERT_FALSE(events.empty()) << e.engine().log();
    EXPECT_NE(events[0]["detail"].asString().find("before it finished starting"), std::string::npos)
        << events[0]["detail"].asString();
    EXPECT_GE(LifecycleEngine::restarts(s, "startup-timeout"), 1);
    EXPECT_EQ(LifecycleEngine::restarts(s, "crash-signal"), 0) << "the engine's own kill is not a crash";
    EXPECT_NE(e.engine().log().find("did not finish starting within startup-timeout=1"), std::string::npos)
        << e.engine().log();
}
