// TelemetryHistory's per-process lines, past samples and lifecycle events; a recording written from
// the engine's own JSON lines and read back gives the same values as the live decode, and a broken
// recording is an error naming the line.

#include "protocolsamples.h"
#include "session/telemetryhistory.h"
#include "session/telemetryrecording.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using namespace wsgi::studio::testing;

namespace {

EngineEvent restartEvent(int64_t seq, double time, const char* reason, const char* group = "g")
{
    EngineEvent e;
    e.sequence = seq;
    e.time = time;
    e.reason = reason;
    e.group = group;
    e.process = 1;
    e.log = "stack of " + std::string(reason);
    return e;
}

QJsonObject telemetryAt(double time, const std::vector<ProcessSpec>& processes, const QJsonArray& events = {})
{
    QJsonObject event = telemetryEventJson(processes, 250);
    event.insert("time"_L1, time);
    if (!events.isEmpty())
        event.insert("events"_L1, events);
    return event;
}

} // namespace

TEST(TelemetryHistoryEvents, RepeatedEventsAreKeptOnceAndBounded)
{
    TelemetryHistory history;
    TelemetrySample s;
    s.time = 10;
    s.events = {restartEvent(1, 9, "crash-signal"), restartEvent(2, 9.5, "maximum-requests")};
    history.append(s);
    // A re-subscribe sends the ring's tail again, plus what is new.
    s.time = 11;
    s.events = {restartEvent(2, 9.5, "maximum-requests"), restartEvent(3, 10.5, "request-timeout")};
    history.append(s);
    ASSERT_EQ(history.events().size(), 3u);
    EXPECT_EQ(history.events()[2].reason, "request-timeout");
    EXPECT_EQ(history.eventsIn({9.2, 11}).size(), 2u);

    for (int i = 0; i < TelemetryHistory::kMaxEvents + 10; ++i) {
        s.time = 20 + i;
        s.events = {restartEvent(100 + i, 20 + i, "restart")};
        history.append(s);
    }
    EXPECT_EQ(int(history.events().size()), TelemetryHistory::kMaxEvents);
    EXPECT_EQ(history.events().back().sequence, 100 + TelemetryHistory::kMaxEvents + 9);
    history.clear();
    EXPECT_TRUE(history.events().empty());
}

TEST(TelemetryHistoryEvents, ProcessLinesFollowTheSlotAcrossARestart)
{
    TelemetryHistory history;
    auto decode = [](const QJsonObject& o) { return *decodeTelemetry(o).value; };
    ProcessSpec a1{.group = u"a"_s, .process = 1, .pid = 11, .cpu = 0.5};
    ProcessSpec a2{.group = u"a"_s, .process = 2, .pid = 12, .cpu = 1.25};
    ProcessSpec b1{.group = u"b"_s, .process = 1, .pid = 21, .cpu = 0.1};
    history.append(decode(telemetryAt(1, {a1, a2, b1})));
    a2.pid = 99; // slot 2 restarted
    history.append(decode(telemetryAt(2, {a1, a2, b1})));
    const auto lines = history.processSeries(HistoryMetric::Cpu, u"a"_s);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[1].group, u"a"_s);
    EXPECT_EQ(lines[1].process, 2);
    ASSERT_EQ(lines[1].points.size(), 2);
    EXPECT_DOUBLE_EQ(lines[1].points[1].value, 1.25);
    EXPECT_EQ(history.processSeries(HistoryMetric::Cpu).size(), 3u);
}

TEST(TelemetryHistoryEvents, SampleAtRebuildsWhatTheLiveSampleShowed)
{
    TelemetryHistory history;
    ProcessSpec shared{.group = u"a"_s, .process = 1, .pid = 11};
    ProcessSpec freeThreaded{.group = u"ft"_s,
                             .process = 1,
                             .pid = 12,
                             .gilMode = u"free-threaded"_s,
                             .gilEnabled = false,
                             .cpu = 1.8};
    const TelemetrySample live = *decodeTelemetry(telemetryAt(5, {shared, freeThreaded})).value;
    history.append(live);
    history.append(*decodeTelemetry(telemetryAt(6, {shared})).value);
    EXPECT_TRUE(history.sampleAt(4.9).processes.empty());
    const TelemetrySample past = history.sampleAt(5.5);
    EXPECT_DOUBLE_EQ(past.time, 5);
    ASSERT_EQ(past.processes.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        const ProcessTelemetry& want = live.processes[i];
        const ProcessTelemetry& got = past.processes[i];
        EXPECT_EQ(got.group, want.group);
        EXPECT_EQ(got.pid, want.pid);
        EXPECT_EQ(got.gilMode, want.gilMode);
        EXPECT_EQ(got.gilEnabled, want.gilEnabled);
        EXPECT_EQ(got.cpuUtilization, want.cpuUtilization);
        EXPECT_EQ(got.memoryRss, want.memoryRss);
        for (int ph = 0; ph < kTimingPhaseCount; ++ph) {
            EXPECT_EQ(got.phases[size_t(ph)].histogram.sparse(), want.phases[size_t(ph)].histogram.sparse())
                << timingPhaseWireName(TimingPhase(ph));
        }
        EXPECT_EQ(got.phase(TimingPhase::GilWait).histogram.percentile(95),
                  want.phase(TimingPhase::GilWait).histogram.percentile(95));
    }
    EXPECT_FALSE(past.processes[1].phase(TimingPhase::GilWait).applicable);
    EXPECT_EQ(history.sampleAt(100).time, 6);
}

