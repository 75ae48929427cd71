// PEP 3333 behaviour of the real engine, through resources/apps/pep3333.py, whose application runs
// under wsgiref.validate: a spec violation by the engine makes that request fail with 500.

#include "enginefixture.h"

#include <gtest/gtest.h>

#include <thread>
#include <unistd.h>

using namespace wsgi::testing;

namespace {

// Tokens name files shared by all processes of a run; the pid keeps runs apart.
std::string token(const std::string& name)
{
    return name + std::to_string(getpid());
}

std::string configFor(const std::string& mountPrefix, int processes = 1, int threads = 4)
{
    return "WSGIDaemonProcess spec processes=" + std::to_string(processes) +
           " threads=" + std::to_string(threads) + "\nWSGIScriptAlias " + mountPrefix + " " +
           appPath("pep3333.py") + " process-group=spec application-group=%{GLOBAL}\n";
}

class Pep3333 : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_engine = new EngineProcess(configFor("/spec"));
        ASSERT_TRUE(s_engine->started()) << s_engine->log();
        ASSERT_TRUE(s_engine->waitReady("/spec/")) << s_engine->log();
    }
    static void TearDownTestSuite()
    {
        delete s_engine;
        s_engine = nullptr;
    }
    void TearDown() override
    {
        // The application runs under wsgiref.validate: an engine that breaks the spec shows up here.
        EXPECT_EQ(s_engine->log().find("AssertionError"), std::string::npos);
        if (HasFailure())
            std::cerr << "engine log:\n" << s_engine->log() << "\n";
    }
    int port() const { return s_engine->port(); }
    static EngineProcess* s_engine;
};
EngineProcess* Pep3333::s_engine = nullptr;

TEST_F(Pep3333, EnvironSplitsScriptNameAndPathInfoAndMapsHeaders)
{
    const auto r =
        httpGet(port(), "/spec/environ?a=1&b=%20", "X-Custom-Thing: hello\r\nX-Custom-Thing: again\r\n");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"SCRIPT_NAME\": \"/spec\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"PATH_INFO\": \"/environ\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"QUERY_STRING\": \"a=1&b=%20\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"HTTP_X_CUSTOM_THING\": \"hello, again\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"wsgi.multithread\": true"), std::string::npos) << r.body;
    // processes=1 written explicitly: mod_wsgi then reports wsgi.multiprocess True.
    EXPECT_NE(r.body.find("\"wsgi.multiprocess\": true"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"wsgi.url_scheme\": \"http\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"SERVER_PROTOCOL\": \"HTTP/1.1\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"REMOTE_ADDR\": \"127.0.0.1\""), std::string::npos) << r.body;
}

TEST_F(Pep3333, HeadersWithUnderscoresAreNotPassed)
{
    const auto r = httpGet(port(), "/spec/environ", "X_Forged: yes\r\n");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find("X_FORGED"), std::string::npos) << r.body;
}

TEST_F(Pep3333, ContentLengthBodyReadInPiecesAndByLine)
{
    const std::string body = "line one\nline two\nlast line without newline";
    for (const std::string route : {"/spec/input/read?n=7", "/spec/input/readline", "/spec/input/iter"}) {
        HttpConnection c(port());
        c.send("POST " + route + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body);
        const auto r = c.read();
        ASSERT_EQ(r.status, 200) << route << ": " << r.body;
        EXPECT_EQ(r.body, body) << route;
        EXPECT_EQ(r.header("X-Input-Length"), std::to_string(body.size())) << route;
    }
}

TEST_F(Pep3333, ChunkedRequestBodyIsDechunked)
{
    HttpConnection c(port());
    c.send("POST /spec/input/read?n=5 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: t\r\n\r\n");
    const auto r = c.read();
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "hello, world");
}

TEST_F(Pep3333, ExpectContinueIsAnsweredWhenTheAppReads)
{
    HttpConnection c(port());
    c.send("POST /spec/input/read HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    const std::string interim = c.readUntil("\r\n\r\n", std::chrono::seconds(10));
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    c.send("data");
    const auto r = c.read();
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "data");
}

TEST_F(Pep3333, WriteCallableStreamsChunked)
{
    const auto r = httpGet(port(), "/spec/write?parts=3");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.chunked);
    EXPECT_EQ(r.body, "part 0\npart 1\npart 2\npart 3\n");
}

TEST_F(Pep3333, WriteCallableOverHttp10ClosesTheConnection)
{
    HttpConnection c(port());
    c.send("GET /spec/write?parts=2 HTTP/1.0\r\n\r\n");
    const auto r = c.read();
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.chunked);
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(r.body, "part 0\npart 1\npart 2\n");
}

TEST_F(Pep3333, FileWrapperServesTheWholeFile)
{
    const auto r = httpGet(port(), "/spec/file?block=1000");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(std::to_string(r.body.size()), r.header("X-File-Size"));
}

