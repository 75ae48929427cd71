#include "session/abresultjson.h"

#include "core/histogramjson.h"
#include "core/loadgen/loadresultjson.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

QJsonValue optional(const std::optional<double>& value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QJsonValue spreadJson(const std::optional<wsgi::ab::Spread>& s)
{
    if (!s)
        return QJsonValue();
    return QJsonObject{{u"n"_s, s->n},     {u"median"_s, s->median}, {u"min"_s, s->min},
                       {u"max"_s, s->max}, {u"q1"_s, s->q1},         {u"q3"_s, s->q3}};
}

// Core JSON (the load generator's document, histograms) into Qt's, through text: one format, and
// both sides already agree on it.
QJsonValue fromCore(const wsgi::Json& json)
{
    const QByteArray text = QByteArray::fromStdString(json.dump());
    const QJsonDocument document = QJsonDocument::fromJson(text);
    if (document.isObject())
        return document.object();
    if (document.isArray())
        return document.array();
    return QJsonValue();
}

QJsonValue timingMs(const wsgi::Histogram& h)
{
    if (h.count() == 0)
        return QJsonValue();
    return QJsonObject{{u"mean"_s, h.mean() / 1000},
                       {u"p50"_s, h.percentile(50) / 1000},
                       {u"p95"_s, h.percentile(95) / 1000},
                       {u"p99"_s, h.percentile(99) / 1000},
                       {u"histogram"_s, fromCore(wsgi::histogramToJson(h))}};
}

QJsonValue gilJson(const wsgi::Histogram& h, bool applicable)
{
    if (!applicable)
        return QJsonValue();
    return QJsonObject{{u"count"_s, double(h.count())},
                       {u"mean"_s, h.count() ? h.mean() / 1000 : 0.0},
                       {u"p50"_s, h.percentile(50) / 1000},
                       {u"p95"_s, h.percentile(95) / 1000},
                       {u"p99"_s, h.percentile(99) / 1000},
                       {u"max"_s, double(h.max()) / 1000},
                       {u"histogram"_s, fromCore(wsgi::histogramToJson(h))}};
}

QJsonObject repeatJson(const AbRepeat& r)
{
    const wsgi::loadgen::LoadResult& load = r.load;
    QJsonObject latency{{u"mean"_s, load.latency.mean() / 1000},
                        {u"p50"_s, load.latency.percentile(50) / 1000},
                        {u"p90"_s, load.latency.percentile(90) / 1000},
                        {u"p99"_s, load.latency.percentile(99) / 1000},
                        {u"p99_9"_s, load.latency.percentile(99.9) / 1000},
                        {u"max"_s, double(load.latency.max()) / 1000}};
    QJsonObject client{
        {u"requests_per_second"_s, load.achievedRate},   {u"requests_per_minute"_s, load.achievedRate * 60},
        {u"requests"_s, double(load.completedInWindow)}, {u"errors"_s, double(load.errorCount())},
        {u"cpu_cores"_s, optional(r.clientCpuCores)},    {u"latency_ms"_s, latency}};
    const ServerWindow& w = r.server;
    QJsonObject status;
    for (int i = 0; i < 5; ++i)
        status.insert(QString::number(i + 1) + u"xx"_s, double(w.statusClasses[size_t(i)]));
    QJsonObject server{{u"telemetry"_s, w.telemetry},
                       {u"samples"_s, w.samples},
                       {u"covered_s"_s, w.coveredSec},
                       {u"processes"_s, w.processes},
                       {u"requests"_s, double(w.requests)},
                       {u"requests_per_second"_s, optional(w.requestsPerSecond)},
                       {u"response_ms"_s, timingMs(w.requestTime)},
                       {u"application_ms"_s, timingMs(w.applicationTime)},
                       {u"queue_ms"_s, timingMs(w.queueTime)},
                       {u"cpu_total_cores"_s, optional(w.cpuTotalCores)},
                       {u"cpu_per_process_cores"_s, optional(w.cpuPerProcessCores)},
                       {u"rss_bytes"_s, optional(w.rssBytes)},
                       {u"gil_applicable"_s, w.gilApplicable},
                       {u"gil_wait_ms"_s, gilJson(w.gilWait, w.gilApplicable)},
                       {u"gil_wait_full_ms"_s, gilJson(w.gilWaitFull, w.gilApplicable)},
                       {u"status"_s, status}};
    return {{u"round"_s, r.round},
            {u"engine_pid"_s, double(r.enginePid)},
            {u"engine_started_at"_s, r.engineStartedAt},
            {u"window"_s, QJsonObject{{u"start"_s, r.windowStart},
                                      {u"end"_s, r.windowEnd},
                                      {u"duration_s"_s, r.windowEnd - r.windowStart}}},
            {u"client"_s, client},
            {u"server"_s, server},
            {u"machine_busy_cores"_s, optional(r.machineBusyCores)},
            {u"other_cores"_s, optional(r.otherCores())},
            {u"worker_restarts"_s, double(r.workerRestarts)},
            {u"notes"_s, QJsonArray::fromStringList(r.notes)},
            {u"loadgen"_s, fromCore(wsgi::loadgen::loadResultToJson(load))}};
}

QJsonObject variantJson(const AbVariantResult& v, const AbVariantSummary& s)
{
    QJsonObject o{{u"name"_s, v.variant.name},
                  {u"server"_s, QString::fromLatin1(serverKindName(v.server))},
                  {u"status"_s, QString::fromLatin1(statusName(v.status))},
                  {u"source"_s, v.variant.source == AbVariant::Source::Inline ? u"inline"_s : u"file"_s},
                  {u"config"_s, v.variant.configText},
                  {u"group"_s, v.variant.group},
                  {u"runtime"_s, v.runtime},
                  {u"python"_s, v.python},
                  {u"gil_mode"_s, v.gilMode},
                  {u"gil_enabled"_s, v.gilEnabled},
                  {u"switch_interval"_s, optional(v.switchInterval)},
                  {u"processes"_s, v.processes},
                  {u"threads"_s, v.threads},
                  {u"engine_warnings"_s, QJsonArray::fromStringList(v.engineWarnings)}};
    if (v.variant.source == AbVariant::Source::Inline)
        o.insert(u"options"_s, v.variant.options);
    else
        o.insert(u"file"_s, v.variant.filePath);
    if (v.status == AbVariantResult::Status::Failed) {
        o.insert(u"failure"_s, v.failure);
        o.insert(u"failed_in_round"_s, v.failedInRound);
    } else if (v.status == AbVariantResult::Status::Unsupported) {
        o.insert(u"failure"_s, v.failure);
    }
    if (v.server != ServerKind::Engine) {
        o.insert(u"server_config"_s, v.serverConfig);
        o.insert(u"export_notes"_s, QJsonArray::fromStringList(v.exportNotes));
        o.insert(u"server_version"_s, v.serverVersion);
    }
    o.insert(u"summary"_s, QJsonObject{{u"repeats"_s, s.repeats},
                                       {u"rpm"_s, spreadJson(s.rpm)},
                                       {u"response_ms"_s, spreadJson(s.responseMs)},
                                       {u"app_ms"_s, spreadJson(s.appMs)},
                                       {u"cpu_per_process_cores"_s, spreadJson(s.cpuPerProcess)},
                                       {u"cpu_total_cores"_s, spreadJson(s.cpuTotal)},
                                       {u"rss_bytes"_s, spreadJson(s.rssBytes)},
                                       {u"gil_wait_p95_ms"_s, spreadJson(s.gilP95Ms)},
                                       {u"gil_wait_full_p95_ms"_s, spreadJson(s.gilFullP95Ms)},
                                       {u"of_limit"_s, spreadJson(s.ofLimit)},
                                       {u"client_p99_ms"_s, spreadJson(s.clientP99Ms)},
                                       {u"client_cpu_cores"_s, spreadJson(s.clientCpuCores)},
                                       {u"errors"_s, double(s.errors)},
                                       {u"non_2xx"_s, double(s.non2xx)}});
    if (s.ratio) {
        o.insert(u"ratio"_s, QJsonObject{{u"value"_s, s.ratio->ratio},
                                         {u"ci_low"_s, s.ratio->low},
                                         {u"ci_high"_s, s.ratio->high},
                                         {u"confidence"_s, s.ratio->confidence},
                                         {u"pairs"_s, s.ratio->pairs}});
    } else {
        o.insert(u"ratio"_s, QJsonValue());
    }
    o.insert(u"verdict"_s, s.verdict);
    o.insert(u"verdict_kind"_s, s.ratio ? QString::fromLatin1(verdictKindName(s.verdictKind)) : QString());
    QJsonArray repeats;
    for (const AbRepeat& r : v.repeats)
        repeats.append(repeatJson(r));
    o.insert(u"repeats"_s, repeats);
    return o;
}

} // namespace

