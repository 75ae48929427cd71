#include "hosting/clientconnections.h"

#include <gtest/gtest.h>

#include <cerrno>

using namespace wsgi::hosting;

namespace {

TEST(AcceptBackoff, PausesOnDescriptorShortageAndLogsOncePerEpisode)
{
    AcceptBackoff backoff(250000);
    EXPECT_FALSE(backoff.paused(0));
    auto first = backoff.onAcceptError(EMFILE, 1000000);
    EXPECT_TRUE(first.pause);
    EXPECT_TRUE(first.log);
    EXPECT_TRUE(backoff.paused(1100000));
    EXPECT_FALSE(backoff.paused(1250000));
    // Still short when accepting resumes: pause again, but say nothing more.
    auto again = backoff.onAcceptError(ENFILE, 1250000);
    EXPECT_TRUE(again.pause);
    EXPECT_FALSE(again.log);
    EXPECT_EQ(backoff.pauses(), 2u);
    // A successful accept ends the episode; the next shortage is reported again.
    backoff.onAccepted();
    EXPECT_TRUE(backoff.onAcceptError(EMFILE, 2000000).log);
}

TEST(AcceptBackoff, ErrorsOfOneConnectionDoNotPause)
{
    AcceptBackoff backoff;
    for (int error : {ECONNABORTED, EPROTO, EPERM}) {
        const auto d = backoff.onAcceptError(error, 0);
        EXPECT_FALSE(d.pause) << error;
        EXPECT_FALSE(d.log) << error;
    }
    EXPECT_FALSE(backoff.paused(0));
    EXPECT_TRUE(AcceptBackoff::isShortage(EMFILE));
    EXPECT_TRUE(AcceptBackoff::isShortage(ENOBUFS));
    EXPECT_FALSE(AcceptBackoff::isShortage(EAGAIN));
}

TEST(LingerBudget, EndsAfterSilenceTotalTimeOrTooManyBytes)
{
    LingerLimits limits;
    limits.totalUs = 5000000;
    limits.idleUs = 2000000;
    limits.maxBytes = 1000;

    LingerBudget quiet;
    quiet.start(0, limits);
    EXPECT_FALSE(quiet.expired(1999999));
    EXPECT_TRUE(quiet.expired(2000000)); // nothing more came

    LingerBudget trickle;
    trickle.start(0, limits);
    for (int64_t t = 1000000; t < 5000000; t += 1000000) {
        EXPECT_TRUE(trickle.onBytes(10, t));
        EXPECT_FALSE(trickle.expired(t + 1));
    }
    EXPECT_TRUE(trickle.expired(5000000)); // the total bound holds however the bytes come

    LingerBudget flood;
    flood.start(0, limits);
    EXPECT_TRUE(flood.onBytes(1000, 10));
    EXPECT_FALSE(flood.onBytes(1, 20));
}

TEST(ResponseHold, HoldsOnlySmallChunkedBodiesWithoutExpectContinue)
{
    ResponseHold hold;
    hold.start(false, false);
    EXPECT_FALSE(hold.active()) << "a Content-Length body cannot turn out malformed";
    hold.start(true, true);
    EXPECT_FALSE(hold.active()) << "an Expect: 100-continue client may wait for the response";
    hold.start(true, false);
    EXPECT_TRUE(hold.active());
    hold.onBodyBytes(ResponseHold::kMaxBody);
    EXPECT_TRUE(hold.active());
    hold.onBodyBytes(1);
    EXPECT_FALSE(hold.active()) << "a large body is streamed, not waited for";

    hold.start(true, false);
    hold.onHeld(ResponseHold::kMaxHeld);
    EXPECT_TRUE(hold.active());
    hold.onHeld(ResponseHold::kMaxHeld + 1);
    EXPECT_FALSE(hold.active()) << "a large response is not kept back";
}

} // namespace
