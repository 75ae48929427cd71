// Every restart is counted by reason and makes a lifecycle event with the requests it took down:
// crashes (exit, signal), reloads and operator restarts, in `status` (`restarts`, `recent_events`)
// and in the `events` of telemetry, each event sent to a subscriber once.

#include "lifecyclesupport.h"
#include "lifecyclesupport_b.h"

#include <gtest/gtest.h>

#include <csignal>
#include <set>
#include <thread>

using namespace wsgi::testing;
using wsgi::Json;
using namespace std::chrono_literals;

TEST(Restarts, ACrashIsCountedWithTheRequestsItTookDown)
{
    LifecycleEngine e(faultsConfig("processes=1 threads=2"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    HttpResponse slow;
    std::thread bystander([&] { slow = httpGet(e.port(), "/sleep?s=5"); });
    std::this_thread::sleep_for(300ms); // the bystander's request is running
    const HttpResponse crashed = httpGet(e.port(), "/exit");
    bystander.join();
    const Json s = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "crash-exit").empty(); }, 5s);
    const auto events = LifecycleEngine::events(s, "restart", "crash-exit");
    ASSERT_EQ(events.size(), 1u) << e.engine().log();
    EXPECT_EQ(events[0]["pid"].asInt(), pid);
    EXPECT_EQ(events[0]["group"].asString(), "g");
    EXPECT_NE(events[0]["detail"].asString().find("exited with status 3"), std::string::npos)
        << events[0]["detail"].asString();
    EXPECT_EQ(LifecycleEngine::restarts(s, "crash-exit"), 1);
    EXPECT_NE(slow.status, 200);
    EXPECT_NE(crashed.status, 200);
    if (!directDispatch()) {
        // The supervisor relays every request, so it knows exactly which ones got no answer.
        EXPECT_EQ(crashed.status, 500);
        EXPECT_EQ(slow.status, 500);
        EXPECT_EQ(events[0]["requests_lost"].asInt(), 2);
    }
    EXPECT_NE(e.engine().log().find("(crash-exit, "), std::string::npos) << e.engine().log();
    // Served again by the replacement.
    const Json back = e.waitStatus([](const Json& st) { return LifecycleEngine::pids(st).size() == 1; }, 5s);
    ASSERT_EQ(LifecycleEngine::pids(back).size(), 1u) << e.engine().log();
    EXPECT_NE(LifecycleEngine::pids(back)[0], pid);
    EXPECT_EQ(httpGet(e.port(), "/").status, 200);
}

TEST(Restarts, AKillBySignalIsACrashSignal)
{
    LifecycleEngine e(faultsConfig("processes=1 threads=1"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    const Json s = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "crash-signal").empty(); }, 5s);
    const auto events = LifecycleEngine::events(s, "restart", "crash-signal");
    ASSERT_EQ(events.size(), 1u) << e.engine().log();
    EXPECT_EQ(events[0]["pid"].asInt(), pid);
    EXPECT_EQ(events[0]["requests_lost"].asInt(), 0) << "it was idle";
    EXPECT_NE(events[0]["detail"].asString().find("Killed"), std::string::npos)
        << events[0]["detail"].asString();
    EXPECT_EQ(LifecycleEngine::restarts(s, "crash-signal"), 1);
    EXPECT_EQ(LifecycleEngine::restarts(s, "crash-exit"), 0);
}

