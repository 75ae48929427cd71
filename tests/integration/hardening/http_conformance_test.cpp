// HTTP/1.1 conformance of the real engine (RFC 9112; Apache 2.4's choices where the RFC leaves one to
// the server), in both dispatch modes: what reaches the application, and what is refused before it.

#include "enginefixture.h"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

using namespace wsgi::testing;

namespace {

// Echoes what the server passed, as JSON; /boom raises before start_response (the engine answers 500).
const char* kEchoApp = R"PY(import json

KEYS = ["SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_URI", "SERVER_NAME", "HTTP_HOST",
        "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_PROTOCOL", "REQUEST_METHOD"]


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/boom":
        raise RuntimeError("raised on purpose")
    body, error = b"", ""
    if environ.get("REQUEST_METHOD") == "POST":
        try:
            body = environ["wsgi.input"].read()
        except Exception as e:
            error = type(e).__name__
    out = {k: environ.get(k) for k in KEYS}
    out["body"] = body.decode("latin-1")
    out["read_error"] = error
    data = json.dumps(out, sort_keys=True).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
)PY";

constexpr auto kPrompt = std::chrono::seconds(5); // far below every request timeout of the engine

std::filesystem::path writeEchoApp()
{
    static const std::filesystem::path path = [] {
        const auto dir =
            std::filesystem::temp_directory_path() / ("wsgi-http-conformance-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "echo.py") << kEchoApp;
        return dir / "echo.py";
    }();
    return path;
}

std::string mountLine(const std::string& prefix)
{
    return "WSGIScriptAlias " + prefix + " " + writeEchoApp().string() +
           " process-group=h application-group=%{GLOBAL}\n";
}

class HttpConformance : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_engine = new EngineProcess("WSGIDaemonProcess h processes=1 threads=2\n" + mountLine("/sub") +
                                     mountLine("/"));
        ASSERT_TRUE(s_engine->started()) << s_engine->log();
        ASSERT_TRUE(s_engine->waitReady("/env")) << s_engine->log();
    }
    static void TearDownTestSuite()
    {
        delete s_engine;
        s_engine = nullptr;
        std::filesystem::remove_all(writeEchoApp().parent_path());
    }
    void TearDown() override
    {
        if (HasFailure())
            std::cerr << "engine log:\n" << s_engine->log() << "\n";
    }
    // Sends `raw` on a new connection and reads one response, promptly.
    static HttpResponse exchange(const std::string& raw, bool head = false)
    {
        HttpConnection c(s_engine->port());
        c.send(raw);
        return c.read(head, kPrompt);
    }
    static HttpResponse get(const std::string& target, const std::string& headers = "Host: h\r\n")
    {
        return exchange("GET " + target + " HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n");
    }
    static bool has(const HttpResponse& r, const std::string& key, const std::string& value)
    {
        return r.body.find("\"" + key + "\": \"" + value + "\"") != std::string::npos;
    }
    static EngineProcess* s_engine;
};
EngineProcess* HttpConformance::s_engine = nullptr;

TEST_F(HttpConformance, AFragmentInTheTargetIsRefused)
{
    EXPECT_EQ(get("/env#frag").status, 400);
    EXPECT_EQ(get("/env?q=1#frag").status, 400);
}

TEST_F(HttpConformance, TwoHostFieldsAreRefused)
{
    EXPECT_EQ(get("/env", "Host: a.example\r\nHost: b.example\r\n").status, 400);
    EXPECT_EQ(get("/env", "Host: a b\r\n").status, 400);
    const HttpResponse one = get("/env", "Host: a.example:81\r\n");
    ASSERT_EQ(one.status, 200);
    EXPECT_TRUE(has(one, "SERVER_NAME", "a.example")) << one.body;
}

TEST_F(HttpConformance, ContentLengthIsDigitsOnly)
{
    for (const std::string bad : {"-0", "+1", " 1 1", "0x1", "1,1"})
        EXPECT_EQ(exchange("POST /env HTTP/1.1\r\nHost: h\r\nContent-Length: " + bad + "\r\n\r\n").status,
                  400)
            << bad;
    const HttpResponse ok = exchange("POST /env HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab");
    ASSERT_EQ(ok.status, 200);
    EXPECT_TRUE(has(ok, "body", "ab")) << ok.body;
}

