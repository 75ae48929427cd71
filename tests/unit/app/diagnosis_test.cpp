// Diagnosis verdicts on known figures: each cause, its advice and the variant it proposes, and the
// thresholds at their edges.

#include "session/diagnosis.h"

#include <gtest/gtest.h>

using namespace wsgi::studio;

namespace {

GroupFigures figures(int processes, int threads)
{
    GroupFigures f;
    f.group = QStringLiteral("app");
    f.processes = processes;
    f.threadsPerProcess = threads;
    f.machineCores = 4;
    f.requests = 2000;
    f.throughput = 500;
    f.switchIntervalS = 0.005;
    f.applicationMeanS = 0.004;
    f.queueMeanS = 0.0001;
    f.cpuShare = 0.75;
    f.capacity = 0.5;
    f.cpuCores = 1.5;
    return f;
}

QString option(const VariantProposal& p, const QString& name)
{
    for (const OptionChange& c : p.changes) {
        if (c.option == name)
            return c.value;
    }
    return {};
}

} // namespace

TEST(Diagnosis, TwoByFiveWaitingForTheGilIsGilBoundAndProposesProcessesNotThreads)
{
    GroupFigures f = figures(2, 5);
    f.gilWaitFullShare = 0.62;
    f.cpuShare = 0.3;
    f.capacity = 0.97;
    f.gilWaitFullP95S = 0.013;
    const Diagnosis d = diagnose(f);
    EXPECT_EQ(d.verdict, Verdict::GilBound);
    EXPECT_EQ(d.headline, QStringLiteral("GIL-bound"));
    EXPECT_TRUE(d.advice.contains(QStringLiteral("not threads")));
    EXPECT_TRUE(d.figures.join(u'\n').contains(QStringLiteral("GIL wait 62 % of request thread time")))
        << d.figures.join(u'\n').toStdString();
    EXPECT_TRUE(d.figures.join(u'\n').contains(QStringLiteral("p95 13.0 ms")));
    ASSERT_TRUE(d.proposal.has_value());
    EXPECT_EQ(d.proposal->name, QStringLiteral("4x3"));
    EXPECT_EQ(option(*d.proposal, QStringLiteral("processes")), QStringLiteral("4"));
    EXPECT_EQ(option(*d.proposal, QStringLiteral("threads")), QStringLiteral("3"));
    EXPECT_EQ(d.proposal->changes[0].group, QStringLiteral("app"));
    EXPECT_TRUE(d.proposal->reason.contains(QStringLiteral("62 %")));
}

TEST(Diagnosis, TheGilThresholdIsInclusive)
{
    GroupFigures f = figures(2, 5);
    f.gilWaitFullShare = diagnosis::kGilBoundShare;
    EXPECT_EQ(diagnose(f).verdict, Verdict::GilBound);
    f.gilWaitFullShare = diagnosis::kGilBoundShare - 0.01;
    EXPECT_NE(diagnose(f).verdict, Verdict::GilBound);
    // One thread per process waits for nobody: never GIL-bound, whatever the figure says.
    GroupFigures single = figures(10, 1);
    single.gilWaitFullShare = 0.5;
    EXPECT_NE(diagnose(single).verdict, Verdict::GilBound);
}

TEST(Diagnosis, TenByOneWithoutGilWaitHasHeadroom)
{
    GroupFigures f = figures(10, 1);
    f.gilWaitFullShare = 0.004;
    const Diagnosis d = diagnose(f);
    EXPECT_EQ(d.verdict, Verdict::Healthy);
    EXPECT_FALSE(d.proposal.has_value());
}

TEST(Diagnosis, SaturatedWithFreeCoresAddsProcesses)
{
    GroupFigures f = figures(4, 1);
    f.capacity = 0.95;
    f.cpuShare = 0.9;
    f.cpuCores = 1.2;
    const Diagnosis d = diagnose(f);
    EXPECT_EQ(d.verdict, Verdict::Saturated);
    ASSERT_TRUE(d.proposal.has_value());
    EXPECT_EQ(d.proposal->name, QStringLiteral("8x1"));
    EXPECT_EQ(d.proposal->changes.size(), 1u); // threads unchanged: not written
}

