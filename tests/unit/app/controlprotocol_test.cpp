// Decoding the control protocol: hello, replies, status, telemetry (with histograms rebuilt), and
// malformed input of every kind reported as an error, never a crash.

#include "fakeengine.h"
#include "protocolsamples.h"
#include "session/controlprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <gtest/gtest.h>

#include <functional>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using namespace wsgi::studio::testing;

namespace {

QJsonObject parse(const QByteArray& line)
{
    return QJsonDocument::fromJson(line).object();
}

} // namespace

TEST(ControlProtocol, HelloIsAccepted)
{
    const auto hello = decodeHello(FakeEngine::defaultHello());
    ASSERT_TRUE(hello) << hello.error.toStdString();
    EXPECT_EQ(hello.value->protocol, u"wsgi-engine-control"_s);
    EXPECT_EQ(hello.value->version, 1);
    EXPECT_EQ(hello.value->pid, 4242);
    EXPECT_EQ(hello.value->auth, u"token"_s);
}

TEST(ControlProtocol, HelloOfAnotherProtocolIsAClearError)
{
    const auto hello = decodeHello(R"({"protocol":"redis","version":1})");
    ASSERT_FALSE(hello);
    EXPECT_TRUE(hello.error.contains(u"'redis'"_s)) << hello.error.toStdString();
    EXPECT_TRUE(hello.error.contains(u"wsgi-engine-control"_s)) << hello.error.toStdString();
}

TEST(ControlProtocol, HelloOfAnotherVersionNamesBothVersions)
{
    const auto hello = decodeHello(R"({"protocol":"wsgi-engine-control","version":2,"pid":1})");
    ASSERT_FALSE(hello);
    EXPECT_TRUE(hello.error.contains(u"version 2"_s)) << hello.error.toStdString();
    EXPECT_TRUE(hello.error.contains(u"version 1"_s)) << hello.error.toStdString();
}

TEST(ControlProtocol, HelloThatIsNotJsonSaysSo)
{
    for (const char* line : {"SSH-2.0-OpenSSH_9.2p1", "HTTP/1.1 400 Bad Request", "[1,2]", "{}", ""}) {
        const auto hello = decodeHello(line);
        ASSERT_FALSE(hello) << line;
        EXPECT_FALSE(hello.error.isEmpty()) << line;
    }
}

TEST(ControlProtocol, HelloWithWrongTypesIsAnError)
{
    const auto hello = decodeHello(R"({"protocol":"wsgi-engine-control","version":"1"})");
    ASSERT_FALSE(hello);
    EXPECT_TRUE(hello.error.contains(u"hello.version"_s)) << hello.error.toStdString();
}

TEST(ControlProtocol, ReplyOkAndError)
{
    const auto ok = decodeMessage(R"({"id":7,"ok":true,"result":{"interval_ms":500}})");
    ASSERT_TRUE(ok) << ok.error.toStdString();
    EXPECT_EQ(ok.value->kind, ControlMessage::Kind::Reply);
    ASSERT_TRUE(ok.value->id);
    EXPECT_EQ(*ok.value->id, 7u);
    EXPECT_TRUE(ok.value->ok);
    EXPECT_EQ(ok.value->result.value(u"interval_ms"_s).toInt(), 500);

    const auto failed =
        decodeMessage(R"({"id":8,"ok":false,"error":{"code":"unauthorized","message":"wrong token"}})");
    ASSERT_TRUE(failed) << failed.error.toStdString();
    EXPECT_FALSE(failed.value->ok);
    EXPECT_EQ(failed.value->errorCode, u"unauthorized"_s);
    EXPECT_EQ(failed.value->errorMessage, u"wrong token"_s);
}

