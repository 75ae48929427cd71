// request-timeout and interrupt-timeout with mod_wsgi 6.0's semantics (modwsgi.md section 5): a
// request running past request-timeout x (1 + ln threads) restarts its process after the log shows
// the reason and every thread's request and stack; with interrupt-timeout its thread first gets
// RequestTimeout (504), and the process restarts only if that does not end it. Both dispatch modes.

#include "lifecyclesupport.h"
#include "lifecyclesupport_b.h"

#include <gtest/gtest.h>

#include <thread>

using namespace wsgi::testing;
using wsgi::Json;
using namespace std::chrono_literals;

namespace {

std::string stuckConfig(const std::string& groupOptions, const std::string& top = "")
{
    return top + faultsConfig(groupOptions, testAppPath("stuck.py"));
}

// The stuck request's client: proxy mode answers 500 as Apache does when the daemon process goes
// away mid-request; in direct mode the connection the process held just closes.
void expectLostRequest(const HttpResponse& r)
{
    EXPECT_NE(r.status, 200);
    if (!directDispatch()) {
        EXPECT_EQ(r.status, 500) << r.body;
    }
}

void expectRestartedForRequestTimeout(LifecycleEngine& e, int oldPid)
{
    const Json s = e.waitStatus(
        [](const Json& st) {
            // The count goes up when the process announces its exit, the event once it is gone.
            return LifecycleEngine::restarts(st, "request-timeout") == 1 &&
                   LifecycleEngine::pids(st).size() == 1 &&
                   !LifecycleEngine::events(st, "restart", "request-timeout").empty();
        },
        10s);
    EXPECT_EQ(LifecycleEngine::restarts(s, "request-timeout"), 1) << e.engine().log();
    const auto events = LifecycleEngine::events(s, "restart", "request-timeout");
    ASSERT_EQ(events.size(), 1u) << e.engine().log();
    EXPECT_EQ(events[0]["pid"].asInt(), oldPid);
    EXPECT_NE(events[0]["log"].asString().find("stuck_in_here"), std::string::npos)
        << events[0]["log"].asString();
    const int newPid = servingPid(e.port());
    EXPECT_GT(newPid, 0) << "the replacement serves";
    EXPECT_NE(newPid, oldPid);
}

} // namespace

