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
        if (double(s) >= r.durationSec)
            e.set("drain", true);
        timeline.push(std::move(e));
    }
    j.set("timeline", std::move(timeline));
    return j;
}

} // namespace wsgi::loadgen