TEST(ControlProtocol, ReplyWithoutIdIsStillAReply)
{
    // The engine answers an unparseable request with id null.
    const auto m = decodeMessage(R"({"id":null,"ok":false,"error":{"code":"bad-json","message":"x"}})");
    ASSERT_TRUE(m) << m.error.toStdString();
    EXPECT_FALSE(m.value->id);
    EXPECT_EQ(m.value->errorCode, u"bad-json"_s);
}

TEST(ControlProtocol, EventIsRecognised)
{
    const auto m = decodeMessage(compact(telemetryEventJson({ProcessSpec{}})));
    ASSERT_TRUE(m) << m.error.toStdString();
    EXPECT_EQ(m.value->kind, ControlMessage::Kind::Event);
    EXPECT_EQ(m.value->event, u"telemetry"_s);
}

TEST(ControlProtocol, MalformedMessagesAreErrors)
{
    for (const char* line :
         {"not json", "{\"id\":1", "[]", "42", "{\"hello\":1}", "{\"id\":1,\"ok\":\"yes\"}",
          "{\"id\":1,\"ok\":false}", "{\"id\":1,\"ok\":false,\"error\":\"boom\"}",
          "{\"id\":1,\"ok\":true,\"result\":[1]}", "{\"event\":7}"}) {
        const auto m = decodeMessage(line);
        EXPECT_FALSE(m) << line;
        EXPECT_FALSE(m.error.isEmpty()) << line;
    }
}

TEST(ControlProtocol, StatusDecodesEveryField)
{
    ProcessSpec a;
    ProcessSpec b;
    b.process = 2;
    b.pid = 1002;
    b.gilMode = u"free-threaded"_s;
    b.gilEnabled = false;
    const auto status = decodeStatus(statusResultJson({a, b}));
    ASSERT_TRUE(status) << status.error.toStdString();
    const EngineStatus& s = *status.value;
    EXPECT_EQ(s.engine.pid, 4242);
    EXPECT_DOUBLE_EQ(s.engine.uptimeSeconds, 133.2);
    EXPECT_EQ(s.engine.configFile, "/tmp/engine.conf");
    EXPECT_EQ(s.engine.generation, 1);
    EXPECT_EQ(s.engine.connections, 3);
    ASSERT_EQ(s.engine.listen.size(), 1u);
    EXPECT_EQ(s.engine.listen[0], "127.0.0.1:8080");
    ASSERT_EQ(s.groups.size(), 1u);
    const GroupStatus& g = s.groups[0];
    EXPECT_EQ(g.name, "g");
    EXPECT_EQ(g.processesConfigured, 2);
    EXPECT_EQ(g.threads, 2);
    EXPECT_FALSE(g.switchIntervalRequested);
    ASSERT_EQ(g.restarts.size(), 1u);
    EXPECT_EQ(g.restarts[0].first, "crash");
    EXPECT_EQ(g.restarts[0].second, 1);
    ASSERT_EQ(g.processes.size(), 2u);
    EXPECT_EQ(g.processes[0].pid, 1001);
    EXPECT_EQ(g.processes[0].gilMode, GilMode::Shared);
    EXPECT_TRUE(g.processes[0].gilEnabled);
    EXPECT_EQ(g.processes[1].gilMode, GilMode::FreeThreaded);
    EXPECT_FALSE(g.processes[1].gilEnabled);
    ASSERT_TRUE(g.processes[1].switchInterval);
    EXPECT_DOUBLE_EQ(*g.processes[1].switchInterval, 0.005);
    EXPECT_EQ(g.processes[1].python, "3.13.5");
    ASSERT_EQ(s.mounts.size(), 1u);
    EXPECT_EQ(s.mounts[0].prefix, "/");
    EXPECT_EQ(s.process(1002), &g.processes[1]);
    EXPECT_EQ(s.group("g"), &g);
    EXPECT_EQ(s.group("nope"), nullptr);
}

