#include "session/abresult.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

double mean(const std::vector<double>& values)
{
    double sum = 0;
    for (double v : values)
        sum += v;
    return values.empty() ? 0 : sum / double(values.size());
}

std::optional<wsgi::ab::Spread> spreadOf(const std::vector<double>& values)
{
    if (values.empty())
        return std::nullopt;
    return wsgi::ab::summarize(values);
}

// Completed variants, and after a cancel the ones with repeats to show: what was measured counts.
bool usable(const AbVariantResult& v)
{
    return (v.status == AbVariantResult::Status::Ok || v.status == AbVariantResult::Status::Cancelled) &&
           !v.repeats.empty();
}

} // namespace

const char* serverKindName(ServerKind server)
{
    switch (server) {
    case ServerKind::Engine:
        return "engine";
    case ServerKind::Apache:
        return "apache";
    }
    return "engine";
}

QString serverKindTitle(ServerKind server)
{
    return server == ServerKind::Apache ? u"Apache + mod_wsgi"_s : u"engine"_s;
}

std::optional<ServerKind> serverKindFromName(const QString& name)
{
    const QString n = name.trimmed().toLower();
    if (n == u"engine"_s)
        return ServerKind::Engine;
    if (n == u"apache"_s)
        return ServerKind::Apache;
    return std::nullopt;
}

bool AbPlan::runsOn(ServerKind server) const
{
    return std::find(servers.begin(), servers.end(), server) != servers.end();
}

int AbResult::indexOf(const QString& variantName, ServerKind server) const
{
    for (size_t i = 0; i < variants.size(); ++i)
        if (variants[i].server == server && variants[i].variant.name == variantName)
            return int(i);
    return -1;
}

std::optional<double> AbRepeat::otherCores() const
{
    if (!machineBusyCores || !server.cpuTotalCores)
        return std::nullopt;
    return std::max(0.0, *machineBusyCores - *server.cpuTotalCores - clientCpuCores.value_or(0));
}

int AbPlan::effectiveTelemetryIntervalMs() const
{
    if (telemetryIntervalMs > 0)
        return telemetryIntervalMs;
    // About ten intervals per window: the partial ones at both edges are dropped, so fewer would
    // waste a large share of the window; the engine accepts 100 ms at the finest.
    const int tenth = int(load.durationSec * 100);
    return std::clamp(tenth, 100, 1000);
}

const char* statusName(AbVariantResult::Status status)
{
    switch (status) {
    case AbVariantResult::Status::Pending:
        return "pending";
    case AbVariantResult::Status::Ok:
        return "ok";
    case AbVariantResult::Status::Failed:
        return "failed";
    case AbVariantResult::Status::Cancelled:
        return "cancelled";
    case AbVariantResult::Status::Unsupported:
        return "unsupported";
    }
    return "pending";
}

bool workersReady(const EngineStatus& status)
{
    if (status.groups.empty())
        return false;
    for (const GroupStatus& g : status.groups) {
        if (int(g.processes.size()) < g.processesConfigured)
            return false;
        for (const ProcessStatus& p : g.processes)
            if (p.state != "running" || p.gilMode == GilMode::Unknown || p.gilMode == GilMode::Starting)
                return false;
    }
    return true;
}

void recordEngineStatus(AbVariantResult& r, const EngineStatus& status)
{
    const GroupStatus* group = status.group(r.variant.group.toStdString());
    if (!group) {
        for (const MountStatus& m : status.mounts)
            if (m.prefix == "/")
                group = status.group(m.group);
    }
    if (!group && !status.groups.empty())
        group = &status.groups.front();
    if (!group)
        return;
    if (r.variant.group.isEmpty())
        r.variant.group = QString::fromStdString(group->name);
    r.runtime = QString::fromStdString(group->runtime);
    r.processes = group->processesConfigured;
    r.threads = group->threads;
    if (group->processes.empty())
        return;
    const ProcessStatus& first = group->processes.front();
    r.python = QString::fromStdString(first.python);
    r.gilMode = QString::fromLatin1(gilModeWireName(first.gilMode));
    r.gilEnabled = first.gilEnabled;
    r.switchInterval = first.switchInterval;
}

