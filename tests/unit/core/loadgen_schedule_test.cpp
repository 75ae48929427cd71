// The open-loop schedule and the coordinated-omission arithmetic (wrk2's method), on timestamps
// passed in: no clock, no sleeps.

#include "core/histogram.h"
#include "core/loadgen/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

using namespace wsgi::loadgen;

TEST(LoadgenSchedule, SlotsAreEvenlySpacedFromTheStart)
{
    const OpenLoopSchedule s(5000, 3, 1);
    EXPECT_EQ(s.intendedUs(0), 5000);
    EXPECT_EQ(s.intendedUs(1), 5000 + 333333);
    EXPECT_EQ(s.intendedUs(2), 5000 + 666666);
    EXPECT_EQ(s.intendedUs(3), 5000 + 1000000);
    // No drift after a long run: slot 3e6 at 3/s is exactly 1e6 seconds later.
    EXPECT_EQ(s.intendedUs(3000000), 5000 + int64_t(1000000) * 1000000);
    const OpenLoopSchedule fast(0, 1e6, 4);
    for (int64_t k = 0; k < 1000; ++k)
        EXPECT_EQ(fast.intendedUs(k), k);
}

TEST(LoadgenSchedule, FirstSlotAtOrAfterATime)
{
    const OpenLoopSchedule s(1000, 7, 3);
    EXPECT_EQ(s.firstSlotAtOrAfter(0), 0);
    EXPECT_EQ(s.firstSlotAtOrAfter(1000), 0);
    for (int64_t slot = 0; slot < 200; ++slot) {
        const int64_t t = s.intendedUs(slot);
        EXPECT_EQ(s.firstSlotAtOrAfter(t), slot);
        EXPECT_EQ(s.firstSlotAtOrAfter(t + 1), slot + 1);
        EXPECT_EQ(s.firstSlotAtOrAfter(t - 1), slot == 0 ? 0 : slot);
    }
}

TEST(LoadgenSchedule, ConnectionsOwnInterleavedSlots)
{
    const OpenLoopSchedule s(0, 100, 4);
    // Connection 2 owns 2, 6, 10, ...
    EXPECT_EQ(s.connectionSlotAtOrAfter(2, 0), 2);
    EXPECT_EQ(s.connectionSlotAtOrAfter(2, 2), 2);
    EXPECT_EQ(s.connectionSlotAtOrAfter(2, 3), 6);
    EXPECT_EQ(s.connectionSlotAtOrAfter(2, 7), 10);
    // Counting agrees with brute force, and the connections share every slot exactly once.
    for (int64_t from = 0; from < 20; ++from) {
        for (int64_t to = from; to < 30; ++to) {
            int64_t sum = 0;
            for (int g = 0; g < 4; ++g) {
                int64_t brute = 0;
                for (int64_t slot = from; slot < to; ++slot)
                    brute += slot % 4 == g;
                EXPECT_EQ(s.connectionSlotsIn(g, from, to), brute) << g << " " << from << " " << to;
                sum += brute;
            }
            EXPECT_EQ(sum, to - from);
        }
    }
}

TEST(LoadgenSchedule, PacerWalksItsConnectionsSlots)
{
    const OpenLoopSchedule s(0, 1000, 3); // a slot every ms, each connection every 3 ms
    ConnectionPacer p(&s, 1, 0);
    EXPECT_EQ(p.nextSlot(), 1);
    EXPECT_EQ(p.nextIntendedUs(), 1000);
    EXPECT_EQ(p.take(), 1000);
    EXPECT_EQ(p.take(), 4000);
    EXPECT_EQ(p.nextSlot(), 7);
    ConnectionPacer late(&s, 0, 10); // joining at slot 10: connection 0's next is 12
    EXPECT_EQ(late.nextSlot(), 12);
}

TEST(LoadgenSchedule, LatenessCountsOnlyBeyondTheThreshold)
{
    LatenessStats l;
    l.add(0, 1000);
    l.add(1000, 1000);
    EXPECT_EQ(l.late, 0);
    l.add(1001, 1000);
    l.add(5000, 1000);
    EXPECT_EQ(l.late, 2);
    EXPECT_EQ(l.totalUs, 6001);
    EXPECT_EQ(l.maxUs, 5000);
    LatenessStats other;
    other.add(9000, 1000);
    l.merge(other);
    EXPECT_EQ(l.late, 3);
    EXPECT_EQ(l.maxUs, 9000);
}

