#include "session/processrows.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace wsgi::studio {

ProcessRows processRows(const EngineStatus& status, const TelemetrySample& sample, const QString& group)
{
    const std::string groupFilter = group.toStdString();
    auto shown = [&](const std::string& name) { return groupFilter.empty() || name == groupFilter; };

    std::map<std::string, size_t> groupOrder;
    for (size_t g = 0; g < status.groups.size(); ++g)
        groupOrder.emplace(status.groups[g].name, g);
    ProcessRows out;
    for (size_t i = 0; i < sample.processes.size(); ++i)
        if (shown(sample.processes[i].group))
            out.rows.push_back(i);
    // A group the status does not know yet (a reload in between) goes last rather than first.
    auto rank = [&](const std::string& name) {
        const auto it = groupOrder.find(name);
        return it != groupOrder.end() ? it->second : groupOrder.size();
    };
    std::stable_sort(out.rows.begin(), out.rows.end(), [&](size_t a, size_t b) {
        const ProcessTelemetry& x = sample.processes[a];
        const ProcessTelemetry& y = sample.processes[b];
        return std::make_tuple(rank(x.group), x.process, x.pid) <
               std::make_tuple(rank(y.group), y.process, y.pid);
    });

    ProcessTotals& t = out.totals;
    for (size_t i : out.rows) {
        const ProcessTelemetry& p = sample.processes[i];
        t.requestsPerMinute += p.requestsPerMinute;
        t.cpuCores += p.cpuUtilization.value_or(0);
        t.memoryRss += p.memoryRss;
        t.activeThreads += p.threadsActive;
        t.threads += p.threadsMaximum;
    }
    t.processes = int(out.rows.size());
    for (const GroupStatus& g : status.groups)
        if (shown(g.name)) {
            t.queued += g.queueLength;
            ++t.groups;
        }
    return out;
}

std::optional<double> phaseMeanMs(const PhaseTiming& timing)
{
    if (!timing.applicable || !timing.meanSeconds)
        return std::nullopt;
    return *timing.meanSeconds * 1000.0;
}

std::optional<double> phaseP95Ms(const PhaseTiming& timing)
{
    if (!timing.applicable || timing.histogram.count() == 0)
        return std::nullopt;
    return timing.histogram.percentile(95) / 1000.0;
}

bool processRunning(const ProcessTelemetry& process)
{
    return process.state.empty() || process.state == "running";
}

} // namespace wsgi::studio
