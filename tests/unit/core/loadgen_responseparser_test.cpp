// ResponseParser: every framing at every split of the byte stream, and the bad answers it must
// reject. Splits are what a real socket produces; the parser must not care where they fall.

#include "core/loadgen/responseparser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using wsgi::loadgen::ResponseParser;

namespace {

struct Parsed
{
    std::vector<int> status;
    std::vector<int64_t> body;
    std::vector<bool> keepAlive;
    std::vector<int> interim;
    bool error = false;
    std::string errorText;
};

// Feeds `stream` cut at `cuts` (ascending offsets); parses answers back to back as a pipelining
// client would. eof: the peer closes after the last byte.
Parsed parseAll(const std::string& stream, const std::vector<size_t>& cuts, bool eof = false,
                bool head = false)
{
    Parsed out;
    ResponseParser p;
    p.reset(head);
    auto complete = [&] {
        out.status.push_back(p.statusCode());
        out.body.push_back(p.bodyBytes());
        out.keepAlive.push_back(p.keepAlive());
        out.interim.push_back(p.interimResponses());
        p.reset(head);
    };
    size_t from = 0;
    std::vector<size_t> ends = cuts;
    ends.push_back(stream.size());
    for (size_t end : ends) {
        size_t off = from;
        while (off < end) {
            const auto step = p.feed(stream.data() + off, end - off);
            if (step.status == ResponseParser::Status::Error) {
                out.error = true;
                out.errorText = p.error();
                return out;
            }
            off += step.consumed;
            if (step.status == ResponseParser::Status::Complete)
                complete();
            else
                EXPECT_EQ(off, end) << "NeedMore must consume everything";
        }
        from = end;
    }
    if (eof && p.started()) {
        if (p.finishAtEof() == ResponseParser::Status::Complete) {
            complete();
        } else {
            out.error = true;
            out.errorText = p.error();
        }
    }
    return out;
}

void expectSame(const Parsed& a, const Parsed& b, const std::string& where)
{
    EXPECT_EQ(a.status, b.status) << where;
    EXPECT_EQ(a.body, b.body) << where;
    EXPECT_EQ(a.keepAlive, b.keepAlive) << where;
    EXPECT_EQ(a.error, b.error) << where;
}

// Every single cut and every pair of cuts, plus byte by byte, must parse like the whole stream.
void expectSplitInvariant(const std::string& stream, bool eof = false)
{
    const Parsed whole = parseAll(stream, {}, eof);
    for (size_t i = 1; i < stream.size(); ++i)
        expectSame(parseAll(stream, {i}, eof), whole, "cut at " + std::to_string(i));
    for (size_t i = 1; i < stream.size(); ++i) {
        for (size_t j = i + 1; j < stream.size(); ++j) {
            const Parsed two = parseAll(stream, {i, j}, eof);
            if (two.status != whole.status || two.body != whole.body) {
                ADD_FAILURE() << "cuts at " << i << ", " << j;
                return;
            }
        }
    }
    std::vector<size_t> every;
    for (size_t i = 1; i < stream.size(); ++i)
        every.push_back(i);
    expectSame(parseAll(stream, every, eof), whole, "byte by byte");
}

const std::string kTwoLengthAnswers = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: t\r\n\r\nhello"
                                      "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";
const std::string kChunked =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n"
    "HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";

} // namespace

TEST(LoadgenResponseParser, ContentLengthAtEverySplit)
{
    const Parsed whole = parseAll(kTwoLengthAnswers, {});
    ASSERT_FALSE(whole.error) << whole.errorText;
    EXPECT_EQ(whole.status, (std::vector<int>{200, 404}));
    EXPECT_EQ(whole.body, (std::vector<int64_t>{5, 0}));
    EXPECT_EQ(whole.keepAlive, (std::vector<bool>{true, true}));
    expectSplitInvariant(kTwoLengthAnswers);
}

TEST(LoadgenResponseParser, ChunkedAtEverySplit)
{
    const Parsed whole = parseAll(kChunked, {});
    ASSERT_FALSE(whole.error) << whole.errorText;
    EXPECT_EQ(whole.status, (std::vector<int>{200, 201}));
    EXPECT_EQ(whole.body, (std::vector<int64_t>{15, 3}));
    expectSplitInvariant(kChunked);
}

TEST(LoadgenResponseParser, InterimAnswersAreSkipped)
{
    const std::string s = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    const Parsed whole = parseAll(s, {});
    ASSERT_FALSE(whole.error) << whole.errorText;
    EXPECT_EQ(whole.status, (std::vector<int>{200}));
    EXPECT_EQ(whole.interim, (std::vector<int>{2}));
    expectSplitInvariant(s);
}

TEST(LoadgenResponseParser, NoBodyFor204And304AndHead)
{
    const std::string s = "HTTP/1.1 204 No Content\r\n\r\n"
                          "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    const Parsed whole = parseAll(s, {});
    ASSERT_FALSE(whole.error) << whole.errorText;
    EXPECT_EQ(whole.status, (std::vector<int>{204, 304, 200}));
    EXPECT_EQ(whole.body, (std::vector<int64_t>{0, 0, 3}));
    expectSplitInvariant(s);

    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n";
    const Parsed h = parseAll(head, {}, false, /*head=*/true);
    ASSERT_FALSE(h.error) << h.errorText;
    EXPECT_EQ(h.status, (std::vector<int>{200, 200}));
    EXPECT_EQ(h.body, (std::vector<int64_t>{0, 0}));
}

