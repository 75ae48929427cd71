// A/B results: the telemetry window (which intervals count, how processes merge), the summary
// (medians, physical limit, ratio to the baseline, failed variants), the printed table's cells and
// the saved JSON document's shape.

#include "cli/abreport.h"
#include "session/abexport.h"
#include "session/abresult.h"
#include "session/abresultjson.h"

#include <QJsonArray>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using namespace wsgi::studio::cli;

namespace {

ProcessTelemetry process(const std::string& group, int64_t pid, double cpu, int64_t rss, int64_t requests,
                         bool gil = true, int64_t gilWaitUs = 0)
{
    ProcessTelemetry p;
    p.group = group;
    p.pid = pid;
    p.cpuUtilization = cpu;
    p.memoryRss = rss;
    p.requestCount = requests;
    p.statusClasses[1] = requests;
    for (int64_t i = 0; i < requests; ++i) {
        p.phases[size_t(TimingPhase::Request)].histogram.record(4000);
        p.phases[size_t(TimingPhase::Application)].histogram.record(3000);
    }
    p.phases[size_t(TimingPhase::GilWait)].applicable = gil;
    p.phases[size_t(TimingPhase::GilWaitFull)].applicable = gil;
    if (gil)
        for (int64_t i = 0; i < requests; ++i)
            p.phases[size_t(TimingPhase::GilWait)].histogram.record(gilWaitUs);
    return p;
}

TelemetrySample sample(double end, int intervalMs, std::vector<ProcessTelemetry> processes)
{
    TelemetrySample s;
    s.time = end;
    s.intervalMs = intervalMs;
    s.processes = std::move(processes);
    return s;
}

AbRepeat repeat(int round, double rps, double cpuTotal = 1.8, double rss = 30e6, bool gil = true)
{
    AbRepeat r;
    r.round = round;
    r.load.achievedRate = rps;
    r.load.completedInWindow = int64_t(rps * 10);
    r.load.requests = r.load.completedInWindow;
    r.load.status[1] = r.load.requests;
    // p50 2 ms, p99 20 ms; closed loop, so one latency in both histograms.
    r.load.latency.record(2000, r.load.requests * 95 / 100);
    r.load.latency.record(20000, r.load.requests - r.load.requests * 95 / 100);
    r.load.latencyUncorrected = r.load.latency;
    r.load.errors[1] = 2;
    r.load.timeline.resize(2);
    r.load.timeline[1].requests = 7;
    r.load.timeline[1].latency.record(3000, 7);
    r.server.samples = 9;
    r.server.coveredSec = 9;
    r.server.processes = 2;
    r.server.cpuTotalCores = cpuTotal;
    r.server.cpuPerProcessCores = cpuTotal / 2;
    r.server.rssBytes = rss;
    r.server.gilApplicable = gil;
    r.server.requestTime.record(16000, 100);
    r.server.applicationTime.record(12000, 100);
    r.server.queueTime.record(700, 100);
    if (gil)
        r.server.gilWait.record(9000, 100);
    return r;
}

AbResult threeVariantResult()
{
    AbResult result;
    result.plan.repeats = 3;
    result.plan.load.durationSec = 10;
    result.machine.cores = 2;
    PhysicalLimit limit;
    limit.runtime = u"3.11"_s;
    limit.cores = 2;
    limit.cpuSecondsPerRequest = 0.003; // 666.7 req/s
    result.limits[u"3.11"_s] = limit;
    AbVariantResult a;
    a.variant.name = u"10x1"_s;
    a.status = AbVariantResult::Status::Ok;
    a.runtime = u"3.11"_s;
    a.repeats = {repeat(1, 500), repeat(2, 480), repeat(3, 520)};
    AbVariantResult b;
    b.variant.name = u"1x10 ft"_s;
    b.status = AbVariantResult::Status::Ok;
    b.runtime = u"3.13t"_s; // no limit measured for it: "n/a"
    b.repeats = {repeat(1, 1000, 1.9, 20e6, false), repeat(2, 960, 1.9, 20e6, false),
                 repeat(3, 1040, 1.9, 20e6, false)};
    AbVariantResult c;
    c.variant.name = u"broken"_s;
    c.status = AbVariantResult::Status::Failed;
    c.failure = u"broken.conf:1: error: invalid option 'bogus'\n(wsgi-engine exited with status 1)"_s;
    c.failedInRound = 1;
    result.variants = {a, b, c};
    return result;
}

} // namespace

