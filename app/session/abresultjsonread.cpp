// abResultFromJson: the saved A/B document read back, the reverse of abresultjson.cpp.
#include "session/abresultjson.h"

#include "core/histogramjson.h"
#include "core/json.h"
#include "core/loadgen/loadresultjson.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

// Reads fields of one object, remembering the first problem with its path ("variants[1].summary.rpm").
class Reader
{
public:
    Reader(const QJsonObject& object, QString path, QString* error)
        : m_object(object), m_path(std::move(path)), m_error(error)
    {
    }

    bool ok() const { return m_error->isEmpty(); }
    QString where(const QString& key) const { return m_path.isEmpty() ? key : m_path + u'.' + key; }

    bool present(const QString& key) const
    {
        const QJsonValue v = m_object.value(key);
        return !v.isUndefined() && !v.isNull();
    }

    QString string(const QString& key, const QString& def = {}) const
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return def;
        if (!v.isString())
            fail(key, u"a string"_s);
        return v.toString(def);
    }
    double number(const QString& key, double def = 0) const
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return def;
        if (!v.isDouble())
            fail(key, u"a number"_s);
        return v.toDouble(def);
    }
    int integer(const QString& key, int def = 0) const { return int(number(key, def)); }
    int64_t integer64(const QString& key, int64_t def = 0) const { return int64_t(number(key, double(def))); }
    bool boolean(const QString& key, bool def = false) const
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return def;
        if (!v.isBool())
            fail(key, u"true or false"_s);
        return v.toBool(def);
    }
    std::optional<double> optionalNumber(const QString& key) const
    {
        if (!present(key))
            return std::nullopt;
        return number(key);
    }
    QStringList strings(const QString& key) const
    {
        QStringList out;
        for (const QJsonValue& v : array(key)) {
            if (!v.isString())
                fail(key, u"an array of strings"_s);
            out << v.toString();
        }
        return out;
    }
    QJsonArray array(const QString& key) const
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isArray())
            fail(key, u"an array"_s);
        return v.toArray();
    }
    QJsonObject object(const QString& key) const
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isObject())
            fail(key, u"an object"_s);
        return v.toObject();
    }
    Reader child(const QString& key) const { return Reader(object(key), where(key), m_error); }
    Reader element(const QJsonValue& value, const QString& key, qsizetype index) const
    {
        const QString path = where(key) + u'[' + QString::number(index) + u']';
        if (!value.isObject() && m_error->isEmpty())
            *m_error = path + u" must be an object"_s;
        return Reader(value.toObject(), path, m_error);
    }
    void fail(const QString& key, const QString& expected) const
    {
        if (m_error->isEmpty())
            *m_error = where(key) + u" must be "_s + expected;
    }
    const QJsonObject& raw() const { return m_object; }

private:
    QJsonObject m_object;
    QString m_path;
    QString* m_error;
};

std::optional<wsgi::ab::Spread> spread(const Reader& parent, const QString& key)
{
    if (!parent.present(key))
        return std::nullopt;
    const Reader r = parent.child(key);
    wsgi::ab::Spread s;
    s.n = r.integer(u"n"_s);
    s.median = r.number(u"median"_s);
    s.min = r.number(u"min"_s);
    s.max = r.number(u"max"_s);
    s.q1 = r.number(u"q1"_s);
    s.q3 = r.number(u"q3"_s);
    return s;
}

// Qt's JSON into core's, through text (the reverse of the writer's fromCore): the wire forms of
// histograms and of the load generator's document belong to core, read with core's readers.
std::optional<wsgi::Json> toCore(const QJsonObject& object, std::string& why)
{
    return wsgi::Json::parse(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString(), why);
}

