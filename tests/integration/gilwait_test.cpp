// What the engine's telemetry reports about the GIL, measured on the real engine running the seeds'
// workload: the stories of the switch-interval and free-threading articles, and the full GIL-wait
// measure against theory.

#include "core/histogram.h"
#include "core/json.h"
#include "enginefixture.h"

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <thread>

using namespace wsgi::testing;
using wsgi::Histogram;
using wsgi::Json;

namespace {

struct Measured
{
    Histogram gilHandoff;
    Histogram gilFull;
    Histogram application;
    int64_t requests = 0;
    double maxProcessCpu = 0; // cores, the busiest process in any one sample
    bool gilNotApplicable = false;
};

Histogram histogramFrom(const Json& j)
{
    Histogram h;
    std::vector<std::pair<int, int64_t>> buckets;
    for (const Json& b : j["buckets"].elements())
        buckets.emplace_back(int(b.at(0).asInt()), b.at(1).asInt());
    h.assign(buckets, j["sum_us"].asInt(), j["min_us"].asInt(), j["max_us"].asInt());
    return h;
}

// Runs `clients` closed-loop clients against `target` for warm-up + `samples` telemetry intervals of
// 500 ms, and merges what the engine reported in the measured intervals.
Measured measure(const std::string& config, int clients, const std::string& target, int samples)
{
    Measured m;
    const std::string tokenFile =
        (std::filesystem::temp_directory_path() / ("wsgi-gil-test-" + std::to_string(getpid()) + ".token"))
            .string();
    std::filesystem::remove(tokenFile);
    EngineProcess engine(config, {"--control", "127.0.0.1:0", "--control-token-file", tokenFile});
    EXPECT_TRUE(engine.started()) << engine.log();
    EXPECT_TRUE(engine.waitReady(target)) << engine.log();
    std::string token = readFile(tokenFile);
    token.erase(token.find_last_not_of('\n') + 1);
    std::filesystem::remove(tokenFile);

    std::atomic<bool> stop{false};
    std::vector<std::thread> load;
    for (int i = 0; i < clients; ++i)
        load.emplace_back([&] {
            HttpConnection c(engine.port());
            while (!stop && c.connected()) {
                c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
                if (c.read().status != 200)
                    break;
            }
        });
    ControlClient control(engine.controlPort(), token);
    std::string error;
    EXPECT_TRUE(
        Json::parse(control.request("subscribe", "\"interval_ms\":500"), error)->operator[]("ok").asBool());
    for (int i = 0; i < samples + 2; ++i) {
        const auto event = Json::parse(control.readEvent(std::chrono::seconds(10)), error);
        if (!event || i < 2)
            continue; // the first intervals include the ramp-up
        for (const Json& p : (*event)["processes"].elements()) {
            m.requests += p["request_count"].asInt();
            m.maxProcessCpu = std::max(m.maxProcessCpu, p["cpu_utilization"].asDouble());
            if (p["gil_wait_time_histogram"].isNull() && p["request_count"].asInt() > 0)
                m.gilNotApplicable = true;
            m.gilHandoff.merge(histogramFrom(p["gil_wait_time_histogram"]));
            m.gilFull.merge(histogramFrom(p["gil_wait_time_full_histogram"]));
            m.application.merge(histogramFrom(p["application_time_histogram"]));
        }
    }
    stop = true;
    for (auto& t : load)
        t.join();
    return m;
}

std::string shape(int processes, int threads, const std::string& extra = "", const std::string& top = "")
{
    return top + "WSGIDaemonProcess g processes=" + std::to_string(processes) +
           " threads=" + std::to_string(threads) + " " + extra + "\nWSGIScriptAlias / " +
           appPath("workload.py") + " process-group=g application-group=%{GLOBAL}\n";
}

// Measurements on a shared machine: a run disturbed by other work is repeated (up to three runs);
// the last run's numbers are the ones asserted, and every run's outcome is printed.
template <typename Run> void withRetries(const char* what, Run run)
{
    for (int attempt = 1; attempt <= 3; ++attempt) {
        const bool passed = run(attempt == 3);
        std::cout << what << ": run " << attempt << (passed ? " passed" : " outside the bounds") << std::endl;
        if (passed)
            return;
    }
}

int64_t countBetween(const Histogram& h, int64_t fromUs, int64_t toUs)
{
    int64_t n = 0;
    for (const auto& [index, count] : h.sparse())
        if (Histogram::bucketLower(index) >= fromUs && Histogram::bucketLower(index) < toUs)
            n += count;
    return n;
}

// The fraction of their lives in a worker thread (from asking for the GIL to the application's end:
// thread CPU plus off-CPU time) that N concurrent CPU-bound requests in one process spent waiting for
// the GIL (full measure), or -1 when the run failed. Application time alone is not the base: it starts
// once the GIL is held, and a thread can wait long for its first turn while N-1 others run.
double measureFullGilWait(int n)
{
    const int rounds = 3;
    // Requests of a round start a few ms apart on a busy machine; rounds of at least 0.8 s keep
    // that skew (time a request runs alone) small against the time they share the GIL.
    const std::string target = "/?wait_ms=0&cpu_ms=" + std::to_string(std::max(100, 800 / n));
    const std::string tokenFile =
        (std::filesystem::temp_directory_path() / ("wsgi-gil-theory-" + std::to_string(getpid()) + ".token"))
            .string();
    std::filesystem::remove(tokenFile);
    EngineProcess engine(shape(1, n), {"--control", "127.0.0.1:0", "--control-token-file", tokenFile});
    if (!engine.started())
        return -1.0;
    if (!engine.waitReady("/?cpu_ms=0&wait_ms=0"))
        return -1.0;
    std::string token = readFile(tokenFile);
    token.erase(token.find_last_not_of('\n') + 1);
    std::filesystem::remove(tokenFile);
    // Subscribing after the readiness request keeps it out of the numbers.
    ControlClient control(engine.controlPort(), token);
    std::string error;
    const auto subscribed = Json::parse(control.request("subscribe", "\"interval_ms\":250"), error);
    if (!subscribed || !(*subscribed)["ok"].asBool())
        return -1.0;
    for (int r = 0; r < rounds; ++r) {
        std::vector<std::thread> round;
        for (int i = 0; i < n; ++i)
            round.emplace_back([&] { EXPECT_EQ(httpGet(engine.port(), target).status, 200); });
        for (auto& t : round)
            t.join();
    }
    Histogram full, threadCpu, offCpu;
    int64_t requests = 0;
    for (int i = 0; i < 40 && requests < n * rounds; ++i) {
        const auto event = Json::parse(control.readEvent(std::chrono::seconds(10)), error);
        if (!event)
            return -1.0;
        for (const Json& p : (*event)["processes"].elements()) {
            requests += p["request_count"].asInt();
            full.merge(histogramFrom(p["gil_wait_time_full_histogram"]));
            threadCpu.merge(histogramFrom(p["request_cpu_time_histogram"]));
            offCpu.merge(histogramFrom(p["request_off_cpu_time_histogram"]));
        }
    }
    if (requests != n * rounds)
        return -1.0;
    return double(full.sum()) / double(threadCpu.sum() + offCpu.sum());
}

// N threads of pure-Python CPU sharing one GIL wait (N-1)/N of their time. Requests are sent in
// rounds of N that start together, so every request shares the GIL with N-1 others for its whole
// life (a closed loop would leave gaps between requests in which fewer threads compete).
class FullGilWaitTheory : public ::testing::TestWithParam<int>
{
};

TEST_P(FullGilWaitTheory, MatchesNMinusOneOverN)
{
    const int n = GetParam();
    withRetries("GIL wait vs theory", [n](bool last) {
        const double waited = measureFullGilWait(n);
        const double theory = double(n - 1) / double(n);
        std::cout << "  N=" << n << ": waited " << waited << " of the time, theory " << theory << std::endl;
        const bool ok = std::abs(waited - theory) <= 0.1 * theory;
        if (last || ok) {
            EXPECT_NEAR(waited, theory, 0.1 * theory) << "N=" << n;
        }
        return ok;
    });
}

INSTANTIATE_TEST_SUITE_P(Threads, FullGilWaitTheory, ::testing::Values(2, 5, 10));

TEST(GilWait, TenProcessesOfOneThreadHardlyWait)
{
    withRetries("10x1 GIL wait", [](bool last) {
        const Measured m = measure(shape(10, 1), 10, "/", 4);
        std::cout << "  " << m.requests << " requests, GIL wait p95 " << m.gilHandoff.percentile(95)
                  << " us (hand-off), " << m.gilFull.percentile(95) << " us (full)" << std::endl;
        const bool ok =
            m.requests > 50 && m.gilHandoff.percentile(95) < 500.0 && m.gilFull.percentile(95) < 500.0;
        if (last || ok) {
            EXPECT_GT(m.requests, 50);
            EXPECT_LT(m.gilHandoff.percentile(95), 500.0) << "p95 us";
            EXPECT_LT(m.gilFull.percentile(95), 500.0) << "p95 us";
        }
        return ok;
    });
}

TEST(GilWait, SwitchIntervalShapesTheContention)
{
    // The switch-interval article: 2x5 at the default 5 ms waits several ms with a bump at the
    // interval; 0.1 ms moves the waits toward the head.
    withRetries("switch-interval shape", [](bool last) {
        const Measured slow = measure(shape(2, 5), 10, "/", 6);
        const Measured fast = measure(shape(2, 5, "switch-interval=0.0001"), 10, "/", 6);
        const double slowP95 = slow.gilHandoff.percentile(95);
        const double fastP95 = fast.gilHandoff.percentile(95);
        const int64_t bump = countBetween(slow.gilHandoff, 4300, 5300);
        const int64_t valley = countBetween(slow.gilHandoff, 3000, 4000);
        const double headSlow = double(countBetween(slow.gilHandoff, 0, 1000)) /
                                double(std::max<int64_t>(1, slow.gilHandoff.count()));
        const double headFast = double(countBetween(fast.gilHandoff, 0, 1000)) /
                                double(std::max<int64_t>(1, fast.gilHandoff.count()));
        std::cout << "  p95 at 5 ms " << slowP95 / 1000 << " ms, at 0.1 ms " << fastP95 / 1000
                  << " ms; waits in "
                  << "[4.3, 5.3) ms " << bump << ", in [3, 4) ms " << valley << "; under 1 ms " << headSlow
                  << " vs " << headFast << std::endl;
        const bool ok = slow.requests > 100 && fast.requests > 100 && slowP95 > 3000.0 && bump > 2 * valley &&
                        fastP95 < slowP95 / 2 && headFast > headSlow;
        if (last || ok) {
            EXPECT_GT(slow.requests, 100);
            EXPECT_GT(fast.requests, 100);
            EXPECT_GT(slowP95, 3000.0) << "2x5 at 5 ms: p95 of several ms";
            EXPECT_GT(bump, 2 * valley) << "a bump at one switch interval";
            EXPECT_LT(fastP95, slowP95 / 2);
            EXPECT_GT(headFast, headSlow);
        }
        return ok;
    });
}

TEST(GilWait, FreeThreadedProcessUsesMoreThanOneCoreAndHasNoGilWait)
{
    if (!hasRuntime("3.13t"))
        GTEST_SKIP() << "no free-threaded Python 3.13t runtime was built (installers/python-runtimes.sh)";
    withRetries("free-threaded CPU", [](bool last) {
        const Measured m =
            measure(shape(1, 10, "python=3.13t", "WSGIFreeThreading On\n"), 10, "/?cpu_ms=20&wait_ms=0", 4);
        std::cout << "  busiest sample: " << m.maxProcessCpu << " cores, " << m.requests << " requests"
                  << std::endl;
        const bool ok = m.requests > 20 && m.maxProcessCpu > 1.5 && m.gilNotApplicable;
        if (last || ok) {
            EXPECT_GT(m.requests, 20);
            EXPECT_GT(m.maxProcessCpu, 1.5) << "cores used by the single free-threaded process";
            EXPECT_TRUE(m.gilNotApplicable);
        }
        return ok;
    });
}

} // namespace
