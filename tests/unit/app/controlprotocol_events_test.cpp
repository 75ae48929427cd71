// Wire 1: the engine's lifecycle events in telemetry ("events") and in status ("recent_events",
// per group "throttled"), decoded by the module's rule: absent takes the default, a wrong type is an
// error naming the field.

#include "protocolsamples.h"
#include "session/controlprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;
using namespace wsgi::studio::testing;

namespace {

QJsonObject parse(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

TEST(ControlProtocolEvents, TelemetryEventsDecodeEveryField)
{
    QJsonObject event = telemetryEventJson({});
    event.insert("events"_L1, parse(R"J({"a":[
        {"seq":7,"time":1700000000.5,"kind":"restart","reason":"request-timeout","group":"app",
         "process":2,"pid":4711,"requests_lost":3,"detail":"GET /slow ran 12.0 s","log":"Thread 1\n  f()"
},
        {"seq":8,"time":1700000001,"kind":"reload","generation":5},
        {"seq":9,"time":1700000002,"kind":"throttled","group":"app","process":1,"backoff_s":2.5}]
})J")
                                  .value("a"_L1));
    const auto sample = decodeTelemetry(event);
    ASSERT_TRUE(sample) << sample.error.toStdString();
    ASSERT_EQ(sample.value->events.size(), 3u);
    const EngineEvent& e = sample.value->events[0];
    EXPECT_EQ(e.kind, EngineEvent::Kind::Restart);
    EXPECT_EQ(e.sequence, 7);
    EXPECT_DOUBLE_EQ(e.time, 1700000000.5);
    EXPECT_EQ(e.reason, "request-timeout");
    EXPECT_EQ(e.group, "app");
    EXPECT_EQ(e.process, 2);
    EXPECT_EQ(e.pid, 4711);
    EXPECT_EQ(e.requestsLost, 3);
    EXPECT_EQ(e.detail, "GET /slow ran 12.0 s");
    EXPECT_EQ(e.log, "Thread 1\n  f()");
    EXPECT_EQ(sample.value->events[1].kind, EngineEvent::Kind::Reload);
    EXPECT_EQ(sample.value->events[1].generation, 5);
    EXPECT_EQ(sample.value->events[1].process, 0);
    EXPECT_EQ(sample.value->events[2].kind, EngineEvent::Kind::Throttled);
    EXPECT_DOUBLE_EQ(sample.value->events[2].backoffSeconds, 2.5);
}

TEST(ControlProtocolEvents, AbsentEventsAndFieldsTakeDefaults)
{
    const auto none = decodeTelemetry(telemetryEventJson({}));
    ASSERT_TRUE(none) << none.error.toStdString();
    EXPECT_TRUE(none.value->events.empty());

    QJsonObject event = telemetryEventJson({});
    event.insert("events"_L1, parse(R"({"a":[{"seq":1,"reason":null}]})").value("a"_L1));
    const auto sparse = decodeTelemetry(event);
    ASSERT_TRUE(sparse) << sparse.error.toStdString();
    ASSERT_EQ(sparse.value->events.size(), 1u);
    EXPECT_EQ(sparse.value->events[0].kind, EngineEvent::Kind::Restart);
    EXPECT_TRUE(sparse.value->events[0].reason.empty());
    EXPECT_TRUE(sparse.value->events[0].log.empty());
}

TEST(ControlProtocolEvents, WrongTypesAndUnknownKindsNameTheField)
{
    const auto withEvents = [](const char* events) {
        QJsonObject event = telemetryEventJson({});
        event.insert("events"_L1, parse(events).value("a"_L1));
        return decodeTelemetry(event);
    };
    const auto notArray = withEvents(R"({"a":{"seq":1}})");
    ASSERT_FALSE(notArray);
    EXPECT_TRUE(notArray.error.contains(u"telemetry.events: expected an array"_s))
        << notArray.error.toStdString();

    const auto badPid = withEvents(R"({"a":[{"seq":1},{"seq":2,"pid":"x"}]})");
    ASSERT_FALSE(badPid);
    EXPECT_TRUE(badPid.error.contains(u"telemetry.events[1].pid: expected an integer, got a string"_s))
        << badPid.error.toStdString();

    const auto badKind = withEvents(R"({"a":[{"seq":1,"kind":"explode"}]})");
    ASSERT_FALSE(badKind);
    EXPECT_TRUE(badKind.error.contains(u"telemetry.events[0].kind: unknown event kind 'explode'"_s))
        << badKind.error.toStdString();

    const auto notObject = withEvents(R"({"a":[3]})");
    ASSERT_FALSE(notObject);
    EXPECT_TRUE(notObject.error.contains(u"telemetry.events[0]: expected an object, got a number"_s))
        << notObject.error.toStdString();
}

TEST(ControlProtocolEvents, StatusCarriesThrottledAndRecentEvents)
{
    const QJsonObject status = parse(R"({"engine":{"pid":1},
        "groups":[{"name":"app","throttled":[{"process":2,"failures":4,"backoff_s":8}]},{"name":"b"}],
        "recent_events":[{"seq":3,"kind":"restart","reason":"crash-signal","group":"app","process":2}]})");
    const auto decoded = decodeStatus(status);
    ASSERT_TRUE(decoded) << decoded.error.toStdString();
    ASSERT_EQ(decoded.value->groups.size(), 2u);
    ASSERT_EQ(decoded.value->groups[0].throttled.size(), 1u);
    EXPECT_EQ(decoded.value->groups[0].throttled[0].process, 2);
    EXPECT_EQ(decoded.value->groups[0].throttled[0].failures, 4);
    EXPECT_DOUBLE_EQ(decoded.value->groups[0].throttled[0].backoffSeconds, 8);
    EXPECT_TRUE(decoded.value->groups[1].throttled.empty());

    const auto recent = decodeRecentEvents(status);
    ASSERT_TRUE(recent) << recent.error.toStdString();
    ASSERT_EQ(recent.value->size(), 1u);
    EXPECT_EQ(recent.value->front().reason, "crash-signal");
    EXPECT_EQ(recent.value->front().sequence, 3);

    const auto badThrottle =
        decodeStatus(parse(R"({"groups":[{"name":"a","throttled":[{"failures":"many"}]}]})"));
    ASSERT_FALSE(badThrottle);
    EXPECT_TRUE(badThrottle.error.contains(u"status.groups[0].throttled[0].failures: expected an integer"_s))
        << badThrottle.error.toStdString();
    const auto badRecent = decodeRecentEvents(parse(R"({"recent_events":[{"time":"now"}]})"));
    ASSERT_FALSE(badRecent);
    EXPECT_TRUE(badRecent.error.contains(u"status.recent_events[0].time: expected a number"_s))
        << badRecent.error.toStdString();
}

TEST(ControlProtocolEvents, KindNamesRoundTrip)
{
    for (const auto kind :
         {EngineEvent::Kind::Restart, EngineEvent::Kind::Reload, EngineEvent::Kind::Throttled}) {
        bool ok = false;
        EXPECT_EQ(engineEventKindFromWire(QString::fromLatin1(engineEventKindWireName(kind)), &ok), kind);
        EXPECT_TRUE(ok);
    }
}
