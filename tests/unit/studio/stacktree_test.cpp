// The stack tree: processes, then distinct stacks with their thread counts, then frames.

#include "studio/models/stacktreemodel.h"

#include <QAbstractItemModelTester>

#include <gtest/gtest.h>

using namespace wsgi::studio;
using models::StackTreeModel;

namespace {

ThreadStack thread(int64_t id, const std::string& function, int line)
{
    ThreadStack t;
    t.threadId = id;
    t.interpreter = "main interpreter";
    t.frames = {{"threading.py", 1002, "_bootstrap", {}}, {"workload.py", line, function, "time.sleep(w)"}};
    return t;
}

} // namespace

TEST(StackTreeModel, ProcessesStacksGroupedWithCountsAndFrames)
{
    StackDump dump;
    dump.group = "app";
    ProcessStacks p;
    p.process = 1;
    p.pid = 4242;
    p.threads = {thread(1, "wait", 10), thread(2, "wait", 10), thread(3, "wait", 10), thread(4, "burn", 20)};
    p.threads[3].request = ThreadRequest{"GET", "/slow", 1.5};
    ProcessStacks silent;
    silent.process = 2;
    silent.pid = 4243;
    silent.error = "no answer within 10 s";
    dump.processes = {p, silent};

    StackTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setDump(dump);
    ASSERT_EQ(model.rowCount(), 2);
    const QModelIndex proc = model.index(0, 0);
    EXPECT_EQ(proc.data().toString(), QStringLiteral("process 1 · pid 4242"));
    EXPECT_EQ(model.index(0, StackTreeModel::ThreadsColumn).data().toInt(), 4);
    EXPECT_EQ(model.kind(proc), StackTreeModel::Kind::Process);
    ASSERT_EQ(model.rowCount(proc), 2); // three identical stacks are one
    const QModelIndex grouped = model.index(0, 0, proc);
    EXPECT_EQ(model.kind(grouped), StackTreeModel::Kind::Stack);
    EXPECT_EQ(grouped.data().toString(), QStringLiteral("3 threads · main interpreter"));
    EXPECT_EQ(model.index(0, StackTreeModel::ThreadsColumn, proc).data().toInt(), 3);
    const QModelIndex single = model.index(1, 0, proc);
    EXPECT_EQ(single.data().toString(), QStringLiteral("thread 4 · main interpreter"));
    EXPECT_EQ(model.index(1, StackTreeModel::WhereColumn, proc).data().toString(),
              QStringLiteral("GET /slow, running 1.50 s"));
    ASSERT_EQ(model.rowCount(grouped), 2);
    const QModelIndex frame = model.index(1, 0, grouped);
    EXPECT_EQ(model.kind(frame), StackTreeModel::Kind::Frame);
    EXPECT_EQ(frame.data().toString(), QStringLiteral("wait"));
    EXPECT_EQ(model.index(1, StackTreeModel::WhereColumn, grouped).data().toString(),
              QStringLiteral("workload.py:10"));
    EXPECT_EQ(frame.data(Qt::ToolTipRole).toString(), QStringLiteral("time.sleep(w)"));
    EXPECT_EQ(model.parent(frame), grouped);
    EXPECT_EQ(model.parent(grouped), proc);
    // The process that did not answer says so and has no children.
    EXPECT_EQ(model.index(1, StackTreeModel::WhereColumn).data().toString(),
              QStringLiteral("no answer within 10 s"));
    EXPECT_EQ(model.rowCount(model.index(1, 0)), 0);

    model.setDump({});
    EXPECT_EQ(model.rowCount(), 0);
}
