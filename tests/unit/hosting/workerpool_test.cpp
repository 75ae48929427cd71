#include "hosting/workerpool.h"

#include <gtest/gtest.h>

#include <map>

using wsgi::hosting::pickProcess;

namespace {

TEST(WorkerPool, PicksTheProcessWithTheMostIdleThreads)
{
    EXPECT_EQ(pickProcess({1, 3, 2}, 0), 1u);
    EXPECT_EQ(pickProcess({1, 3, 2}, 2), 1u);
    EXPECT_EQ(pickProcess({0, 0, 1}, 0), 2u);
}

TEST(WorkerPool, NoIdleThreadMeansNoChoice)
{
    EXPECT_EQ(pickProcess({}, 0), SIZE_MAX);
    EXPECT_EQ(pickProcess({0, 0}, 1), SIZE_MAX);
}

TEST(WorkerPool, TiesGoRoundRobinSoLightLoadReachesEveryProcess)
{
    std::map<size_t, int> chosen;
    for (size_t start = 0; start < 6; ++start)
        ++chosen[pickProcess({2, 2, 2}, start % 3)];
    EXPECT_EQ(chosen.size(), 3u);
    for (const auto& [process, times] : chosen)
        EXPECT_EQ(times, 2) << process;
}

} // namespace