TEST(Restarts, ReloadAndRestartMakeEventsThatTelemetryCarriesOnce)
{
    const std::string config = faultsConfig("processes=1 threads=2");
    LifecycleEngine e(config);
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int first = servingPid(e.port());
    auto sub = e.client();
    ASSERT_TRUE(parseJson(sub->request("subscribe", "\"interval_ms\":100"))["ok"].asBool());

    std::string escaped;
    for (char c : config)
        escaped += c == '\n' ? std::string("\\n") : c == '"' ? std::string("\\\"") : std::string(1, c);
    ASSERT_TRUE(e.request("reload", "\"config\":\"" + escaped + "\"")["ok"].asBool()) << e.engine().log();
    const Json afterReload = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "reload").empty(); }, 8s);
    const auto reloads = LifecycleEngine::events(afterReload, "reload");
    ASSERT_EQ(reloads.size(), 1u);
    EXPECT_EQ(reloads[0]["generation"].asInt(), 1);
    EXPECT_EQ(reloads[0]["process"].asInt(), 0);
    const auto reloadRestarts = LifecycleEngine::events(afterReload, "restart", "reload");
    ASSERT_EQ(reloadRestarts.size(), 1u) << e.engine().log();
    EXPECT_EQ(reloadRestarts[0]["pid"].asInt(), first);
    EXPECT_EQ(reloadRestarts[0]["requests_lost"].asInt(), 0);

    ASSERT_TRUE(e.request("restart", "\"group\":\"g\"")["ok"].asBool());
    const Json afterRestart = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "restart").empty(); }, 8s);
    ASSERT_EQ(LifecycleEngine::events(afterRestart, "restart", "restart").size(), 1u) << e.engine().log();
    EXPECT_EQ(LifecycleEngine::restarts(afterRestart, "restart"), 1);
    EXPECT_EQ(LifecycleEngine::restarts(afterRestart, "reload"), 1);

    // The subscriber saw each of the three events exactly once, in seq order.
    std::vector<int64_t> seqs;
    std::set<std::string> seen;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (seen.size() < 3 && std::chrono::steady_clock::now() < deadline) {
        const Json ev = parseJson(sub->readEvent(1000ms));
        for (const Json& le : ev["events"].elements()) {
            seqs.push_back(le["seq"].asInt());
            seen.insert(le["kind"].asString() + "/" + le["reason"].asString());
        }
    }
    EXPECT_EQ(seen, (std::set<std::string>{"reload/", "restart/reload", "restart/restart"}));
    ASSERT_EQ(seqs.size(), 3u) << "each event is sent once";
    EXPECT_LT(seqs[0], seqs[1]);
    EXPECT_LT(seqs[1], seqs[2]);

    // A subscriber attaching late gets the recent ones with its first sample.
    auto late = e.client();
    ASSERT_TRUE(parseJson(late->request("subscribe", "\"interval_ms\":100"))["ok"].asBool());
    const Json firstSample = parseJson(late->readEvent(2000ms));
    EXPECT_EQ(firstSample["events"].size(), 3u) << firstSample["events"].size();
    const Json secondSample = parseJson(late->readEvent(2000ms));
    EXPECT_EQ(secondSample["events"].size(), 0u);
}

TEST(Restarts, ARetiringProcessIsCountedByItsReasonNotAsACrash)
{
    // The worker announces its own exit (request-timeout) with a Retiring frame before it goes.
    LifecycleEngine e(faultsConfig("processes=1 threads=1 request-timeout=1 graceful-timeout=1"));
    if (!e.engine().started() || (e.engine().log().find("request-timeout") != std::string::npos && !e.ok()))
        GTEST_SKIP() << "this engine refuses request-timeout";
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    const HttpResponse stuck = httpGet(e.port(), "/sleep?s=8");
    EXPECT_NE(stuck.status, 200);
    const Json s = e.waitStatus(
        [](const Json& st) { return !LifecycleEngine::events(st, "restart", "request-timeout").empty(); },
        8s);
    const auto events = LifecycleEngine::events(s, "restart", "request-timeout");
    ASSERT_EQ(events.size(), 1u) << e.engine().log();
    EXPECT_EQ(events[0]["pid"].asInt(), pid);
    EXPECT_EQ(LifecycleEngine::restarts(s, "request-timeout"), 1);
    EXPECT_EQ(LifecycleEngine::restarts(s, "crash-exit") + LifecycleEngine::restarts(s, "crash-signal"), 0);
}
