// loadResultToJson: the documented schema (core/loadgen/loadresultjson.h), round-tripped through
// the JSON parser the way a reader of the file would see it.

#include "core/histogramjson.h"
#include "core/loadgen/loadresultjson.h"

#include <gtest/gtest.h>

using namespace wsgi::loadgen;

namespace {

LoadResult sampleOpenLoop()
{
    LoadResult r;
    r.url = "http://127.0.0.1:8080/";
    r.method = "GET";
    r.connections = 10;
    r.threads = 2;
    r.targetRate = 1000;
    r.warmupSec = 1;
    r.timeoutMs = 5000;
    r.lateThresholdUs = 1000;
    r.stoppedBy = StopReason::Duration;
    r.durationSec = 2;
    r.requests = 2000;
    r.completedInWindow = 1990;
    r.achievedRate = 1000;
    r.status = {0, 1990, 0, 10, 0, 0};
    r.errors = {1, 2, 3, 4, 5};
    r.bytesRead = 123456;
    r.bytesWritten = 7890;
    for (int i = 1; i <= 100; ++i) {
        r.latency.record(i * 1000);
        r.latencyUncorrected.record(i * 10);
    }
    r.lateness.add(5000, 1000);
    r.unsent = 3;
    r.connectionsOpened = 10;
    r.requestsSentTotal = 3000;
    r.responsesTotal = 2990;
    r.timeline.resize(3);
    r.timeline[2].requests = 10; // the drain after the window
    r.timeline[0].requests = 1000;
    r.timeline[0].latency.record(400);
    r.timeline[1].requests = 1000;
    r.timeline[1].errors = 15;
    r.timeline[1].latency.record(800);
    return r;
}

wsgi::Json roundTrip(const LoadResult& r)
{
    std::string error;
    auto parsed = wsgi::Json::parse(loadResultToJson(r).dump(2), error);
    EXPECT_TRUE(parsed.has_value()) << error;
    return parsed.value_or(wsgi::Json());
}

} // namespace

TEST(LoadgenJson, OpenLoopResultFollowsTheSchema)
{
    const LoadResult r = sampleOpenLoop();
    const wsgi::Json j = roundTrip(r);
    EXPECT_EQ(j["schema"].asString(), "wsgi-loadgen-result");
    EXPECT_EQ(j["version"].asInt(), 1);
    EXPECT_EQ(j["mode"].asString(), "open");
    EXPECT_EQ(j["target_rate"].asDouble(), 1000);
    EXPECT_EQ(j["stopped_by"].asString(), "duration");
    EXPECT_FALSE(j.contains("failure"));
    EXPECT_EQ(j["requests"].asInt(), 2000);
    EXPECT_EQ(j["requests_in_window"].asInt(), 1990);
    EXPECT_TRUE(j["requests"].isInt());
    EXPECT_EQ(j["rate"].asDouble(), 1000);
    EXPECT_EQ(j["status"]["2xx"].asInt(), 1990);
    EXPECT_EQ(j["status"]["4xx"].asInt(), 10);
    EXPECT_EQ(j["errors"]["connect"].asInt(), 1);
    EXPECT_EQ(j["errors"]["bad_response"].asInt(), 5);
    EXPECT_EQ(j["errors"]["total"].asInt(), 15);
    EXPECT_EQ(j["bytes"]["read"].asInt(), 123456);
    EXPECT_EQ(j["latency_us"]["count"].asInt(), 100);
    EXPECT_EQ(j["latency_us"]["max"].asInt(), 100000);
    EXPECT_NEAR(j["latency_us"]["p50"].asDouble(), 50000, 2000);
    for (const char* key : {"min", "mean", "p90", "p99", "p99_9", "p99_99"})
        EXPECT_TRUE(j["latency_us"][key].isNumber()) << key;
    EXPECT_EQ(j["latency_uncorrected_us"]["max"].asInt(), 1000);
    EXPECT_EQ(j["schedule"]["late"].asInt(), 1);
    EXPECT_EQ(j["schedule"]["lateness_total_us"].asInt(), 5000);
    EXPECT_EQ(j["schedule"]["late_threshold_us"].asInt(), 1000);
    EXPECT_EQ(j["schedule"]["unsent"].asInt(), 3);
    EXPECT_EQ(j["connections_opened"].asInt(), 10);
    EXPECT_EQ(j["requests_sent_total"].asInt(), 3000);
    ASSERT_EQ(j["timeline"].size(), 3u);
    EXPECT_EQ(j["timeline"].at(1)["second"].asInt(), 1);
    EXPECT_FALSE(j["timeline"].at(1).contains("drain"));
    EXPECT_TRUE(j["timeline"].at(2)["drain"].asBool());
    EXPECT_EQ(j["timeline"].at(1)["errors"].asInt(), 15);
    EXPECT_NEAR(j["timeline"].at(1)["p99_us"].asDouble(), 800, 1);

    // The full histogram comes back bucket for bucket, so runs can be merged later.
    wsgi::Histogram back;
    std::string error;
    ASSERT_TRUE(wsgi::histogramFromJson(j["latency_us"]["histogram"], back, error)) << error;
    EXPECT_EQ(back.count(), r.latency.count());
    EXPECT_EQ(back.sum(), r.latency.sum());
    EXPECT_EQ(back.percentile(99), r.latency.percentile(99));
}