TEST(AbResult, TelemetryWindowKeepsOnlyIntervalsInsideIt)
{
    const std::vector<TelemetrySample> samples{
        sample(100.5, 1000, {process("g", 1, 1.0, 10, 5)}),   // starts before the window
        sample(101.5, 1000, {process("g", 1, 0.9, 20, 100)}), // inside
        sample(102.5, 1000, {process("g", 1, 0.7, 40, 100)}), // inside
        sample(103.5, 1000, {process("g", 1, 1.0, 10, 5)}),   // ends after it
    };
    const ServerWindow w = aggregateWindow(samples, 100.5, 102.5, u"g"_s, 0.02);
    EXPECT_EQ(w.samples, 2);
    EXPECT_DOUBLE_EQ(w.coveredSec, 2);
    EXPECT_EQ(w.requests, 200);
    ASSERT_TRUE(w.requestsPerSecond);
    EXPECT_DOUBLE_EQ(*w.requestsPerSecond, 100);
    ASSERT_TRUE(w.cpuTotalCores);
    EXPECT_DOUBLE_EQ(*w.cpuTotalCores, 0.8);
    EXPECT_DOUBLE_EQ(*w.rssBytes, 30);
    EXPECT_EQ(w.requestTime.count(), 200);
    EXPECT_EQ(w.statusClasses[1], 200);
}

TEST(AbResult, TelemetryWindowSumsProcessesAndAveragesIntervals)
{
    const std::vector<TelemetrySample> samples{
        sample(11, 1000,
               {process("g", 1, 1.0, 100, 10, true, 2000), process("g", 2, 0.8, 200, 10, true, 0),
                process("other", 3, 5.0, 999, 99)}),
        sample(12, 1000, {process("g", 1, 0.6, 100, 10, true, 2000), process("g", 2, 0.6, 200, 10, true, 0)}),
    };
    const ServerWindow w = aggregateWindow(samples, 10, 12, u"g"_s, 0.02);
    EXPECT_EQ(w.processes, 2); // the other group's process is not this variant's
    EXPECT_EQ(w.requests, 40);
    EXPECT_NEAR(*w.cpuTotalCores, 1.5, 1e-12);       // (1.8 + 1.2) / 2
    EXPECT_NEAR(*w.cpuPerProcessCores, 0.75, 1e-12); // (0.9 + 0.6) / 2
    EXPECT_DOUBLE_EQ(*w.rssBytes, 300);
    EXPECT_TRUE(w.gilApplicable);
    EXPECT_EQ(w.gilWait.count(), 40);
    EXPECT_EQ(w.gilWait.max(), 2000);
}

TEST(AbResult, FreeThreadedProcessesHaveNoGilToReport)
{
    const std::vector<TelemetrySample> samples{sample(11, 1000, {process("g", 1, 3.0, 100, 10, false)})};
    const ServerWindow w = aggregateWindow(samples, 10, 11, {}, 0.02);
    EXPECT_FALSE(w.gilApplicable);
    EXPECT_EQ(w.gilWait.count(), 0);
    const ServerWindow empty = aggregateWindow(samples, 20, 30, {}, 0.02);
    EXPECT_EQ(empty.samples, 0);
    EXPECT_FALSE(empty.cpuTotalCores);
    EXPECT_FALSE(empty.requestsPerSecond);
}

