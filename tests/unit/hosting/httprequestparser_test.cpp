#include "hosting/httprequestparser.h"

#include <gtest/gtest.h>

using namespace wsgi::hosting;

namespace {

HeadParseResult parse(const std::string& text, ParsedRequest& out)
{
    return parseRequestHead(text, out);
}

TEST(HttpRequestParser, ParsesAHeadIncrementally)
{
    const std::string head =
        "POST /app/x?y=1 HTTP/1.1\r\nHost: example\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";
    ParsedRequest r;
    for (size_t cut = 0; cut < head.size() - 5 - 1; ++cut)
        EXPECT_EQ(parse(head.substr(0, cut), r).status, ParseStatus::NeedMore) << cut;
    const auto result = parse(head, r);
    ASSERT_EQ(result.status, ParseStatus::Complete);
    EXPECT_EQ(result.consumed, head.size() - 5);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/app/x?y=1");
    EXPECT_TRUE(r.http11);
    EXPECT_TRUE(r.keepAlive);
    EXPECT_EQ(r.contentLength, 5);
    EXPECT_EQ(r.header("x-a"), "1");
}

TEST(HttpRequestParser, ConnectionSemanticsPerVersion)
{
    ParsedRequest r;
    ASSERT_EQ(parse("GET / HTTP/1.0\r\n\r\n", r).status, ParseStatus::Complete);
    EXPECT_FALSE(r.keepAlive);
    ASSERT_EQ(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", r).status, ParseStatus::Complete);
    EXPECT_TRUE(r.keepAlive);
    ASSERT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n", r).status,
              ParseStatus::Complete);
    EXPECT_FALSE(r.keepAlive);
}

TEST(HttpRequestParser, RejectsWhatWouldBeUnsafe)
{
    struct Case
    {
        std::string text;
        int status;
    };
    const std::vector<Case> cases = {
        {"GET / HTTP/1.1\r\n\r\n", 400},                                                      // no Host
        {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400}, // conflicting
        {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
        {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n", 400},
        {"GET / HTTP/3\r\nHost: h\r\n\r\n", 505},
        {"GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        {"G@T / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        {"GET relative HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n", 417},
    };
    for (const auto& c : cases) {
        ParsedRequest r;
        const auto result = parse(c.text, r);
        EXPECT_EQ(result.status, ParseStatus::Error) << c.text;
        EXPECT_EQ(result.errorStatus, c.status) << c.text;
        EXPECT_FALSE(result.errorText.empty());
    }
}

TEST(HttpRequestParser, LimitsApplyBeforeTheHeadIsComplete)
{
    ParsedRequest r;
    const auto longLine = parse("GET /" + std::string(9000, 'a'), r);
    EXPECT_EQ(longLine.status, ParseStatus::Error);
    EXPECT_EQ(longLine.errorStatus, 414);
    std::string many = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 150; ++i)
        many += "X-" + std::to_string(i) + ": v\r\n";
    many += "\r\n";
    const auto tooMany = parse(many, r);
    EXPECT_EQ(tooMany.errorStatus, 431);
}

TEST(HttpRequestParser, RefusesWhatRfc9112AndApacheRefuse)
{
    struct Case
    {
        std::string text;
        int status;
    };
    const std::vector<Case> cases = {
        {"GET /x#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -0\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x1\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1234567890123456789\r\n\r\n", 400},
        {"POST / HTTP/1.1\r\nHost: h\r\nContent-Type: a/b\r\nContent-type: c/d\r\n\r\n", 400},
        {"PUT s://]ufd/: HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        {"GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        {"GET /../../etc/passwd HTTP/1.1\r\nHost: h\r\n\r\n", 400},
        {"GET /a%2Fb HTTP/1.1\r\nHost: h\r\n\r\n", 404},
        {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
        {"GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400},
        {"GET / http/1.1\r\nHost: h\r\n\r\n", 400},
    };
    for (const auto& c : cases) {
        ParsedRequest r;
        const auto result = parse(c.text, r);
        EXPECT_EQ(result.status, ParseStatus::Error) << c.text;
        EXPECT_EQ(result.errorStatus, c.status) << c.text;
        EXPECT_FALSE(result.errorText.empty());
    }
}

TEST(HttpRequestParser, ABadRequestLineIsAnsweredWithoutWaitingForTheHead)
{
    ParsedRequest r;
    // HTTP/0.9: no version, and no blank line will ever follow.
    auto result = parse("GET /\r\n", r);
    EXPECT_EQ(result.status, ParseStatus::Error);
    EXPECT_EQ(result.errorStatus, 400);
    result = parse("GET /x#y HTTP/1.1\r\n", r);
    EXPECT_EQ(result.errorStatus, 400);
    // The method is known for the answer's sake (a HEAD gets no body).
    result = parse("HEAD /../x HTTP/1.0\r\n", r);
    EXPECT_EQ(result.errorStatus, 400);
    EXPECT_EQ(r.method, "HEAD");
    EXPECT_FALSE(r.http11);
    // A bad header line too, before the blank line.
    result = parse("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n", r);
    EXPECT_EQ(result.errorStatus, 400);
}

TEST(HttpRequestParser, BareLineFeedsEndLines)
{
    ParsedRequest r;
    const std::string head = "GET /x HTTP/1.1\nHost: h\nX-A: 1\n\nNEXT";
    const auto result = parse(head, r);
    ASSERT_EQ(result.status, ParseStatus::Complete);
    EXPECT_EQ(head.substr(result.consumed), "NEXT");
    EXPECT_EQ(r.header("X-A"), "1");
    EXPECT_EQ(parse("\n\r\nGET / HTTP/1.1\r\nHost: h\n\r\n", r).status, ParseStatus::Complete);
    // A bare CR is no line end.
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", r).status, ParseStatus::Error);
}

TEST(HttpRequestParser, LaterMinorVersionsAreServedAsHttp11)
{
    ParsedRequest r;
    ASSERT_EQ(parse("GET / HTTP/1.2\r\nHost: h\r\n\r\n", r).status, ParseStatus::Complete);
    EXPECT_TRUE(r.http11);
    ASSERT_EQ(parse("GET / HTTP/1.0\r\n\r\n", r).status, ParseStatus::Complete);
    EXPECT_FALSE(r.http11);
}

TEST(HttpRequestParser, TargetIsNormalisedAndAbsoluteFormSetsTheHost)
{
    ParsedRequest r;
    ASSERT_EQ(parse("GET /sub/../%73ub/x?a=%2F HTTP/1.1\r\nHost: h\r\n\r\n", r).status,
              ParseStatus::Complete);
    EXPECT_EQ(r.target, "/sub/../%73ub/x?a=%2F"); // REQUEST_URI, as sent
    EXPECT_EQ(r.path, "/sub/x");
    ASSERT_EQ(parse("GET http://target.example:81/x HTTP/1.1\r\nHost: header.example\r\n\r\n", r).status,
              ParseStatus::Complete);
    EXPECT_EQ(r.target, "http://target.example:81/x");
    EXPECT_EQ(r.path, "/x");
    EXPECT_EQ(r.header("Host"), "target.example:81");
    ASSERT_EQ(r.headers.size(), 1u);
    // HTTP/1.0 without a Host: the target's host is the Host.
    ASSERT_EQ(parse("GET http://t.example/ HTTP/1.0\r\n\r\n", r).status, ParseStatus::Complete);
    EXPECT_EQ(r.header("Host"), "t.example");
    ASSERT_EQ(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", r).status, ParseStatus::Complete);
    EXPECT_EQ(r.target, "*");
}

TEST(HttpRequestParser, AcceptsWhatIsValid)
{
    ParsedRequest r;
    // The same Content-Length twice is one length (RFC 9110 8.6); one Content-Type is fine.
    EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n"
                    "Content-Type: text/plain\r\n\r\n",
                    r)
                  .status,
              ParseStatus::Complete);
    EXPECT_EQ(r.contentLength, 2);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n", r).status, ParseStatus::Complete);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", r).status, ParseStatus::Complete);
}

TEST(ChunkedDecoder, DecodesAcrossArbitrarySplits)
{
    const std::string body =
        "4;name=v\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    for (size_t cut = 0; cut <= body.size(); ++cut) {
        ChunkedDecoder d;
        std::string out;
        auto a = d.feed(std::string_view(body).substr(0, cut), out);
        ASSERT_FALSE(a.error) << cut;
        auto b = d.feed(std::string_view(body).substr(a.consumed), out);
        ASSERT_FALSE(b.error) << cut;
        EXPECT_TRUE(b.done) << cut;
        EXPECT_EQ(out, "Wikipedia in\r\n\r\nchunks.") << cut;
        EXPECT_EQ(body.substr(a.consumed + b.consumed), "NEXT") << cut;
    }
}

TEST(ChunkedDecoder, RejectsMalformedFraming)
{
    for (const std::string bad : {"x\r\n", "5\r\nhelloXX", "5\n", "1234567890123456\r\n", "2 erfrferferf\r\n",
                                  "2\terf\r\n", "2x\r\n", "2           \r\n", "2;a\x01\r\n"}) {
        ChunkedDecoder d;
        std::string out;
        EXPECT_TRUE(d.feed(bad, out).error) << bad;
    }
}

TEST(ChunkedDecoder, AllowsWhitespaceAndExtensionsAfterTheSize)
{
    for (const std::string ok :
         {"2 \r\nab\r\n0\r\n\r\n", "2\t ;x=\"y z\"\r\nab\r\n0\r\n\r\n", "2;a;b=c\r\nab\r\n0 \r\n\r\n"}) {
        ChunkedDecoder d;
        std::string out;
        const auto r = d.feed(ok, out);
        EXPECT_FALSE(r.error) << ok << r.errorText;
        EXPECT_TRUE(r.done) << ok;
        EXPECT_EQ(out, "ab") << ok;
    }
}

} // namespace
