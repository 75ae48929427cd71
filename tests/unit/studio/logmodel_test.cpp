#include "studio/models/logmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

using wsgi::studio::models::LogModel;

TEST(LogModel, AppendsAndDropsTheOldestBeyondItsLimit)
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setLimit(3);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

    model.appendLine(QStringLiteral("one"));
    model.appendLines({QStringLiteral("two"), QStringLiteral("three"), QStringLiteral("four")});
    EXPECT_EQ(model.lines(),
              (QStringList{QStringLiteral("two"), QStringLiteral("three"), QStringLiteral("four")}));
    EXPECT_EQ(inserted.count(), 2);
    EXPECT_EQ(removed.count(), 1);
    EXPECT_EQ(resets.count(), 0);

    // A batch larger than the limit keeps only its newest lines.
    model.appendLines({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"),
                       QStringLiteral("e")});
    EXPECT_EQ(model.lines(), (QStringList{QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("e")}));
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(LogModel, SeverityFromTheEnginesWords)
{
    LogModel model;
    model.appendLines({QStringLiteral("wsgi-engine: listening on 127.0.0.1:8080"),
                       QStringLiteral("engine.conf:3: warning: threads=0 is odd"),
                       QStringLiteral("engine.conf:7: error: unknown option 'thread' [unknown-option]")});
    EXPECT_EQ(model.index(0).data(LogModel::SeverityRole).toInt(), int(LogModel::Severity::Info));
    EXPECT_EQ(model.index(1).data(LogModel::SeverityRole).toInt(), int(LogModel::Severity::Warning));
    EXPECT_EQ(model.index(2).data(LogModel::SeverityRole).toInt(), int(LogModel::Severity::Error));
}