TEST(ControlProtocol, StatusWithMissingFieldsTakesDefaults)
{
    const auto status = decodeStatus(parse(R"({"groups":[{"name":"g","processes":[{"pid":5}]}]})"));
    ASSERT_TRUE(status) << status.error.toStdString();
    EXPECT_EQ(status.value->engine.pid, 0);
    ASSERT_EQ(status.value->groups.at(0).processes.size(), 1u);
    EXPECT_EQ(status.value->groups[0].processes[0].pid, 5);
    EXPECT_EQ(status.value->groups[0].processes[0].gilMode, GilMode::Unknown);
}

TEST(ControlProtocol, StatusWithWrongTypesNamesTheField)
{
    struct Case
    {
        const char* json;
        const char* path;
    };
    for (const Case& c : {
             Case{R"({"engine":{"pid":"12"}})", "status.engine.pid"},
             Case{R"({"engine":[]})", "status.engine"},
             Case{R"({"groups":{}})", "status.groups"},
             Case{R"({"groups":[7]})", "status.groups[0]"},
             Case{R"({"groups":[{"processes":[{"pid":1.5}]}]})", "status.groups[0].processes[0].pid"},
             Case{R"({"groups":[{"restarts":{"crash":"x"}}]})", "status.groups[0].restarts.crash"},
             Case{R"({"engine":{"listen":[1]}})", "status.engine.listen[0]"},
         }) {
        const auto status = decodeStatus(parse(c.json));
        ASSERT_FALSE(status) << c.json;
        EXPECT_TRUE(status.error.contains(QLatin1StringView(c.path)))
            << c.json << ": " << status.error.toStdString();
    }
}

TEST(ControlProtocol, TelemetryRebuildsHistogramsExactly)
{
    ProcessSpec spec;
    spec.requestTimesUs = {1, 63, 64, 100, 3000, 3100, 250000, 1000000};
    spec.gilWaitsUs = {0, 2, 7, 40, 1500};
    const auto sample = decodeTelemetry(telemetryEventJson({spec}, 500));
    ASSERT_TRUE(sample) << sample.error.toStdString();
    EXPECT_EQ(sample.value->intervalMs, 500);
    EXPECT_DOUBLE_EQ(sample.value->time, 1700000000.5);
    ASSERT_EQ(sample.value->processes.size(), 1u);
    const ProcessTelemetry& p = sample.value->processes[0];
    EXPECT_EQ(p.group, "g");
    EXPECT_EQ(p.process, 1);
    EXPECT_EQ(p.pid, 1001);
    EXPECT_EQ(p.gilMode, GilMode::Shared);
    EXPECT_EQ(p.requestCount, 10);
    EXPECT_DOUBLE_EQ(p.requestsPerMinute, 600);
    EXPECT_EQ(p.threadsMaximum, 2);
    EXPECT_EQ(p.threadsActive, 1);
    ASSERT_TRUE(p.cpuUtilization);
    EXPECT_DOUBLE_EQ(*p.cpuUtilization, 0.5);
    EXPECT_EQ(p.memoryRss, 50 * 1024 * 1024);
    EXPECT_EQ(p.statusClasses[1], 10);
    EXPECT_EQ(p.outputBytes, 10 * 1024);

    wsgi::Histogram expected;
    for (int64_t v : spec.requestTimesUs)
        expected.record(v);
    const PhaseTiming& request = p.phase(TimingPhase::Request);
    EXPECT_TRUE(request.applicable);
    EXPECT_TRUE(request.histogram == expected);
    EXPECT_EQ(request.minUs, 1);
    EXPECT_EQ(request.maxUs, 1000000);
    ASSERT_TRUE(request.meanSeconds);
    EXPECT_NEAR(*request.meanSeconds, expected.mean() / 1e6, 1e-12);
    EXPECT_DOUBLE_EQ(request.histogram.percentile(95), expected.percentile(95));

    wsgi::Histogram gil;
    for (int64_t v : spec.gilWaitsUs)
        gil.record(v);
    EXPECT_TRUE(p.phase(TimingPhase::GilWaitFull).histogram == gil);
    EXPECT_EQ(p.gilWaitCount, 5);
}

