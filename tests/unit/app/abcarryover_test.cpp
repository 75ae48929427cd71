// A/B on two servers: per-server baselines, the carry-over verdict (ranking and ratios to a common
// baseline within 5%), unsupported variants, and the two-server document read back.

#include "session/abresult.h"
#include "session/abresultjson.h"
#include "session/abtable.h"

#include <QJsonArray>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

AbRepeat rateRepeat(int round, double rps, bool telemetry = true)
{
    AbRepeat r;
    r.round = round;
    r.load.achievedRate = rps;
    r.load.completedInWindow = int64_t(rps);
    r.load.requests = r.load.completedInWindow;
    r.load.status[1] = r.load.requests;
    r.load.latency.record(5000, r.load.requests);
    r.server.telemetry = telemetry;
    r.server.cpuTotalCores = 1.5;
    r.server.rssBytes = 40e6;
    return r;
}

AbVariantResult entry(const QString& name, ServerKind server, std::vector<double> rates)
{
    AbVariantResult v;
    v.variant.name = name;
    v.server = server;
    v.status = AbVariantResult::Status::Ok;
    v.runtime = u"3.11"_s;
    for (size_t i = 0; i < rates.size(); ++i)
        v.repeats.push_back(rateRepeat(int(i) + 1, rates[i], server == ServerKind::Engine));
    return v;
}

// Engine and Apache, three variants each, with the given per-round rates.
AbResult twoServers(const std::vector<std::vector<double>>& engine,
                    const std::vector<std::vector<double>>& apache)
{
    AbResult result;
    result.plan.repeats = 3;
    result.plan.servers = {ServerKind::Engine, ServerKind::Apache};
    const QStringList names{u"10x1"_s, u"2x5"_s, u"1x10"_s};
    for (const QString& name : names) {
        AbVariant v;
        v.name = name;
        result.plan.variants.push_back(v);
    }
    for (int i = 0; i < 3; ++i)
        result.variants.push_back(entry(names[i], ServerKind::Engine, engine[size_t(i)]));
    for (int i = 0; i < 3; ++i)
        result.variants.push_back(entry(names[i], ServerKind::Apache, apache[size_t(i)]));
    return result;
}

} // namespace

TEST(AbCarryOver, SameRankingAndRatiosWithinFivePercentCarryOver)
{
    // Engine is faster overall; the ratios to 10x1 are what must match.
    const AbResult result = twoServers({{1000, 1000, 1000}, {500, 500, 500}, {300, 300, 300}},
                                       {{800, 800, 800}, {410, 410, 410}, {236, 236, 236}});
    const AbSummary summary = summarizeAbResult(result);
    EXPECT_EQ(summary.baselines.at(ServerKind::Engine), u"10x1"_s);
    EXPECT_EQ(summary.baselines.at(ServerKind::Apache), u"10x1"_s);
    ASSERT_TRUE(summary.carryOver);
    const AbCarryOver& c = *summary.carryOver;
    EXPECT_TRUE(c.sameRanking);
    EXPECT_TRUE(c.carriesOver) << c.verdict.toStdString();
    ASSERT_EQ(c.rows.size(), 3u);
    EXPECT_NEAR(*c.rows[1].engineRatio, 0.5, 1e-9);
    EXPECT_NEAR(*c.rows[1].apacheRatio, 0.5125, 1e-9);
    EXPECT_NEAR(*c.rows[1].difference, 0.5 / 0.5125 - 1, 1e-9);
    EXPECT_EQ(c.rows[2].engineRank, 3);
    EXPECT_TRUE(c.verdict.startsWith(u"carries over"_s)) << c.verdict.toStdString();
    // Each server's table compares with its own baseline; Apache has no telemetry columns.
    const auto apacheRows = abTableRows(result, summary, ServerKind::Apache);
    ASSERT_EQ(apacheRows.size(), 4u);
    EXPECT_EQ(apacheRows[1][2], u"n/a"_s); // response
    EXPECT_EQ(apacheRows[1][9], u"baseline"_s);
    EXPECT_NE(abTableRows(result, summary, ServerKind::Engine)[1][2], u"n/a"_s);
}

TEST(AbCarryOver, ARatioMoreThanFivePercentOffSaysWhichAndByHowMuch)
{
    const AbResult result = twoServers({{1000, 1000, 1000}, {500, 500, 500}, {300, 300, 300}},
                                       {{1000, 1000, 1000}, {400, 400, 400}, {300, 300, 300}});
    const AbCarryOver c = *summarizeAbResult(result).carryOver;
    EXPECT_TRUE(c.sameRanking);
    EXPECT_FALSE(c.carriesOver);
    EXPECT_FALSE(c.rows[1].within);
    EXPECT_TRUE(c.rows[2].within);
    EXPECT_TRUE(c.verdict.contains(u"2x5 is 0.50x 10x1 on the engine but 0.40x on Apache (+25.0%)"_s))
        << c.verdict.toStdString();
}

TEST(AbCarryOver, AnOppositeOrderBeyondNoiseIsADifferentRanking)
{
    // 2x5 above 1x10 on the engine, below it on Apache, both by more than 3%.
    const AbResult swapped = twoServers({{1000, 1000, 1000}, {500, 500, 500}, {450, 450, 450}},
                                        {{1000, 1000, 1000}, {450, 450, 450}, {500, 500, 500}});
    const AbCarryOver c = *summarizeAbResult(swapped).carryOver;
    EXPECT_FALSE(c.sameRanking);
    EXPECT_FALSE(c.carriesOver);
    EXPECT_TRUE(c.verdict.contains(u"2x5 above 1x10 on the engine"_s)) << c.verdict.toStdString();
    // Within the negligible difference on both servers the order is noise, not a different ranking.
    const AbResult tied = twoServers({{1000, 1000, 1000}, {500, 500, 500}, {495, 495, 495}},
                                     {{1000, 1000, 1000}, {495, 495, 495}, {500, 500, 500}});
    EXPECT_TRUE(summarizeAbResult(tied).carryOver->sameRanking);
}

