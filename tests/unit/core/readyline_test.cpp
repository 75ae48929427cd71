#include "core/readyline.h"

#include <gtest/gtest.h>

using wsgi::ReadyLine;

namespace {

ReadyLine sample()
{
    ReadyLine r;
    r.version = "0.4.0";
    r.pid = 4242;
    r.listen = {"127.0.0.1:8080", "[::1]:8081"};
    r.control = "127.0.0.1:7070";
    r.tokenFile = "/tmp/a b/control.token";
    r.dispatch = "direct";
    r.generation = 3;
    return r;
}

} // namespace

TEST(ReadyLine, FormatIsThePrefixAndOneJsonObjectOnOneLine)
{
    const std::string line = wsgi::formatReadyLine(sample());
    EXPECT_EQ(line,
              "wsgi-engine-ready {\"version\":\"0.4.0\",\"pid\":4242,\"listen\":[\"127.0.0.1:8080\","
              "\"[::1]:8081\"],\"control\":\"127.0.0.1:7070\",\"token_file\":\"/tmp/a b/control.token\","
              "\"dispatch\":\"direct\",\"generation\":3}");
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(ReadyLine, RoundTrips)
{
    std::string error;
    const auto parsed = wsgi::parseReadyLine(wsgi::formatReadyLine(sample()) + "\n", error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->version, "0.4.0");
    EXPECT_EQ(parsed->pid, 4242);
    EXPECT_EQ(parsed->listen, (std::vector<std::string>{"127.0.0.1:8080", "[::1]:8081"}));
    EXPECT_EQ(parsed->control, "127.0.0.1:7070");
    EXPECT_EQ(parsed->tokenFile, "/tmp/a b/control.token");
    EXPECT_EQ(parsed->dispatch, "direct");
    EXPECT_EQ(parsed->generation, 3);
}

TEST(ReadyLine, WithoutControlEndpointTheFieldsAreNull)
{
    ReadyLine r = sample();
    r.control.clear();
    r.tokenFile.clear();
    const std::string line = wsgi::formatReadyLine(r);
    EXPECT_NE(line.find("\"control\":null,\"token_file\":null"), std::string::npos) << line;
    std::string error;
    const auto parsed = wsgi::parseReadyLine(line, error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_TRUE(parsed->control.empty());
    EXPECT_TRUE(parsed->tokenFile.empty());
}

TEST(ReadyLine, OtherLinesAreNotReadyLinesAndNoError)
{
    std::string error;
    EXPECT_FALSE(wsgi::parseReadyLine("wsgi-engine: listening on http://127.0.0.1:8080/", error));
    EXPECT_TRUE(error.empty());
    EXPECT_FALSE(wsgi::isReadyLine("wsgi-engine-ready"));
    EXPECT_TRUE(wsgi::isReadyLine("wsgi-engine-ready {}"));
}

TEST(ReadyLine, UnknownFieldsAreIgnored)
{
    std::string error;
    const auto parsed = wsgi::parseReadyLine(
        R"(wsgi-engine-ready {"version":"1","pid":1,"listen":[],"control":null,"token_file":null,)"
        R"("dispatch":"proxy","generation":1,"future":{"x":1}})",
        error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->dispatch, "proxy");
}

TEST(ReadyLine, MalformedLinesSayWhatIsWrong)
{
    const std::pair<std::string, std::string> cases[] = {
        {"wsgi-engine-ready {\"version\":", "not JSON"},
        {"wsgi-engine-ready []", "JSON object"},
        {R"(wsgi-engine-ready {"pid":1,"listen":[],"dispatch":"proxy","generation":1})",
         "\"version\" is missing"},
        {R"(wsgi-engine-ready {"version":"1","pid":"1","listen":[],"dispatch":"proxy","generation":1})",
         "\"pid\" must be an integer"},
        {R"(wsgi-engine-ready {"version":"1","pid":1,"listen":["8080"],"dispatch":"proxy","generation":1})",
         "\"listen\" holds \"8080\""},
        {R"(wsgi-engine-ready {"version":"1","pid":1,"listen":["h:0"],"dispatch":"proxy","generation":1})",
         "not HOST:PORT"},
        {R"(wsgi-engine-ready {"version":"1","pid":1,"listen":[],"control":7,"dispatch":"proxy","generation":1})",
         "\"control\" must be a string"},
        {R"(wsgi-engine-ready {"version":"1","pid":1,"listen":[],"dispatch":"fast","generation":1})",
         "not direct or proxy"},
    };
    for (const auto& [line, expected] : cases) {
        std::string error;
        EXPECT_FALSE(wsgi::parseReadyLine(line, error)) << line;
        EXPECT_NE(error.find(expected), std::string::npos) << line << " -> " << error;
    }
}

TEST(ReadyLine, SplitHostPort)
{
    std::string host;
    int port = 0;
    EXPECT_TRUE(wsgi::splitHostPort("127.0.0.1:65535", host, port));
    EXPECT_EQ(host, "127.0.0.1");
    EXPECT_EQ(port, 65535);
    EXPECT_TRUE(wsgi::splitHostPort("[::1]:80", host, port));
    EXPECT_EQ(host, "::1");
    EXPECT_FALSE(wsgi::splitHostPort("::1:80", host, port));
    EXPECT_FALSE(wsgi::splitHostPort("host:", host, port));
    EXPECT_FALSE(wsgi::splitHostPort("host:65536", host, port));
    EXPECT_FALSE(wsgi::splitHostPort("host:12a", host, port));
}