TEST(LoadgenResponseParser, ConnectionPersistence)
{
    auto keep = [](const std::string& s) {
        const Parsed p = parseAll(s, {});
        EXPECT_FALSE(p.error) << s;
        return p.keepAlive.empty() ? false : bool(p.keepAlive[0]);
    };
    EXPECT_TRUE(keep("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    EXPECT_FALSE(keep("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
    EXPECT_FALSE(keep("HTTP/1.1 200 OK\r\nconnection:   Keep-Alive, CLOSE  \r\nContent-Length: 0\r\n\r\n"));
    EXPECT_FALSE(keep("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"));
    EXPECT_TRUE(keep("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"));
}

TEST(LoadgenResponseParser, BodyUntilCloseAtEverySplit)
{
    const std::string s = "HTTP/1.1 200 OK\r\nServer: old\r\n\r\nthe body runs to the close";
    const Parsed whole = parseAll(s, {}, /*eof=*/true);
    ASSERT_FALSE(whole.error) << whole.errorText;
    EXPECT_EQ(whole.status, (std::vector<int>{200}));
    EXPECT_EQ(whole.body, (std::vector<int64_t>{26}));
    EXPECT_EQ(whole.keepAlive, (std::vector<bool>{false}));
    expectSplitInvariant(s, true);

    // A transfer coding that is not chunked also runs to the close (RFC 9112 6.3).
    const Parsed gz =
        parseAll("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nabcd", {}, true);
    ASSERT_FALSE(gz.error);
    EXPECT_EQ(gz.body, (std::vector<int64_t>{4}));
}

TEST(LoadgenResponseParser, EndOfStreamInsideAnAnswerIsAnError)
{
    ResponseParser p;
    p.reset();
    EXPECT_EQ(p.finishAtEof(), ResponseParser::Status::Error);
    EXPECT_STREQ(p.error(), "connection closed before a response");

    for (const std::string s :
         {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "HTTP/1.1 200 OK\r\nContent-Le",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"}) {
        const Parsed r = parseAll(s, {}, true);
        EXPECT_TRUE(r.error) << s;
        EXPECT_EQ(r.errorText, "connection closed mid-response") << s;
    }
}

TEST(LoadgenResponseParser, LargeBodyInReadSizedPieces)
{
    const int64_t size = 1 << 20;
    const std::string s = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" +
                          std::string(size_t(size), 'z');
    std::vector<size_t> cuts;
    for (size_t c = 65536; c < s.size(); c += 65536)
        cuts.push_back(c);
    const Parsed p = parseAll(s, cuts);
    ASSERT_FALSE(p.error);
    EXPECT_EQ(p.body, (std::vector<int64_t>{size}));
}

TEST(LoadgenResponseParser, BadAnswersAreRejected)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"garbage that is not http\r\n\r\n", "bad status line"},
        {"HTTP/2 200\r\n\r\n", "bad status line"},
        {"HTTP/1.1 2OO OK\r\n\r\n", "bad status line"},
        {"HTTP/1.1 200OK\r\n\r\n", "bad status line"},
        {"HTTP/1.1 099 Low\r\n\r\n", "bad status line"},
        {"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
         "conflicting Content-Length headers"},
        {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\n", "bad chunk size"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX",
         "missing CRLF after chunk data"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", "chunk size too large"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
         "101 Switching Protocols is not supported"},
    };
    for (const auto& [input, why] : cases) {
        const Parsed whole = parseAll(input, {});
        EXPECT_TRUE(whole.error) << input;
        EXPECT_EQ(whole.errorText, why) << input;
        // Split anywhere, the verdict is the same.
        for (size_t i = 1; i < input.size(); ++i) {
            const Parsed split = parseAll(input, {i});
            EXPECT_TRUE(split.error) << input << " cut at " << i;
        }
    }
}

TEST(LoadgenResponseParser, ObviousGarbageFailsWithoutWaitingForHeaders)
{
    ResponseParser p;
    p.reset();
    const auto step = p.feed("<html>", 6);
    EXPECT_EQ(step.status, ResponseParser::Status::Error);
}

TEST(LoadgenResponseParser, OversizedHeaderBlockIsRejected)
{
    ResponseParser p;
    p.reset();
    const std::string start = "HTTP/1.1 200 OK\r\n";
    ASSERT_EQ(p.feed(start.data(), start.size()).status, ResponseParser::Status::NeedMore);
    const std::string filler = "X-Filler: " + std::string(1000, 'f') + "\r\n";
    ResponseParser::Status last = ResponseParser::Status::NeedMore;
    for (int i = 0; i < 100 && last == ResponseParser::Status::NeedMore; ++i)
        last = p.feed(filler.data(), filler.size()).status;
    EXPECT_EQ(last, ResponseParser::Status::Error);
    EXPECT_STREQ(p.error(), "header block too large");
}
