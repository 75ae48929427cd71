// The diagnosis model: a row per group, rows that stay put while verdicts change, the proposal.

#include "studio/models/diagnosismodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace wsgi::studio;
using models::DiagnosisModel;

namespace {

GroupFigures gilBound(const QString& group)
{
    GroupFigures f;
    f.group = group;
    f.processes = 2;
    f.threadsPerProcess = 5;
    f.machineCores = 4;
    f.requests = 1000;
    f.capacity = 0.95;
    f.gilWaitFullShare = 0.6;
    f.cpuShare = 0.3;
    return f;
}

} // namespace

TEST(DiagnosisModel, RowsPerGroupWithVerdictFiguresAndProposal)
{
    DiagnosisModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    GroupFigures idle = gilBound(QStringLiteral("admin"));
    idle.requests = 3;
    model.setDiagnoses({diagnose(gilBound(QStringLiteral("app"))), diagnose(idle)});
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.index(0, DiagnosisModel::GroupColumn).data().toString(), QStringLiteral("app"));
    EXPECT_EQ(model.index(0, DiagnosisModel::VerdictColumn).data().toString(), QStringLiteral("GIL-bound"));
    EXPECT_EQ(model.index(0, DiagnosisModel::VerdictColumn).data(DiagnosisModel::VerdictRole).toInt(),
              int(Verdict::GilBound));
    EXPECT_TRUE(
        model.index(0, DiagnosisModel::FiguresColumn).data().toString().contains(QStringLiteral("60 %")));
    EXPECT_EQ(model.index(0, DiagnosisModel::ProposalColumn).data().toString(), QStringLiteral("4x3"));
    EXPECT_EQ(model.index(1, DiagnosisModel::ProposalColumn).data().toString(), QString());
    ASSERT_TRUE(model.proposalAt(0).has_value());
    EXPECT_FALSE(model.proposalAt(1).has_value());
    EXPECT_FALSE(model.proposalAt(7).has_value());

    // Same groups, new numbers: data changes, no reset, rows stay put.
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    GroupFigures better = gilBound(QStringLiteral("app"));
    better.gilWaitFullShare = 0.01;
    better.capacity = 0.3;
    better.cpuShare = 0.9;
    model.setDiagnoses({diagnose(better), diagnose(idle)});
    EXPECT_EQ(resets.count(), 0);
    EXPECT_EQ(changes.count(), 1);
    EXPECT_EQ(model.index(0, DiagnosisModel::VerdictColumn).data().toString(), QStringLiteral("headroom"));
    model.setDiagnoses({diagnose(better)});
    EXPECT_EQ(resets.count(), 1);
    EXPECT_EQ(model.rowCount(), 1);
}
