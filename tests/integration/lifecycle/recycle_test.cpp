// Graceful recycling under a steady closed-loop load loses no request: maximum-requests recycles
// and reloads start the replacement first, let in-flight requests finish and send new ones to the
// remaining or replacement processes, in both dispatch modes; a request sent to a process the
// moment it is stopped is answered, not dropped.

#include "lifecyclesupport.h"
#include "lifecyclesupport_b.h"

#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <thread>

using namespace wsgi::testing;
using wsgi::Json;
using namespace std::chrono_literals;

TEST(Recycle, MaximumRequestsUnderLoadLosesNoRequest)
{
    LifecycleEngine e(faultsConfig("processes=2 threads=2 maximum-requests=25 graceful-timeout=3"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    SteadyLoad load(e.port(), 4, "/sleep?s=0.01");
    const Json s = e.waitStatus(
        [](const Json& st) { return LifecycleEngine::events(st, "restart", "maximum-requests").size() >= 4; },
        15s);
    load.stop();
    const auto events = LifecycleEngine::events(s, "restart", "maximum-requests");
    ASSERT_GE(events.size(), 4u) << e.engine().log();
    for (const Json& ev : events)
        EXPECT_EQ(ev["requests_lost"].asInt(), 0) << ev["pid"].asInt();
    EXPECT_EQ(load.failed(), 0) << load.failures() << e.engine().log();
    EXPECT_GT(load.succeeded(), 100);
    EXPECT_EQ(LifecycleEngine::restarts(s, "crash-exit") + LifecycleEngine::restarts(s, "crash-signal"), 0);
}

TEST(Recycle, ReloadsUnderLoadLoseNoRequest)
{
    const std::string config = faultsConfig("processes=2 threads=2 graceful-timeout=3");
    LifecycleEngine e(config);
    ASSERT_TRUE(e.ok()) << e.engine().log();
    std::string escaped;
    for (char c : config)
        escaped += c == '\n' ? std::string("\\n") : c == '"' ? std::string("\\\"") : std::string(1, c);
    SteadyLoad load(e.port(), 4, "/sleep?s=0.02");
    std::this_thread::sleep_for(300ms);
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(e.request("reload", "\"config\":\"" + escaped + "\"")["ok"].asBool());
        std::this_thread::sleep_for(800ms);
    }
    const Json s = e.waitStatus(
        [](const Json& st) { return LifecycleEngine::events(st, "restart", "reload").size() >= 4; }, 8s);
    load.stop();
    const auto events = LifecycleEngine::events(s, "restart", "reload");
    ASSERT_EQ(events.size(), 4u) << e.engine().log();
    for (const Json& ev : events)
        EXPECT_EQ(ev["requests_lost"].asInt(), 0);
    EXPECT_EQ(LifecycleEngine::events(s, "reload").size(), 2u);
    EXPECT_EQ(load.failed(), 0) << load.failures() << e.engine().log();
    EXPECT_GT(load.succeeded(), 50);
}

TEST(Recycle, ARequestSentToAProcessJustAsItIsStoppedIsAnswered)
{
    // The moment between the supervisor handing a request to a process and one of its threads
    // reading it is held open by freezing the process (SIGSTOP): the request and the restart's
    // stop signal then both wait for it. Seeing no thread busy, the process must not take the stop
    // for the end of its drain while the request is still in its channel.
    LifecycleEngine e(faultsConfig("processes=1 threads=2 graceful-timeout=3"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    ASSERT_EQ(kill(pid, SIGSTOP), 0);
    auto pending = std::async(std::launch::async, [&] { return httpGet(e.port(), "/pid"); });
    std::this_thread::sleep_for(300ms);
    const Json restart = e.request("restart", "\"group\":\"g\"");
    std::this_thread::sleep_for(300ms);
    ASSERT_EQ(kill(pid, SIGCONT), 0);
    ASSERT_TRUE(restart["ok"].asBool()) << restart.dump();
    const HttpResponse answered = pending.get();
    EXPECT_EQ(answered.status, 200) << answered.body << e.engine().log();
    const Json s = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "restart").empty(); }, 8s);
    const auto events = LifecycleEngine::events(s, "restart", "restart");
    ASSERT_EQ(events.size(), 1u) << e.engine().log();
    EXPECT_EQ(events.front()["pid"].asInt(), pid);
    EXPECT_EQ(events.front()["requests_lost"].asInt(), 0) << e.engine().log();
    EXPECT_EQ(LifecycleEngine::restarts(s, "crash-exit") + LifecycleEngine::restarts(s, "crash-signal"), 0);
}
