#include "hosting/lifecycleevents.h"

#include <gtest/gtest.h>

using namespace wsgi::hosting;

namespace {
LifecycleEvent restart(const std::string& reason)
{
    LifecycleEvent e;
    e.kind = "restart";
    e.reason = reason;
    e.group = "app";
    e.process = 1;
    return e;
}
} // namespace

TEST(EventRing, SeqIncreasesAndSinceReturnsOnlyNewerEvents)
{
    EventRing ring;
    EXPECT_EQ(ring.lastSeq(), 0);
    EXPECT_EQ(ring.push(restart("crash-exit")), 1);
    EXPECT_EQ(ring.push(restart("memory")), 2);
    EXPECT_EQ(ring.push(restart("reload")), 3);
    const auto newer = ring.since(1);
    ASSERT_EQ(newer.size(), 2u);
    EXPECT_EQ(newer[0]->seq, 2);
    EXPECT_EQ(newer[0]->reason, "memory");
    EXPECT_EQ(newer[1]->seq, 3);
    EXPECT_TRUE(ring.since(3).empty());
}

TEST(EventRing, KeepsTheLastCapacityEventsAndTailIsOldestFirst)
{
    EventRing ring(256);
    for (int i = 0; i < 300; ++i)
        ring.push(restart("crash-exit"));
    EXPECT_EQ(ring.size(), 256u);
    EXPECT_EQ(ring.lastSeq(), 300);
    const auto all = ring.since(0);
    ASSERT_EQ(all.size(), 256u);
    EXPECT_EQ(all.front()->seq, 45) << "the oldest 44 were dropped";
    const auto tail = ring.tail(64);
    ASSERT_EQ(tail.size(), 64u);
    EXPECT_EQ(tail.front()->seq, 237);
    EXPECT_EQ(tail.back()->seq, 300);
}

TEST(EventRing, LogIsCutTo64KiB)
{
    EventRing ring;
    LifecycleEvent e = restart("request-timeout");
    e.log = std::string(200 * 1024, 'x');
    ring.push(e);
    EXPECT_EQ(ring.tail(1)[0]->log.size(), kMaxEventLog);
}

TEST(EventRing, WireFormHasEveryContractField)
{
    LifecycleEvent e = restart("crash-signal");
    e.seq = 7;
    e.pid = 4242;
    e.requestsLost = 3;
    e.detail = "process was killed by signal Killed";
    const wsgi::Json j = eventJson(e);
    EXPECT_EQ(j["seq"].asInt(), 7);
    EXPECT_EQ(j["kind"].asString(), "restart");
    EXPECT_EQ(j["reason"].asString(), "crash-signal");
    EXPECT_EQ(j["group"].asString(), "app");
    EXPECT_EQ(j["process"].asInt(), 1);
    EXPECT_EQ(j["pid"].asInt(), 4242);
    EXPECT_EQ(j["requests_lost"].asInt(), 3);
    for (const char* field : {"time", "generation", "backoff_s", "detail", "log"})
        EXPECT_NE(j.get(field), nullptr) << field;
}

TEST(RestartBackoff, QuickDeathsDoubleTheDelayUpToTheBound)
{
    RestartBackoff b;
    std::vector<int64_t> delays;
    for (int i = 0; i < 10; ++i)
        delays.push_back(b.onExit(200 * 1000, false));
    EXPECT_EQ(delays[0], RestartBackoff::kInitialUs);
    EXPECT_EQ(delays[1], 2 * RestartBackoff::kInitialUs);
    EXPECT_EQ(delays[2], 4 * RestartBackoff::kInitialUs);
    for (size_t i = 1; i < delays.size(); ++i)
        EXPECT_GE(delays[i], delays[i - 1]);
    EXPECT_EQ(delays.back(), RestartBackoff::kMaxUs) << "bounded";
    EXPECT_EQ(b.failures(), 10);
    EXPECT_TRUE(b.storming());
}

TEST(RestartBackoff, StormStartsAtTheThirdQuickDeathAndEndsOnceAProcessStaysUp)
{
    RestartBackoff b;
    b.onExit(100 * 1000, false);
    b.onExit(100 * 1000, false);
    EXPECT_FALSE(b.storming());
    b.onExit(100 * 1000, false);
    EXPECT_TRUE(b.storming());
    EXPECT_EQ(b.onExit(RestartBackoff::kStableUs, false), RestartBackoff::kInitialUs);
    EXPECT_FALSE(b.storming());
    EXPECT_EQ(b.failures(), 0);
    EXPECT_EQ(b.onExit(100 * 1000, false), RestartBackoff::kInitialUs) << "the count starts over";
}

TEST(RestartBackoff, ACrashAfterServingRequestsIsNoStartUpDeath)
{
    // A rare crash under load (a process that lived a second and served requests) is restarted
    // after the initial delay, however often it happens, and never throttled.
    RestartBackoff b;
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(b.onExit(1000 * 1000, true), RestartBackoff::kInitialUs);
    EXPECT_FALSE(b.storming());
    b.onExit(100 * 1000, false);
    b.onExit(100 * 1000, false);
    b.onExit(100 * 1000, false);
    EXPECT_TRUE(b.storming());
    EXPECT_EQ(b.onExit(100 * 1000, true), RestartBackoff::kInitialUs) << "serving ends the storm";
    EXPECT_FALSE(b.storming());
}
