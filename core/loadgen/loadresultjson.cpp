#include "core/loadgen/loadresultjson.h"

#include "core/histogramjson.h"

namespace wsgi::loadgen {

namespace {

Json latencyJson(const Histogram& h)
{
    Json j = Json::object();
    j.set("count", h.count());
    j.set("min", h.min());
    j.set("mean", h.mean());
    static const char* keys[] = {"p50", "p90", "p99", "p99_9", "p99_99"};
    for (size_t i = 0; i < kReportedPercentiles.size(); ++i)
        j.set(keys[i], h.percentile(kReportedPercentiles[i]));
    j.set("max", h.max());
    j.set("histogram", histogramToJson(h));
    return j;
}

} // namespace

Json loadResultToJson(const LoadResult& r)
{
    Json j = Json::object();
    j.set("schema", "wsgi-loadgen-result");
    j.set("version", kLoadResultJsonVersion);
    j.set("url", r.url);
    j.set("method", r.method);
    j.set("connections", r.connections);
    j.set("threads", r.threads);
    j.set("mode", r.openLoop() ? "open" : "closed");
    j.set("target_rate", r.targetRate);
    j.set("warmup_s", r.warmupSec);
    j.set("timeout_ms", r.timeoutMs);
    j.set("stopped_by", stopReasonName(r.stoppedBy));
    if (!r.failure.empty())
        j.set("failure", r.failure);
    j.set("duration_s", r.durationSec);
    j.set("requests", r.requests);
    j.set("requests_in_window", r.completedInWindow);
    j.set("rate", r.achievedRate);

    Json status = Json::object();
    static const char* classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    for (size_t i = 0; i < r.status.size(); ++i)
        status.set(classes[i], r.status[i]);
    j.set("status", std::move(status));

    Json errors = Json::object();
    for (int k = 0; k < kErrorKindCount; ++k)
        errors.set(errorKindName(ErrorKind(k)), r.errors[size_t(k)]);
    errors.set("total", r.errorCount());
    j.set("errors", std::move(errors));

    Json bytes = Json::object();
    bytes.set("read", r.bytesRead);
    bytes.set("written", r.bytesWritten);
    j.set("bytes", std::move(bytes));

    j.set("latency_us", latencyJson(r.latency));
    j.set("latency_uncorrected_us", latencyJson(r.latencyUncorrected));

    if (r.openLoop()) {
        Json schedule = Json::object();
        schedule.set("late", r.lateness.late);
        schedule.set("late_threshold_us", r.lateThresholdUs);
        schedule.set("lateness_total_us", r.lateness.totalUs);
        schedule.set("lateness_max_us", r.lateness.maxUs);
        schedule.set("unsent", r.unsent);
        j.set("schedule", std::move(schedule));
    } else {
        j.set("schedule", nullptr);
    }
    j.set("connections_opened", r.connectionsOpened);
    j.set("requests_sent_total", r.requestsSentTotal);
    j.set("responses_total", r.responsesTotal);
    j.set("unfinished", r.unfinished);
    Json cpu = Json::object();
    Json perThread = Json::array();
    for (double t : r.workerCpuSec)
        perThread.push(t);
    cpu.set("threads_s", std::move(perThread));
    cpu.set("coordinator_s", r.coordinatorCpuSec);
    cpu.set("total_s", r.clientCpuSec());
    cpu.set("wall_s", r.runWallSec);
    cpu.set("cores", r.clientCpuCores());
    j.set("client_cpu", std::move(cpu));

    Json timeline = Json::array();
    for (size_t s = 0; s < r.timeline.size(); ++s) {
        const TimelineSecond& t = r.timeline[s];
        Json e = Json::object();
        e.set("second", int64_t(s));
        e.set("requests", t.requests);
        e.set("errors", t.errors);
        e.set("p50_us", t.latency.percentile(50));
        e.set("p99_us", t.latency.percentile(99));
        e.set("histogram", histogramToJson(t.latency));
        if (double(s) >= r.durationSec)
            e.set("drain", true);
        timeline.push(std::move(e));
    }
    j.set("timeline", std::move(timeline));
    return j;
}

namespace {

// Reads members of one object, keeping the first problem with its path ("latency_us.histogram").
class FieldReader
{
public:
    FieldReader(const Json& object, std::string path, std::string* error)
        : m_object(object), m_path(std::move(path)), m_error(error)
    {
    }