ServerWindow aggregateWindow(const std::vector<TelemetrySample>& samples, double start, double end,
                             const QString& group, double toleranceSec)
{
    ServerWindow w;
    const std::string groupName = group.toStdString();
    std::set<int64_t> pids;
    std::vector<double> cpuTotals;
    std::vector<double> cpuPerProcess;
    std::vector<double> rssTotals;
    bool anyGil = false;
    bool anyProcess = false;
    for (const TelemetrySample& sample : samples) {
        const double period = sample.intervalMs / 1000.0;
        const double sampleEnd = sample.time;
        const double sampleStart = sampleEnd - period;
        if (sampleStart < start - toleranceSec || sampleEnd > end + toleranceSec)
            continue;
        double cpu = 0;
        int cpuProcesses = 0;
        double rss = 0;
        int processes = 0;
        for (const ProcessTelemetry& p : sample.processes) {
            if (!groupName.empty() && p.group != groupName)
                continue;
            ++processes;
            pids.insert(p.pid);
            w.requests += p.requestCount;
            for (size_t i = 0; i < w.statusClasses.size(); ++i)
                w.statusClasses[i] += p.statusClasses[i];
            if (p.cpuUtilization) {
                cpu += *p.cpuUtilization;
                ++cpuProcesses;
            }
            rss += double(p.memoryRss);
            w.requestTime.merge(p.phase(TimingPhase::Request).histogram);
            w.applicationTime.merge(p.phase(TimingPhase::Application).histogram);
            w.queueTime.merge(p.phase(TimingPhase::Queue).histogram);
            if (p.phase(TimingPhase::GilWait).applicable) {
                anyGil = true;
                w.gilWait.merge(p.phase(TimingPhase::GilWait).histogram);
                w.gilWaitFull.merge(p.phase(TimingPhase::GilWaitFull).histogram);
            }
        }
        if (processes == 0)
            continue;
        anyProcess = true;
        ++w.samples;
        w.coveredSec += period;
        rssTotals.push_back(rss);
        if (cpuProcesses > 0) {
            cpuTotals.push_back(cpu);
            cpuPerProcess.push_back(cpu / cpuProcesses);
        }
    }
    w.processes = int(pids.size());
    w.gilApplicable = !anyProcess || anyGil;
    if (w.coveredSec > 0)
        w.requestsPerSecond = double(w.requests) / w.coveredSec;
    if (!cpuTotals.empty()) {
        w.cpuTotalCores = mean(cpuTotals);
        w.cpuPerProcessCores = mean(cpuPerProcess);
    }
    if (!rssTotals.empty())
        w.rssBytes = mean(rssTotals);
    return w;
}

namespace {

std::vector<std::optional<double>> ratesByRound(const AbVariantResult& v, int rounds)
{
    std::vector<std::optional<double>> rates(size_t(std::max(rounds, 0)));
    for (const AbRepeat& r : v.repeats)
        if (r.round >= 1 && r.round <= rounds)
            rates[size_t(r.round - 1)] = r.load.achievedRate;
    return rates;
}

} // namespace