TEST(ControlProtocol, TelemetryWithoutGilMarksGilPhasesNotApplicable)
{
    ProcessSpec spec;
    spec.gilEnabled = false;
    spec.gilMode = u"free-threaded"_s;
    const auto sample = decodeTelemetry(telemetryEventJson({spec}));
    ASSERT_TRUE(sample) << sample.error.toStdString();
    const ProcessTelemetry& p = sample.value->processes.at(0);
    EXPECT_FALSE(p.phase(TimingPhase::GilWait).applicable);
    EXPECT_FALSE(p.phase(TimingPhase::GilWaitFull).applicable);
    EXPECT_TRUE(p.phase(TimingPhase::Request).applicable);
    EXPECT_EQ(p.gilMode, GilMode::FreeThreaded);
}

TEST(ControlProtocol, IdleProcessHasNoMeansButEmptyHistograms)
{
    ProcessSpec spec;
    spec.requests = 0;
    spec.requestTimesUs = {};
    spec.gilWaitsUs = {};
    const auto sample = decodeTelemetry(telemetryEventJson({spec}));
    ASSERT_TRUE(sample) << sample.error.toStdString();
    const PhaseTiming& t = sample.value->processes.at(0).phase(TimingPhase::Application);
    EXPECT_TRUE(t.applicable);
    EXPECT_FALSE(t.meanSeconds);
    EXPECT_EQ(t.histogram.count(), 0);
}

TEST(ControlProtocol, TelemetryWithMissingCpuKeepsItUnknown)
{
    QJsonObject process = processTelemetryJson({});
    process.remove(u"cpu_user_utilization"_s);
    process.remove(u"cpu_system_utilization"_s);
    process.insert(u"cpu_utilization"_s, QJsonValue::Null);
    const QJsonObject event{{u"event"_s, u"telemetry"_s}, {u"processes"_s, QJsonArray{process}}};
    const auto sample = decodeTelemetry(event);
    ASSERT_TRUE(sample) << sample.error.toStdString();
    EXPECT_FALSE(sample.value->processes.at(0).cpuUtilization);
}

namespace {

// The event with one edit applied to process 0's request_time histogram.
QJsonObject withHistogramEdit(const std::function<void(QJsonObject&)>& edit)
{
    QJsonObject event = telemetryEventJson({ProcessSpec{}});
    QJsonArray processes = event.value(u"processes"_s).toArray();
    QJsonObject process = processes[0].toObject();
    QJsonObject histogram = process.value(u"request_time_histogram"_s).toObject();
    edit(histogram);
    process.insert(u"request_time_histogram"_s, histogram);
    processes[0] = process;
    event.insert(u"processes"_s, processes);
    return event;
}

} // namespace

TEST(ControlProtocol, BadHistogramsAreErrorsNamingTheProcessAndField)
{
    struct Case
    {
        const char* what;
        std::function<void(QJsonObject&)> edit;
        const char* expected;
    };
    const std::vector<Case> cases = {
        {"index out of range",
         [](QJsonObject& h) {
             h.insert(u"buckets"_s, QJsonArray{QJsonArray{99999, 1}});
         },
         "out of range"},
        {"negative index",
         [](QJsonObject& h) {
             h.insert(u"buckets"_s, QJsonArray{QJsonArray{-1, 1}});
         },
         "[index, count]"},
        {"not a pair", [](QJsonObject& h) { h.insert(u"buckets"_s, QJsonArray{QJsonArray{3}}); },
         "[index, count]"},
        {"string count",
         [](QJsonObject& h) {
             h.insert(u"buckets"_s, QJsonArray{QJsonArray{3, u"1"_s}});
         },
         "[index, count]"},
        {"buckets not an array", [](QJsonObject& h) { h.insert(u"buckets"_s, 5); }, "buckets"},
        {"count disagrees", [](QJsonObject& h) { h.insert(u"count"_s, 999); }, "disagrees"},
        {"sum wrong type", [](QJsonObject& h) { h.insert(u"sum_us"_s, u"lots"_s); }, "sum_us"},
    };
    for (const Case& c : cases) {
        const auto sample = decodeTelemetry(withHistogramEdit(c.edit));
        ASSERT_FALSE(sample) << c.what;
        EXPECT_TRUE(sample.error.contains(QLatin1StringView(c.expected)))
            << c.what << ": " << sample.error.toStdString();
        EXPECT_TRUE(sample.error.contains(u"request_time_histogram"_s)) << c.what;
        EXPECT_TRUE(sample.error.contains(u"group 'g' process 1"_s))
            << c.what << ": " << sample.error.toStdString();
    }
}