TEST(AbResult, TelemetryIntervalFollowsTheWindow)
{
    AbPlan plan;
    plan.load.durationSec = 10;
    EXPECT_EQ(plan.effectiveTelemetryIntervalMs(), 1000);
    plan.load.durationSec = 1;
    EXPECT_EQ(plan.effectiveTelemetryIntervalMs(), 100);
    plan.load.durationSec = 0.2;
    EXPECT_EQ(plan.effectiveTelemetryIntervalMs(), 100); // the engine's finest
    plan.telemetryIntervalMs = 250;
    EXPECT_EQ(plan.effectiveTelemetryIntervalMs(), 250);
}

TEST(AbResult, SummaryHasMediansLimitRatioAndFailures)
{
    const AbResult result = threeVariantResult();
    const AbSummary summary = summarizeAbResult(result);
    EXPECT_EQ(summary.baseline, u"10x1"_s);
    EXPECT_EQ(summary.succeeded, 2);
    EXPECT_EQ(summary.failed, 1);
    ASSERT_EQ(summary.variants.size(), 3u);

    const AbVariantSummary& a = summary.variants[0];
    ASSERT_TRUE(a.rpm);
    EXPECT_DOUBLE_EQ(a.rpm->median, 30000);
    EXPECT_DOUBLE_EQ(a.rpm->min, 28800);
    ASSERT_TRUE(a.ofLimit);
    EXPECT_NEAR(a.ofLimit->median, 500 / (2 / 0.003), 1e-12);
    EXPECT_FALSE(a.ratio);
    EXPECT_EQ(a.verdict, u"10x1 is the baseline"_s);
    ASSERT_TRUE(a.gilP95Ms);
    EXPECT_NEAR(a.gilP95Ms->median, 9, 0.3);
    EXPECT_NEAR(a.responseMs->median, 16, 0.01);

    const AbVariantSummary& b = summary.variants[1];
    ASSERT_TRUE(b.ratio);
    EXPECT_NEAR(b.ratio->ratio, 2, 1e-9); // exactly 2x in every round
    EXPECT_EQ(b.verdict, u"1x10 ft is 2.00x 10x1 (95% CI 2.00\u20132.00)"_s);
    EXPECT_FALSE(b.gilApplicable);
    EXPECT_FALSE(b.gilP95Ms);
    EXPECT_FALSE(b.ofLimit);

    const AbVariantSummary& c = summary.variants[2];
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.verdict, u"broken failed: broken.conf:1: error: invalid option 'bogus'"_s);
}

TEST(AbResult, TheFirstCompletedVariantIsTheBaselineWhenTheFirstFailed)
{
    AbResult result = threeVariantResult();
    std::swap(result.variants[0], result.variants[2]); // broken, 1x10 ft, 10x1
    const AbSummary summary = summarizeAbResult(result);
    EXPECT_EQ(summary.baseline, u"1x10 ft"_s);
    ASSERT_TRUE(summary.variants[2].ratio);
    EXPECT_NEAR(summary.variants[2].ratio->ratio, 0.5, 1e-9);
}

TEST(AbResult, TableRowsFollowTheSeedsColumns)
{
    const AbResult result = threeVariantResult();
    const auto rows = abTableRows(result, summarizeAbResult(result));
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0], (QStringList{u"Config"_s, u"rpm"_s, u"response"_s, u"app"_s, u"CPU/proc"_s,
                                    u"CPU total"_s, u"RSS"_s, u"GIL p95"_s, u"of limit"_s, u"vs 10x1"_s}));
    EXPECT_EQ(rows[1][0], u"10x1"_s);
    EXPECT_EQ(rows[1][1], u"30.0k \u00b14%"_s);
    EXPECT_EQ(rows[1][2], u"16.0 ms \u00b10.0%"_s); // equal repeats: a spread of zero, said
    EXPECT_EQ(rows[1][4], u"0.90 cores \u00b10.0%"_s);
    EXPECT_EQ(rows[1][6], u"30.0 MB \u00b10.0%"_s);
    EXPECT_EQ(rows[1][8], u"75%"_s);
    EXPECT_EQ(rows[1][9], u"baseline"_s);
    EXPECT_EQ(rows[2][7], u"n/a"_s);
    EXPECT_EQ(rows[2][8], u"n/a"_s);
    EXPECT_EQ(rows[2][9], u"2.00x (2.00\u20132.00)"_s);
    EXPECT_EQ(rows[3][1], u"failed"_s);
    const QString markdown = abTableText(rows, AbReportFormat::Markdown);
    EXPECT_TRUE(
        markdown.startsWith(u"| Config | rpm | response | app | CPU/proc | CPU total | RSS | GIL p95 | "
                            u"of limit | vs 10x1 |\n|---|---|---|---|---|---|---|---|---|---|\n"_s))
        << markdown.toStdString();
}

