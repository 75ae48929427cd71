// Graceful recycling under a steady closed-loop load loses no request: maximum-requests recycles
// and reloads start the replacement first, let in-flight requests finish and send new ones to the
// remaining or replacement processes, in both dispatch modes.

#include "lifecyclesupport_b.h"

#include <gtest/gtest.h>

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
        [](const Json& s) { return LifecycleEngine::events(s, "restart", "maximum-requests").size() >= 4; },
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
        [](const Json& s) { return LifecycleEngine::events(s, "restart", "reload").size() >= 4; }, 8s);
    load.stop();
    const auto events = LifecycleEngine::events(s, "restart", "reload");
    ASSERT_EQ(events.size(), 4u) << e.engine().log();
    for (const Json& ev : events)
        EXPECT_EQ(ev["requests_lost"].asInt(), 0);
    EXPECT_EQ(LifecycleEngine::events(s, "reload").size(), 2u);
    EXPECT_EQ(load.failed(), 0) << load.failures() << e.engine().log();
    EXPECT_GT(load.succeeded(), 50);
}
