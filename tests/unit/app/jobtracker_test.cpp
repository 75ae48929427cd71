// JobTracker: results reach the context on its thread; a newer job's start, cancel(), the context's
// death and the tracker's death all drop a result; work can poll its cancel flag.

#include "session/jobtracker.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>

using namespace wsgi::studio;

namespace {

// Lets a test hold a job on its pool thread until it releases it.
struct Gate
{
    QSemaphore entered;
    QSemaphore release;
};

} // namespace

TEST(JobTracker, DeliversTheResultOnTheContextsThread)
{
    QObject context;
    JobTracker tracker;
    std::optional<int> result;
    QThread* workThread = nullptr;
    QThread* resultThread = nullptr;
    tracker.startJob(
        &context,
        [&] {
            workThread = QThread::currentThread();
            return 6 * 7;
        },
        [&](int value) {
            resultThread = QThread::currentThread();
            result = value;
        });
    EXPECT_TRUE(tracker.isJobRunning());
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 5000);
    EXPECT_EQ(*result, 42);
    EXPECT_NE(workThread, QThread::currentThread());
    EXPECT_EQ(resultThread, QThread::currentThread());
    EXPECT_FALSE(tracker.isJobRunning());
}

TEST(JobTracker, ANewerJobDropsTheOlderResult)
{
    QObject context;
    JobTracker tracker;
    auto gate = std::make_shared<Gate>();
    QList<int> results;
    tracker.startJob(
        &context,
        [gate] {
            gate->entered.release();
            gate->release.acquire();
            return 1; // finishes after the second job started
        },
        [&](int v) { results << v; });
    ASSERT_TRUE(gate->entered.tryAcquire(1, 5000));
    tracker.startJob(
        &context, [] { return 2; }, [&](int v) { results << v; });
    gate->release.release();
    QTRY_VERIFY_WITH_TIMEOUT(!tracker.isJobRunning(), 5000);
    QTest::qWait(50); // the first job's result, had it been delivered, would be here by now
    EXPECT_EQ(results, QList<int>{2});
}

TEST(JobTracker, CancelSetsTheFlagAndDropsTheResult)
{
    QObject context;
    JobTracker tracker;
    auto gate = std::make_shared<Gate>();
    std::atomic<bool> sawCancel{false};
    bool delivered = false;
    tracker.startJob(
        &context,
        [gate, &sawCancel](const JobCancel& cancel) {
            gate->entered.release();
            QElapsedTimer t;
            t.start();
            while (!cancel.isCancelled() && t.elapsed() < 5000)
                QThread::msleep(1);
            sawCancel = cancel.isCancelled();
            return 0;
        },
        [&](int) { delivered = true; });
    ASSERT_TRUE(gate->entered.tryAcquire(1, 5000));
    tracker.cancel();
    EXPECT_FALSE(tracker.isJobRunning());
    QTRY_VERIFY_WITH_TIMEOUT(sawCancel.load(), 5000);
    QTest::qWait(50);
    EXPECT_FALSE(delivered);
}

TEST(JobTracker, ANewerJobCancelsTheOlderOnesFlag)
{
    QObject context;
    JobTracker tracker;
    auto gate = std::make_shared<Gate>();
    std::atomic<bool> firstCancelled{false};
    tracker.startJob(
        &context,
        [gate, &firstCancelled](const JobCancel& cancel) {
            gate->entered.release();
            QElapsedTimer t;
            t.start();
            while (!cancel.isCancelled() && t.elapsed() < 5000)
                QThread::msleep(1);
            firstCancelled = cancel.isCancelled();
            return 0;
        },
        [](int) {});
    ASSERT_TRUE(gate->entered.tryAcquire(1, 5000));
    std::optional<int> second;
    tracker.startJob(
        &context, [](const JobCancel& cancel) { return cancel.isCancelled() ? -1 : 2; },
        [&](int v) { second = v; });
    QTRY_VERIFY_WITH_TIMEOUT(second.has_value(), 5000);
    EXPECT_EQ(*second, 2);
    QTRY_VERIFY_WITH_TIMEOUT(firstCancelled.load(), 5000);
}

TEST(JobTracker, ADeadContextGetsNothing)
{
    auto context = std::make_unique<QObject>();
    JobTracker tracker;
    auto gate = std::make_shared<Gate>();
    bool delivered = false;
    tracker.startJob(
        context.get(),
        [gate] {
            gate->entered.release();
            gate->release.acquire();
            return 1;
        },
        [&](int) { delivered = true; });
    ASSERT_TRUE(gate->entered.tryAcquire(1, 5000));
    context.reset(); // the page closed while its job ran
    gate->release.release();
    QTRY_VERIFY_WITH_TIMEOUT(!tracker.isJobRunning(), 5000);
    EXPECT_FALSE(delivered);
}

TEST(JobTracker, ADeadTrackerDropsItsJobsWithoutCrashing)
{
    QObject context;
    auto gate = std::make_shared<Gate>();
    auto delivered = std::make_shared<bool>(false);
    {
        JobTracker tracker;
        tracker.startJob(
            &context,
            [gate] {
                gate->entered.release();
                gate->release.acquire();
                return 1;
            },
            [delivered](int) { *delivered = true; });
        ASSERT_TRUE(gate->entered.tryAcquire(1, 5000));
    }
    gate->release.release();
    QThreadPool::globalInstance()->waitForDone(5000);
    QTest::qWait(50);
    EXPECT_FALSE(*delivered);
}

TEST(JobTracker, MoveOnlyResultsAndIds)
{
    QObject context;
    JobTracker tracker;
    std::unique_ptr<int> result;
    const uint64_t first = tracker.startJob(
        &context, [] { return std::make_unique<int>(7); },
        [&](std::unique_ptr<int> v) { result = std::move(v); });
    EXPECT_GT(first, 0u);
    EXPECT_EQ(tracker.currentJob(), first);
    QTRY_VERIFY_WITH_TIMEOUT(result != nullptr, 5000);
    EXPECT_EQ(*result, 7);
}
