#include "studio/models/runtimesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace wsgi::studio;
using models::RuntimesModel;

TEST(RuntimesModel, ProbedFactsUpdateInPlace)
{
    RuntimesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    QList<RuntimeInfo> listed{*runtimeFromName(QStringLiteral("3.11")),
                              *runtimeFromName(QStringLiteral("3.13t"))};
    model.setRuntimes(listed);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(resets.count(), 1);
    EXPECT_EQ(model.index(0, RuntimesModel::VersionColumn).data().toString(), QStringLiteral("checking…"));
    EXPECT_EQ(model.index(1, RuntimesModel::FreeThreadedColumn).data().toString(), QStringLiteral("yes"));
    EXPECT_EQ(model.index(0, RuntimesModel::PerInterpreterGilColumn).data().toString(), QStringLiteral("no"));

    listed[0].version = QStringLiteral("3.11.2");
    listed[0].probed = true;
    model.setRuntimes(listed);
    EXPECT_EQ(resets.count(), 1);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(model.index(0, RuntimesModel::VersionColumn).data().toString(), QStringLiteral("3.11.2"));
}
