// The pure parts of the worker's fail-safes: mod_wsgi 6.0's request-timeout threshold, the stack
// formats (log text, Wire 2 JSON, faulthandler's dump read back) and the Retiring payload.

#include "hosting/worker/lifecyclemonitor.h"
#include "hosting/worker/threadstacks.h"
#include "hosting/workerspec.h"

#include <gtest/gtest.h>

using namespace wsgi::worker;

TEST(RequestTimeoutThreshold, ScalesWithOnePlusTheLogOfThreads)
{
    // modwsgi.md section 5.2: x1 at 1 thread, x2.61 at 5, x3.30 at 10, x3.71 at 15, x4.22 at 25.
    EXPECT_DOUBLE_EQ(requestTimeoutThresholdSeconds(60, 1), 60.0);
    EXPECT_NEAR(requestTimeoutThresholdSeconds(1, 5), 2.61, 0.01);
    EXPECT_NEAR(requestTimeoutThresholdSeconds(1, 10), 3.30, 0.01);
    EXPECT_NEAR(requestTimeoutThresholdSeconds(1, 15), 3.71, 0.01);
    EXPECT_NEAR(requestTimeoutThresholdSeconds(10, 25), 42.19, 0.01);
    EXPECT_DOUBLE_EQ(requestTimeoutThresholdSeconds(0, 15), 0.0);
}

TEST(ThreadStacks, TextNamesTheRequestAndTheFramesOutermostFirst)
{
    ThreadStack t;
    t.threadId = 42;
    t.name = "request thread 1";
    t.interpreter = "main interpreter";
    t.request = ThreadRequest{"GET", "/hang", 2.25};
    t.frames = {{"/app/x.py", 10, "application"}, {"/app/x.py", 3, "stuck_in_here"}};
    ThreadStack idle;
    idle.threadId = 43;
    idle.name = "request thread 2";
    idle.interpreter = "blog";
    idle.unreadable = "no GIL";
    const std::string text = formatStacks({t, idle});
    EXPECT_NE(text.find("Thread 42 (request thread 1, main interpreter) serving GET /hang for 2.2 s:"),
              std::string::npos)
        << text;
    const size_t outer = text.find("in application");
    const size_t inner = text.find("in stuck_in_here");
    ASSERT_NE(inner, std::string::npos) << text;
    EXPECT_LT(outer, inner);
    EXPECT_NE(
        text.find("Thread 43 (request thread 2, blog) serving no request:\n  frames not readable: no GIL"),
        std::string::npos)
        << text;
}

TEST(ThreadStacks, JsonIsWireTwo)
{
    ThreadStack t;
    t.threadId = 7;
    t.name = "request thread 1";
    t.interpreter = "main interpreter";
    t.request = ThreadRequest{"POST", "/x", 1.5};
    t.frames = {{"/a.py", 3, "f"}};
    ThreadStack other;
    other.threadId = 8;
    other.name = "bg";
    other.interpreter = "main interpreter";
    other.unreadable = "why";
    const wsgi::Json j = stacksJson({t, other});
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j.at(0)["thread_id"].asInt(), 7);
    EXPECT_EQ(j.at(0)["request"]["method"].asString(), "POST");
    EXPECT_EQ(j.at(0)["request"]["path"].asString(), "/x");
    EXPECT_DOUBLE_EQ(j.at(0)["request"]["running_s"].asDouble(), 1.5);
    EXPECT_EQ(j.at(0)["frames"].at(0)["function"].asString(), "f");
    EXPECT_EQ(j.at(0)["frames"].at(0)["line"].asInt(), 3);
    EXPECT_FALSE(j.at(0).contains("unreadable"));
    EXPECT_TRUE(j.at(1)["request"].isNull());
    EXPECT_EQ(j.at(1)["unreadable"].asString(), "why");
}

TEST(ThreadStacks, FaulthandlerDumpIsReadBackOutermostFirst)
{
    const std::string dump = "Thread 0x00007f0000000010 (most recent call first):\n"
                             "  File \"/app/stuck.py\", line 34 in holding_the_gil\n"
                             "  File \"/app/stuck.py\", line 44 in __iter__\n"
                             "\n"
                             "Current thread 0x00000000000000ff (most recent call first):\n"
                             "  <no Python frame>\n";
    const auto threads = parseFaulthandlerDump(dump);
    ASSERT_EQ(threads.size(), 2u);
    EXPECT_EQ(threads[0].threadId, 0x7f0000000010ull);
    ASSERT_EQ(threads[0].frames.size(), 2u);
    EXPECT_EQ(threads[0].frames[0].function, "__iter__");
    EXPECT_EQ(threads[0].frames[1].function, "holding_the_gil");
    EXPECT_EQ(threads[0].frames[1].line, 34);
    EXPECT_EQ(threads[0].frames[1].file, "/app/stuck.py");
    EXPECT_EQ(threads[1].threadId, 0xffull);
    EXPECT_TRUE(threads[1].frames.empty());
}

TEST(RetiringPayload, KeepsTheDetailOnOneLineAndTheLogWhole)
{
    const std::string p = retiringPayload("request-timeout", "GET /x\nran 2 s", 1, "line 1\nline 2\n");
    EXPECT_EQ(p, "reason=request-timeout\ndetail=GET /x ran 2 s\nrequests=1\nlog=line 1\nline 2\n");
}

TEST(WorkerSpecFailSafes, RoundTrip)
{
    wsgi::hosting::WorkerSpec spec;
    spec.requestTimeoutSeconds = 7;
    spec.interruptTimeoutSeconds = 2;
    spec.deadlockTimeoutSeconds = 0;
    std::string error;
    const auto back = wsgi::hosting::WorkerSpec::decode(spec.encode(), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->requestTimeoutSeconds, 7);
    EXPECT_EQ(back->interruptTimeoutSeconds, 2);
    EXPECT_EQ(back->deadlockTimeoutSeconds, 0);
    EXPECT_EQ(wsgi::hosting::WorkerSpec{}.deadlockTimeoutSeconds, 300) << "mod_wsgi 6.0's default";
}
