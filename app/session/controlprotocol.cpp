#include "session/controlprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

QString typeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"an array"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"nothing"_s;
}

// Reads the fields of one object by the module's rule (absent or null: default; wrong type: error).
// Only the first error is kept: it names the field, which is what a reader of the message needs.
class FieldReader
{
public:
    FieldReader(QJsonObject object, QString path, QString& error)
        : m_object(std::move(object)), m_path(std::move(path)), m_error(error)
    {
    }

    bool has(QLatin1StringView key) const { return !value(key).isNull(); }

    int64_t integer(QLatin1StringView key, int64_t def = 0)
    {
        const QJsonValue v = value(key);
        if (v.isNull())
            return def;
        // Integral doubles are accepted: JSON has one number type and some encoders write 3.0.
        const double d = v.toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!v.isDouble() || !std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9.0e18) {
            fail(key, u"an integer"_s, v);
            return def;
        }
        const qint64 exact = v.toInteger(std::numeric_limits<qint64>::min());
        return exact != std::numeric_limits<qint64>::min() ? exact : int64_t(d);
    }

    double number(QLatin1StringView key, double def = 0) { return optionalNumber(key).value_or(def); }

    std::optional<double> optionalNumber(QLatin1StringView key)
    {
        const QJsonValue v = value(key);
        if (v.isNull())
            return std::nullopt;
        if (!v.isDouble()) {
            fail(key, u"a number"_s, v);
            return std::nullopt;
        }
        return v.toDouble();
    }

    std::string string(QLatin1StringView key)
    {
        const QJsonValue v = value(key);
        if (v.isNull())
            return {};
        if (!v.isString()) {
            fail(key, u"a string"_s, v);
            return {};
        }
        return v.toString().toStdString();
    }

    bool boolean(QLatin1StringView key, bool def)
    {
        const QJsonValue v = value(key);
        if (v.isNull())
            return def;
        if (!v.isBool()) {
            fail(key, u"a boolean"_s, v);
            return def;
        }
        return v.toBool();
    }

    QJsonArray array(QLatin1StringView key)
    {
        const QJsonValue v = value(key);
        if (v.isNull())
            return {};
        if (!v.isArray()) {
            fail(key, u"an array"_s, v);
            return {};
        }
        return v.toArray();
    }

    QJsonObject object(QLatin1StringView key)
    {
        const QJsonValue v = value(key);
        if (v.isNull())
            return {};
        if (!v.isObject()) {
            fail(key, u"an object"_s, v);
            return {};
        }
        return v.toObject();
    }

    QString path(QLatin1StringView key) const
    {
        return m_path.isEmpty() ? QString(key) : m_path + u'.' + key;
    }
    bool failed() const { return !m_error.isEmpty(); }
    void failWith(const QString& message)
    {
        if (m_error.isEmpty())
            m_error = message;
    }

private:
    QJsonValue value(QLatin1StringView key) const
    {
        const QJsonValue v = m_object.value(key);
        return v.isUndefined() ? QJsonValue() : v;
    }

    void fail(QLatin1StringView key, const QString& expected, const QJsonValue& got)
    {
        failWith(path(key) + u": expected "_s + expected + u", got "_s + typeName(got));
    }

    QJsonObject m_object; // a shared copy: callers pass temporaries
    QString m_path;
    QString& m_error;
};

// A JSON object from one line, or why not.
std::optional<QJsonObject> parseObject(QByteArrayView line, QString& error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        error = u"not valid JSON ("_s + parseError.errorString() + u" at byte "_s +
                QString::number(parseError.offset) + u')';
        return std::nullopt;
    }
    if (!doc.isObject()) {
        error = u"expected a JSON object, got "_s + (doc.isArray() ? u"an array"_s : u"a scalar"_s);
        return std::nullopt;
    }
    return doc.object();
}

GilMode gilMode(FieldReader& r, QLatin1StringView key)
{
    return gilModeFromWire(r.string(key));
}

ProcessStatus decodeProcessStatus(const QJsonObject& o, const QString& path, QString& error)
{
    FieldReader r(o, path, error);
    ProcessStatus p;
    p.index = int(r.integer("index"_L1));
    p.pid = r.integer("pid"_L1);
    p.state = r.string("state"_L1);
    p.uptimeSeconds = r.number("uptime_s"_L1);
    p.requests = r.integer("requests"_L1);
    p.activeRequests = int(r.integer("active_requests"_L1));
    p.threads = int(r.integer("threads"_L1));
    p.runtime = r.string("runtime"_L1);
    p.python = r.string("python"_L1);
    p.gilMode = gilMode(r, "gil_mode"_L1);
    p.gilEnabled = r.boolean("gil_enabled"_L1, true);
    p.switchInterval = r.optionalNumber("switch_interval"_L1);
    p.ownGilGroups = r.string("own_gil_groups"_L1);
    return p;
}

