// Exports of an A/B result: the Markdown and HTML hold the table's cells exactly, the CSV its numbers
// in fixed units (parsed back here), and the HTML needs nothing beside it (charts inline).

#include "session/abexport.h"
#include "session/abtable.h"

#include <QRegularExpression>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

AbRepeat repeat(int round, double rps)
{
    AbRepeat r;
    r.round = round;
    r.load.achievedRate = rps;
    r.load.completedInWindow = int64_t(rps * 10);
    r.load.requests = r.load.completedInWindow;
    r.load.status[1] = r.load.requests;
    r.load.latency.record(4000, r.load.requests / 2);
    r.load.latency.record(9000, r.load.requests / 2);
    r.server.samples = 9;
    r.server.coveredSec = 9;
    r.server.processes = 2;
    r.server.cpuTotalCores = 1.8;
    r.server.cpuPerProcessCores = 0.9;
    r.server.rssBytes = 30e6;
    r.server.requestTime.record(16000, 100);
    r.server.applicationTime.record(12000, 100);
    r.server.queueTime.record(2000, 100);
    r.server.gilWait.record(900, 100);
    return r;
}

AbResult twoVariants()
{
    AbResult result;
    result.plan.repeats = 3;
    result.plan.load.durationSec = 1;
    result.machine.cores = 2;
    result.startedAt = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    PhysicalLimit limit;
    limit.runtime = u"3.11"_s;
    limit.cores = 2;
    limit.cpuSecondsPerRequest = 0.003;
    result.limits[u"3.11"_s] = limit;
    AbVariantResult a;
    a.variant.name = u"current"_s;
    a.status = AbVariantResult::Status::Ok;
    a.runtime = u"3.11"_s;
    a.repeats = {repeat(1, 500), repeat(2, 480), repeat(3, 520)};
    AbVariantResult b;
    b.variant.name = u"4x1, \"fast\""_s; // a name a CSV must quote
    b.status = AbVariantResult::Status::Ok;
    b.runtime = u"3.11"_s;
    b.repeats = {repeat(1, 600), repeat(2, 610), repeat(3, 590)};
    result.variants = {a, b};
    return result;
}

// RFC 4180 rows: quoted cells may hold commas and doubled quotes.
std::vector<QStringList> parseCsv(const QString& text)
{
    std::vector<QStringList> rows;
    QStringList row;
    QString cell;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                cell += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row << cell;
            cell.clear();
        } else if (c == u'\n') {
            row << cell;
            cell.clear();
            rows.push_back(row);
            row.clear();
        } else {
            cell += c;
        }
    }
    return rows;
}

} // namespace

TEST(AbExport, CsvHoldsTheSummaryNumbers)
{
    const AbResult result = twoVariants();
    const AbSummary summary = summarizeAbResult(result);
    const auto rows = parseCsv(abCsv(result, summary));
    ASSERT_EQ(rows.size(), 3u);
    ASSERT_EQ(rows[0].size(), kAbCsvColumns);
    EXPECT_EQ(rows[0][0], u"variant"_s);
    for (size_t i = 0; i < 2; ++i) {
        const QStringList& row = rows[i + 1];
        ASSERT_EQ(row.size(), kAbCsvColumns) << row.join(u'|').toStdString();
        const AbVariantSummary& s = summary.variants[i];
        EXPECT_EQ(row[0], s.name);
        EXPECT_EQ(row[1], u"ok"_s);
        EXPECT_EQ(row[2].toInt(), 3);
        EXPECT_DOUBLE_EQ(row[3].toDouble(), s.rpm->median);
        EXPECT_DOUBLE_EQ(row[4].toDouble(), s.rpm->min);
        EXPECT_DOUBLE_EQ(row[5].toDouble(), s.rpm->max);
        EXPECT_DOUBLE_EQ(row[10].toDouble(), s.rssBytes->median);
        EXPECT_NEAR(row[12].toDouble(), s.ofLimit->median, 1e-9);
        EXPECT_GT(row[13].toDouble(), 3.5); // client p50, ms
        EXPECT_EQ(row[19], s.verdict);
    }
    EXPECT_TRUE(rows[1][15].isEmpty()); // the baseline has no ratio
    EXPECT_NEAR(rows[2][15].toDouble(), summary.variants[1].ratio->ratio, 1e-9);
    EXPECT_NEAR(rows[2][15].toDouble(), 600.0 / 500.0, 0.03);
}