wsgi::Histogram histogram(const Reader& parent, const QString& key, QString* error)
{
    wsgi::Histogram h;
    const QJsonObject o = parent.object(key);
    if (o.isEmpty() || !o.value(u"histogram"_s).isObject())
        return h;
    std::string why;
    const auto json = toCore(o.value(u"histogram"_s).toObject(), why);
    if (!json || !wsgi::histogramFromJson(*json, h, why))
        if (error->isEmpty())
            *error = parent.where(key) + u".histogram: "_s + QString::fromStdString(why);
    return h;
}

AbVariantResult::Status statusFromName(const QString& name)
{
    if (name == u"ok"_s)
        return AbVariantResult::Status::Ok;
    if (name == u"failed"_s)
        return AbVariantResult::Status::Failed;
    if (name == u"cancelled"_s)
        return AbVariantResult::Status::Cancelled;
    if (name == u"unsupported"_s)
        return AbVariantResult::Status::Unsupported;
    return AbVariantResult::Status::Pending;
}

wsgi::ab::VerdictKind verdictFromName(const QString& name)
{
    for (auto kind :
         {wsgi::ab::VerdictKind::Higher, wsgi::ab::VerdictKind::Lower, wsgi::ab::VerdictKind::Negligible,
          wsgi::ab::VerdictKind::WithinNoise, wsgi::ab::VerdictKind::Insufficient})
        if (name == QLatin1StringView(verdictKindName(kind)))
            return kind;
    return wsgi::ab::VerdictKind::Insufficient;
}

AbRepeat readRepeat(const Reader& r, QString* error)
{
    AbRepeat repeat;
    repeat.round = r.integer(u"round"_s);
    repeat.enginePid = r.integer64(u"engine_pid"_s);
    repeat.engineStartedAt = r.number(u"engine_started_at"_s);
    const Reader window = r.child(u"window"_s);
    repeat.windowStart = window.number(u"start"_s);
    repeat.windowEnd = window.number(u"end"_s);
    const Reader client = r.child(u"client"_s);
    if (r.present(u"loadgen"_s)) {
        // The generator's own document: latencies bucket for bucket, so the latency curves and the
        // client p50/p99 of a reopened result are the ones of the run.
        std::string why;
        const auto json = toCore(r.object(u"loadgen"_s), why);
        if (!json || !wsgi::loadgen::loadResultFromJson(*json, repeat.load, why))
            if (error->isEmpty())
                *error = r.where(u"loadgen: "_s) + QString::fromStdString(why);
    } else {
        repeat.load.achievedRate = client.number(u"requests_per_second"_s);
        repeat.load.completedInWindow = client.integer64(u"requests"_s);
        repeat.load.durationSec = repeat.windowEnd - repeat.windowStart;
    }
    repeat.clientCpuCores = client.optionalNumber(u"cpu_cores"_s);
    repeat.machineBusyCores = r.optionalNumber(u"machine_busy_cores"_s);
    repeat.workerRestarts = r.integer64(u"worker_restarts"_s);
    repeat.notes = r.strings(u"notes"_s);
    const Reader server = r.child(u"server"_s);
    ServerWindow& w = repeat.server;
    w.telemetry = server.boolean(u"telemetry"_s, true);
    w.samples = server.integer(u"samples"_s);
    w.coveredSec = server.number(u"covered_s"_s);
    w.processes = server.integer(u"processes"_s);
    w.requests = server.integer64(u"requests"_s);
    w.requestsPerSecond = server.optionalNumber(u"requests_per_second"_s);
    w.cpuTotalCores = server.optionalNumber(u"cpu_total_cores"_s);
    w.cpuPerProcessCores = server.optionalNumber(u"cpu_per_process_cores"_s);
    w.rssBytes = server.optionalNumber(u"rss_bytes"_s);
    w.requestTime = histogram(server, u"response_ms"_s, error);
    w.applicationTime = histogram(server, u"application_ms"_s, error);
    w.queueTime = histogram(server, u"queue_ms"_s, error);
    w.gilApplicable = server.boolean(u"gil_applicable"_s, true);
    w.gilWait = histogram(server, u"gil_wait_ms"_s, error);
    w.gilWaitFull = histogram(server, u"gil_wait_full_ms"_s, error);
    const Reader status = server.child(u"status"_s);
    for (int i = 0; i < 5; ++i)
        w.statusClasses[size_t(i)] = status.integer64(QString::number(i + 1) + u"xx"_s);
    return repeat;
}