GroupStatus decodeGroupStatus(const QJsonObject& o, const QString& path, QString& error)
{
    FieldReader r(o, path, error);
    GroupStatus g;
    g.name = r.string("name"_L1);
    g.processesConfigured = int(r.integer("processes_configured"_L1));
    g.threads = int(r.integer("threads"_L1));
    g.runtime = r.string("runtime"_L1);
    g.freeThreadingRequested = r.boolean("free_threading_requested"_L1, false);
    g.switchIntervalRequested = r.optionalNumber("switch_interval_requested"_L1);
    g.queueLength = r.integer("queue_length"_L1);
    const QJsonObject restarts = r.object("restarts"_L1);
    for (auto it = restarts.begin(); it != restarts.end(); ++it) {
        const qint64 count = it.value().toInteger(-1);
        if (count < 0) {
            r.failWith(r.path("restarts"_L1) + u'.' + it.key() + u": expected a non-negative integer"_s);
            break;
        }
        g.restarts.emplace_back(it.key().toStdString(), count);
    }
    const QJsonArray throttled = r.array("throttled"_L1);
    for (qsizetype i = 0; i < throttled.size() && !r.failed(); ++i) {
        const QString itemPath = r.path("throttled"_L1) + u'[' + QString::number(i) + u']';
        if (!throttled[i].isObject()) {
            r.failWith(itemPath + u": expected an object, got "_s + typeName(throttled[i]));
            break;
        }
        FieldReader tr(throttled[i].toObject(), itemPath, error);
        GroupStatus::Throttled t;
        t.process = int(tr.integer("process"_L1));
        t.failures = tr.integer("failures"_L1);
        t.backoffSeconds = tr.number("backoff_s"_L1);
        g.throttled.push_back(t);
    }
    const QJsonArray processes = r.array("processes"_L1);
    for (qsizetype i = 0; i < processes.size() && !r.failed(); ++i) {
        const QString itemPath = r.path("processes"_L1) + u'[' + QString::number(i) + u']';
        if (!processes[i].isObject()) {
            r.failWith(itemPath + u": expected an object, got "_s + typeName(processes[i]));
            break;
        }
        g.processes.push_back(decodeProcessStatus(processes[i].toObject(), itemPath, error));
    }
    return g;
}

// One phase of one process: "P" (mean seconds), "P_min_us", "P_max_us", "P_histogram".
PhaseTiming decodePhase(const QJsonObject& o, TimingPhase phase, const QString& path, QString& error)
{
    FieldReader r(o, path, error);
    const QLatin1StringView name(timingPhaseWireName(phase));
    const QString minKey = QString(name) + u"_min_us"_s;
    const QString maxKey = QString(name) + u"_max_us"_s;
    const QString histogramKey = QString(name) + u"_histogram"_s;
    const QByteArray minKeyL1 = minKey.toLatin1(), maxKeyL1 = maxKey.toLatin1(),
                     histogramKeyL1 = histogramKey.toLatin1();

    PhaseTiming t;
    t.meanSeconds = r.optionalNumber(name);
    if (!t.meanSeconds && !r.has(QLatin1StringView(histogramKeyL1))) {
        // The engine sends a bare null for a phase that does not exist in this process.
        t.applicable = false;
        return t;
    }
    t.minUs = r.integer(QLatin1StringView(minKeyL1));
    t.maxUs = r.integer(QLatin1StringView(maxKeyL1));

    const QJsonObject h = r.object(QLatin1StringView(histogramKeyL1));
    const QString hPath = r.path(QLatin1StringView(histogramKeyL1));
    FieldReader hr(h, hPath, error);
    const int64_t count = hr.integer("count"_L1);
    const int64_t sum = hr.integer("sum_us"_L1);
    const int64_t minUs = hr.integer("min_us"_L1);
    const int64_t maxUs = hr.integer("max_us"_L1);
    const QJsonArray buckets = hr.array("buckets"_L1);
    std::vector<std::pair<int, int64_t>> sparse;
    sparse.reserve(size_t(buckets.size()));
    for (qsizetype i = 0; i < buckets.size() && !hr.failed(); ++i) {
        const QString itemPath = hPath + u".buckets["_s + QString::number(i) + u']';
        const QJsonArray pair = buckets[i].toArray();
        const bool wellFormed = buckets[i].isArray() && pair.size() == 2 && pair[0].isDouble() &&
                                pair[1].isDouble() && pair[0].toInteger(-1) >= 0 &&
                                pair[1].toInteger(-1) >= 0;
        if (!wellFormed) {
            hr.failWith(itemPath + u": expected [index, count] with two non-negative integers"_s);
            break;
        }
        const qint64 index = pair[0].toInteger();
        if (index >= wsgi::Histogram::bucketCount()) {
            hr.failWith(itemPath + u": bucket index "_s + QString::number(index) +
                        u" is out of range (0.."_s + QString::number(wsgi::Histogram::bucketCount() - 1) +
                        u')');
            break;
        }
        sparse.emplace_back(int(index), pair[1].toInteger());
    }
    if (hr.failed())
        return t;
    if (!t.histogram.assign(sparse, sum, minUs, maxUs)) {
        hr.failWith(hPath + u": the buckets do not form a histogram"_s);
        return t;
    }
    // The count is redundant with the buckets; a mismatch means the line was altered or truncated.
    if (t.histogram.count() != count)
        hr.failWith(hPath + u": count "_s + QString::number(count) +
                    u" disagrees with the buckets, which hold "_s + QString::number(t.histogram.count()));
    return t;
}

