#include "hosting/channelprotocol.h"
#include "hosting/workerspec.h"

#include <gtest/gtest.h>

using namespace wsgi::hosting;

namespace {

TEST(ChannelProtocol, RequestHeadRoundTrips)
{
    RequestHead h;
    h.acceptedUs = 123456789;
    h.mountIndex = 3;
    h.http11 = false;
    h.keepAliveRequested = true;
    h.hasBody = true;
    h.bodyChunked = true;
    h.expectContinue = true;
    h.contentLength = -1;
    h.method = "PUT";
    h.target = "/x?y";
    h.remoteAddr = "127.0.0.1";
    h.remotePort = 5555;
    h.localAddr = "127.0.0.1";
    h.localPort = 80;
    h.headers = {{"Host", "h"}, {"X-Empty", ""}};
    const auto back = RequestHead::decode(h.encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->acceptedUs, h.acceptedUs);
    EXPECT_EQ(back->mountIndex, 3u);
    EXPECT_FALSE(back->http11);
    EXPECT_TRUE(back->bodyChunked);
    EXPECT_TRUE(back->expectContinue);
    EXPECT_EQ(back->method, "PUT");
    EXPECT_EQ(back->headers, h.headers);
    EXPECT_EQ(back->remotePort, 5555);
}

TEST(ChannelProtocol, TruncatedOrPaddedPayloadsAreRejected)
{
    RequestHead h;
    h.method = "GET";
    h.target = "/";
    const std::string bytes = h.encode();
    for (size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(RequestHead::decode(bytes.substr(0, n))) << n;
    EXPECT_FALSE(RequestHead::decode(bytes + "x"));
    RequestMetrics m;
    m.status = 200;
    m.keepAlive = true;
    const std::string mb = m.encode();
    EXPECT_FALSE(RequestMetrics::decode(mb.substr(0, mb.size() - 1)));
    const auto mback = RequestMetrics::decode(mb);
    ASSERT_TRUE(mback);
    EXPECT_EQ(mback->status, 200);
    EXPECT_TRUE(mback->keepAlive);
}

TEST(ChannelProtocol, FrameHeadersValidateTypeAndLength)
{
    std::string f;
    appendFrame(f, FrameType::Data, "abc");
    const auto h = decodeFrameHeader(f.data());
    ASSERT_TRUE(h);
    EXPECT_EQ(h->type, FrameType::Data);
    EXPECT_EQ(h->length, 3u);
    f[4] = 99;
    EXPECT_FALSE(decodeFrameHeader(f.data()));
    std::string huge;
    appendFrameHeader(huge, FrameType::Body, kMaxFramePayload + 1);
    EXPECT_FALSE(decodeFrameHeader(huge.data()));
}

TEST(WorkerSpec, RoundTripsWithAwkwardStrings)
{
    WorkerSpec s;
    s.group = "g\twith\ttabs";
    s.processIndex = 2;
    s.processes = 4;
    s.multiprocess = true;
    s.threads = 7;
    s.runtime = "3.13t";
    s.freeThreading = true;
    s.switchInterval = 0.0001;
    s.pythonPath = {"/a b", "/c\\d"};
    s.interpreters.push_back({"", false, std::nullopt, {}});
    s.interpreters.push_back({"app\nnewline", true, 0.001, {"/p"}});
    s.mounts.push_back({1, "/app", "/srv/app.py", "application", "app\nnewline"});
    s.notes = {"note one"};
    std::string error;
    const auto back = WorkerSpec::decode(s.encode(), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->group, s.group);
    EXPECT_EQ(back->threads, 7);
    EXPECT_TRUE(back->freeThreading);
    EXPECT_DOUBLE_EQ(*back->switchInterval, 0.0001);
    EXPECT_EQ(back->pythonPath, s.pythonPath);
    ASSERT_EQ(back->interpreters.size(), 2u);
    EXPECT_EQ(back->interpreters[1].applicationGroup, "app\nnewline");
    EXPECT_TRUE(back->interpreters[1].ownGil);
    EXPECT_EQ(back->interpreters[1].pythonPath, std::vector<std::string>{"/p"});
    EXPECT_EQ(back->mounts[0].scriptPath, "/srv/app.py");
}

TEST(WorkerSpec, BadTextIsAnErrorWithTheLine)
{
    std::string error;
    EXPECT_FALSE(WorkerSpec::decode("group\tg\nthreads\tx\nend\n", error));
    EXPECT_NE(error.find("line 2"), std::string::npos) << error;
    EXPECT_FALSE(WorkerSpec::decode("group\tg\n", error));
    EXPECT_NE(error.find("incomplete"), std::string::npos) << error;
    EXPECT_FALSE(WorkerSpec::decode("bogus\t1\nend\n", error));
    EXPECT_NE(error.find("bogus"), std::string::npos) << error;
}

} // namespace