void readVariant(const Reader& r, AbVariantResult& v, AbVariantSummary& s, QString* error)
{
    v.variant.name = r.string(u"name"_s);
    const QString server = r.string(u"server"_s, u"engine"_s);
    if (const auto kind = serverKindFromName(server))
        v.server = *kind;
    else
        r.fail(u"server"_s, u"\"engine\" or \"apache\""_s);
    v.serverConfig = r.string(u"server_config"_s);
    v.exportNotes = r.strings(u"export_notes"_s);
    v.serverVersion = r.string(u"server_version"_s);
    v.status = statusFromName(r.string(u"status"_s));
    v.variant.source =
        r.string(u"source"_s) == u"file"_s ? AbVariant::Source::File : AbVariant::Source::Inline;
    v.variant.options = r.string(u"options"_s);
    v.variant.filePath = r.string(u"file"_s);
    v.variant.configText = r.string(u"config"_s);
    v.variant.group = r.string(u"group"_s);
    v.failure = r.string(u"failure"_s);
    v.failedInRound = r.integer(u"failed_in_round"_s);
    v.runtime = r.string(u"runtime"_s);
    v.python = r.string(u"python"_s);
    v.gilMode = r.string(u"gil_mode"_s);
    v.gilEnabled = r.boolean(u"gil_enabled"_s, true);
    v.switchInterval = r.optionalNumber(u"switch_interval"_s);
    v.processes = r.integer(u"processes"_s);
    v.threads = r.integer(u"threads"_s);
    v.engineWarnings = r.strings(u"engine_warnings"_s);
    const QJsonArray repeats = r.array(u"repeats"_s);
    for (qsizetype i = 0; i < repeats.size(); ++i)
        v.repeats.push_back(readRepeat(r.element(repeats[i], u"repeats"_s, i), error));

    s.name = v.variant.name;
    s.server = v.server;
    s.ok = (v.status == AbVariantResult::Status::Ok || v.status == AbVariantResult::Status::Cancelled) &&
           !v.repeats.empty(); // as summarizeAbResult counts a variant usable
    const Reader summary = r.child(u"summary"_s);
    s.repeats = summary.integer(u"repeats"_s);
    s.rpm = spread(summary, u"rpm"_s);
    s.responseMs = spread(summary, u"response_ms"_s);
    s.appMs = spread(summary, u"app_ms"_s);
    s.cpuPerProcess = spread(summary, u"cpu_per_process_cores"_s);
    s.cpuTotal = spread(summary, u"cpu_total_cores"_s);
    s.rssBytes = spread(summary, u"rss_bytes"_s);
    s.gilP95Ms = spread(summary, u"gil_wait_p95_ms"_s);
    s.gilFullP95Ms = spread(summary, u"gil_wait_full_p95_ms"_s);
    s.ofLimit = spread(summary, u"of_limit"_s);
    s.clientP99Ms = spread(summary, u"client_p99_ms"_s);
    s.clientCpuCores = spread(summary, u"client_cpu_cores"_s);
    s.errors = summary.integer64(u"errors"_s);
    s.non2xx = summary.integer64(u"non_2xx"_s);
    // No GIL p95 in a completed variant whose repeats had no GIL: "n/a", as the summary had it.
    s.gilApplicable = s.gilP95Ms.has_value() || !s.ok ||
                      std::any_of(v.repeats.begin(), v.repeats.end(),
                                  [](const AbRepeat& rep) { return rep.server.gilApplicable; });
    if (r.present(u"ratio"_s)) {
        const Reader ratio = r.child(u"ratio"_s);
        wsgi::ab::RatioEstimate e;
        e.ratio = ratio.number(u"value"_s);
        e.low = ratio.number(u"ci_low"_s);
        e.high = ratio.number(u"ci_high"_s);
        e.confidence = ratio.number(u"confidence"_s);
        e.pairs = ratio.integer(u"pairs"_s);
        e.valid = e.pairs > 0; // as the statistics define it: at least one usable pair
        s.ratio = e;
    }
    s.verdict = r.string(u"verdict"_s);
    s.verdictKind = verdictFromName(r.string(u"verdict_kind"_s));
}