ProcessTelemetry decodeProcessTelemetry(const QJsonObject& o, const QString& path, QString& error)
{
    FieldReader r(o, path, error);
    ProcessTelemetry p;
    p.group = r.string("group"_L1);
    p.process = int(r.integer("process"_L1));
    p.pid = r.integer("pid"_L1);
    p.state = r.string("state"_L1);
    p.gilMode = gilMode(r, "gil_mode"_L1);
    p.gilEnabled = r.boolean("gil_enabled"_L1, true);
    p.switchInterval = r.optionalNumber("switch_interval"_L1);
    p.samplePeriodSeconds = r.number("sample_period"_L1);
    p.requestCount = r.integer("request_count"_L1);
    p.requestThroughput = r.number("request_throughput"_L1);
    p.requestsPerMinute = r.number("requests_per_minute"_L1);
    p.threadsMaximum = int(r.integer("request_threads_maximum"_L1));
    p.threadsActive = int(r.integer("request_threads_active"_L1));
    p.capacityUtilization = r.number("capacity_utilization"_L1);
    p.cpuUserUtilization = r.optionalNumber("cpu_user_utilization"_L1);
    p.cpuSystemUtilization = r.optionalNumber("cpu_system_utilization"_L1);
    p.cpuUtilization = r.optionalNumber("cpu_utilization"_L1);
    p.memoryRss = r.integer("memory_rss"_L1);
    p.memoryMaxRss = r.integer("memory_max_rss"_L1);
    static constexpr const char* kStatusKeys[5] = {"status_1xx", "status_2xx", "status_3xx", "status_4xx",
                                                   "status_5xx"};
    for (size_t c = 0; c < 5; ++c)
        p.statusClasses[c] = r.integer(QLatin1StringView(kStatusKeys[c]));
    // Name the process in error paths: "processes[1]" alone does not say which worker misbehaved.
    const QString processPath = path + u" (group '"_s + QString::fromStdString(p.group) + u"' process "_s +
                                QString::number(p.process) + u')';
    for (int ph = 0; ph < kTimingPhaseCount && !r.failed(); ++ph)
        p.phases[size_t(ph)] = decodePhase(o, TimingPhase(ph), processPath, error);
    p.gilWaitCount = r.integer("gil_wait_count"_L1);
    p.inputBytes = r.integer("input_bytes"_L1);
    p.outputBytes = r.integer("output_bytes"_L1);
    return p;
}

EngineEvent decodeEvent(const QJsonObject& o, const QString& path, QString& error)
{
    FieldReader r(o, path, error);
    EngineEvent e;
    e.sequence = r.integer("seq"_L1);
    e.time = r.number("time"_L1);
    const QString kind = QString::fromStdString(r.string("kind"_L1));
    bool known = true;
    e.kind = kind.isEmpty() ? EngineEvent::Kind::Restart : engineEventKindFromWire(kind, &known);
    if (!known)
        r.failWith(r.path("kind"_L1) + u": unknown event kind '"_s + kind +
                   u"' (expected restart, reload or throttled)"_s);
    e.reason = r.string("reason"_L1);
    e.group = r.string("group"_L1);
    e.process = int(r.integer("process"_L1));
    e.pid = r.integer("pid"_L1);
    e.requestsLost = r.integer("requests_lost"_L1);
    e.generation = r.integer("generation"_L1);
    e.backoffSeconds = r.number("backoff_s"_L1);
    e.detail = r.string("detail"_L1);
    e.log = r.string("log"_L1);
    return e;
}