TEST(ControlProtocol, TelemetryWithWrongShapesIsAnError)
{
    for (const char* json :
         {R"({"event":"telemetry","processes":{}})", R"({"event":"telemetry","processes":[1]})",
          R"({"event":"telemetry","interval_ms":"1000"})",
          R"({"event":"telemetry","processes":[{"request_time":"slow"}]})",
          R"({"event":"telemetry","processes":[{"request_time_histogram":[]}]})"}) {
        const auto sample = decodeTelemetry(parse(json));
        EXPECT_FALSE(sample) << json;
        EXPECT_FALSE(sample.error.isEmpty()) << json;
    }
}

TEST(ControlProtocol, EveryTruncationOfAValidLineIsHandled)
{
    // A connection cut mid-line, or a buffer bug, must give an error (or a shorter valid message),
    // never a crash or an exception.
    const QByteArray line = compact(telemetryEventJson({ProcessSpec{}, ProcessSpec{}}));
    int errors = 0;
    for (qsizetype n = 0; n < line.size(); ++n) {
        const auto message = decodeMessage(line.left(n));
        if (!message) {
            ++errors;
            continue;
        }
        if (message.value->kind == ControlMessage::Kind::Event)
            (void)decodeTelemetry(message.value->object);
    }
    EXPECT_EQ(errors, line.size());
}

TEST(ControlProtocol, EveryByteFlipOfAValidLineIsHandled)
{
    const QByteArray line = compact(telemetryEventJson({ProcessSpec{}}));
    for (qsizetype i = 0; i < line.size(); ++i) {
        for (char replacement : {'\0', '"', '9', '}', '-', '[', 'x'}) {
            QByteArray mutated = line;
            mutated[i] = replacement;
            const auto message = decodeMessage(mutated);
            if (message && message.value->kind == ControlMessage::Kind::Event)
                (void)decodeTelemetry(message.value->object);
        }
    }
    SUCCEED();
}

TEST(ControlProtocol, RequestCarriesIdTokenOpAndArguments)
{
    const QByteArray line = encodeRequest(3, "s3cret", u"subscribe"_s, {{u"interval_ms"_s, 250}});
    ASSERT_TRUE(line.endsWith('\n'));
    EXPECT_EQ(line.count('\n'), 1);
    const QJsonObject request = parse(line.trimmed());
    EXPECT_EQ(request.value(u"id"_s).toInteger(), 3);
    EXPECT_EQ(request.value(u"token"_s).toString(), u"s3cret"_s);
    EXPECT_EQ(request.value(u"op"_s).toString(), u"subscribe"_s);
    EXPECT_EQ(request.value(u"interval_ms"_s).toInt(), 250);
}

TEST(ControlProtocol, GilModeNamesRoundTrip)
{
    for (GilMode mode : {GilMode::Shared, GilMode::PerInterpreter, GilMode::FreeThreaded, GilMode::Starting})
        EXPECT_EQ(gilModeFromWire(gilModeWireName(mode)), mode);
    EXPECT_EQ(gilModeFromWire("quantum"), GilMode::Unknown);
}
