// The bench/ab/sweep command lines without an engine: usage errors and exit codes, repeatable
// options, the sweep grid, and the small parsers behind machine facts and the physical limit.

#include "cli/abcli.h"
#include "cli/commands.h"
#include "cli/sweepcommand.h"
#include "session/abresult.h"
#include "session/machinefacts.h"
#include "session/physicallimit.h"

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using namespace wsgi::studio::cli;

namespace {

struct CliRun
{
    int exitCode = -1;
    std::string out;
    std::string err;
};

CliRun run(const QStringList& arguments)
{
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    CliRun r;
    r.exitCode = runCli(arguments);
    r.out = ::testing::internal::GetCapturedStdout();
    r.err = ::testing::internal::GetCapturedStderr();
    return r;
}

const QString kApp = QStringLiteral(WSGI_SOURCE_DIR "/resources/apps/workload.py");

bool has(const std::string& text, const char* needle)
{
    return text.find(needle) != std::string::npos;
}

} // namespace

TEST(AbCli, CommandsAreRegistered)
{
    EXPECT_NE(findCommand(u"bench"_s), nullptr);
    EXPECT_NE(findCommand(u"ab"_s), nullptr);
    EXPECT_NE(findCommand(u"sweep"_s), nullptr);
    const CliRun help = run({u"ab"_s, u"--help"_s});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(has(help.out, "--variant NAME=SPEC")) << help.out;
    EXPECT_TRUE(has(help.out, "free-threading=on"));
}

TEST(AbCli, AbUsageErrorsNameTheProblem)
{
    CliRun r = run({u"ab"_s, u"--variant"_s, u"a=processes=1"_s, u"--variant"_s, u"b=processes=2"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "--app APP.py is required")) << r.err;

    r = run({u"ab"_s, u"--app"_s, kApp, u"--variant"_s, u"a=processes=1"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "give at least two --variant")) << r.err;

    r = run({u"ab"_s, u"--app"_s, kApp, u"--repeats"_s, u"2"_s, u"--variant"_s, u"a=processes=1"_s,
             u"--variant"_s, u"b=processes=2"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "--repeats must be a whole number of at least 3 (fewer cannot show spread)"))
        << r.err;

    r = run({u"ab"_s, u"--app"_s, kApp, u"--variant"_s, u"a=processes=1"_s,
             u"--variant=b=processes=2 threads"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "'threads' is not a key=value option")) << r.err;

    r = run({u"ab"_s, u"--app"_s, u"/no/such/app.py"_s, u"--variant"_s, u"a=processes=1"_s, u"--variant"_s,
             u"b=processes=2"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "--app: no such file: /no/such/app.py")) << r.err;

    r = run(
        {u"ab"_s, u"--app"_s, kApp, u"--variant"_s, u"a=processes=1"_s, u"--variant"_s, u"a=processes=2"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "two variants are named 'a'")) << r.err;

    r = run({u"ab"_s, u"--app"_s, kApp, u"--runtime-limit"_s, u"--no-limit"_s, u"--variant"_s,
             u"a=processes=1"_s, u"--variant"_s, u"b=processes=2"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "contradict")) << r.err;

    r = run({u"ab"_s, u"--app"_s, kApp, u"--engine"_s, u"/no/such/wsgi-engine"_s, u"--variant"_s,
             u"a=processes=1"_s, u"--variant"_s, u"b=processes=2"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "no wsgi-engine at /no/such/wsgi-engine")) << r.err;
}

TEST(AbCli, SweepAndBenchUsageErrors)
{
    CliRun r = run({u"sweep"_s, u"--app"_s, kApp, u"--threads"_s, u"1,2"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "--processes LIST and --threads LIST are required")) << r.err;
    r = run({u"sweep"_s, u"--app"_s, kApp, u"--processes"_s, u"1,x"_s, u"--threads"_s, u"1"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "--processes: 'x' is not a whole number of at least 1")) << r.err;
    r = run({u"sweep"_s, u"--app"_s, kApp, u"--processes"_s, u"1"_s, u"--threads"_s, u"1"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "the grid has one cell")) << r.err;

    r = run({u"bench"_s, u"https://127.0.0.1/"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "bad URL 'https://127.0.0.1/'")) << r.err;
    r = run({u"bench"_s, u"http://127.0.0.1:1/"_s, u"--header"_s, u"NoColon"_s});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(has(r.err, "--header wants 'Name: value', not 'NoColon'")) << r.err;
    r = run({u"bench"_s, u"http://127.0.0.1:1/"_s, u"-d"_s, u"1"_s});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "cannot connect to 127.0.0.1:1")) << r.err;
}

TEST(AbCli, RepeatedOptionsAreTakenInOrder)
{
    QStringList arguments{u"--variant"_s, u"a=1"_s,       u"-x"_s, u"--variant=b=2"_s, u"-H"_s, u"K: V"_s,
                          u"--"_s,        u"--variant"_s, u"c"_s};
    QString error;
    EXPECT_EQ(takeRepeatedOption(arguments, {u"--variant"_s}, error), (QStringList{u"a=1"_s, u"b=2"_s}));
    EXPECT_EQ(takeRepeatedOption(arguments, {u"--header"_s, u"-H"_s}, error), QStringList{u"K: V"_s});
    EXPECT_EQ(arguments, (QStringList{u"-x"_s, u"--"_s, u"--variant"_s, u"c"_s}));
    QStringList dangling{u"--variant"_s};
    takeRepeatedOption(dangling, {u"--variant"_s}, error);
    EXPECT_EQ(error, u"--variant needs a value"_s);
}