TEST(AbExport, MarkdownAndHtmlHoldTheTableCells)
{
    const AbResult result = twoVariants();
    const AbSummary summary = summarizeAbResult(result);
    const auto table = abTableRows(result, summary);
    const QString markdown = abMarkdown(result, summary);
    const QString html = abHtml(result, summary, {{u"a figure"_s, QByteArray("\x89PNG fake", 9)}});
    for (const QStringList& row : table) {
        EXPECT_TRUE(markdown.contains(u"| "_s + row.join(u" | "_s) + u" |"_s)) << markdown.toStdString();
        QStringList cells;
        for (const QString& cell : row)
            cells << cell.toHtmlEscaped();
        const QString tag = row == table.front() ? u"th"_s : u"td"_s;
        const QString expected = u"<tr><"_s + tag + u'>' + cells.join(u"</"_s + tag + u"><"_s + tag + u'>') +
                                 u"</"_s + tag + u"></tr>"_s;
        EXPECT_TRUE(html.contains(expected)) << expected.toStdString();
    }
    // Self-contained: the bars inline, figures as data URIs, nothing fetched.
    EXPECT_TRUE(html.contains(u"<svg"_s));
    EXPECT_EQ(html.count(u"class=\"bar\""_s), 2);
    EXPECT_TRUE(html.contains(u"src=\"data:image/png;base64,"_s));
    EXPECT_FALSE(html.contains(QRegularExpression(u"(src|href)=\"https?:"_s)));
    EXPECT_TRUE(html.contains(u"physical limit"_s));
    EXPECT_TRUE(html.contains(summary.variants[1].verdict.toHtmlEscaped()));
}

TEST(AbExport, ClientLatencyMergesEveryRepeat)
{
    const AbResult result = twoVariants();
    const auto p50 = clientLatencyMs(result.variants[0], 50);
    const auto p99 = clientLatencyMs(result.variants[0], 99);
    ASSERT_TRUE(p50 && p99);
    EXPECT_NEAR(*p50, 4.0, 0.2);
    EXPECT_NEAR(*p99, 9.0, 0.3);
    EXPECT_FALSE(clientLatencyMs(AbVariantResult{}, 50));
}

TEST(AbExport, EngineAndApacheGetATableEachAndTheCarryOver)
{
    AbResult result = twoVariants();
    result.plan.servers = {ServerKind::Engine, ServerKind::Apache};
    for (const AbVariantResult& v : result.variants)
        result.plan.variants.push_back(v.variant);
    for (AbVariantResult v : std::vector<AbVariantResult>(result.variants)) {
        v.server = ServerKind::Apache;
        for (AbRepeat& r : v.repeats)
            r.load.achievedRate *= 0.9; // Apache a little slower, the same ratio
        result.variants.push_back(v);
    }
    const AbSummary summary = summarizeAbResult(result);
    ASSERT_TRUE(summary.carryOver);
    const ServerPart engine = serverPart(result, summary, ServerKind::Engine);
    const ServerPart apache = serverPart(result, summary, ServerKind::Apache);
    ASSERT_EQ(engine.result.variants.size(), 2u);
    ASSERT_EQ(apache.result.variants.size(), 2u);
    EXPECT_EQ(apache.result.variants[0].server, ServerKind::Apache);
    EXPECT_EQ(apache.summary.baseline, u"current"_s);
    EXPECT_EQ(abTableRows(engine.result, engine.summary).size(), 3u);

    const auto rows = abCarryOverRows(*summary.carryOver);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][1], u"engine vs current"_s);
    EXPECT_EQ(rows[2][5], u"yes"_s) << rows[2].join(u" | "_s).toStdString(); // same ratio on both
    const QString markdown = abMarkdown(result, summary);
    EXPECT_TRUE(markdown.contains(u"### Apache + mod_wsgi"_s)) << markdown.toStdString();
    EXPECT_TRUE(markdown.contains(u"Does it carry over to Apache?"_s));
    EXPECT_TRUE(markdown.contains(summary.carryOver->verdict));
    const QString html = abHtml(result, summary);
    EXPECT_TRUE(html.contains(u"id=\"results-apache\""_s));
    EXPECT_TRUE(html.contains(u"id=\"carry-over\""_s));
    const QString csv = abCsv(result, summary);
    EXPECT_EQ(csv.count(u",apache\n"_s), 2);
    EXPECT_EQ(csv.count(u",engine\n"_s), 2);
}
