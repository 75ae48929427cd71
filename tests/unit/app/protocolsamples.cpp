#include "protocolsamples.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::testing {

namespace {

const char* const kPhases[] = {"queue_time",         "application_time",  "request_time",
                               "input_read_time",    "output_write_time", "gil_wait_time",
                               "gil_wait_time_full", "request_cpu_time",  "request_off_cpu_time"};

wsgi::Histogram histogramOf(const std::vector<int64_t>& values)
{
    wsgi::Histogram h;
    for (int64_t v : values)
        h.record(v);
    return h;
}

} // namespace

QJsonObject histogramJson(const wsgi::Histogram& h)
{
    QJsonArray buckets;
    for (const auto& [index, count] : h.sparse())
        buckets.append(QJsonArray{index, qint64(count)});
    return {{u"count"_s, qint64(h.count())}, {u"sum_us"_s, qint64(h.sum())},  {u"min_us"_s, qint64(h.min())},
            {u"max_us"_s, qint64(h.max())},  {u"p50_us"_s, h.percentile(50)}, {u"p95_us"_s, h.percentile(95)},
            {u"p99_us"_s, h.percentile(99)}, {u"buckets"_s, buckets}};
}

QJsonObject processTelemetryJson(const ProcessSpec& spec)
{
    QJsonObject p{
        {u"group"_s, spec.group},
        {u"process"_s, spec.process},
        {u"pid"_s, spec.pid},
        {u"state"_s, u"running"_s},
        {u"gil_mode"_s, spec.gilMode},
        {u"gil_enabled"_s, spec.gilEnabled},
        {u"switch_interval"_s, 0.005},
        {u"sample_period"_s, 1.0},
        {u"request_count"_s, spec.requests},
        {u"request_throughput"_s, double(spec.requests)},
        {u"requests_per_minute"_s, double(spec.requests) * 60},
        {u"request_threads_maximum"_s, 2},
        {u"request_threads_active"_s, 1},
        {u"capacity_utilization"_s, 0.25},
        {u"cpu_user_utilization"_s, spec.cpu * 0.8},
        {u"cpu_system_utilization"_s, spec.cpu * 0.2},
        {u"cpu_utilization"_s, spec.cpu},
        {u"memory_rss"_s, spec.rss},
        {u"memory_max_rss"_s, spec.rss + 1024},
        {u"status_1xx"_s, 0},
        {u"status_2xx"_s, spec.requests},
        {u"status_3xx"_s, 0},
        {u"status_4xx"_s, 0},
        {u"status_5xx"_s, 0},
        {u"gil_wait_count"_s, qint64(spec.gilWaitsUs.size())},
        {u"input_bytes"_s, 0},
        {u"output_bytes"_s, spec.requests * 1024},
    };
    for (const char* phase : kPhases) {
        const QString name = QLatin1StringView(phase);
        const bool gil = name.startsWith(u"gil_wait_time"_s);
        if (gil && !spec.gilEnabled) {
            p.insert(name, QJsonValue::Null);
            continue;
        }
        const wsgi::Histogram h = histogramOf(gil ? spec.gilWaitsUs : spec.requestTimesUs);
        p.insert(name, h.count() ? QJsonValue(h.mean() / 1e6) : QJsonValue(QJsonValue::Null));
        p.insert(name + u"_min_us"_s, qint64(h.min()));
        p.insert(name + u"_max_us"_s, qint64(h.max()));
        p.insert(name + u"_histogram"_s, histogramJson(h));
    }
    return p;
}

QJsonObject telemetryEventJson(const std::vector<ProcessSpec>& processes, int intervalMs)
{
    QJsonArray list;
    for (const ProcessSpec& spec : processes)
        list.append(processTelemetryJson(spec));
    return {{u"event"_s, u"telemetry"_s},
            {u"time"_s, 1700000000.5},
            {u"interval_ms"_s, intervalMs},
            {u"processes"_s, list}};
}

QJsonObject statusResultJson(const std::vector<ProcessSpec>& processes)
{
    QJsonArray groups;
    QStringList names;
    for (const ProcessSpec& spec : processes)
        if (!names.contains(spec.group))
            names << spec.group;
    for (const QString& name : names) {
        QJsonArray procs;
        for (const ProcessSpec& spec : processes) {
            if (spec.group != name)
                continue;
            procs.append(QJsonObject{
                {u"index"_s, spec.process},
                {u"pid"_s, spec.pid},
                {u"state"_s, u"running"_s},
                {u"uptime_s"_s, 12.5},
                {u"requests"_s, spec.requests},
                {u"active_requests"_s, 0},
                {u"threads"_s, 2},
                {u"runtime"_s, u"3.13"_s},
                {u"python"_s, u"3.13.5"_s},
                {u"gil_mode"_s, spec.gilMode},
                {u"gil_enabled"_s, spec.gilEnabled},
                {u"switch_interval"_s, 0.005},
                {u"own_gil_groups"_s, QString()},
            });
        }
        groups.append(QJsonObject{
            {u"name"_s, name},
            {u"processes_configured"_s, procs.size()},
            {u"threads"_s, 2},
            {u"runtime"_s, u"3.13"_s},
            {u"free_threading_requested"_s, false},
            {u"switch_interval_requested"_s, QJsonValue::Null},
            {u"queue_length"_s, 0},
            {u"restarts"_s, QJsonObject{{u"crash"_s, 1}}},
            {u"processes"_s, procs},
        });
    }
    return {
        {u"engine"_s, QJsonObject{{u"pid"_s, 4242},
                                  {u"uptime_s"_s, 133.2},
                                  {u"config_file"_s, u"/tmp/engine.conf"_s},
                                  {u"generation"_s, 1},
                                  {u"connections"_s, 3},
                                  {u"listen"_s, QJsonArray{u"127.0.0.1:8080"_s}}}},
        {u"groups"_s, groups},
        {u"mounts"_s, QJsonArray{QJsonObject{{u"prefix"_s, u"/"_s}, {u"group"_s, u"g"_s}}}},
    };
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace wsgi::studio::testing