TEST_F(Pep3333, ExcInfoReplacesHeadersBeforeAnythingWasSent)
{
    const auto r = httpGet(port(), "/spec/exc-info");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "replaced after error\n");
}

TEST_F(Pep3333, ExcInfoAfterOutputCutsTheResponse)
{
    HttpConnection c(port());
    c.send("GET /spec/exc-info/late HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.incomplete);
    EXPECT_TRUE(c.peerClosed(std::chrono::seconds(5)));
    EXPECT_NE(s_engine->log().find("Exception occurred processing WSGI script"), std::string::npos);
}

TEST_F(Pep3333, CloseIsCalledOnTheIterable)
{
    const auto r = httpGet(port(), "/spec/close?token=" + token("closecheck") + "&parts=3");
    ASSERT_EQ(r.status, 200);
    const auto check = httpGet(port(), "/spec/closed?token=" + token("closecheck"));
    ASSERT_EQ(check.status, 200);
    EXPECT_NE(check.body.find("\"closed\": true"), std::string::npos) << check.body;
}

TEST_F(Pep3333, CloseIsCalledWhenTheClientGoesAway)
{
    {
        HttpConnection c(port());
        c.send("GET /spec/close?token=" + token("gone") +
               "&parts=50&delay_ms=20 HTTP/1.1\r\nHost: x\r\n\r\n");
        c.readUntil("part", std::chrono::seconds(5));
    } // disconnect mid-response
    std::string body;
    for (int i = 0; i < 100 && body.find("\"closed\": true") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        body = httpGet(port(), "/spec/closed?token=" + token("gone")).body;
    }
    EXPECT_NE(body.find("\"closed\": true"), std::string::npos) << body;
}

TEST_F(Pep3333, AppErrorBeforeStartResponseIs500AndTheEngineKeepsServing)
{
    const auto r = httpGet(port(), "/spec/raise-before-start");
    EXPECT_EQ(r.status, 500);
    EXPECT_NE(s_engine->log().find("RuntimeError"), std::string::npos);
    EXPECT_EQ(httpGet(port(), "/spec/head").status, 200);
}

TEST_F(Pep3333, ErrorAfterStartTruncatesAndStillCloses)
{
    HttpConnection c(port());
    c.send("GET /spec/raise-after-start?token=" + token("afterstart") + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.incomplete);
}

TEST_F(Pep3333, HeadHasHeadersButNoBody)
{
    HttpConnection c(port());
    c.send("HEAD /spec/head HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r = c.read(true);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Length"), "14");
    // The same connection carries the next request: no stray body bytes were sent.
    c.send("GET /spec/head HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto again = c.read();
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, "head check\r\n\r\n");
}

TEST_F(Pep3333, KeepAliveAndPipelining)
{
    HttpConnection c(port());
    c.send("GET /spec/head HTTP/1.1\r\nHost: x\r\n\r\nGET /spec/status?code=204 HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /spec/head HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(c.read().status, 200);
    const auto noContent = c.read();
    EXPECT_EQ(noContent.status, 204);
    EXPECT_TRUE(noContent.body.empty());
    const auto last = c.read();
    EXPECT_EQ(last.status, 200);
    EXPECT_TRUE(last.closed);
    EXPECT_TRUE(c.peerClosed(std::chrono::seconds(5)));
}

TEST_F(Pep3333, Http10KeepAliveOnRequest)
{
    HttpConnection c(port());
    c.send("GET /spec/head HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const auto r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Connection"), "keep-alive");
    c.send("GET /spec/head HTTP/1.0\r\n\r\n");
    const auto r2 = c.read();
    EXPECT_EQ(r2.status, 200);
    EXPECT_TRUE(c.peerClosed(std::chrono::seconds(5)));
}

TEST_F(Pep3333, UnknownUrlIs404FromTheEngine)
{
    const auto r = httpGet(port(), "/nothing-here");
    EXPECT_EQ(r.status, 404);
}

TEST_F(Pep3333, MalformedRequestsGetClearErrors)
{
    struct Case
    {
        std::string request;
        int status;
    };
    for (const Case& k : std::vector<Case>{
             {"GARBAGE\r\n\r\n", 400},
             {"GET /spec/head HTTP/1.1\r\n\r\n", 400}, // no Host
             {"GET /spec/head HTTP/2.0\r\nHost: x\r\n\r\n", 505},
             {"POST /spec/input/read HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
              "chunked\r\n\r\n",
              400},
             {"POST /spec/input/read HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
             {"POST /spec/input/read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
             {"GET /spec/head HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400},
             {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
         }) {
        HttpConnection c(port());
        c.send(k.request);
        const auto r = c.read();
        EXPECT_EQ(r.status, k.status) << k.request.substr(0, 80);
        EXPECT_TRUE(r.closed);
    }
    EXPECT_EQ(httpGet(port(), "/spec/head").status, 200);
}

} // namespace