TEST(AbResult, CellFormatsReadLikeTheSeeds)
{
    EXPECT_EQ(formatRpm(134000), u"134k"_s);
    EXPECT_EQ(formatRpm(37400), u"37.4k"_s);
    EXPECT_EQ(formatRpm(951), u"951"_s);
    EXPECT_EQ(formatMs(13.2), u"13.2 ms"_s);
    EXPECT_EQ(formatMs(1.234), u"1.23 ms"_s);
    EXPECT_EQ(formatMs(0.004), u"4 \u00b5s"_s);
    EXPECT_EQ(formatBytes(200e6), u"200 MB"_s);
    EXPECT_EQ(formatDuration(45), u"45 s"_s);
    EXPECT_EQ(formatDuration(185), u"3m 05s"_s);
    EXPECT_EQ(formatDuration(3720), u"1h 02m"_s);
}

TEST(AbResult, JsonDocumentCarriesVariantsSummariesAndFailures)
{
    AbResult result = threeVariantResult();
    result.variants[0].variant.configText = u"WSGIDaemonProcess a processes=10 threads=1\n"_s;
    result.toolVersion = u"0.1.0"_s;
    const QJsonObject doc = abResultToJson(result, summarizeAbResult(result));
    EXPECT_EQ(doc.value(u"schema"_s).toString(), u"wsgi-studio-ab-result"_s);
    EXPECT_EQ(doc.value(u"version"_s).toInt(), kAbResultJsonVersion);
    EXPECT_EQ(doc.value(u"baseline"_s).toString(), u"10x1"_s);
    EXPECT_EQ(doc.value(u"tool"_s).toObject().value(u"version"_s).toString(), u"0.1.0"_s);
    EXPECT_TRUE(doc.value(u"machine"_s).toObject().contains(u"cpu_model"_s));
    EXPECT_TRUE(doc.value(u"physical_limits"_s).toObject().contains(u"3.11"_s));
    const QJsonArray variants = doc.value(u"variants"_s).toArray();
    ASSERT_EQ(variants.size(), 3);
    const QJsonObject a = variants[0].toObject();
    EXPECT_EQ(a.value(u"config"_s).toString(), u"WSGIDaemonProcess a processes=10 threads=1\n"_s);
    EXPECT_EQ(a.value(u"status"_s).toString(), u"ok"_s);
    EXPECT_EQ(a.value(u"repeats"_s).toArray().size(), 3);
    EXPECT_DOUBLE_EQ(
        a.value(u"summary"_s).toObject().value(u"rpm"_s).toObject().value(u"median"_s).toDouble(), 30000);
    const QJsonObject firstRepeat = a.value(u"repeats"_s).toArray()[0].toObject();
    EXPECT_EQ(firstRepeat.value(u"loadgen"_s).toObject().value(u"schema"_s).toString(),
              u"wsgi-loadgen-result"_s);
    EXPECT_TRUE(firstRepeat.value(u"server"_s)
                    .toObject()
                    .value(u"gil_wait_ms"_s)
                    .toObject()
                    .contains(u"histogram"_s));
    const QJsonObject b = variants[1].toObject();
    EXPECT_TRUE(b.value(u"summary"_s).toObject().value(u"gil_wait_p95_ms"_s).isNull());
    EXPECT_EQ(b.value(u"verdict_kind"_s).toString(), u"higher"_s);
    EXPECT_DOUBLE_EQ(b.value(u"ratio"_s).toObject().value(u"value"_s).toDouble(), 2);
    const QJsonObject c = variants[2].toObject();
    EXPECT_EQ(c.value(u"status"_s).toString(), u"failed"_s);
    EXPECT_TRUE(c.value(u"failure"_s).toString().contains(u"invalid option 'bogus'"_s));
    EXPECT_EQ(c.value(u"failed_in_round"_s).toInt(), 1);
    EXPECT_TRUE(c.value(u"ratio"_s).isNull());
}