AbSummary summarizeAbResult(const AbResult& result)
{
    AbSummary summary;
    // Each server's variants are compared with that server's baseline only: an engine and an Apache
    // figure from one round are different servers, not a pair.
    std::map<ServerKind, const AbVariantResult*> baselines;
    for (const AbVariantResult& v : result.variants) {
        if (usable(v) && !baselines.count(v.server)) {
            baselines[v.server] = &v;
            summary.baselines[v.server] = v.variant.name;
        }
    }
    for (ServerKind server : result.plan.servers) {
        if (const auto b = summary.baselines.find(server); b != summary.baselines.end()) {
            summary.baseline = b->second;
            break;
        }
    }
    if (summary.baseline.isEmpty() && !summary.baselines.empty())
        summary.baseline = summary.baselines.begin()->second;
    const int rounds = result.plan.repeats;
    const bool severalServers = result.plan.servers.size() > 1;

    for (const AbVariantResult& v : result.variants) {
        AbVariantSummary s;
        s.name = v.variant.name;
        s.server = v.server;
        s.ok = usable(v);
        s.repeats = int(v.repeats.size());
        if (v.status == AbVariantResult::Status::Ok)
            ++summary.succeeded;
        else if (v.status == AbVariantResult::Status::Failed)
            ++summary.failed;
        else if (v.status == AbVariantResult::Status::Unsupported)
            ++summary.unsupported;
        const auto base = baselines.find(v.server);
        const AbVariantResult* baseline = base == baselines.end() ? nullptr : base->second;
        std::vector<double> rpm, response, app, cpuProc, cpuTotal, rss, gil, gilFull, ofLimit, p99, clientCpu;
        const auto limit = result.limits.find(v.runtime);
        const bool haveLimit = limit != result.limits.end() && limit->second.ok();
        for (const AbRepeat& r : v.repeats) {
            rpm.push_back(r.load.achievedRate * 60);
            if (r.load.latency.count() > 0)
                p99.push_back(r.load.latency.percentile(99) / 1000);
            if (r.clientCpuCores)
                clientCpu.push_back(*r.clientCpuCores);
            s.errors += r.load.errorCount();
            s.non2xx +=
                r.load.status[0] + r.load.status[2] + r.load.status[3] + r.load.status[4] + r.load.status[5];
            const ServerWindow& w = r.server;
            if (w.requestTime.count() > 0)
                response.push_back(w.requestTime.mean() / 1000);
            if (w.applicationTime.count() > 0)
                app.push_back(w.applicationTime.mean() / 1000);
            if (w.cpuPerProcessCores)
                cpuProc.push_back(*w.cpuPerProcessCores);
            if (w.cpuTotalCores)
                cpuTotal.push_back(*w.cpuTotalCores);
            if (w.rssBytes)
                rss.push_back(*w.rssBytes);
            if (!w.gilApplicable) {
                s.gilApplicable = false;
            } else if (w.telemetry && w.samples > 0) {
                // No recorded wait in a whole window is a real zero, not a missing value.
                gil.push_back(w.gilWait.count() > 0 ? w.gilWait.percentile(95) / 1000 : 0);
                gilFull.push_back(w.gilWaitFull.count() > 0 ? w.gilWaitFull.percentile(95) / 1000 : 0);
            }
            if (haveLimit)
                ofLimit.push_back(r.load.achievedRate / limit->second.requestsPerSecond());
        }
        s.rpm = spreadOf(rpm);
        s.responseMs = spreadOf(response);
        s.appMs = spreadOf(app);
        s.cpuPerProcess = spreadOf(cpuProc);
        s.cpuTotal = spreadOf(cpuTotal);
        s.rssBytes = spreadOf(rss);
        if (s.gilApplicable) {
            s.gilP95Ms = spreadOf(gil);
            s.gilFullP95Ms = spreadOf(gilFull);
        }
        s.ofLimit = spreadOf(ofLimit);
        s.clientP99Ms = spreadOf(p99);
        s.clientCpuCores = spreadOf(clientCpu);
        const QString on = severalServers ? u" on "_s + serverKindTitle(v.server) : QString();
        if (s.ok && baseline && &v != baseline) {
            s.ratio = wsgi::ab::pairedRatio(ratesByRound(v, rounds), ratesByRound(*baseline, rounds));
            const auto verdict =
                wsgi::ab::verdict(s.name.toStdString(), baseline->variant.name.toStdString(), *s.ratio);
            s.verdictKind = verdict.kind;
            s.verdict = QString::fromStdString(verdict.text) + on;
        } else if (s.ok && &v == baseline) {
            s.verdict = s.name + u" is the baseline"_s + on;
        } else if (v.status == AbVariantResult::Status::Failed) {
            s.verdict = s.name + u" failed"_s + on + u": "_s + v.failure.section(u'\n', 0, 0);
        } else if (v.status == AbVariantResult::Status::Unsupported) {
            s.verdict = serverKindTitle(v.server) + u" cannot run "_s + s.name + u": "_s +
                        v.failure.section(u'\n', 0, 0);
        } else if (v.status == AbVariantResult::Status::Cancelled) {
            s.verdict = s.name + u" was cancelled before any repeat completed"_s + on;
        }
        if (s.ok && v.status == AbVariantResult::Status::Cancelled)
            s.verdict += u" (cancelled after "_s + QString::number(s.repeats) + u" of "_s +
                         QString::number(rounds) + u" repeats)"_s;
        summary.variants.push_back(std::move(s));
    }
    summary.carryOver = compareServers(result, summary);
    return summary;
}