AbCarryOver readCarryOver(const Reader& r)
{
    AbCarryOver c;
    c.baseline = r.string(u"baseline"_s);
    c.tolerance = r.number(u"tolerance"_s, c.tolerance);
    c.sameRanking = r.boolean(u"same_ranking"_s);
    c.carriesOver = r.boolean(u"carries_over"_s);
    c.verdict = r.string(u"verdict"_s);
    const QJsonArray rows = r.array(u"variants"_s);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const Reader row = r.element(rows[i], u"variants"_s, i);
        AbCarryOverRow out;
        out.name = row.string(u"name"_s);
        out.engineRatio = row.optionalNumber(u"engine_ratio"_s);
        out.apacheRatio = row.optionalNumber(u"apache_ratio"_s);
        out.difference = row.optionalNumber(u"difference"_s);
        out.engineRank = row.integer(u"engine_rank"_s);
        out.apacheRank = row.integer(u"apache_rank"_s);
        out.within = row.boolean(u"within"_s);
        out.note = row.string(u"note"_s);
        c.rows.push_back(std::move(out));
    }
    return c;
}

} // namespace

std::optional<AbDocument> abResultFromJson(const QJsonObject& document, QString& error)
{
    error.clear();
    const Reader top(document, {}, &error);
    if (top.string(u"schema"_s) != u"wsgi-studio-ab-result"_s) {
        error = u"not an A/B result document (schema is '"_s + document.value(u"schema"_s).toString() +
                u"', expected 'wsgi-studio-ab-result')"_s;
        return std::nullopt;
    }
    if (const int version = top.integer(u"version"_s); version != kAbResultJsonVersion) {
        error = u"A/B result document version "_s + QString::number(version) +
                u" (this studio reads version "_s + QString::number(kAbResultJsonVersion) + u')';
        return std::nullopt;
    }
    AbDocument doc;
    AbResult& result = doc.result;
    AbPlan& plan = result.plan;
    plan.kind = top.string(u"kind"_s, u"ab"_s);
    result.toolVersion = top.child(u"tool"_s).string(u"version"_s);
    result.startedAt = QDateTime::fromString(top.string(u"started_at"_s), Qt::ISODate);
    result.finishedAt = QDateTime::fromString(top.string(u"finished_at"_s), Qt::ISODate);
    result.cancelled = top.boolean(u"cancelled"_s);
    const Reader machine = top.child(u"machine"_s);
    result.machine.cores = machine.integer(u"cores"_s);
    result.machine.onlineCores = machine.integer(u"online_cores"_s);
    result.machine.cpuModel = machine.string(u"cpu_model"_s);
    result.machine.kernel = machine.string(u"kernel"_s);
    result.machine.hostname = machine.string(u"hostname"_s);
    result.machine.memoryBytes = machine.integer64(u"memory_bytes"_s);
    result.machine.loadAverage1 = machine.number(u"load_average_1m"_s, -1);
    result.loadAverageEnd = machine.number(u"load_average_1m_end"_s, -1);
    result.frontEndCores = machine.optionalNumber(u"front_end_cores"_s);
    result.machineNotes = machine.strings(u"notes"_s);
    // Documents from before the server kinds ran everything on the engine.
    plan.servers.clear();
    const QJsonArray servers = top.array(u"servers"_s);
    for (qsizetype i = 0; i < servers.size(); ++i) {
        const auto kind = serverKindFromName(servers[i].toString());
        if (!kind) {
            top.fail(u"servers["_s + QString::number(i) + u']', u"\"engine\" or \"apache\""_s);
            break;
        }
        plan.servers.push_back(*kind);
    }
    if (plan.servers.empty())
        plan.servers = {ServerKind::Engine};
    const Reader apache = top.child(u"apache"_s);
    plan.apacheBinary = apache.string(u"binary"_s);
    plan.apacheModules = apache.string(u"modules"_s);
    plan.appPath = top.string(u"app"_s);
    plan.enginePath = top.string(u"engine"_s);
    const Reader load = top.child(u"load"_s);
    plan.load.concurrency = load.integer(u"concurrency"_s, plan.load.concurrency);
    plan.load.rate = load.number(u"rate"_s);
    plan.load.threads = load.integer(u"threads"_s, plan.load.threads);
    plan.load.durationSec = load.number(u"duration_s"_s, plan.load.durationSec);
    plan.load.warmupSec = load.number(u"warmup_s"_s, plan.load.warmupSec);
    plan.load.path = load.string(u"path"_s, plan.load.path);
    plan.load.timeoutMs = load.integer(u"timeout_ms"_s, plan.load.timeoutMs);
    plan.repeats = top.integer(u"repeats"_s, plan.repeats);
    plan.telemetryIntervalMs = top.integer(u"telemetry_interval_ms"_s);
    const QJsonObject limits = top.object(u"physical_limits"_s);
    for (auto it = limits.begin(); it != limits.end(); ++it) {
        const Reader l(it.value().toObject(), u"physical_limits."_s + it.key(), &error);
        PhysicalLimit limit;
        limit.runtime = l.string(u"runtime"_s, it.key());
        limit.executable = l.string(u"executable"_s);
        limit.python = l.string(u"python"_s);
        limit.freeThreadedBuild = l.boolean(u"free_threaded_build"_s);
        limit.requests = l.integer(u"requests_measured"_s);
        limit.cores = l.integer(u"cores"_s);
        limit.cpuSecondsPerRequest = l.optionalNumber(u"cpu_seconds_per_request"_s);
        limit.error = l.string(u"error"_s);
        result.limits[it.key()] = limit;
    }
    doc.summary.baseline = top.string(u"baseline"_s);
    const QJsonObject baselines = top.object(u"baselines"_s);
    for (auto it = baselines.begin(); it != baselines.end(); ++it)
        if (const auto kind = serverKindFromName(it.key()))
            doc.summary.baselines[*kind] = it.value().toString();
    if (baselines.isEmpty() && !doc.summary.baseline.isEmpty())
        doc.summary.baselines[plan.servers.front()] = doc.summary.baseline;
    if (top.present(u"carry_over"_s))
        doc.summary.carryOver = readCarryOver(top.child(u"carry_over"_s));
    const QJsonArray variants = top.array(u"variants"_s);
    for (qsizetype i = 0; i < variants.size(); ++i) {
        AbVariantResult v;
        AbVariantSummary s;
        readVariant(top.element(variants[i], u"variants"_s, i), v, s, &error);
        // Each variant is in the plan once, however many servers ran it.
        if (std::none_of(plan.variants.begin(), plan.variants.end(),
                         [&v](const AbVariant& p) { return p.name == v.variant.name; }))
            plan.variants.push_back(v.variant);
        if (v.status == AbVariantResult::Status::Failed)
            ++doc.summary.failed;
        else if (v.status == AbVariantResult::Status::Ok)
            ++doc.summary.succeeded;
        else if (v.status == AbVariantResult::Status::Unsupported)
            ++doc.summary.unsupported;
        result.variants.push_back(std::move(v));
        doc.summary.variants.push_back(std::move(s));
    }
    if (!error.isEmpty())
        return std::nullopt;
    return doc;
}

} // namespace wsgi::studio
