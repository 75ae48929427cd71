// URL parsing and the pre-built request bytes.

#include "core/loadgen/loadspec.h"

#include <gtest/gtest.h>

using namespace wsgi::loadgen;

TEST(LoadgenLoadSpec, ParsesHttpUrls)
{
    Target t;
    std::string error;
    ASSERT_TRUE(parseUrl("http://127.0.0.1:8080/app/x?y=1", &t, &error)) << error;
    EXPECT_EQ(t.host, "127.0.0.1");
    EXPECT_EQ(t.port, 8080);
    EXPECT_EQ(t.path, "/app/x?y=1");
    EXPECT_EQ(t.hostHeader, "127.0.0.1:8080");

    ASSERT_TRUE(parseUrl("HTTP://localhost", &t, &error)) << error;
    EXPECT_EQ(t.host, "localhost");
    EXPECT_EQ(t.port, 80);
    EXPECT_EQ(t.path, "/");

    ASSERT_TRUE(parseUrl("http://[::1]:9000?q#frag", &t, &error)) << error;
    EXPECT_EQ(t.host, "::1");
    EXPECT_EQ(t.port, 9000);
    EXPECT_EQ(t.path, "/?q");
    EXPECT_EQ(t.hostHeader, "[::1]:9000");
}

TEST(LoadgenLoadSpec, RejectsWhatItCannotSend)
{
    Target t;
    std::string error;
    for (const char* bad : {"https://127.0.0.1/", "127.0.0.1:80/", "http://", "http://:80/", "http://h:0/",
                            "http://h:70000/", "http://h:8x/", "http://user:pw@h/", "http://h/a b"}) {
        EXPECT_FALSE(parseUrl(bad, &t, &error)) << bad;
        EXPECT_FALSE(error.empty()) << bad;
    }
}

TEST(LoadgenLoadSpec, BuildsAMinimalGet)
{
    Target t;
    std::string error;
    ASSERT_TRUE(parseUrl("http://127.0.0.1:8000/hello", &t, &error));
    LoadSpec spec;
    EXPECT_EQ(buildRequest(spec, t), "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n");
}

TEST(LoadgenLoadSpec, BuildsAPostWithBodyAndHeaders)
{
    Target t;
    std::string error;
    ASSERT_TRUE(parseUrl("http://127.0.0.1:8000/echo", &t, &error));
    LoadSpec spec;
    spec.method = "POST";
    spec.body = "abc";
    spec.headers = {{"Host", "example.test"}, {"X-Test", "1"}};
    EXPECT_EQ(buildRequest(spec, t), "POST /echo HTTP/1.1\r\nHost: example.test\r\nX-Test: 1\r\n"
                                     "Content-Length: 3\r\n\r\nabc");
    // A bodiless POST still says so, or the server would wait for a body.
    spec.body.clear();
    spec.headers.clear();
    EXPECT_EQ(buildRequest(spec, t),
              "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Length: 0\r\n\r\n");
}
