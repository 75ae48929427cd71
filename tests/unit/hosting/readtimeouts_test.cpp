#include "hosting/readtimeouts.h"
#include "hosting/workerspec.h"

#include <gtest/gtest.h>

using wsgi::hosting::ReadDeadline;
using wsgi::hosting::ReadPhase;
using wsgi::hosting::ReadTimeoutLimits;

namespace {
constexpr int64_t kSecond = 1000000;
constexpr int64_t kT0 = 1000 * kSecond;
} // namespace

TEST(ReadTimeouts, DefaultsAreModReqtimeouts)
{
    const ReadTimeoutLimits d;
    EXPECT_EQ(d.text(), "header=20-40,MinRate=500 body=20,MinRate=500");
}

TEST(ReadTimeouts, InactiveUntilStarted)
{
    ReadDeadline t;
    EXPECT_FALSE(t.active());
    EXPECT_FALSE(t.expired(kT0 + 1000 * kSecond));
    EXPECT_EQ(t.remainingMs(kT0), -1);
    EXPECT_EQ(t.deadlineUs(), ReadDeadline::kNone);
}

TEST(ReadTimeouts, HeaderInitialDeadline)
{
    ReadDeadline t;
    t.start(ReadPhase::Header, kT0);
    EXPECT_EQ(t.deadlineUs(), kT0 + 20 * kSecond);
    EXPECT_FALSE(t.expired(kT0 + 20 * kSecond - 1));
    EXPECT_TRUE(t.expired(kT0 + 20 * kSecond));
    EXPECT_EQ(t.remainingMs(kT0), 20000);
    EXPECT_EQ(t.remainingMs(kT0 + 21 * kSecond), 0);
}

TEST(ReadTimeouts, BytesExtendAtMinRate)
{
    ReadDeadline t;
    t.start(ReadPhase::Header, kT0);
    t.onBytes(500, kT0 + kSecond); // 500 B at 500 B/s: one more second
    EXPECT_EQ(t.deadlineUs(), kT0 + 21 * kSecond);
    t.onBytes(250, kT0 + 2 * kSecond);
    EXPECT_EQ(t.deadlineUs(), kT0 + 21 * kSecond + kSecond / 2);
}

TEST(ReadTimeouts, SmallReadsAccumulateExactly)
{
    ReadDeadline t({.headerSeconds = 1, .headerMaxSeconds = 0, .headerMinRate = 3});
    t.start(ReadPhase::Header, kT0);
    for (int i = 0; i < 3; ++i)
        t.onBytes(1, kT0);
    EXPECT_EQ(t.deadlineUs(), kT0 + 2 * kSecond); // 3 x 1/3 s, no rounding lost
}

TEST(ReadTimeouts, HeaderExtensionCappedAtMax)
{
    // Slowloris: a byte every 5 s never gets past the 40 s total.
    ReadDeadline t;
    t.start(ReadPhase::Header, kT0);
    int64_t now = kT0;
    while (!t.expired(now)) {
        t.onBytes(1, now);
        now += 5 * kSecond;
    }
    EXPECT_LE(t.deadlineUs(), kT0 + 40 * kSecond);
    EXPECT_LE(now, kT0 + 45 * kSecond);
    t.start(ReadPhase::Header, kT0);
    t.onBytes(1000000, kT0 + kSecond);
    EXPECT_EQ(t.deadlineUs(), kT0 + 40 * kSecond);
}

TEST(ReadTimeouts, BodyWithoutMaxKeepsExtending)
{
    ReadDeadline t;
    t.start(ReadPhase::Body, kT0);
    EXPECT_EQ(t.phase(), ReadPhase::Body);
    EXPECT_EQ(t.deadlineUs(), kT0 + 20 * kSecond);
    t.onBytes(500 * 100, kT0 + kSecond); // a fast upload of 50 kB: 100 s more
    EXPECT_EQ(t.deadlineUs(), kT0 + 120 * kSecond);
}

TEST(ReadTimeouts, TricklingBodyExpires)
{
    ReadDeadline t({.bodySeconds = 2, .bodyMaxSeconds = 0, .bodyMinRate = 500});
    t.start(ReadPhase::Body, kT0);
    int64_t now = kT0;
    int bytes = 0;
    while (!t.expired(now)) {
        t.onBytes(1, now);
        ++bytes;
        now += kSecond / 2;
    }
    EXPECT_LE(now, kT0 + 3 * kSecond);
    EXPECT_LE(bytes, 6);
}

TEST(ReadTimeouts, ZeroSecondsDisablesAPhase)
{
    ReadDeadline t({.headerSeconds = 0, .headerMaxSeconds = 0, .headerMinRate = 500, .bodySeconds = 0});
    t.start(ReadPhase::Header, kT0);
    EXPECT_FALSE(t.active());
    t.onBytes(10, kT0);
    EXPECT_FALSE(t.expired(kT0 + 10000 * kSecond));
    t.start(ReadPhase::Body, kT0);
    EXPECT_FALSE(t.active());
}

TEST(ReadTimeouts, ZeroRateIsAFixedDeadline)
{
    ReadDeadline t({.headerSeconds = 5, .headerMaxSeconds = 10, .headerMinRate = 0});
    t.start(ReadPhase::Header, kT0);
    t.onBytes(100000, kT0 + kSecond);
    EXPECT_EQ(t.deadlineUs(), kT0 + 5 * kSecond);
}

TEST(ReadTimeouts, MaxBelowInitialKeepsInitial)
{
    ReadDeadline t({.headerSeconds = 10, .headerMaxSeconds = 5, .headerMinRate = 500});
    t.start(ReadPhase::Header, kT0);
    t.onBytes(5000, kT0);
    EXPECT_EQ(t.deadlineUs(), kT0 + 10 * kSecond);
}

TEST(ReadTimeouts, RestartingAPhaseResets)
{
    ReadDeadline t;
    t.start(ReadPhase::Header, kT0);
    t.onBytes(5000, kT0);
    t.start(ReadPhase::Header, kT0 + 100 * kSecond);
    EXPECT_EQ(t.deadlineUs(), kT0 + 120 * kSecond);
    t.stop();
    EXPECT_FALSE(t.active());
}

TEST(ReadTimeouts, TextOmitsWhatIsUnset)
{
    const ReadTimeoutLimits l{.headerSeconds = 2,
                              .headerMaxSeconds = 3,
                              .headerMinRate = 500,
                              .bodySeconds = 2,
                              .bodyMaxSeconds = 0,
                              .bodyMinRate = 0};
    EXPECT_EQ(l.text(), "header=2-3,MinRate=500 body=2");
}

TEST(ReadTimeouts, TheWorkerSpecCarriesTheClientTimeouts)
{
    wsgi::hosting::WorkerSpec spec;
    spec.keepAliveMilliseconds = 1500;
    spec.socketTimeoutSeconds = 2;
    spec.listenBacklog = 7;
    spec.readTimeouts = {.headerSeconds = 2,
                         .headerMaxSeconds = 3,
                         .headerMinRate = 100,
                         .bodySeconds = 4,
                         .bodyMaxSeconds = 9,
                         .bodyMinRate = 0};
    std::string error;
    const auto back = wsgi::hosting::WorkerSpec::decode(spec.encode(), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->keepAliveMilliseconds, 1500);
    EXPECT_EQ(back->socketTimeoutSeconds, 2);
    EXPECT_EQ(back->listenBacklog, 7);
    EXPECT_EQ(back->readTimeouts, spec.readTimeouts);
}
