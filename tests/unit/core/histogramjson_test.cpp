#include "core/histogramjson.h"

#include <gtest/gtest.h>

#include <random>

using namespace wsgi;

namespace {

Json parsed(std::string_view text)
{
    std::string error;
    auto v = Json::parse(text, error);
    EXPECT_TRUE(v) << error;
    return v ? std::move(*v) : Json();
}

std::string fromJsonError(std::string_view text)
{
    Histogram h;
    h.record(5);
    std::string error;
    EXPECT_FALSE(histogramFromJson(parsed(text), h, error)) << text;
    EXPECT_EQ(h.count(), 1) << "a rejected message must leave the histogram alone";
    return error;
}

} // namespace

TEST(HistogramJson, Shape)
{
    Histogram h;
    h.record(3, 2);
    h.record(1000);
    EXPECT_EQ(histogramToJson(h).dump(),
              R"({"version":1,"count":3,"sum_us":1006,"min_us":3,"max_us":1000,"buckets":[[3,2],[)" +
                  std::to_string(Histogram::bucketIndex(1000)) + R"(,1]]})");
    EXPECT_EQ(histogramToJson(Histogram()).dump(),
              R"({"version":1,"count":0,"sum_us":0,"min_us":0,"max_us":0,"buckets":[]})");
}

TEST(HistogramJson, RoundTripThroughText)
{
    std::mt19937_64 rng(11);
    std::lognormal_distribution<double> dist(7.0, 2.5);
    Histogram h;
    for (int i = 0; i < 20'000; ++i)
        h.record(int64_t(dist(rng)));
    const std::string text = histogramToJson(h).dump();
    Histogram back;
    std::string error;
    ASSERT_TRUE(histogramFromJson(parsed(text), back, error)) << error;
    EXPECT_EQ(back, h);
    EXPECT_EQ(back.percentile(99.9), h.percentile(99.9));

    Histogram empty;
    empty.record(9);
    ASSERT_TRUE(histogramFromJson(histogramToJson(Histogram()), empty, error)) << error;
    EXPECT_EQ(empty, Histogram());
}

TEST(HistogramJson, RejectsBadMessages)
{
    EXPECT_EQ(fromJsonError("[]"), "histogram: not an object");
    EXPECT_NE(fromJsonError(R"({"count":0,"sum_us":0,"min_us":0,"max_us":0,"buckets":[]})")
                  .find("'version' is missing"),
              std::string::npos);
    EXPECT_NE(fromJsonError(R"({"version":2,"count":0,"sum_us":0,"min_us":0,"max_us":0,"buckets":[]})")
                  .find("unsupported version 2"),
              std::string::npos);
    EXPECT_NE(fromJsonError(R"({"version":1,"count":1.0,"sum_us":0,"min_us":0,"max_us":0,"buckets":[]})")
                  .find("'count' is not an integer"),
              std::string::npos);
    EXPECT_NE(fromJsonError(R"({"version":1,"count":0,"sum_us":0,"min_us":0,"max_us":0})").find("'buckets'"),
              std::string::npos);
    EXPECT_NE(fromJsonError(R"({"version":1,"count":1,"sum_us":1,"min_us":1,"max_us":1,"buckets":[[1]]})")
                  .find("buckets[0] is not an [index, count] pair"),
              std::string::npos);
    EXPECT_NE(
        fromJsonError(R"({"version":1,"count":1,"sum_us":1,"min_us":1,"max_us":1,"buckets":[[99999,1]]})")
            .find("index 99999 out of range"),
        std::string::npos);
    EXPECT_NE(fromJsonError(R"({"version":1,"count":1,"sum_us":1,"min_us":1,"max_us":1,"buckets":[[1,-1]]})")
                  .find("negative count"),
              std::string::npos);
    EXPECT_NE(fromJsonError(R"({"version":1,"count":2,"sum_us":1,"min_us":1,"max_us":1,"buckets":[[1,1]]})")
                  .find("add up to 1, 'count' says 2"),
              std::string::npos);
    EXPECT_NE(fromJsonError(R"({"version":1,"count":1,"sum_us":1,"min_us":7,"max_us":7,"buckets":[[1,1]]})")
                  .find("min_us/max_us do not match"),
              std::string::npos);
}