    std::string where(std::string_view key) const
    {
        return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
    }
    const Json* field(std::string_view key) const
    {
        const Json* v = m_object.get(key);
        return v && !v->isNull() ? v : nullptr;
    }
    int64_t integer(std::string_view key) const
    {
        const Json* v = field(key);
        if (v && !v->isNumber())
            fail(key, "a number");
        return v ? v->asInt() : 0;
    }
    double number(std::string_view key) const
    {
        const Json* v = field(key);
        if (v && !v->isNumber())
            fail(key, "a number");
        return v ? v->asDouble() : 0.0;
    }
    std::string string(std::string_view key) const
    {
        const Json* v = field(key);
        if (v && !v->isString())
            fail(key, "a string");
        return v ? v->asString() : std::string();
    }
    const Json& array(std::string_view key) const
    {
        static const Json empty = Json::array();
        const Json* v = field(key);
        if (v && !v->isArray())
            fail(key, "an array");
        return v && v->isArray() ? *v : empty;
    }
    FieldReader child(std::string_view key) const
    {
        static const Json empty = Json::object();
        const Json* v = field(key);
        if (v && !v->isObject())
            fail(key, "an object");
        return FieldReader(v && v->isObject() ? *v : empty, where(key), m_error);
    }
    FieldReader element(std::string_view key, size_t index) const
    {
        static const Json empty = Json::object();
        const Json& v = array(key).at(index);
        const std::string path = where(key) + "[" + std::to_string(index) + "]";
        if (!v.isObject() && m_error->empty())
            *m_error = path + " must be an object";
        return FieldReader(v.isObject() ? v : empty, path, m_error);
    }
    Histogram histogram(std::string_view key) const
    {
        Histogram h;
        const Json* v = field(key);
        std::string why;
        if (v && !histogramFromJson(*v, h, why) && m_error->empty())
            *m_error = where(key) + ": " + why;
        return h;
    }
    void fail(std::string_view key, const char* expected) const
    {
        if (m_error->empty())
            *m_error = where(key) + " must be " + expected;
    }

private:
    const Json& m_object;
    std::string m_path;
    std::string* m_error;
};

} // namespace

bool loadResultFromJson(const Json& json, LoadResult& out, std::string& error)
{
    error.clear();
    if (!json.isObject() || json["schema"].asString() != "wsgi-loadgen-result") {
        error = "not a load generator result (schema is not 'wsgi-loadgen-result')";
        return false;
    }
    if (json["version"].asInt() != kLoadResultJsonVersion) {
        error = "load generator result version " + std::to_string(json["version"].asInt()) + " (this reads " +
                std::to_string(kLoadResultJsonVersion) + ")";
        return false;
    }
    const FieldReader top(json, {}, &error);
    LoadResult r;
    r.url = top.string("url");
    r.method = top.string("method");
    r.connections = int(top.integer("connections"));
    r.threads = int(top.integer("threads"));
    r.targetRate = top.number("target_rate");
    r.warmupSec = top.number("warmup_s");
    r.timeoutMs = int(top.integer("timeout_ms"));
    const std::string stopped = top.string("stopped_by");
    for (StopReason reason :
         {StopReason::Duration, StopReason::Count, StopReason::Cancelled, StopReason::Failed})
        if (stopped == stopReasonName(reason))
            r.stoppedBy = reason;
    r.failure = top.string("failure");
    r.durationSec = top.number("duration_s");
    r.requests = top.integer("requests");
    r.completedInWindow = top.integer("requests_in_window");
    r.achievedRate = top.number("rate");
    const FieldReader status = top.child("status");
    static const char* classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    for (size_t i = 0; i < r.status.size(); ++i)
        r.status[i] = status.integer(classes[i]);
    const FieldReader errors = top.child("errors");
    for (int k = 0; k < kErrorKindCount; ++k)
        r.errors[size_t(k)] = errors.integer(errorKindName(ErrorKind(k)));
    const FieldReader bytes = top.child("bytes");
    r.bytesRead = bytes.integer("read");
    r.bytesWritten = bytes.integer("written");
    r.latency = top.child("latency_us").histogram("histogram");
    r.latencyUncorrected = top.child("latency_uncorrected_us").histogram("histogram");
    const FieldReader schedule = top.child("schedule");
    r.lateness.late = schedule.integer("late");
    r.lateThresholdUs = schedule.integer("late_threshold_us");
    r.lateness.totalUs = schedule.integer("lateness_total_us");
    r.lateness.maxUs = schedule.integer("lateness_max_us");
    r.unsent = schedule.integer("unsent");
    r.connectionsOpened = top.integer("connections_opened");
    r.requestsSentTotal = top.integer("requests_sent_total");
    r.responsesTotal = top.integer("responses_total");
    r.unfinished = top.integer("unfinished");
    const FieldReader cpu = top.child("client_cpu");
    for (const Json& t : cpu.array("threads_s").elements())
        r.workerCpuSec.push_back(t.asDouble());
    r.coordinatorCpuSec = cpu.number("coordinator_s");
    r.runWallSec = cpu.number("wall_s");
    const size_t seconds = top.array("timeline").size();
    for (size_t s = 0; s < seconds; ++s) {
        const FieldReader second = top.element("timeline", s);
        TimelineSecond t;
        t.requests = second.integer("requests");
        t.errors = second.integer("errors");
        t.latency = second.histogram("histogram");
        r.timeline.push_back(std::move(t));
    }
    if (!error.empty())
        return false;
    out = std::move(r);
    return true;
}

} // namespace wsgi::loadgen
