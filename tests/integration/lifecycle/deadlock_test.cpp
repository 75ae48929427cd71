// deadlock-timeout (modwsgi.md section 5.7): when no thread can take the GIL for deadlock-timeout,
// the process logs every thread's request and stack (read without the GIL, faulthandler-style) and
// restarts. Under free-threading there is no GIL, which the log says once. Both dispatch modes.

#include "lifecyclesupport.h"
#include "lifecyclesupport_b.h"

#include <gtest/gtest.h>

using namespace wsgi::testing;
using wsgi::Json;
using namespace std::chrono_literals;

TEST(DeadlockTimeout, AGilHeldInCRestartsTheProcessWithItsStack)
{
    LifecycleEngine e(faultsConfig("processes=1 threads=2 deadlock-timeout=1", testAppPath("stuck.py")));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    ASSERT_GT(pid, 0);
    const auto start = std::chrono::steady_clock::now();
    const HttpResponse held = httpGet(e.port(), "/hold-gil?s=30");
    const double took = elapsedSince(start);
    EXPECT_NE(held.status, 200);
    EXPECT_GE(took, 0.95) << "not before deadlock-timeout";
    EXPECT_LT(took, 10.0);
    ASSERT_TRUE(waitForLog(e.engine(), "in holding_the_gil", 5s)) << e.engine().log();
    const std::string log = e.engine().log();
    EXPECT_NE(log.find("deadlock: no thread could take the GIL for "), std::string::npos) << log;
    EXPECT_NE(log.find("serving GET /hold-gil for "), std::string::npos) << log;
    const Json s = e.waitStatus(
        [](const Json& st) {
            return LifecycleEngine::restarts(st, "deadlock") == 1 && LifecycleEngine::pids(st).size() == 1;
        },
        10s);
    EXPECT_EQ(LifecycleEngine::restarts(s, "deadlock"), 1) << log;
    const int newPid = servingPid(e.port());
    EXPECT_GT(newPid, 0);
    EXPECT_NE(newPid, pid);
}

TEST(DeadlockTimeout, AHealthyBusyProcessIsLeftAlone)
{
    // Two threads sharing the GIL for 2.5 s hand it over every switch interval: no deadlock.
    LifecycleEngine e(faultsConfig("processes=1 threads=2 deadlock-timeout=1", testAppPath("stuck.py")));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const int pid = servingPid(e.port());
    HttpResponse a;
    std::thread other([&] { a = httpGet(e.port(), "/spin?s=2.5"); });
    const HttpResponse b = httpGet(e.port(), "/spin?s=2.5");
    other.join();
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(b.status, 200);
    EXPECT_EQ(servingPid(e.port()), pid);
    EXPECT_EQ(e.engine().log().find("deadlock:"), std::string::npos) << e.engine().log();
}

TEST(DeadlockTimeout, DoesNotApplyUnderFreeThreading)
{
    if (!hasRuntime("3.13t"))
        GTEST_SKIP() << "no free-threaded Python 3.13t runtime was built (installers/python-runtimes.sh)";
    LifecycleEngine e(
        "WSGIFreeThreading On\n" +
        faultsConfig("processes=1 threads=2 deadlock-timeout=1 python=3.13t", testAppPath("stuck.py")));
    ASSERT_TRUE(e.ok()) << e.engine().log();
    EXPECT_TRUE(waitForLog(e.engine(), "deadlock-timeout=1 does not apply: free-threading is on", 2s))
        << e.engine().log();
}