namespace {

QString percentText(double fraction)
{
    return (fraction >= 0 ? u"+"_s : QString()) + QString::number(fraction * 100, 'f', 1) + u'%';
}

QString ratioText(double ratio)
{
    return QString::fromStdString(wsgi::ab::formatRatio(ratio));
}

// 1-based ranks by ratio, highest first; ties keep plan order.
void rank(std::vector<AbCarryOverRow*>& rows, std::optional<double> AbCarryOverRow::*ratio,
          int AbCarryOverRow::*rankOut)
{
    std::vector<AbCarryOverRow*> sorted = rows;
    std::stable_sort(sorted.begin(), sorted.end(), [ratio](const AbCarryOverRow* a, const AbCarryOverRow* b) {
        return *(a->*ratio) > *(b->*ratio);
    });
    for (size_t i = 0; i < sorted.size(); ++i)
        sorted[i]->*rankOut = int(i) + 1;
}

} // namespace

std::optional<AbCarryOver> compareServers(const AbResult& result, const AbSummary& /*summary*/,
                                          double tolerance)
{
    if (!result.plan.runsOn(ServerKind::Engine) || !result.plan.runsOn(ServerKind::Apache))
        return std::nullopt;
    AbCarryOver c;
    c.tolerance = tolerance;
    const int rounds = result.plan.repeats;
    auto entry = [&result](const QString& name, ServerKind server) -> const AbVariantResult* {
        const int i = result.indexOf(name, server);
        return i < 0 ? nullptr : &result.variants[size_t(i)];
    };
    const AbVariantResult* engineBase = nullptr;
    const AbVariantResult* apacheBase = nullptr;
    for (const AbVariant& v : result.plan.variants) {
        const AbVariantResult* e = entry(v.name, ServerKind::Engine);
        const AbVariantResult* a = entry(v.name, ServerKind::Apache);
        if (e && a && usable(*e) && usable(*a)) {
            engineBase = e;
            apacheBase = a;
            c.baseline = v.name;
            break;
        }
    }
    std::vector<AbCarryOverRow*> compared;
    for (const AbVariant& v : result.plan.variants) {
        AbCarryOverRow row;
        row.name = v.name;
        const AbVariantResult* e = entry(v.name, ServerKind::Engine);
        const AbVariantResult* a = entry(v.name, ServerKind::Apache);
        if (a && a->status == AbVariantResult::Status::Unsupported) {
            row.note = u"Apache cannot run it: "_s + a->failure.section(u'\n', 0, 0);
        } else if (!e || !usable(*e)) {
            row.note =
                u"no engine result ("_s + (e ? QLatin1StringView(statusName(e->status)) : "absent"_L1) + u')';
        } else if (!a || !usable(*a)) {
            row.note =
                u"no Apache result ("_s + (a ? QLatin1StringView(statusName(a->status)) : "absent"_L1) + u')';
        } else if (!engineBase) {
            row.note = u"no variant completed on both servers"_s;
        } else {
            auto ratio = [rounds](const AbVariantResult& x,
                                  const AbVariantResult& base) -> std::optional<double> {
                if (&x == &base)
                    return 1.0;
                const auto r = wsgi::ab::pairedRatio(ratesByRound(x, rounds), ratesByRound(base, rounds));
                if (r.pairs < 1 || !(r.ratio > 0))
                    return std::nullopt;
                return r.ratio;
            };
            row.engineRatio = ratio(*e, *engineBase);
            row.apacheRatio = ratio(*a, *apacheBase);
            if (row.engineRatio && row.apacheRatio) {
                row.difference = *row.engineRatio / *row.apacheRatio - 1;
                row.within = std::abs(*row.difference) <= tolerance + 1e-12;
            } else {
                row.note = u"no round measured on both this variant and "_s + c.baseline;
            }
        }
        c.rows.push_back(std::move(row));
    }
    for (AbCarryOverRow& row : c.rows)
        if (row.difference)
            compared.push_back(&row);
    if (compared.empty()) {
        c.verdict =
            u"cannot tell whether the results carry over to Apache: no variant was measured on both "_s
            u"servers"_s;
        return c;
    }
    rank(compared, &AbCarryOverRow::engineRatio, &AbCarryOverRow::engineRank);
    rank(compared, &AbCarryOverRow::apacheRatio, &AbCarryOverRow::apacheRank);
    // Two variants within the negligible difference of each other on a server are tied there: noise
    // may order them either way, which is not a different ranking (a tie on one server and a real gap
    // on the other shows in the ratios instead).
    QStringList swapped;
    for (size_t i = 0; i < compared.size(); ++i) {
        for (size_t j = i + 1; j < compared.size(); ++j) {
            const AbCarryOverRow& x = *compared[i];
            const AbCarryOverRow& y = *compared[j];
            const double engine = *x.engineRatio / *y.engineRatio - 1;
            const double apache = *x.apacheRatio / *y.apacheRatio - 1;
            const bool opposite = (engine > 0) != (apache > 0);
            const double tie = wsgi::ab::kNegligibleDifference;
            if (opposite && std::abs(engine) > tie && std::abs(apache) > tie)
                swapped << (engine > 0 ? x.name + u" above "_s + y.name : y.name + u" above "_s + x.name) +
                               u" on the engine, the other way round on Apache"_s;
        }
    }
    c.sameRanking = swapped.isEmpty();
    QStringList off;
    for (const AbCarryOverRow* row : compared)
        if (!row->within)
            off << row->name + u" is "_s + ratioText(*row->engineRatio) + u' ' + c.baseline +
                       u" on the engine but "_s + ratioText(*row->apacheRatio) + u" on Apache ("_s +
                       percentText(*row->difference) + u')';
    c.carriesOver = c.sameRanking && off.isEmpty();
    QStringList notCompared;
    for (const AbCarryOverRow& row : c.rows)
        if (!row.difference)
            notCompared << row.name + u": "_s + row.note;
    const QString tol = QString::number(tolerance * 100, 'g', 3) + u'%';
    if (c.carriesOver)
        c.verdict = u"carries over: the same ranking on both servers and every ratio to "_s + c.baseline +
                    u" within "_s + tol + u" of Apache's"_s;
    else
        c.verdict = u"does not carry over: "_s + (swapped + off).join(u"; "_s) +
                    (off.isEmpty() ? QString() : u" (more than "_s + tol + u" from Apache's ratio)"_s);
    if (!notCompared.isEmpty())
        c.verdict += u"; not compared: "_s + notCompared.join(u"; "_s);
    return c;
}

} // namespace wsgi::studio
