#include "session/abresult.h"

#include <algorithm>
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

AbSummary summarizeAbResult(const AbResult& result)
{
    AbSummary summary;
    const AbVariantResult* baseline = nullptr;
    for (const AbVariantResult& v : result.variants) {
        if (usable(v)) {
            baseline = &v;
            break;
        }
    }
    if (baseline)
        summary.baseline = baseline->variant.name;
    const int rounds = result.plan.repeats;
    auto ratesByRound = [rounds](const AbVariantResult& v) {
        std::vector<std::optional<double>> rates(size_t(std::max(rounds, 0)));
        for (const AbRepeat& r : v.repeats)
            if (r.round >= 1 && r.round <= rounds)
                rates[size_t(r.round - 1)] = r.load.achievedRate;
        return rates;
    };

    for (const AbVariantResult& v : result.variants) {
        AbVariantSummary s;
        s.name = v.variant.name;
        s.ok = usable(v);
        s.repeats = int(v.repeats.size());
        if (v.status == AbVariantResult::Status::Ok)
            ++summary.succeeded;
        else if (v.status == AbVariantResult::Status::Failed)
            ++summary.failed;
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
            } else if (w.samples > 0) {
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
        if (s.ok && baseline && &v != baseline) {
            s.ratio = wsgi::ab::pairedRatio(ratesByRound(v), ratesByRound(*baseline));
            const auto verdict =
                wsgi::ab::verdict(s.name.toStdString(), summary.baseline.toStdString(), *s.ratio);
            s.verdictKind = verdict.kind;
            s.verdict = QString::fromStdString(verdict.text);
        } else if (s.ok && &v == baseline) {
            s.verdict = s.name + u" is the baseline"_s;
        } else if (v.status == AbVariantResult::Status::Failed) {
            s.verdict = s.name + u" failed: "_s + v.failure.section(u'\n', 0, 0);
        } else if (v.status == AbVariantResult::Status::Cancelled) {
            s.verdict = s.name + u" was cancelled before any repeat completed"_s;
        }
        if (s.ok && v.status == AbVariantResult::Status::Cancelled)
            s.verdict += u" (cancelled after "_s + QString::number(s.repeats) + u" of "_s +
                         QString::number(rounds) + u" repeats)"_s;
        summary.variants.push_back(std::move(s));
    }
    return summary;
}

} // namespace wsgi::studio