std::vector<EngineEvent> decodeEvents(FieldReader& r, QLatin1StringView key, QString& error)
{
    std::vector<EngineEvent> events;
    const QJsonArray array = r.array(key);
    events.reserve(size_t(array.size()));
    for (qsizetype i = 0; i < array.size() && !r.failed(); ++i) {
        const QString path = r.path(key) + u'[' + QString::number(i) + u']';
        if (!array[i].isObject()) {
            r.failWith(path + u": expected an object, got "_s + typeName(array[i]));
            break;
        }
        events.push_back(decodeEvent(array[i].toObject(), path, error));
    }
    return events;
}

} // namespace

EngineEvent::Kind engineEventKindFromWire(const QString& text, bool* ok)
{
    if (ok)
        *ok = true;
    if (text == u"reload"_s)
        return EngineEvent::Kind::Reload;
    if (text == u"throttled"_s)
        return EngineEvent::Kind::Throttled;
    if (ok && text != u"restart"_s)
        *ok = false;
    return EngineEvent::Kind::Restart;
}

const char* engineEventKindWireName(EngineEvent::Kind kind)
{
    switch (kind) {
    case EngineEvent::Kind::Reload:
        return "reload";
    case EngineEvent::Kind::Throttled:
        return "throttled";
    case EngineEvent::Kind::Restart:
        break;
    }
    return "restart";
}

Decoded<std::vector<EngineEvent>> decodeRecentEvents(const QJsonObject& statusResult)
{
    QString error;
    FieldReader r(statusResult, u"status"_s, error);
    std::vector<EngineEvent> events = decodeEvents(r, "recent_events"_L1, error);
    if (!error.isEmpty())
        return {std::nullopt, u"the engine's status is malformed: "_s + error};
    return {std::move(events), {}};
}

Decoded<ControlHello> decodeHello(QByteArrayView line)
{
    QString error;
    const auto object = parseObject(line, error);
    if (!object)
        return {std::nullopt, u"the peer's first line is not a wsgi-engine-control hello: "_s + error};
    FieldReader r(*object, u"hello"_s, error);
    ControlHello hello;
    hello.protocol = QString::fromStdString(r.string("protocol"_L1));
    if (error.isEmpty() && hello.protocol != QLatin1StringView(kControlProtocolName))
        return {std::nullopt, hello.protocol.isEmpty()
                                  ? u"the peer did not introduce itself as a wsgi-engine control endpoint"_s
                                  : u"the peer speaks protocol '"_s + hello.protocol + u"', not '"_s +
                                        QLatin1StringView(kControlProtocolName) + u'\''};
    hello.version = int(r.integer("version"_L1));
    if (error.isEmpty() && hello.version != kControlProtocolVersion)
        return {std::nullopt, u"the engine speaks control protocol version "_s +
                                  QString::number(hello.version) + u"; this studio speaks version "_s +
                                  QString::number(kControlProtocolVersion)};
    hello.pid = r.integer("pid"_L1);
    hello.auth = QString::fromStdString(r.string("auth"_L1));
    if (!error.isEmpty())
        return {std::nullopt, u"the engine's hello is malformed: "_s + error};
    return {hello, {}};
}

Decoded<ControlMessage> decodeMessage(QByteArrayView line)
{
    QString error;
    const auto object = parseObject(line, error);
    if (!object)
        return {std::nullopt, u"a message from the engine is "_s + error};
    FieldReader r(*object, {}, error);
    ControlMessage m;
    if (object->contains("event"_L1)) {
        m.kind = ControlMessage::Kind::Event;
        m.event = QString::fromStdString(r.string("event"_L1));
        m.object = *object;
    } else if (object->contains("ok"_L1)) {
        m.kind = ControlMessage::Kind::Reply;
        if (r.has("id"_L1)) {
            const int64_t id = r.integer("id"_L1, -1);
            if (id >= 0)
                m.id = uint64_t(id);
        }
        m.ok = r.boolean("ok"_L1, false);
        if (m.ok) {
            m.result = r.object("result"_L1);
        } else {
            FieldReader er(r.object("error"_L1), u"error"_s, error);
            m.errorCode = QString::fromStdString(er.string("code"_L1));
            m.errorMessage = QString::fromStdString(er.string("message"_L1));
            if (m.errorCode.isEmpty() && error.isEmpty())
                error = u"error: a failed reply names no error code"_s;
        }
    } else {
        error = u"neither a reply (\"ok\") nor an event (\"event\")"_s;
    }
    if (!error.isEmpty())
        return {std::nullopt, u"a message from the engine is malformed: "_s + error};
    return {std::move(m), {}};
}

