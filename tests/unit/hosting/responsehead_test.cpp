#include "hosting/engineplan.h"
#include "hosting/responsehead.h"

#include <gtest/gtest.h>

using namespace wsgi::hosting;

namespace {

ResponseHead build(std::string_view status, std::vector<std::pair<std::string, std::string>> headers,
                   bool http11, bool keepAlive, bool head, std::optional<int64_t> known)
{
    ResponseHeadRequest r;
    r.status = status;
    r.headers = &headers;
    r.http11 = http11;
    r.keepAliveRequested = keepAlive;
    r.headRequest = head;
    r.knownLength = known;
    return buildResponseHead(r);
}

TEST(ResponseHead, ChoosesFramingLikeAnHttpServerShould)
{
    auto declared = build("200 OK", {{"Content-Length", "10"}}, true, true, false, std::nullopt);
    EXPECT_EQ(declared.framing, BodyFraming::ContentLength);
    EXPECT_TRUE(declared.keepAlive);
    EXPECT_EQ(declared.contentLength, 10);

    auto known = build("200 OK", {}, true, true, false, 42);
    EXPECT_EQ(known.framing, BodyFraming::ContentLength);
    EXPECT_NE(known.bytes.find("Content-Length: 42\r\n"), std::string::npos);

    auto streamed = build("200 OK", {}, true, true, false, std::nullopt);
    EXPECT_EQ(streamed.framing, BodyFraming::Chunked);
    EXPECT_NE(streamed.bytes.find("Transfer-Encoding: chunked\r\n"), std::string::npos);

    auto old = build("200 OK", {}, false, true, false, std::nullopt);
    EXPECT_EQ(old.framing, BodyFraming::UntilClose);
    EXPECT_FALSE(old.keepAlive);

    auto keptOld = build("200 OK", {{"Content-Length", "1"}}, false, true, false, std::nullopt);
    EXPECT_NE(keptOld.bytes.find("Connection: keep-alive\r\n"), std::string::npos);

    auto closing = build("200 OK", {{"Content-Length", "1"}}, true, false, false, std::nullopt);
    EXPECT_NE(closing.bytes.find("Connection: close\r\n"), std::string::npos);

    for (const char* s : {"204 No Content", "304 Not Modified"})
        EXPECT_EQ(build(s, {}, true, true, false, std::nullopt).framing, BodyFraming::None);
    auto head = build("200 OK", {}, true, true, true, 5);
    EXPECT_EQ(head.framing, BodyFraming::None);
    EXPECT_TRUE(head.keepAlive);
    EXPECT_NE(head.bytes.find("Content-Length: 5"), std::string::npos);
}

TEST(ResponseHead, StartsWithTheStatusLineAndEndsWithABlankLine)
{
    auto r = build("404 Not Here", {{"X-A", "b"}}, true, true, false, 0);
    EXPECT_EQ(r.bytes.rfind("HTTP/1.1 404 Not Here\r\n", 0), 0u);
    EXPECT_EQ(r.bytes.substr(r.bytes.size() - 4), "\r\n\r\n");
    EXPECT_EQ(r.statusCode, 404);
    EXPECT_NE(r.bytes.find("Date: "), std::string::npos);
}

TEST(EnginePlan, RoutesByLongestPrefixOnSegmentBoundaries)
{
    EnginePlan plan;
    plan.mounts = {{"", 0}, {"/api", 1}, {"/api/v2", 2}};
    EXPECT_EQ(plan.route("/"), 0);
    EXPECT_EQ(plan.route("/apix"), 0);
    EXPECT_EQ(plan.route("/api"), 1);
    EXPECT_EQ(plan.route("/api/"), 1);
    EXPECT_EQ(plan.route("/api/v2/x"), 2);
    EXPECT_EQ(plan.route("/api/v20"), 1);
    EnginePlan none;
    none.mounts = {{"/only", 0}};
    EXPECT_EQ(none.route("/"), -1);
}

TEST(EnginePlan, RuntimeTraitsFromNames)
{
    const auto ft = runtimeTraits("3.13t");
    EXPECT_EQ(ft.minor, 13);
    EXPECT_TRUE(ft.freeThreadedBuild);
    EXPECT_TRUE(ft.supportsOwnGil());
    const auto old = runtimeTraits("3.11");
    EXPECT_FALSE(old.freeThreadedBuild);
    EXPECT_FALSE(old.supportsOwnGil());
}

} // namespace
