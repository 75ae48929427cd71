#include "studio/models/processtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace wsgi::studio;
using models::ProcessTableModel;

namespace {

EngineStatus status(int processes, int64_t firstPid = 100)
{
    EngineStatus s;
    s.engine.pid = 42;
    GroupStatus g;
    g.name = "app";
    g.processesConfigured = processes;
    g.threads = 5;
    g.restarts = {{"maximum-requests", 2}};
    for (int i = 1; i <= processes; ++i) {
        ProcessStatus p;
        p.index = i;
        p.pid = firstPid + i;
        p.state = "running";
        p.threads = 5;
        p.requests = 10 * i;
        p.gilMode = GilMode::Shared;
        g.processes.push_back(p);
    }
    s.groups.push_back(g);
    return s;
}

TelemetrySample sample(int processes, double rps, int64_t firstPid = 100)
{
    TelemetrySample t;
    t.time = 1000;
    t.intervalMs = 250;
    for (int i = 1; i <= processes; ++i) {
        ProcessTelemetry p;
        p.group = "app";
        p.process = i;
        p.pid = firstPid + i;
        p.state = "running";
        p.requestThroughput = rps;
        p.requestsPerMinute = rps * 60;
        p.threadsMaximum = 5;
        p.threadsActive = 2;
        p.capacityUtilization = 0.4;
        p.cpuUtilization = 0.5;
        p.memoryRss = 30 * 1024 * 1024;
        t.processes.push_back(p);
    }
    return t;
}

} // namespace

TEST(ProcessTableModel, UpdatesRowsInPlaceNeverResets)
{
    ProcessTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    model.setStatus(status(2));
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(inserted.count(), 2);
    model.setSample(sample(2, 12.5));
    EXPECT_EQ(model.index(0, ProcessTableModel::ThroughputColumn).data().toString(), QStringLiteral("12.5"));
    EXPECT_EQ(model.index(1, ProcessTableModel::BusyColumn).data().toString(), QStringLiteral("2 / 5"));
    EXPECT_EQ(model.index(1, ProcessTableModel::CpuColumn).data().toString(), QStringLiteral("50.0"));
    EXPECT_EQ(model.index(1, ProcessTableModel::RssColumn).data().toString(), QStringLiteral("30.0"));
    EXPECT_EQ(model.index(1, ProcessTableModel::RestartsColumn).data().toLongLong(), 2);
    const int changesAfterFirstSample = int(changed.count());
    EXPECT_EQ(changesAfterFirstSample, 2) << "one dataChanged per changed row";

    // The same values again change nothing.
    model.setSample(sample(2, 12.5));
    EXPECT_EQ(changed.count(), changesAfterFirstSample);

    // A restarted process keeps its row (slot), with the new pid.
    model.setStatus(status(2, 200));
    model.setSample(sample(2, 3, 200));
    EXPECT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.index(0, ProcessTableModel::PidColumn).data().toLongLong(), 201);
    EXPECT_EQ(resets.count(), 0);
}

TEST(ProcessTableModel, ProcessesComeAndGoAsRows)
{
    ProcessTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setStatus(status(3));
    model.setSample(sample(3, 1));
    ASSERT_EQ(model.rowCount(), 3);
    model.setStatus(status(1));
    model.setSample(sample(1, 1));
    EXPECT_EQ(model.rowCount(), 1);
    EXPECT_EQ(removed.count(), 2);
    EXPECT_EQ(model.groupAt(0), QStringLiteral("app"));
    const auto totals = model.totals();
    EXPECT_EQ(totals.processes, 1);
    EXPECT_EQ(totals.threads, 5);
    EXPECT_DOUBLE_EQ(totals.cpuCores, 0.5);
    EXPECT_DOUBLE_EQ(totals.requestsPerMinute, 60);
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(ProcessTableModel, EveryNumericHeaderNamesItsUnit)
{
    ProcessTableModel model;
    for (int c = ProcessTableModel::RequestsColumn; c < ProcessTableModel::ColumnCount; ++c) {
        const QString header = model.headerData(c, Qt::Horizontal).toString();
        EXPECT_TRUE(header.contains(u'(') && header.endsWith(u')')) << header.toStdString();
    }
}