const char* verdictKindName(wsgi::ab::VerdictKind kind)
{
    switch (kind) {
    case wsgi::ab::VerdictKind::Higher:
        return "higher";
    case wsgi::ab::VerdictKind::Lower:
        return "lower";
    case wsgi::ab::VerdictKind::Negligible:
        return "negligible";
    case wsgi::ab::VerdictKind::WithinNoise:
        return "within_noise";
    case wsgi::ab::VerdictKind::Insufficient:
        return "insufficient";
    }
    return "insufficient";
}

QJsonObject carryOverJson(const AbCarryOver& c)
{
    QJsonArray rows;
    for (const AbCarryOverRow& r : c.rows) {
        QJsonObject row{{u"name"_s, r.name},
                        {u"engine_ratio"_s, optional(r.engineRatio)},
                        {u"apache_ratio"_s, optional(r.apacheRatio)},
                        {u"difference"_s, optional(r.difference)},
                        {u"engine_rank"_s, r.engineRank},
                        {u"apache_rank"_s, r.apacheRank},
                        {u"within"_s, r.within}};
        if (!r.note.isEmpty())
            row.insert(u"note"_s, r.note);
        rows.append(row);
    }
    return {{u"baseline"_s, c.baseline},        {u"tolerance"_s, c.tolerance},
            {u"same_ranking"_s, c.sameRanking}, {u"carries_over"_s, c.carriesOver},
            {u"verdict"_s, c.verdict},          {u"variants"_s, rows}};
}