TEST(RequestTimeout, AStuckRequestRestartsItsProcessWithItsStackLogged)
{
    LifecycleEngine e(stuckConfig("processes=1 threads=1 request-timeout=1 graceful-timeout=1"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    const auto start = std::chrono::steady_clock::now();
    const HttpResponse stuck = httpGet(e.port(), "/hang?s=30");
    const double took = elapsedSince(start);
    expectLostRequest(stuck);
    EXPECT_GE(took, 0.95) << "not before request-timeout";
    EXPECT_LT(took, 8.0);
    ASSERT_TRUE(waitForLog(e.engine(), "in stuck_in_here", 5s)) << e.engine().log();
    const std::string log = e.engine().log();
    EXPECT_NE(log.find("request-timeout: GET /hang has run"), std::string::npos) << log;
    EXPECT_NE(log.find("request-timeout=1 s x (1 + ln 1 threads) = 1.0 s"), std::string::npos) << log;
    EXPECT_NE(log.find("(request thread 1, main interpreter) serving GET /hang for 1."), std::string::npos)
        << log;
    // Outermost first, as tracebacks print: the app's iterator, then the function it called.
    EXPECT_LT(log.find("in __iter__"), log.find("in stuck_in_here")) << log;
    expectRestartedForRequestTimeout(e, pid);
}

TEST(RequestTimeout, TheLimitScalesWithOnePlusTheLogOfThreads)
{
    // 4 threads: 1 s x (1 + ln 4) = 2.39 s; a 1.5 s request is not stuck.
    LifecycleEngine e(stuckConfig("processes=1 threads=4 request-timeout=1 graceful-timeout=1"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    HttpResponse bystander;
    std::thread other([&] { bystander = httpGet(e.port(), "/sleep?s=1.5"); });
    const auto start = std::chrono::steady_clock::now();
    const HttpResponse stuck = httpGet(e.port(), "/hang?s=30");
    const double took = elapsedSince(start);
    other.join();
    EXPECT_EQ(bystander.status, 200) << bystander.body;
    expectLostRequest(stuck);
    EXPECT_GE(took, 2.3) << "the threshold is request-timeout x (1 + ln threads)";
    EXPECT_LT(took, 10.0);
    ASSERT_TRUE(waitForLog(e.engine(), "in stuck_in_here", 5s)) << e.engine().log();
    EXPECT_NE(e.engine().log().find("request-timeout=1 s x (1 + ln 4 threads) = 2.4 s"), std::string::npos)
        << e.engine().log();
    expectRestartedForRequestTimeout(e, pid);
}

TEST(RequestTimeout, FreeThreadedStacksNameTheStuckFunction)
{
    if (!hasRuntime("3.13t"))
        GTEST_SKIP() << "no free-threaded Python 3.13t runtime was built (installers/python-runtimes.sh)";
    LifecycleEngine e(stuckConfig("processes=1 threads=2 request-timeout=1 graceful-timeout=1 python=3.13t",
                                  "WSGIFreeThreading On\n"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    ASSERT_NE(e.engine().log().find("GIL disabled"), std::string::npos) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    expectLostRequest(httpGet(e.port(), "/hang?s=30"));
    ASSERT_TRUE(waitForLog(e.engine(), "in stuck_in_here", 5s)) << e.engine().log();
    const std::string log = e.engine().log();
    EXPECT_NE(log.find("serving GET /hang for "), std::string::npos) << log;
    EXPECT_NE(log.find("deadlock-timeout=300 does not apply: free-threading is on"), std::string::npos)
        << log;
    expectRestartedForRequestTimeout(e, pid);
}

TEST(InterruptTimeout, TheStuckThreadGets504AndTheOthersFinishInTheSameProcess)
{
    // 1 s x (1 + ln 4) = 2.39 s; the spinning request runs Python code, so RequestTimeout reaches it.
    LifecycleEngine e(stuckConfig("processes=1 threads=4 request-timeout=1 interrupt-timeout=2"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    HttpResponse a, b;
    std::thread ta([&] { a = httpGet(e.port(), "/sleep?s=1.5"); });
    std::thread tb([&] { b = httpGet(e.port(), "/sleep?s=1.5"); });
    const auto start = std::chrono::steady_clock::now();
    const HttpResponse spun = httpGet(e.port(), "/spin?s=30");
    const double took = elapsedSince(start);
    ta.join();
    tb.join();
    EXPECT_EQ(spun.status, 504) << spun.body << e.engine().log();
    EXPECT_GE(took, 2.3);
    EXPECT_LT(took, 10.0);
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(b.status, 200);
    EXPECT_EQ(httpGet(e.port(), "/closed").body, "1") << "the response's close() ran";
    EXPECT_EQ(servingPid(e.port()), pid) << "no restart when the interrupt works";
    const std::string log = e.engine().log();
    EXPECT_NE(log.find("RequestTimeout raised in its thread, which has 2 s (interrupt-timeout) to unwind"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("in spinning_here"), std::string::npos) << log;
    EXPECT_EQ(LifecycleEngine::restarts(e.status(), "request-timeout"), 0);
}

TEST(InterruptTimeout, AThreadThatCannotBeInterruptedRestartsTheProcess)
{
    // time.sleep is C code that does not look at pending asynchronous exceptions.
    LifecycleEngine e(
        stuckConfig("processes=1 threads=1 request-timeout=1 interrupt-timeout=1 graceful-timeout=1"));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    const auto start = std::chrono::steady_clock::now();
    const HttpResponse stuck = httpGet(e.port(), "/hang?s=30");
    const double took = elapsedSince(start);
    expectLostRequest(stuck);
    EXPECT_GE(took, 1.9) << "request-timeout, then interrupt-timeout";
    EXPECT_LT(took, 10.0);
    ASSERT_TRUE(waitForLog(e.engine(), "after RequestTimeout was raised in it; the process restarts", 5s))
        << e.engine().log();
    expectRestartedForRequestTimeout(e, pid);
}
