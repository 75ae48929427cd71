// The MPM maintenance simulator and httpd's start-up corrections (peers.md D.2), with the three cases
// of seeds/apache-worker-mpm-tuning.txt as the issue states them.

#include "apache-config/mpmsim.h"

#include <gtest/gtest.h>

#include <vector>

using namespace wsgi::mpm;

namespace {

std::vector<int> processes(const Simulation& sim)
{
    std::vector<int> out;
    for (const SecondSample& s : sim.samples)
        out.push_back(s.processes);
    return out;
}

LoadProfile profile(const char* text)
{
    std::string error;
    std::optional<LoadProfile> p = parseLoadProfile(text, error);
    EXPECT_TRUE(p) << error;
    return p.value_or(LoadProfile{});
}

// The seed's worker configuration: StartServers 10, MaxClients 400, MinSpare 25, MaxSpare 75, 25 threads.
Settings seedCase1()
{
    Settings s;
    s.startServers = 10;
    s.maxRequestWorkers = 400;
    s.minSpareThreads = 25;
    s.maxSpareThreads = 75;
    s.threadsPerChild = 25;
    return s;
}

} // namespace

TEST(MpmSim, SeedCase1TenStartServersFallToThreeOneASecondWithNoLoad)
{
    for (MpmKind kind : {MpmKind::Worker, MpmKind::Event}) {
        const Simulation sim = simulate(kind, seedCase1(), profile("0:0"), 12);
        EXPECT_TRUE(sim.effective.corrections.empty());
        const std::vector<int> expected = {10, 9, 8, 7, 6, 5, 4, 3, 3, 3, 3, 3, 3};
        EXPECT_EQ(processes(sim), expected);
        for (int t = 1; t <= 7; ++t) {
            EXPECT_EQ(sim.samples[t].killed, 1) << "second " << t;
            EXPECT_EQ(sim.samples[t].stopping, 1);
        }
        EXPECT_EQ(sim.samples[8].killed, 0);
        // 3 processes = 75 idle threads: not above MaxSpareThreads 75, so Apache stops there.
        EXPECT_EQ(sim.samples[8].idle, 75);
        EXPECT_NE(sim.samples[1].event.find("250 idle threads > MaxSpareThreads 75"), std::string::npos)
            << sim.samples[1].event;
    }
}

TEST(MpmSim, SeedCase2StartsAtTwoGrowsWithLoadAndNeverFallsBelowThreeOnceGrown)
{
    Settings s; // the ASF httpd-mpm.conf values for worker
    s.startServers = 2;
    s.maxRequestWorkers = 150;
    s.minSpareThreads = 25;
    s.maxSpareThreads = 75;
    s.threadsPerChild = 25;
    // Idle for 10 s, then 100 concurrent requests for 20 s, then idle again.
    const Simulation sim = simulate(MpmKind::Worker, s, profile("0:0,9:0,10:100,30:100,31:0"), 60);
    for (int t = 0; t <= 9; ++t)
        EXPECT_EQ(sim.samples[t].processes, 2) << "no load keeps StartServers, second " << t;
    int peak = 0;
    for (const SecondSample& sample : sim.samples)
        peak = std::max(peak, sample.processes);
    EXPECT_GE(peak, 5); // 100 busy + at least 25 idle needs 5 processes of 25
    EXPECT_LE(peak, 6); // MaxClients 150 / 25
    // Once grown, idle load shrinks it one a second back to 3 processes (75 idle = MaxSpareThreads), no
    // lower.
    for (int t = 12; t <= 60; ++t)
        EXPECT_GE(sim.samples[t].processes, 3) << "second " << t;
    EXPECT_EQ(sim.samples.back().processes, 3);
    EXPECT_EQ(sim.samples.back().idle, 75);
    // Growth follows the spawn rate: 1 then 2 then 4 ... while the shortage lasts.
    EXPECT_EQ(sim.samples[10].spawned, 1);
    EXPECT_EQ(sim.samples[11].spawned, 2);
}

TEST(MpmSim, SeedCase3FifteenStartServersWithMaxSpare375StayAtFifteen)
{
    Settings s = seedCase1();
    s.startServers = 15;
    s.maxSpareThreads = 375;
    const Simulation sim = simulate(MpmKind::Worker, s, profile("0:0"), 30);
    for (const SecondSample& sample : sim.samples) {
        EXPECT_EQ(sample.processes, 15) << "second " << sample.second;
        EXPECT_EQ(sample.killed, 0);
        EXPECT_EQ(sample.spawned, 0);
    }
    EXPECT_EQ(sim.samples.back().idle, 375);
}

TEST(MpmSim, SpawnRateDoublesToThirtyTwoAndStopsAtMaxRequestWorkers)
{
    Settings s;
    s.startServers = 1;
    s.serverLimit = 200;
    s.threadsPerChild = 2;
    s.maxRequestWorkers = 400; // 200 processes
    s.minSpareThreads = 10;
    s.maxSpareThreads = 50;
    const Simulation sim = simulate(MpmKind::Event, s, profile("0:10000"), 15);
    std::vector<int> spawned;
    for (int t = 1; t <= 9; ++t)
        spawned.push_back(sim.samples[t].spawned);
    EXPECT_EQ(spawned, (std::vector<int>{1, 2, 4, 8, 16, 32, 32, 32, 32}));
    EXPECT_NE(sim.samples[4].event.find("server seems busy"), std::string::npos) << sim.samples[4].event;
    EXPECT_EQ(sim.samples.back().processes, 200);
    bool reported = false;
    for (const SecondSample& sample : sim.samples)
        reported = reported || sample.event.find("reached MaxRequestWorkers") != std::string::npos;
    EXPECT_TRUE(reported);
    EXPECT_EQ(sim.samples.back().busy, 400);
    EXPECT_EQ(sim.samples.back().waiting, 10000 - 400);
}