TEST(Diagnosis, SaturatedOnAFullMachineProposesNothing)
{
    GroupFigures f = figures(4, 1);
    f.capacity = 0.95;
    f.cpuShare = 0.95;
    f.cpuCores = 3.8; // of 4
    const Diagnosis d = diagnose(f);
    EXPECT_EQ(d.verdict, Verdict::Saturated);
    EXPECT_TRUE(d.advice.contains(QStringLiteral("cores are the limit")));
    EXPECT_FALSE(d.proposal.has_value());
}

TEST(Diagnosis, SaturatedWaitingOnIoAddsThreads)
{
    GroupFigures f = figures(2, 4);
    f.capacity = 0.9;
    f.cpuShare = 0.1;
    f.gilWaitFullShare = 0.05;
    const Diagnosis d = diagnose(f);
    EXPECT_EQ(d.verdict, Verdict::Saturated);
    ASSERT_TRUE(d.proposal.has_value());
    EXPECT_EQ(d.proposal->name, QStringLiteral("2x8"));
}

TEST(Diagnosis, RequestsWaitingForAThreadAreQueueing)
{
    GroupFigures f = figures(2, 2);
    f.capacity = 0.7;
    f.applicationMeanS = 0.020;
    f.queueMeanS = 0.010; // half the application time
    const Diagnosis d = diagnose(f);
    EXPECT_EQ(d.verdict, Verdict::Queueing);
    ASSERT_TRUE(d.proposal.has_value());
    EXPECT_EQ(d.proposal->name, QStringLiteral("4x2")); // on CPU: processes
    // Below the 2 ms floor a queue is the hand-off itself.
    f.applicationMeanS = 0.002;
    f.queueMeanS = 0.0015;
    EXPECT_NE(diagnose(f).verdict, Verdict::Queueing);
}

TEST(Diagnosis, BusyThreadsWaitingOnIoAreIoBoundAndThreadsHelp)
{
    GroupFigures f = figures(2, 4);
    f.capacity = 0.6;
    f.cpuShare = 0.15;
    f.gilWaitFullShare = 0.05;
    const Diagnosis d = diagnose(f);
    EXPECT_EQ(d.verdict, Verdict::IoBound);
    EXPECT_TRUE(d.advice.contains(QStringLiteral("threads help")));
    ASSERT_TRUE(d.proposal.has_value());
    EXPECT_EQ(d.proposal->name, QStringLiteral("2x8"));
    // Off CPU because of the GIL is not I/O: the same share of GIL wait makes it GIL-bound instead.
    f.gilWaitFullShare = 0.7;
    EXPECT_EQ(diagnose(f).verdict, Verdict::GilBound);
}

TEST(Diagnosis, FreeThreadedIsNeverGilBoundAndSaysSo)
{
    GroupFigures f = figures(1, 10);
    f.gilEnabled = false;
    f.gilWaitFullShare = 0.9; // meaningless without a GIL
    f.cpuCores = 1.8;
    const Diagnosis d = diagnose(f);
    EXPECT_NE(d.verdict, Verdict::GilBound);
    EXPECT_TRUE(
        d.figures.join(u'\n').contains(QStringLiteral("no GIL (free-threaded): 1.80 cores per process")));
}

TEST(Diagnosis, TooFewRequestsSaysSoInsteadOfGuessing)
{
    GroupFigures f = figures(2, 5);
    f.requests = diagnosis::kMinRequests - 1;
    f.gilWaitFullShare = 0.9;
    const Diagnosis d = diagnose(f);
    EXPECT_EQ(d.verdict, Verdict::NotEnoughData);
    EXPECT_FALSE(d.proposal.has_value());
    EXPECT_TRUE(d.advice.contains(QString::number(diagnosis::kMinRequests)));
}
