// A process's CPU time is read to the nanosecond from its CPU-time clock, so a short first
// telemetry interval is a measurement and not ticks' rounding; the user/system split still comes
// from the ticks.
#include "hosting/telemetry.h"

#include <gtest/gtest.h>

#include <chrono>

#include <sys/wait.h>
#include <unistd.h>

using wsgi::hosting::cpuSecondsBetween;
using wsgi::hosting::ProcessCpu;
using wsgi::hosting::readProcessCpu;

namespace {

// Burns `ms` of this thread's CPU time (not wall time: a descheduled test still burns as much).
void burnCpu(std::chrono::milliseconds ms)
{
    timespec start{}, now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    volatile double sink = 0;
    do {
        for (int i = 0; i < 10000; ++i)
            sink = sink + i * 0.5;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000000000LL + (now.tv_nsec - start.tv_nsec) <
             std::chrono::nanoseconds(ms).count());
}

} // namespace

TEST(ProcessCpu, ReadsThePreciseCpuTimeOfAProcess)
{
    const ProcessCpu before = readProcessCpu(getpid());
    ASSERT_TRUE(before.ok);
    ASSERT_GE(before.cpuNs, 0);
    burnCpu(std::chrono::milliseconds(25));
    const ProcessCpu after = readProcessCpu(getpid());
    const double burnt = double(after.cpuNs - before.cpuNs) / 1e9;
    // At least what this thread burnt; a little more for the reads themselves and other threads.
    EXPECT_GE(burnt, 0.025);
    EXPECT_LT(burnt, 0.035);
    const auto [user, system] = cpuSecondsBetween(before, after);
    EXPECT_NEAR(user + system, burnt, 1e-9);
    EXPECT_GE(user, 0);
    EXPECT_GE(system, 0);
}

TEST(ProcessCpu, FallsBackToTicksWithoutAPreciseReading)
{
    ProcessCpu from, to;
    from.ok = to.ok = true;
    to.userTicks = sysconf(_SC_CLK_TCK) * 2; // two seconds of user time
    to.systemTicks = sysconf(_SC_CLK_TCK);
    to.cpuNs = 5'000'000'000;
    const auto [user, system] = cpuSecondsBetween(from, to); // `from` has no precise reading
    EXPECT_DOUBLE_EQ(user, 2);
    EXPECT_DOUBLE_EQ(system, 1);
    from.cpuNs = 2'000'000'000; // 3 s precisely, split 2:1 as the ticks say
    const auto [preciseUser, preciseSystem] = cpuSecondsBetween(from, to);
    EXPECT_DOUBLE_EQ(preciseUser, 2);
    EXPECT_DOUBLE_EQ(preciseSystem, 1);
}

TEST(ProcessCpu, AProcessThatIsGoneHasNoReading)
{
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0)
        _exit(0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_FALSE(readProcessCpu(child).ok);
}
