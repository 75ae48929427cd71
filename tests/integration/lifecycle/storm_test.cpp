// A process that dies at start-up again and again is throttled: each start waits twice as long as
// the last (bounded), `status` lists the group's throttled process, a `throttled` event and a
// "restart storm" log line say so, and the supervisor stays idle meanwhile.

#include "lifecyclesupport_b.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

using namespace wsgi::testing;
using wsgi::Json;
using namespace std::chrono_literals;

TEST(Storm, AWorkerThatExitsAtStartIsThrottledWithAGrowingBackoff)
{
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("wsgi-storm-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string script = (dir / "exits_at_import.py").string();
    std::ofstream(script) << "import os\nos._exit(7)\n";
    LifecycleEngine e(faultsConfig("processes=1 threads=1", script), "");
    ASSERT_TRUE(e.ok()) << e.engine().log();
    const double cpuBefore = processCpuSeconds(e.engine().pid());
    const Json s = e.waitStatus(
        [](const Json& st) {
            for (const Json& g : st["groups"].elements())
                if (!g["throttled"].empty())
                    return !LifecycleEngine::events(st, "throttled").empty();
            return false;
        },
        10s);
    const double cpuUsed = processCpuSeconds(e.engine().pid()) - cpuBefore;
    std::filesystem::remove_all(dir);

    const Json& throttled = s["groups"].at(0)["throttled"];
    ASSERT_EQ(throttled.size(), 1u) << e.engine().log();
    EXPECT_EQ(throttled.at(0)["process"].asInt(), 1);
    EXPECT_GE(throttled.at(0)["failures"].asInt(), 3);
    EXPECT_GE(throttled.at(0)["backoff_s"].asDouble(), 2.0);
    const auto events = LifecycleEngine::events(s, "throttled");
    ASSERT_FALSE(events.empty());
    EXPECT_GE(events.back()["backoff_s"].asDouble(), 2.0);
    EXPECT_EQ(events.back()["group"].asString(), "g");
    EXPECT_GE(LifecycleEngine::restarts(s, "crash-exit"), 3);

    // Each delay is twice the last: 0.5 s, 1 s, 2 s, ...
    const std::string log = e.engine().log();
    std::vector<double> delays;
    const std::regex restarting("restarting in ([0-9.]+) s");
    for (auto it = std::sregex_iterator(log.begin(), log.end(), restarting); it != std::sregex_iterator();
         ++it)
        delays.push_back(std::stod((*it)[1]));
    ASSERT_GE(delays.size(), 3u) << log;
    EXPECT_DOUBLE_EQ(delays[0], 0.5);
    for (size_t i = 1; i < delays.size(); ++i)
        EXPECT_DOUBLE_EQ(delays[i], std::min(30.0, delays[i - 1] * 2)) << log;
    EXPECT_NE(log.find("restart storm: group 'g' process 1 died 3 times in a row"), std::string::npos) << log;
    EXPECT_LT(cpuUsed, 0.5) << "the supervisor waits, it does not spin";
}