Decoded<EngineStatus> decodeStatus(const QJsonObject& result)
{
    QString error;
    FieldReader r(result, u"status"_s, error);
    EngineStatus s;
    {
        const QJsonObject engine = r.object("engine"_L1);
        FieldReader er(engine, r.path("engine"_L1), error);
        s.engine.pid = er.integer("pid"_L1);
        s.engine.uptimeSeconds = er.number("uptime_s"_L1);
        s.engine.configFile = er.string("config_file"_L1);
        s.engine.generation = er.integer("generation"_L1);
        s.engine.connections = er.integer("connections"_L1);
        s.engine.cores = int(er.integer("cores"_L1)); // 0 from an engine that does not say
        const QJsonArray listen = er.array("listen"_L1);
        for (qsizetype i = 0; i < listen.size() && error.isEmpty(); ++i) {
            if (!listen[i].isString())
                er.failWith(er.path("listen"_L1) + u'[' + QString::number(i) + u"]: expected a string"_s);
            s.engine.listen.push_back(listen[i].toString().toStdString());
        }
    }
    const QJsonArray groups = r.array("groups"_L1);
    for (qsizetype i = 0; i < groups.size() && error.isEmpty(); ++i) {
        const QString path = r.path("groups"_L1) + u'[' + QString::number(i) + u']';
        if (!groups[i].isObject()) {
            r.failWith(path + u": expected an object, got "_s + typeName(groups[i]));
            break;
        }
        s.groups.push_back(decodeGroupStatus(groups[i].toObject(), path, error));
    }
    const QJsonArray mounts = r.array("mounts"_L1);
    for (qsizetype i = 0; i < mounts.size() && error.isEmpty(); ++i) {
        const QString path = r.path("mounts"_L1) + u'[' + QString::number(i) + u']';
        if (!mounts[i].isObject()) {
            r.failWith(path + u": expected an object, got "_s + typeName(mounts[i]));
            break;
        }
        const QJsonObject mount = mounts[i].toObject();
        FieldReader mr(mount, path, error);
        s.mounts.push_back({mr.string("prefix"_L1), mr.string("group"_L1)});
    }
    if (!error.isEmpty())
        return {std::nullopt, u"the engine's status is malformed: "_s + error};
    return {std::move(s), {}};
}

Decoded<TelemetrySample> decodeTelemetry(const QJsonObject& event)
{
    QString error;
    FieldReader r(event, u"telemetry"_s, error);
    TelemetrySample sample;
    sample.time = r.number("time"_L1);
    sample.intervalMs = int(r.integer("interval_ms"_L1));
    const QJsonArray processes = r.array("processes"_L1);
    for (qsizetype i = 0; i < processes.size() && error.isEmpty(); ++i) {
        const QString path = r.path("processes"_L1) + u'[' + QString::number(i) + u']';
        if (!processes[i].isObject()) {
            r.failWith(path + u": expected an object, got "_s + typeName(processes[i]));
            break;
        }
        sample.processes.push_back(decodeProcessTelemetry(processes[i].toObject(), path, error));
    }
    if (error.isEmpty())
        sample.events = decodeEvents(r, "events"_L1, error);
    if (!error.isEmpty())
        return {std::nullopt, u"a telemetry event is malformed: "_s + error};
    return {std::move(sample), {}};
}

QByteArray encodeRequest(uint64_t id, const QByteArray& token, const QString& op,
                         const QJsonObject& arguments)
{
    QJsonObject request = arguments;
    request.insert("id"_L1, qint64(id));
    request.insert("token"_L1, QString::fromUtf8(token));
    request.insert("op"_L1, op);
    QByteArray line = QJsonDocument(request).toJson(QJsonDocument::Compact);
    line.append('\n');
    return line;
}

} // namespace wsgi::studio