TEST(AbResult, WorkersAreReadyOnceEveryProcessReportedItsInterpreter)
{
    EngineStatus status;
    EXPECT_FALSE(workersReady(status)); // no group yet
    GroupStatus g;
    g.name = "g";
    g.processesConfigured = 2;
    g.runtime = "3.13t";
    g.threads = 10;
    ProcessStatus p;
    p.state = "running";
    p.gilMode = GilMode::FreeThreaded;
    p.gilEnabled = false;
    p.python = "3.13.5 (main)";
    g.processes = {p};
    status.groups = {g};
    EXPECT_FALSE(workersReady(status)); // one of two processes
    status.groups[0].processes.push_back(p);
    status.groups[0].processes[1].gilMode = GilMode::Starting;
    EXPECT_FALSE(workersReady(status)); // the second has not loaded its interpreter
    status.groups[0].processes[1].gilMode = GilMode::FreeThreaded;
    EXPECT_TRUE(workersReady(status));

    // The variant did not name its group (a snippet file): the one serving / is recorded.
    status.mounts = {{"/", "g"}};
    AbVariantResult r;
    recordEngineStatus(r, status);
    EXPECT_EQ(r.variant.group, u"g"_s);
    EXPECT_EQ(r.runtime, u"3.13t"_s);
    EXPECT_EQ(r.gilMode, u"free-threaded"_s);
    EXPECT_FALSE(r.gilEnabled);
    EXPECT_EQ(r.python, u"3.13.5 (main)"_s);
    EXPECT_EQ(r.processes, 2);
    EXPECT_EQ(r.threads, 10);
    EXPECT_FALSE(r.switchInterval);
}

TEST(AbResult, JsonDocumentReadsBackAndWritesTheSameDocument)
{
    AbResult result = threeVariantResult();
    result.variants[0].variant.configText = u"WSGIDaemonProcess a processes=10 threads=1\n"_s;
    result.variants[1].variant.source = AbVariant::Source::File;
    result.variants[1].variant.filePath = u"/srv/ft.conf"_s;
    result.variants[0].switchInterval = 0.005;
    result.variants[0].engineWarnings = {u"a.conf:2: warning: something"_s};
    result.variants[0].repeats[1].notes = {u"1 worker process restart during the repeat"_s};
    result.toolVersion = u"0.1.0"_s;
    result.startedAt = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    result.finishedAt = QDateTime::fromSecsSinceEpoch(1700000100, Qt::UTC);
    result.plan.appPath = u"/srv/app.py"_s;
    result.plan.telemetryIntervalMs = 250;
    const AbSummary summary = summarizeAbResult(result);
    const QJsonObject saved = abResultToJson(result, summary);

    QString error;
    const auto read = abResultFromJson(saved, error);
    ASSERT_TRUE(read) << error.toStdString();
    // Nothing is lost: the document written from what was read is the one saved, field for field.
    EXPECT_EQ(abResultToJson(read->result, read->summary), saved);
    // The GUI's table from a loaded document is the table of the run.
    EXPECT_EQ(abTableRows(read->result, read->summary), abTableRows(result, summary));
    EXPECT_EQ(read->summary.failed, 1);
    EXPECT_EQ(read->summary.succeeded, 2);
    // Every histogram comes back bucket for bucket, so the latency curves, the client p50/p99 and the
    // server's p95s of a reopened result are the run's.
    for (size_t v = 0; v < result.variants.size(); ++v) {
        ASSERT_EQ(read->result.variants[v].repeats.size(), result.variants[v].repeats.size());
        for (size_t k = 0; k < result.variants[v].repeats.size(); ++k) {
            const AbRepeat& before = result.variants[v].repeats[k];
            const AbRepeat& after = read->result.variants[v].repeats[k];
            EXPECT_EQ(after.load.latency, before.load.latency);
            EXPECT_EQ(after.load.latencyUncorrected, before.load.latencyUncorrected);
            EXPECT_EQ(after.load.errorCount(), before.load.errorCount());
            EXPECT_EQ(after.load.status, before.load.status);
            EXPECT_EQ(after.server.requestTime, before.server.requestTime);
            EXPECT_EQ(after.server.applicationTime, before.server.applicationTime);
            EXPECT_EQ(after.server.queueTime, before.server.queueTime);
            EXPECT_EQ(after.server.gilWait, before.server.gilWait);
        }
        for (const double percent : {50.0, 99.0})
            EXPECT_EQ(clientLatencyMs(read->result.variants[v], percent),
                      clientLatencyMs(result.variants[v], percent));
    }
    EXPECT_NEAR(*clientLatencyMs(read->result.variants[0], 99), 20.0, 0.6);
    EXPECT_NEAR(*clientLatencyMs(read->result.variants[0], 50), 2.0, 0.1);
    EXPECT_EQ(read->result.variants[1].repeats[0].load.timeline[1].latency,
              result.variants[1].repeats[0].load.timeline[1].latency);
}