TEST(AbCli, SweepGridSkipsSwitchIntervalsWithoutAGil)
{
    SweepGrid grid;
    grid.processes = {1, 2};
    grid.threads = {5};
    grid.switchIntervals = {0.005, 0.0001};
    grid.runtimes = {u"3.11"_s, u"3.13t"_s};
    const auto cells = sweepCells(grid);
    ASSERT_EQ(cells.size(), 6u); // 2 x 1 x 2 on 3.11, 2 x 1 on 3.13t
    EXPECT_EQ(cells[0].name, u"1x5 5ms 3.11"_s);
    EXPECT_EQ(cells[0].options, u"processes=1 threads=5 switch-interval=0.005 python=3.11"_s);
    EXPECT_EQ(cells[1].name, u"1x5 0.1ms 3.11"_s);
    EXPECT_EQ(cells[4].name, u"1x5 3.13t ft"_s);
    EXPECT_EQ(cells[4].options, u"processes=1 threads=5 python=3.13t free-threading=on"_s);
    EXPECT_TRUE(cells[4].freeThreading);
    EXPECT_FALSE(cells[4].switchInterval);

    SweepGrid plain;
    plain.processes = {1};
    plain.threads = {1, 10};
    const auto two = sweepCells(plain);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[1].name, u"1x10"_s);
    EXPECT_EQ(two[1].options, u"processes=1 threads=10"_s);
}

TEST(AbCli, ListsParseAndDeduplicate)
{
    QString error;
    EXPECT_EQ(*parseIntList(u"1,2,2,4"_s, 1, error), (std::vector<int>{1, 2, 4}));
    EXPECT_FALSE(parseIntList(u"0"_s, 1, error));
    EXPECT_FALSE(parseIntList(u","_s, 1, error));
    EXPECT_EQ(*parseDoubleList(u"0.005, 0.0001"_s, error), (std::vector<double>{0.005, 0.0001}));
    EXPECT_FALSE(parseDoubleList(u"-1"_s, error));
    EXPECT_EQ(switchIntervalLabel(0.005), u"5ms"_s);
    EXPECT_EQ(switchIntervalLabel(0.0001), u"0.1ms"_s);
}

TEST(AbCli, MachineFactsParsers)
{
    EXPECT_EQ(
        cpuModelFromCpuinfo(u"processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) "
                            u"Processor\nflags\t: fpu\n"_s),
        u"Intel(R) Xeon(R) Processor"_s);
    EXPECT_EQ(cpuModelFromCpuinfo(u"nothing here"_s), QString());
    EXPECT_EQ(memTotalFromMeminfo(u"MemTotal:       24684092 kB\nMemFree: 1 kB\n"_s), 24684092LL * 1024);
    const MachineFacts facts = collectMachineFacts();
    EXPECT_GE(facts.cores, 1);
    EXPECT_FALSE(facts.kernel.isEmpty());
}

TEST(AbCli, MachineCpuTimesGiveBusyCores)
{
    const auto before =
        cpuTimesFromProcStat(u"cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"_s);
    ASSERT_TRUE(before);
    EXPECT_EQ(before->busy, 150u);
    EXPECT_EQ(before->total, 1000u);
    // 2 CPUs, 1000 more ticks of which 750 busy: 1.5 cores.
    const auto after = cpuTimesFromProcStat(u"cpu  700 0 200 1000 100 0 0 0 0 0\n"_s);
    ASSERT_TRUE(after);
    EXPECT_DOUBLE_EQ(*busyCores(*before, *after, 2), 1.5);
    EXPECT_FALSE(busyCores(*after, *before, 2));
    EXPECT_FALSE(cpuTimesFromProcStat(u"intr 1 2 3\n"_s));
    EXPECT_TRUE(readCpuTimes());

    AbRepeat r;
    EXPECT_FALSE(r.otherCores());
    r.machineBusyCores = 1.9;
    r.server.cpuTotalCores = 1.2;
    r.clientCpuCores = 0.1;
    EXPECT_NEAR(*r.otherCores(), 0.6, 1e-12);
    r.server.cpuTotalCores = 2.0; // rounding between the two sources: never below zero
    EXPECT_DOUBLE_EQ(*r.otherCores(), 0);
}

TEST(AbCli, MeasureCpuOutputParses)
{
    PhysicalLimit limit;
    limit.cores = 2;
    QString error;
    ASSERT_TRUE(
        parseMeasureCpuOutput(R"({"requests": 300, "cpu_seconds_per_request": 0.003, "python": "3.11.2",
                                          "free_threaded_build": false})",
                              limit, error));
    EXPECT_TRUE(limit.ok());
    EXPECT_NEAR(limit.requestsPerSecond(), 666.67, 0.01);
    EXPECT_EQ(limit.python, u"3.11.2"_s);
    PhysicalLimit bad;
    EXPECT_FALSE(parseMeasureCpuOutput("usage: app.py", bad, error));
    EXPECT_FALSE(parseMeasureCpuOutput(R"({"cpu_seconds_per_request": 0})", bad, error));
}