TEST(TelemetryRecording, RoundTripGivesTheLiveValues)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"session.jsonl"_s);
    QJsonObject status = statusResultJson({ProcessSpec{}});
    status.insert("recent_events"_L1,
                  QJsonArray{QJsonObject{{"seq"_L1, 4}, {"kind"_L1, "reload"_L1}, {"generation"_L1, 2}}});
    TelemetryRecorder recorder;
    QString error;
    ASSERT_TRUE(recorder.start(path, status, 1000.5, &error)) << error.toStdString();
    std::vector<TelemetrySample> live;
    for (int i = 0; i < 40; ++i) {
        ProcessSpec spec;
        spec.requests = i;
        spec.gilWaitsUs = {5 + i, 20 * i, 900};
        QJsonArray events;
        if (i == 7)
            events.append(QJsonObject{{"seq"_L1, 5},
                                      {"time"_L1, 1007.0},
                                      {"kind"_L1, "restart"_L1},
                                      {"reason"_L1, "request-timeout"_L1},
                                      {"log"_L1, "Thread 1\n  f()"_L1}});
        const QJsonObject event = telemetryAt(1000 + i * 0.25, {spec}, events);
        live.push_back(*decodeTelemetry(event).value);
        recorder.write(event);
        recorder.write(QJsonObject{{"event"_L1, "something-else"_L1}}); // not telemetry: not recorded
    }
    EXPECT_EQ(recorder.samplesWritten(), 40);
    recorder.stop();

    qint64 lastDone = -1;
    const auto read = readRecording(path, [&](qint64 done, qint64 total) {
        EXPECT_LE(done, total);
        lastDone = done;
        return true;
    });
    ASSERT_TRUE(read) << read.error.toStdString();
    EXPECT_EQ(lastDone, QFile(path).size());
    EXPECT_DOUBLE_EQ(read.value->started, 1000.5);
    ASSERT_EQ(read.value->status.groups.size(), 1u);
    ASSERT_EQ(read.value->recentEvents.size(), 1u);
    EXPECT_EQ(read.value->recentEvents[0].generation, 2);
    ASSERT_EQ(read.value->samples.size(), live.size());

    // The figures a view shows from either are the same.
    TelemetryHistory fromLive, fromFile;
    for (const auto& s : live)
        fromLive.append(s);
    for (const auto& s : read.value->samples)
        fromFile.append(s);
    const auto gilLive = fromLive.mergedHistogram(TimingPhase::GilWait);
    const auto gilFile = fromFile.mergedHistogram(TimingPhase::GilWait);
    EXPECT_EQ(gilLive.sparse(), gilFile.sparse());
    EXPECT_EQ(gilLive.percentile(95), gilFile.percentile(95));
    EXPECT_EQ(fromLive.series(HistoryMetric::Cpu), fromFile.series(HistoryMetric::Cpu));
    ASSERT_EQ(fromFile.events().size(), 1u);
    EXPECT_EQ(fromFile.events()[0].log, "Thread 1\n  f()");
}

TEST(TelemetryRecording, BadFilesNameTheLine)
{
    QTemporaryDir dir;
    const auto write = [&](const QByteArray& text) {
        const QString path = dir.filePath(u"r.jsonl"_s);
        QFile f(path);
        EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        return path;
    };
    const QByteArray header = R"({"format":"wsgi-studio-recording","version":1,"started":1,"status":{}})"
                              "\n";
    const QByteArray good = compact(telemetryAt(2, {ProcessSpec{}})) + "\n";

    auto r = readRecording(write(header + good + "\n" + "{\"event\":\"telemetry\",\"time\":\"x\"}\n"));
    ASSERT_FALSE(r);
    EXPECT_TRUE(
        r.error.contains(u"line 4: a telemetry event is malformed: telemetry.time: expected a number"_s))
        << r.error.toStdString();

    r = readRecording(write(header + good + good.left(good.size() / 2)));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error.contains(u"line 3: not valid JSON"_s)) << r.error.toStdString();

    r = readRecording(write("{\"hello\":1}\n" + good));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error.contains(u"line 1: not a wsgi-studio recording"_s)) << r.error.toStdString();

    r = readRecording(write(R"({"format":"wsgi-studio-recording","version":9})"
                            "\n"));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error.contains(u"line 1: recording format version 9"_s)) << r.error.toStdString();

    r = readRecording(write(header + R"({"event":"status"})" + "\n"));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error.contains(u"line 2: expected a telemetry event"_s)) << r.error.toStdString();

    r = readRecording(write(""));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error.contains(u"is empty"_s)) << r.error.toStdString();

    r = readRecording(dir.filePath(u"missing.jsonl"_s));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error.contains(u"cannot open the recording"_s)) << r.error.toStdString();

    // Cancelled from the progress callback.
    QByteArray many = header;
    for (int i = 0; i < 200; ++i)
        many += good;
    r = readRecording(write(many), [](qint64, qint64) { return false; });
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error.contains(u"cancelled"_s));
}