TEST(AbResult, AJsonDocumentWithoutTheHistogramsStillReads)
{
    // A document from before the server's histograms and the generator's document were read back:
    // the table comes from the saved summary, the histograms stay empty.
    const AbResult result = threeVariantResult();
    QJsonObject saved = abResultToJson(result, summarizeAbResult(result));
    QJsonArray variants;
    for (const QJsonValue& vv : saved.value(u"variants"_s).toArray()) {
        QJsonObject v = vv.toObject();
        QJsonArray repeats;
        for (const QJsonValue& rv : v.value(u"repeats"_s).toArray()) {
            QJsonObject r = rv.toObject();
            r.remove(u"loadgen"_s);
            repeats.append(r);
        }
        v.insert(u"repeats"_s, repeats);
        variants.append(v);
    }
    saved.insert(u"variants"_s, variants);
    QString error;
    const auto read = abResultFromJson(saved, error);
    ASSERT_TRUE(read) << error.toStdString();
    EXPECT_EQ(abTableRows(read->result, read->summary), abTableRows(result, summarizeAbResult(result)));
    EXPECT_DOUBLE_EQ(read->result.variants[0].repeats[0].load.achievedRate, 500);
    EXPECT_EQ(read->result.variants[0].repeats[0].load.latency.count(), 0);
}

TEST(AbResult, JsonDocumentsThatAreNotOursSayWhy)
{
    QString error;
    EXPECT_FALSE(abResultFromJson(QJsonObject{{u"schema"_s, u"other"_s}}, error));
    EXPECT_TRUE(error.contains(u"not an A/B result document"_s)) << error.toStdString();
    EXPECT_FALSE(
        abResultFromJson(QJsonObject{{u"schema"_s, u"wsgi-studio-ab-result"_s}, {u"version"_s, 9}}, error));
    EXPECT_TRUE(error.contains(u"version 9"_s)) << error.toStdString();
    QJsonObject bad = abResultToJson(threeVariantResult(), summarizeAbResult(threeVariantResult()));
    QJsonArray variants = bad.value(u"variants"_s).toArray();
    QJsonObject first = variants[0].toObject();
    first.insert(u"threads"_s, u"ten"_s);
    variants[0] = first;
    bad.insert(u"variants"_s, variants);
    EXPECT_FALSE(abResultFromJson(bad, error));
    EXPECT_EQ(error, u"variants[0].threads must be a number"_s);
}