TEST(LoadgenJson, ClosedLoopHasNoSchedule)
{
    LoadResult r = sampleOpenLoop();
    r.targetRate = 0;
    r.stoppedBy = StopReason::Failed;
    r.failure = "cannot resolve nowhere";
    const wsgi::Json j = roundTrip(r);
    EXPECT_EQ(j["mode"].asString(), "closed");
    EXPECT_TRUE(j["schedule"].isNull());
    EXPECT_EQ(j["stopped_by"].asString(), "failed");
    EXPECT_EQ(j["failure"].asString(), "cannot resolve nowhere");
}

TEST(LoadgenJson, SummaryTableNamesEverything)
{
    const std::string text = formatLoadResult(sampleOpenLoop());
    for (const char* word : {"open loop at 1000.0 req/s", "1990 in 2.00s", "(+10 answered after the window)",
                             "Latency (corrected):", "Latency (uncorrected):", "p99.99", "2xx 1990",
                             "bad_response 5", "1 late", "3 never sent"})
        EXPECT_NE(text.find(word), std::string::npos) << word << "\n" << text;
}

TEST(LoadgenJson, ReadsBackToTheSameDocument)
{
    for (const double rate : {1000.0, 0.0}) { // open loop, then closed loop (no schedule)
        LoadResult r = sampleOpenLoop();
        r.targetRate = rate;
        r.workerCpuSec = {0.5, 0.25};
        r.coordinatorCpuSec = 0.01;
        r.runWallSec = 3.5;
        const wsgi::Json written = roundTrip(r);
        LoadResult back;
        std::string error;
        ASSERT_TRUE(loadResultFromJson(written, back, error)) << error;
        EXPECT_EQ(loadResultToJson(back).dump(2), loadResultToJson(r).dump(2));
        // Bucket for bucket, also each second of the timeline.
        EXPECT_EQ(back.latency, r.latency);
        EXPECT_EQ(back.latencyUncorrected, r.latencyUncorrected);
        ASSERT_EQ(back.timeline.size(), 3u);
        EXPECT_EQ(back.timeline[1].latency, r.timeline[1].latency);
        EXPECT_EQ(back.errorCount(), 15);
        EXPECT_EQ(back.status, r.status);
        EXPECT_EQ(back.openLoop(), rate > 0);
        EXPECT_DOUBLE_EQ(back.clientCpuCores(), r.clientCpuCores());
    }
}

TEST(LoadgenJson, ReadingSaysWhichFieldIsWrong)
{
    LoadResult out;
    out.url = "untouched";
    std::string error;
    EXPECT_FALSE(loadResultFromJson(wsgi::Json::object().set("schema", "other"), out, error));
    EXPECT_NE(error.find("wsgi-loadgen-result"), std::string::npos) << error;

    wsgi::Json bad = roundTrip(sampleOpenLoop());
    bad.get("latency_us")->set("histogram", "none");
    EXPECT_FALSE(loadResultFromJson(bad, out, error));
    EXPECT_EQ(error.rfind("latency_us.histogram: ", 0), 0u) << error;

    bad = roundTrip(sampleOpenLoop());
    bad.get("errors")->set("timeout", "two");
    EXPECT_FALSE(loadResultFromJson(bad, out, error));
    EXPECT_EQ(error, "errors.timeout must be a number");
    EXPECT_EQ(out.url, "untouched");

    // A timeline second written before its histogram was: counts only, no latencies.
    wsgi::Json old = roundTrip(sampleOpenLoop());
    old.get("timeline")->elements()[1].remove("histogram");
    ASSERT_TRUE(loadResultFromJson(old, out, error)) << error;
    EXPECT_EQ(out.timeline[1].requests, 1000);
    EXPECT_EQ(out.timeline[1].latency.count(), 0);
}