namespace {

struct Simulated
{
    wsgi::Histogram corrected;
    wsgi::Histogram uncorrected;
    LatenessStats lateness;
    std::vector<RequestTiming> timings;
    std::vector<int64_t> done;
};

// One connection driven exactly as the worker drives it (never pipelined; the next slot goes out
// when it is due or, if the previous answer came later, right when it arrives), against a model
// server with a fixed service time that freezes during [stallFrom, stallTo).
Simulated simulate(double rate, int64_t serviceUs, int64_t stallFrom, int64_t stallTo, int64_t slots)
{
    Simulated out;
    const OpenLoopSchedule schedule(0, rate, 1);
    ConnectionPacer pacer(&schedule, 0, 0);
    int64_t free = 0; // when the connection's previous answer arrived
    for (int64_t k = 0; k < slots; ++k) {
        const int64_t due = pacer.nextIntendedUs();
        const int64_t sent = std::max(due, free);
        pacer.take();
        int64_t done = sent + serviceUs;
        if (done >= stallFrom && done < stallTo)
            done = stallTo;
        const RequestTiming t{due, sent};
        out.lateness.add(t.lateness(), 1000);
        out.corrected.record(t.correctedLatency(done));
        out.uncorrected.record(t.uncorrectedLatency(done));
        out.timings.push_back(t);
        out.done.push_back(done);
        free = done;
    }
    return out;
}

} // namespace

TEST(LoadgenSchedule, CoordinatedOmissionCorrection)
{
    // 1000 req/s, 100 us service, the server freezes from 10 ms to 60 ms, 1000 requests (1 s).
    const Simulated s = simulate(1000, 100, 10000, 60000, 1000);

    // Slot 9 is answered before the stall; slot 10 (due at 10 ms) would be answered at 10.1 ms,
    // inside the stall, so it waits until 60 ms.
    EXPECT_EQ(s.timings[9].sentUs, 9000);
    EXPECT_EQ(s.done[9], 9100);
    EXPECT_EQ(s.done[10], 60000);
    EXPECT_EQ(s.corrected.count(), 1000);
    // Slot 11 (due at 11 ms) could only go out at 60 ms: corrected 49.1 ms, uncorrected 0.1 ms.
    EXPECT_EQ(s.timings[11].sentUs, 60000);
    EXPECT_EQ(s.timings[11].correctedLatency(s.done[11]), 49100);
    EXPECT_EQ(s.timings[11].uncorrectedLatency(s.done[11]), 100);
    // The backlog drains at one request per 100 us: slot k (11 <= k < 66) is answered at
    // 60 ms + (k - 10) * 100 us; from slot 66 on (due 66 ms) the connection is on schedule again.
    for (int64_t k = 11; k < 66; ++k) {
        EXPECT_EQ(s.done[size_t(k)], 60000 + (k - 10) * 100) << k;
        EXPECT_EQ(s.timings[size_t(k)].uncorrectedLatency(s.done[size_t(k)]), 100) << k;
    }
    EXPECT_EQ(s.timings[66].sentUs, s.timings[66].intendedUs);

    // What the two views say: the stall is 5% of the run, so the corrected p99 sits deep in it
    // while the uncorrected view saw one slow request and calls p99 the service time.
    EXPECT_GT(s.corrected.percentile(99), 30000);
    EXPECT_LE(s.uncorrected.percentile(99), 110);
    EXPECT_EQ(s.uncorrected.max(), 50000);
    EXPECT_EQ(s.corrected.max(), 50000); // slot 10: due at 10 ms, answered at 60 ms
    // Late sends: slot k in 11..65 went out 58.9 ms - k * 0.9 ms behind its slot, more than the
    // 1 ms threshold for k <= 64; the first misses by 49 ms.
    EXPECT_EQ(s.lateness.late, 54);
    EXPECT_EQ(s.lateness.maxUs, 49000);
}

TEST(LoadgenSchedule, BelowSaturationCorrectedEqualsUncorrected)
{
    const Simulated s = simulate(500, 700, 0, 0, 500);
    EXPECT_EQ(s.lateness.late, 0);
    EXPECT_EQ(s.corrected.percentile(50), s.uncorrected.percentile(50));
    EXPECT_EQ(s.corrected.max(), 700);
    EXPECT_EQ(s.uncorrected.max(), 700);
}