QJsonObject abResultToJson(const AbResult& result, const AbSummary& summary)
{
    const AbPlan& plan = result.plan;
    QJsonObject machine = result.machine.toJson();
    machine.insert(u"load_average_1m_end"_s, result.loadAverageEnd);
    machine.insert(u"front_end_cores"_s, optional(result.frontEndCores));
    machine.insert(u"notes"_s, QJsonArray::fromStringList(result.machineNotes));
    QJsonArray servers;
    for (ServerKind server : plan.servers)
        servers.append(QString::fromLatin1(serverKindName(server)));
    QJsonObject baselines;
    for (const auto& [server, name] : summary.baselines)
        baselines.insert(QString::fromLatin1(serverKindName(server)), name);
    QJsonObject limits;
    for (const auto& [runtime, limit] : result.limits)
        limits.insert(runtime, limit.toJson());
    QJsonArray variants;
    for (size_t i = 0; i < result.variants.size(); ++i)
        variants.append(variantJson(result.variants[i], summary.variants[i]));
    QJsonObject document{
        {u"schema"_s, u"wsgi-studio-ab-result"_s},
        {u"version"_s, kAbResultJsonVersion},
        {u"kind"_s, plan.kind},
        {u"tool"_s, QJsonObject{{u"name"_s, u"wsgi-studio-cli"_s}, {u"version"_s, result.toolVersion}}},
        {u"started_at"_s, result.startedAt.toString(Qt::ISODate)},
        {u"finished_at"_s, result.finishedAt.toString(Qt::ISODate)},
        {u"cancelled"_s, result.cancelled},
        {u"machine"_s, machine},
        {u"app"_s, plan.appPath},
        {u"engine"_s, plan.enginePath},
        {u"load"_s, QJsonObject{{u"mode"_s, plan.load.rate > 0 ? u"open"_s : u"closed"_s},
                                {u"concurrency"_s, plan.load.concurrency},
                                {u"rate"_s, plan.load.rate},
                                {u"threads"_s, plan.load.threads},
                                {u"duration_s"_s, plan.load.durationSec},
                                {u"warmup_s"_s, plan.load.warmupSec},
                                {u"path"_s, plan.load.path},
                                {u"timeout_ms"_s, plan.load.timeoutMs}}},
        {u"repeats"_s, plan.repeats},
        {u"order"_s, u"alternating"_s},
        {u"telemetry_interval_ms"_s, plan.effectiveTelemetryIntervalMs()},
        {u"physical_limits"_s, limits},
        {u"baseline"_s, summary.baseline},
        {u"statistics"_s,
         QJsonObject{{u"ratio"_s, u"geometric mean of per-round throughput ratios (paired by round)"_s},
                     {u"interval"_s, u"percentile bootstrap over rounds"_s},
                     {u"confidence"_s, wsgi::ab::kDefaultConfidence},
                     {u"resamples"_s, wsgi::ab::kDefaultBootstrapResamples},
                     {u"seed"_s, double(wsgi::ab::kDefaultBootstrapSeed)},
                     {u"negligible_difference"_s, wsgi::ab::kNegligibleDifference}}},
        {u"variants"_s, variants},
        {u"servers"_s, servers},
        {u"baselines"_s, baselines},
    };
    if (plan.runsOn(ServerKind::Apache))
        document.insert(u"apache"_s,
                        QJsonObject{{u"binary"_s, plan.apacheBinary}, {u"modules"_s, plan.apacheModules}});
    if (summary.carryOver)
        document.insert(u"carry_over"_s, carryOverJson(*summary.carryOver));
    return document;
}

} // namespace wsgi::studio
