#include "hosting/requesttarget.h"

#include <gtest/gtest.h>

using namespace wsgi::hosting;

namespace {

RequestTarget parsed(const std::string& raw, const std::string& method = "GET")
{
    RequestTarget t;
    EXPECT_TRUE(parseRequestTarget(method, raw, t)) << raw << ": " << t.errorText;
    return t;
}

int refused(const std::string& raw, const std::string& method = "GET")
{
    RequestTarget t;
    EXPECT_FALSE(parseRequestTarget(method, raw, t)) << raw;
    EXPECT_FALSE(t.errorText.empty()) << raw;
    return t.errorStatus;
}

TEST(RequestTarget, DotSegmentsAreRemovedAndEscapesDecodedOnce)
{
    EXPECT_EQ(parsed("/sub/../env").path, "/env");
    EXPECT_EQ(parsed("/sub/../env").origin, "/env");
    EXPECT_EQ(parsed("/a/./b/../c?x=/../y").origin, "/a/c?x=/../y"); // the query is not a path
    EXPECT_EQ(parsed("/a/b/..").path, "/a/");
    EXPECT_EQ(parsed("/a/.").path, "/a/");
    EXPECT_EQ(parsed("/.").path, "/");
    EXPECT_EQ(parsed("/").path, "/");
    EXPECT_EQ(parsed("/a//b").path, "/a//b");
    // An escaped unreserved character is the character; other escapes stay for the one decode.
    EXPECT_EQ(parsed("/%73ub/x").path, "/sub/x");
    EXPECT_EQ(parsed("/%73ub/x").origin, "/sub/x");
    EXPECT_EQ(parsed("/x%20y%25z").path, "/x y%z");
    EXPECT_EQ(parsed("/x%20y%25z").origin, "/x%20y%25z");
    // Dot-segments are recognised decoded, as Apache does since 2.4.50.
    EXPECT_EQ(parsed("/a/%2e%2E/b").path, "/b");
    EXPECT_EQ(parsed("/a/.%2e").path, "/");
    // A segment that only looks like a dot-segment stays.
    EXPECT_EQ(parsed("/a/..b/...").path, "/a/..b/...");
}

TEST(RequestTarget, DecodingTheOriginOnceGivesThePath)
{
    for (const std::string raw : {"/a%2520b", "/%7e%7Euser/%e2%82%ac", "/a/%2e/b%3Fc?q=%2F", "/x%3b/y"}) {
        const RequestTarget t = parsed(raw);
        std::string decoded;
        ASSERT_TRUE(percentDecode(t.origin.substr(0, t.origin.find('?')), decoded)) << raw;
        EXPECT_EQ(decoded, t.path) << raw;
    }
}

TEST(RequestTarget, RequestPathIsThePathOfAnAcceptedTarget)
{
    std::string storage;
    for (const std::string raw :
         {"/a/b?c", "/sub/../env", "/%73ub/x%20y?q", "http://h:1/a/./b", "*", "/a/.b"}) {
        const std::string_view path = requestPath(raw, storage);
        EXPECT_EQ(path, parsed(raw, "OPTIONS").path) << raw;
    }
    // No copy in the common case.
    const std::string plain = "/app/x?y";
    EXPECT_EQ(requestPath(plain, storage).data(), plain.data());
}

TEST(RequestTarget, RefusesWhatApacheRefuses)
{
    EXPECT_EQ(refused("/../../etc/passwd"), 400);
    EXPECT_EQ(refused("/a/../../b"), 400);
    EXPECT_EQ(refused("/%2e%2e/etc/passwd"), 400);
    EXPECT_EQ(refused("/x#frag"), 400);
    EXPECT_EQ(refused("/x?q#frag"), 400);
    EXPECT_EQ(refused("/a%zz"), 400);
    EXPECT_EQ(refused("/a%4"), 400);
    EXPECT_EQ(refused("/a%2Fb"), 404); // AllowEncodedSlashes Off
    EXPECT_EQ(refused("/a%00b"), 404);
    EXPECT_EQ(refused("*"), 400);
    EXPECT_EQ(refused("s://]ufd/:", "PUT"), 400);
    EXPECT_EQ(refused("ftp://host/x"), 400);
    EXPECT_EQ(refused("http://user@host/x"), 400);
    EXPECT_EQ(refused("http:///x"), 400);
    EXPECT_EQ(refused("http://ho st/x"), 400);
    EXPECT_EQ(refused("http://host:8x/"), 400);
    EXPECT_EQ(refused("relative"), 400);
    EXPECT_EQ(refused("host:443", "CONNECT"), 400);
}

TEST(RequestTarget, AsteriskIsForOptions)
{
    const RequestTarget t = parsed("*", "OPTIONS");
    EXPECT_EQ(t.path, "*");
    EXPECT_EQ(t.origin, "*");
}

TEST(RequestTarget, AbsoluteFormGivesTheAuthority)
{
    RequestTarget t = parsed("http://Example.org:8080/a/../x?y=1");
    EXPECT_EQ(t.authority, "Example.org:8080");
    EXPECT_EQ(t.origin, "/x?y=1");
    EXPECT_EQ(t.path, "/x");
    t = parsed("HTTPS://[::1]");
    EXPECT_EQ(t.authority, "[::1]");
    EXPECT_EQ(t.origin, "/");
    t = parsed("http://h?q");
    EXPECT_EQ(t.origin, "/?q");
}

TEST(RequestTarget, HostValues)
{
    for (const std::string ok : {"", "h", "example.org:80", "127.0.0.1", "[::1]:8080", "[fe80::1%25eth0]",
                                 "xn--bcher-kva.de", "a_b"})
        EXPECT_TRUE(isValidAuthority(ok)) << ok;
    for (const std::string bad : {"a b", "a/b", "user@h", "h:port", "[::1", "::1", ":80", "h:123456", "a, b"})
        EXPECT_FALSE(isValidAuthority(bad)) << bad;
}

} // namespace