TEST(AbCarryOver, UnsupportedVariantsAreNamedNotFailed)
{
    AbResult result = twoServers({{1000, 1000, 1000}, {500, 500, 500}, {300, 300, 300}},
                                 {{1000, 1000, 1000}, {500, 500, 500}, {}});
    AbVariantResult& ft = result.variants[5];
    ft.status = AbVariantResult::Status::Unsupported;
    ft.failure = u"free-threaded Python (python=3.13t): Debian's mod_wsgi 4.9 embeds python3.11"_s;
    const AbSummary summary = summarizeAbResult(result);
    EXPECT_EQ(summary.failed, 0);
    EXPECT_EQ(summary.unsupported, 1);
    const AbCarryOver& c = *summary.carryOver;
    EXPECT_TRUE(c.carriesOver) << c.verdict.toStdString();
    EXPECT_TRUE(c.rows[2].note.startsWith(u"Apache cannot run it: free-threaded"_s));
    EXPECT_TRUE(c.verdict.contains(u"not compared: 1x10"_s)) << c.verdict.toStdString();
    EXPECT_EQ(abTableRows(result, summary, ServerKind::Apache)[3][1], u"unsupported"_s);
}

TEST(AbCarryOver, OneServerHasNoCarryOver)
{
    AbResult result =
        twoServers({{1000, 1000, 1000}, {500, 500, 500}, {300, 300, 300}}, {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}});
    result.plan.servers = {ServerKind::Engine};
    result.variants.resize(3);
    EXPECT_FALSE(summarizeAbResult(result).carryOver);
}

TEST(AbCarryOver, TwoServerDocumentReadsBackAndWritesTheSameDocument)
{
    AbResult result = twoServers({{1000, 1000, 1000}, {500, 500, 500}, {300, 300, 300}},
                                 {{800, 800, 800}, {410, 410, 410}, {}});
    result.variants[5].status = AbVariantResult::Status::Unsupported;
    result.variants[5].failure = u"free-threaded Python"_s;
    result.variants[3].serverConfig = u"WSGIDaemonProcess a processes=10 threads=1\n"_s;
    result.variants[3].exportNotes = {u"python= is engine-only"_s};
    result.variants[3].serverVersion = u"Apache/2.4.62 (Debian) mod_wsgi/4.9.4 Python/3.11"_s;
    result.frontEndCores = 0.12;
    result.machineNotes = {u"the studio's own threads used 0.12 cores"_s};
    result.startedAt = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    result.finishedAt = QDateTime::fromSecsSinceEpoch(1700000100, Qt::UTC);
    const AbSummary summary = summarizeAbResult(result);
    const QJsonObject saved = abResultToJson(result, summary);
    EXPECT_EQ(saved.value(u"servers"_s).toArray(), (QJsonArray{u"engine"_s, u"apache"_s}));
    EXPECT_EQ(saved.value(u"variants"_s).toArray()[3].toObject().value(u"server"_s).toString(), u"apache"_s);
    EXPECT_FALSE(saved.value(u"variants"_s)
                     .toArray()[3]
                     .toObject()[u"repeats"_s][0][u"server"_s][u"telemetry"_s]
                     .toBool());

    QString error;
    const auto read = abResultFromJson(saved, error);
    ASSERT_TRUE(read) << error.toStdString();
    ASSERT_EQ(read->result.variants.size(), 6u);
    EXPECT_EQ(read->result.plan.variants.size(), 3u);
    EXPECT_EQ(read->result.variants[3].server, ServerKind::Apache);
    EXPECT_EQ(read->result.variants[5].status, AbVariantResult::Status::Unsupported);
    EXPECT_EQ(read->summary.unsupported, 1);
    ASSERT_TRUE(read->summary.carryOver);
    EXPECT_EQ(read->summary.carryOver->verdict, summary.carryOver->verdict);
    EXPECT_EQ(read->result.frontEndCores, result.frontEndCores);
    for (ServerKind server : {ServerKind::Engine, ServerKind::Apache})
        EXPECT_EQ(abTableRows(read->result, read->summary, server), abTableRows(result, summary, server));
    // Written again, the document is the same (the load generator's own sub-document aside: its
    // histograms were saved as percentiles and are not restored).
    QJsonObject again = abResultToJson(read->result, read->summary);
    auto strip = [](QJsonObject doc) {
        QJsonArray variants = doc.value(u"variants"_s).toArray();
        for (qsizetype i = 0; i < variants.size(); ++i) {
            QJsonObject v = variants[i].toObject();
            QJsonArray repeats = v.value(u"repeats"_s).toArray();
            for (qsizetype j = 0; j < repeats.size(); ++j) {
                QJsonObject r = repeats[j].toObject();
                r.remove(u"loadgen"_s);
                r.remove(u"client"_s);
                QJsonObject server = r.value(u"server"_s).toObject();
                for (const QString& key : {u"response_ms"_s, u"application_ms"_s, u"queue_ms"_s})
                    server.remove(key);
                r.insert(u"server"_s, server);
                repeats[j] = r;
            }
            v.insert(u"repeats"_s, repeats);
            variants[i] = v;
        }
        doc.insert(u"variants"_s, variants);
        return doc;
    };
    EXPECT_EQ(strip(again), strip(saved));
}