TEST_F(HttpConformance, ARepeatedContentTypeIsRefusedNotDropped)
{
    const HttpResponse r = exchange("POST /env HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
                                    "Content-Type: application/json\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(HttpConformance, MalformedTargetsAreRefused)
{
    EXPECT_EQ(exchange("PUT s://]ufd/: HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").status, 400);
    EXPECT_EQ(get("*").status, 400);
    EXPECT_EQ(get("ftp://h/env").status, 400);
    EXPECT_EQ(get("http://user@h/env").status, 400);
    EXPECT_EQ(get("/a%zz").status, 400);
    // OPTIONS * is a valid request.
    EXPECT_NE(exchange("OPTIONS * HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").status, 400);
}

TEST_F(HttpConformance, ErrorsTheEngineMakesForHeadHaveNoBody)
{
    // An application failure: the engine's 500 keeps the connection; a body would be read as the
    // start of the next response.
    HttpConnection c(s_engine->port());
    c.send("HEAD /boom HTTP/1.1\r\nHost: h\r\n\r\nGET /env HTTP/1.1\r\nHost: h\r\n\r\n");
    const HttpResponse failed = c.read(true, kPrompt);
    EXPECT_EQ(failed.status, 500);
    EXPECT_NE(failed.header("Content-Length"), "");
    const HttpResponse next = c.read(false, kPrompt);
    EXPECT_EQ(next.status, 200) << next.version << " " << next.reason;
    EXPECT_TRUE(has(next, "PATH_INFO", "/env")) << next.body;

    // A refused request: the head, then the close, and nothing between.
    HttpConnection bad(s_engine->port());
    bad.send("HEAD /x#frag HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(bad.read(true, kPrompt).status, 400);
    EXPECT_EQ(bad.readUntil("\n", std::chrono::milliseconds(500)), "");
}

TEST_F(HttpConformance, HeadToAnUnmountedUrlHasNoBody)
{
    EngineProcess engine("WSGIDaemonProcess h processes=1 threads=1\n" + mountLine("/only"));
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady("/only/env")) << engine.log();
    HttpConnection c(engine.port());
    c.send("HEAD /elsewhere HTTP/1.1\r\nHost: h\r\n\r\nGET /only/env HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_EQ(c.read(true, kPrompt).status, 404);
    const HttpResponse next = c.read(false, kPrompt);
    EXPECT_EQ(next.status, 200) << next.version << " " << next.reason;
    EXPECT_TRUE(has(next, "SCRIPT_NAME", "/only")) << next.body;
}

TEST_F(HttpConformance, JunkAfterAChunkSizeIsNotABody)
{
    const HttpResponse junk = exchange("POST /env HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                                       "Connection: close\r\n\r\n2 erfrferferf\r\nab\r\n0\r\n\r\n");
    // Refused before the application, or the application's read fails: never "ab" read as a body.
    EXPECT_FALSE(junk.status == 200 && has(junk, "body", "ab")) << junk.body;
    const HttpResponse ext = exchange("POST /env HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                                      "Connection: close\r\n\r\n2 ;name=value\r\nab\r\n0\r\n\r\n");
    ASSERT_EQ(ext.status, 200);
    EXPECT_TRUE(has(ext, "body", "ab")) << ext.body;
}

TEST_F(HttpConformance, LineFeedOnlyHeadsAreServedPromptly)
{
    const HttpResponse r = exchange("GET /env?lf=1 HTTP/1.1\nHost: h\nConnection: close\n\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(has(r, "QUERY_STRING", "lf=1")) << r.body;
}

TEST_F(HttpConformance, Http09IsRefusedPromptly)
{
    const HttpResponse r = exchange("GET /\r\n");
    EXPECT_EQ(r.status, 400);
}

TEST_F(HttpConformance, Http12IsServedAsHttp11)
{
    const HttpResponse r = exchange("GET /env HTTP/1.2\r\nHost: h\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.version, "HTTP/1.1");
    EXPECT_EQ(exchange("GET /env HTTP/2.0\r\nHost: h\r\n\r\n").status, 505);
}

TEST_F(HttpConformance, AbsoluteFormTakesTheHostFromTheTarget)
{
    const HttpResponse r = get("http://target.example:8123/env?x=1", "Host: header.example\r\n");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(has(r, "SERVER_NAME", "target.example")) << r.body;
    EXPECT_TRUE(has(r, "HTTP_HOST", "target.example:8123")) << r.body;
    EXPECT_TRUE(has(r, "PATH_INFO", "/env")) << r.body;
    EXPECT_TRUE(has(r, "QUERY_STRING", "x=1")) << r.body;
    EXPECT_TRUE(has(r, "REQUEST_URI", "http://target.example:8123/env?x=1")) << r.body;
}

TEST_F(HttpConformance, PathsAreNormalisedThenRouted)
{
    EXPECT_EQ(get("/../../etc/passwd").status, 400);
    EXPECT_EQ(get("/sub/../../etc/passwd").status, 400);
    EXPECT_EQ(get("/%2e%2e/etc/passwd").status, 400);

    HttpResponse r = get("/sub/../env");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(has(r, "SCRIPT_NAME", "")) << r.body;
    EXPECT_TRUE(has(r, "PATH_INFO", "/env")) << r.body;
    EXPECT_TRUE(has(r, "REQUEST_URI", "/sub/../env")) << r.body; // as sent, as mod_wsgi passes it

    r = get("/%73ub/x");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(has(r, "SCRIPT_NAME", "/sub")) << r.body;
    EXPECT_TRUE(has(r, "PATH_INFO", "/x")) << r.body;

    r = get("/sub/./a/../b%20c");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(has(r, "SCRIPT_NAME", "/sub")) << r.body;
    EXPECT_TRUE(has(r, "PATH_INFO", "/b c")) << r.body;

    // AllowEncodedSlashes Off, Apache's default.
    EXPECT_EQ(get("/sub%2Fx").status, 404);
    EXPECT_EQ(get("/a%2fb").status, 404);
}

} // namespace
