// The history of A/B runs: saved documents listed newest first, read back with the same table, and
// files that are not result documents refused with the file and the reason.

#include "session/abtable.h"
#include "session/benchmarkhistory.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

AbResult resultStartedAt(qint64 secs, const QString& second)
{
    AbResult result;
    result.plan.repeats = 1;
    result.startedAt = QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
    result.finishedAt = result.startedAt.addSecs(30);
    for (const QString& name : {u"current"_s, second}) {
        AbVariantResult v;
        v.variant.name = name;
        v.variant.configText = u"WSGIDaemonProcess g processes=1\n"_s;
        v.status = AbVariantResult::Status::Ok;
        AbRepeat r;
        r.round = 1;
        r.load.achievedRate = name == u"current"_s ? 100 : 150;
        r.load.requests = 100;
        v.repeats = {r};
        result.variants.push_back(v);
    }
    return result;
}

} // namespace

TEST(BenchmarkHistory, SavesListsNewestFirstAndReadsBack)
{
    QTemporaryDir dir;
    const BenchmarkHistory history(dir.filePath(u"runs"_s));
    QString error;
    const AbResult older = resultStartedAt(1'700'000'000, u"4x1"_s);
    const AbResult newer = resultStartedAt(1'700'000'600, u"2x5"_s);
    const QString olderPath = history.save(older, summarizeAbResult(older), error);
    ASSERT_FALSE(olderPath.isEmpty()) << error.toStdString();
    const QString newerPath = history.save(newer, summarizeAbResult(newer), error);
    ASSERT_FALSE(newerPath.isEmpty()) << error.toStdString();
    // The same start second twice keeps both.
    const QString again = history.save(newer, summarizeAbResult(newer), error);
    EXPECT_NE(again, newerPath);
    QFile junk(dir.filePath(u"runs/notes.json"_s));
    ASSERT_TRUE(junk.open(QIODevice::WriteOnly));
    junk.write("{\"hello\": 1}");
    junk.close();

    const auto entries = history.list();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries.back().path, olderPath);
    EXPECT_EQ(entries.back().variants, (QStringList{u"current"_s, u"4x1"_s}));
    EXPECT_EQ(entries.back().baseline, u"current"_s);

    const auto document = BenchmarkHistory::open(newerPath, error);
    ASSERT_TRUE(document) << error.toStdString();
    EXPECT_EQ(abTableRows(document->result, document->summary), abTableRows(newer, summarizeAbResult(newer)));
    EXPECT_EQ(document->result.variants[1].variant.configText, u"WSGIDaemonProcess g processes=1\n"_s);
}

TEST(BenchmarkHistory, RefusesWhatIsNotAResultDocument)
{
    QTemporaryDir dir;
    QString error;
    EXPECT_FALSE(BenchmarkHistory::open(dir.filePath(u"missing.json"_s), error));
    EXPECT_TRUE(error.contains(u"missing.json"_s)) << error.toStdString();
    QFile bad(dir.filePath(u"bad.json"_s));
    ASSERT_TRUE(bad.open(QIODevice::WriteOnly));
    bad.write("{\"schema\": ");
    bad.close();
    error.clear();
    EXPECT_FALSE(BenchmarkHistory::open(bad.fileName(), error));
    EXPECT_TRUE(error.contains(u"bad.json"_s) && error.contains(u"not JSON"_s)) << error.toStdString();
    QFile other(dir.filePath(u"other.json"_s));
    ASSERT_TRUE(other.open(QIODevice::WriteOnly));
    other.write("{\"schema\": \"something-else\", \"version\": 1}");
    other.close();
    error.clear();
    EXPECT_FALSE(BenchmarkHistory::open(other.fileName(), error));
    EXPECT_TRUE(error.contains(u"other.json"_s)) << error.toStdString();
}