TEST(MpmSim, WorkerAndEventDifferAtTheScoreboardCeiling)
{
    // ServerLimit 4 below MaxRequestWorkers/ThreadsPerChild: httpd lowers MaxRequestWorkers to 100 at start.
    Settings s;
    s.startServers = 1;
    s.serverLimit = 4;
    s.threadsPerChild = 25;
    s.maxRequestWorkers = 200;
    s.minSpareThreads = 25;
    s.maxSpareThreads = 75;
    const Simulation event = simulate(MpmKind::Event, s, profile("0:90"), 10);
    EXPECT_EQ(event.effective.used.maxRequestWorkers, 100);
    EXPECT_EQ(event.samples.back().processes, 4);
    EXPECT_NE(event.samples.back().event.find("within MinSpareThreads of MaxRequestWorkers"),
              std::string::npos)
        << event.samples.back().event;
    const Simulation worker = simulate(MpmKind::Worker, s, profile("0:90"), 10);
    EXPECT_EQ(worker.samples.back().processes, 4);
}

TEST(MpmSettings, StartupCorrectionsReportTheValueApacheUses)
{
    Settings s;
    s.threadLimit = 64;
    s.threadsPerChild = 100;   // > ThreadLimit -> 64
    s.maxRequestWorkers = 150; // not a multiple of 64 -> 128
    s.serverLimit = 16;
    s.startServers = 5;     // > 128/64 = 2 -> 2
    s.minSpareThreads = 0;  // -> 1
    s.maxSpareThreads = 10; // < 1 + 64 + 1 -> 66
    const Effective e = applyStartupCorrections(s);
    EXPECT_EQ(e.used.threadsPerChild, 64);
    EXPECT_EQ(e.used.maxRequestWorkers, 128);
    EXPECT_EQ(e.activeDaemonsLimit, 2);
    EXPECT_EQ(e.used.startServers, 2);
    EXPECT_EQ(e.used.minSpareThreads, 1);
    EXPECT_EQ(e.used.maxSpareThreads, 66);
    std::vector<std::string> names;
    for (const Correction& c : e.corrections)
        names.push_back(c.directive);
    EXPECT_EQ(names, (std::vector<std::string>{"ThreadsPerChild", "MaxRequestWorkers", "StartServers",
                                               "MinSpareThreads", "MaxSpareThreads"}));
    EXPECT_EQ(e.corrections[1].written, 150);
    EXPECT_EQ(e.corrections[1].used, 128);
}

TEST(MpmSettings, MaxRequestWorkersAboveServerLimitIsLowered)
{
    Settings s;
    s.serverLimit = 10;
    s.threadsPerChild = 25;
    s.maxRequestWorkers = 400;
    const Effective e = applyStartupCorrections(s);
    EXPECT_EQ(e.used.maxRequestWorkers, 250);
    EXPECT_EQ(e.activeDaemonsLimit, 10);
    ASSERT_EQ(e.corrections.size(), 1u);
    EXPECT_NE(e.corrections[0].reason.find("more than ServerLimit 10"), std::string::npos);
}

TEST(MpmSettings, BucketsRaiseTheSpareThreadFloors)
{
    Settings s;
    s.buckets = 2;
    s.threadsPerChild = 25;
    s.minSpareThreads = 10; // < 25*(2-1)+2 = 27
    s.maxSpareThreads = 50; // < 27 + 26*2 = 79
    const Effective e = applyStartupCorrections(s);
    EXPECT_EQ(e.used.minSpareThreads, 27);
    EXPECT_EQ(e.used.maxSpareThreads, 79);
}

TEST(LoadProfile, ParsesPointsAndInterpolates)
{
    const LoadProfile p = profile("0:0,10:200,60:50");
    EXPECT_EQ(p.at(0), 0);
    EXPECT_EQ(p.at(5), 100);
    EXPECT_EQ(p.at(10), 200);
    EXPECT_EQ(p.at(35), 125);
    EXPECT_EQ(p.at(60), 50);
    EXPECT_EQ(p.at(1000), 50);
    EXPECT_EQ(p.lastSecond(), 60);
}

TEST(LoadProfile, ErrorsNameThePoint)
{
    std::string error;
    EXPECT_FALSE(parseLoadProfile("0:0,10", error));
    EXPECT_EQ(error, "point 2 '10' is not SECOND:REQUESTS (whole numbers, e.g. 10:200)");
    EXPECT_FALSE(parseLoadProfile("5:1,5:2", error));
    EXPECT_EQ(error, "point 2 '5:2' does not come after second 5: list the points in increasing time");
    EXPECT_FALSE(parseLoadProfile("0:-3", error));
    EXPECT_NE(error.find("out of range"), std::string::npos);
    EXPECT_FALSE(parseLoadProfile("", error));
}

TEST(MpmSim, PreforkIsRefused)
{
    EXPECT_THROW(simulate(MpmKind::Prefork, Settings{}, LoadProfile{}, 1), std::invalid_argument);
}
