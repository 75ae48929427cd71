// Process lifecycle as mod_wsgi 6.0 runs it (modwsgi.md sections 1 and 5): graceful recycling on
// uptime (restart-interval), idleness (inactivity-timeout), CPU time (cpu-time-limit) and request
// count (maximum-requests), start-up that takes too long (startup-timeout), processes that retire
// on their own (the Retiring frame), crashes with the restart-storm back-off, and the lifecycle
// events every restart and reload makes.

#include "supervisor.h"

#include "core/clock.h"
#include "core/restartreason.h"
#include "supervisorstate.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sys/wait.h>
#include <unistd.h>

namespace wsgi::hosting {

namespace {

double unixSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// "key=value" lines, then "log=" and everything after it (channelprotocol.h, FrameType::Retiring).
std::map<std::string, std::string> parseRetiring(std::string_view payload)
{
    std::map<std::string, std::string> fields;
    while (!payload.empty()) {
        if (payload.substr(0, 4) == "log=") {
            fields["log"] = std::string(payload.substr(4));
            break;
        }
        const size_t nl = payload.find('\n');
        const std::string_view line = payload.substr(0, nl);
        const size_t eq = line.find('=');
        if (eq != std::string_view::npos)
            fields[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
        if (nl == std::string_view::npos)
            break;
        payload.remove_prefix(nl + 1);
    }
    return fields;
}

} // namespace

void Supervisor::countRestart(const std::string& group, std::string_view reason)
{
    ++m_restarts[group][std::string(reason)];
}

void Supervisor::addEvent(LifecycleEvent event)
{
    event.time = unixSeconds();
    m_events.push(std::move(event));
}

void Supervisor::recycleProcess(size_t processIndex, std::string_view reason)
{
    Process& p = *m_processes[processIndex];
    if (p.state != Process::State::Running || p.generation != m_generation || m_stopping)
        return;
    countRestart(p.groupName, reason);
    if (!m_options.quiet)
        std::fprintf(stderr, "wsgi-engine: recycling process %d of group '%s' (pid %d): %.*s\n", p.index + 1,
                     p.groupName.c_str(), int(p.pid), int(reason.size()), reason.data());
    // The replacement first, so that new requests have somewhere to go while this one drains.
    const size_t group = p.group;
    const int slot = p.index;
    spawnProcess(group, slot);
    retireProcess(processIndex, std::string(reason));
}

void Supervisor::onRetiring(size_t processIndex, std::string_view payload)
{
    Process& p = *m_processes[processIndex];
    const auto fields = parseRetiring(payload);
    const auto reasonIt = fields.find("reason");
    const std::string reason = reasonIt == fields.end() ? std::string() : reasonIt->second;
    const auto detail = fields.find("detail");
    const auto log = fields.find("log");
    const auto requests = fields.find("requests");
    p.exitDetail = detail == fields.end() ? std::string() : detail->second;
    p.exitLog = log == fields.end() ? std::string() : log->second;
    p.retiringRequests = requests == fields.end() ? -1 : std::atoi(requests->second.c_str());
    p.announcedExit = true;
    if (p.state != Process::State::Running || p.generation != m_generation || m_stopping) {
        if (!reason.empty() && p.stopReason.empty())
            p.stopReason = reason;
        return;
    }
    const std::string name = restartReasonFromName(reason) ? reason : std::string("crash-exit");
    countRestart(p.groupName, name);
    // It exits on its own: it is not a crash, takes no new requests, and its replacement starts now.
    p.state = Process::State::Stopping;
    p.stopReason = name;
    const GroupPlan& plan = m_groups[p.group]->plan;
    p.stopDeadlineUs =
        monotonicMicros() + int64_t(plan.gracefulTimeoutSeconds + plan.shutdownTimeoutSeconds + 1) * 1000000;
    closeChannelsOfStoppingProcess(p);
    spawnProcess(p.group, p.index);
}

void Supervisor::processExited(size_t processIndex, int status, bool expected)
{
    Process& p = *m_processes[processIndex];
    Group& g = *m_groups[p.group];
    const int64_t now = monotonicMicros();
    // Direct mode: the supervisor sees no requests, so those in flight are what the worker last
    // reported (its Retiring frame, else its last measurements) when it did not drain.
    if (m_plan.direct || p.channels.empty()) {
        if (p.retiringRequests >= 0)
            p.requestsLost += p.retiringRequests;
        else if (!expected || WIFSIGNALED(status))
            p.requestsLost += p.directActive;
    }
    LifecycleEvent e;
    e.kind = "restart";
    e.group = p.groupName;
    e.process = p.index + 1;
    e.pid = int(p.pid);
    e.requestsLost = p.requestsLost;
    e.generation = p.generation;
    e.log = p.exitLog;
    const std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                            : WIFSIGNALED(status)
                                ? std::string("was killed by signal ") + strsignal(WTERMSIG(status))
                                : std::string("stopped");
    // A stopping process that exits cleanly, was killed past its drain, or announced its exit went
    // as planned; one that dies otherwise while draining crashed, and its losses are the crash's.
    const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    // A process stopped before it said hello dies of the supervisor's own SIGTERM (its handler is
    // installed only once Python is up) with no request taken: that is the stop, not a crash.
    const bool stoppedWhileStarting = WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM && p.hello.empty();
    if (expected && (clean || stoppedWhileStarting || p.announcedExit || !p.killReason.empty())) {
        e.reason = p.stopReason.empty() ? std::string("restart") : p.stopReason;
        e.detail =
            !p.exitDetail.empty() ? p.exitDetail
            : !p.killReason.empty()
                ? "process was killed: it did not exit within graceful-timeout and shutdown-timeout (" +
                      e.reason + ")"
                : "process " + how + " after it was stopped (" + e.reason + ")";
        if (!m_options.quiet || e.requestsLost > 0)
            std::fprintf(stderr, "wsgi-engine: process %d of group '%s' (pid %d) %s (%s, %d requests lost)\n",
                         p.index + 1, p.groupName.c_str(), int(p.pid), how.c_str(), e.reason.c_str(),
                         e.requestsLost);
        addEvent(std::move(e));
        return;
    }
    if (expected) {
        e.reason = std::string(
            restartReasonName(WIFSIGNALED(status) ? RestartReason::CrashSignal : RestartReason::CrashExit));
        e.detail = "process " + how + " while it was stopping (" + p.stopReason + ")";
        countRestart(p.groupName, e.reason);
        std::fprintf(
            stderr,
            "wsgi-engine: process %d of group '%s' (pid %d) %s while stopping (%s, %d requests lost)\n",
            p.index + 1, p.groupName.c_str(), int(p.pid), how.c_str(), e.reason.c_str(), e.requestsLost);
        addEvent(std::move(e));
        return;
    }
    if (p.generation != m_generation)
        return;
    // Direct mode learns of requests late (batched measurements); connections it held count too.
    const bool served = p.requests > 0 || (g.balance && g.balance[p.index].load() > 0 &&
                                           g.balance[p.index].load() < INT32_MAX / 2);
    if (g.balance) // until the replacement runs, its slot must not hold the others back
        g.balance[p.index].store(INT32_MAX / 2);
    if (g.processes[size_t(p.index)] == processIndex)
        g.processes[size_t(p.index)] = SIZE_MAX;
    // Why it went away: the supervisor's own kill, the CPU rlimit, or a crash.
    if (!p.killReason.empty())
        e.reason = p.killReason;
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)
        e.reason = std::string(restartReasonName(RestartReason::Cpu));
    else
        e.reason = std::string(
            restartReasonName(WIFSIGNALED(status) ? RestartReason::CrashSignal : RestartReason::CrashExit));
    countRestart(p.groupName, e.reason);
    RestartBackoff& backoff = g.backoff[size_t(p.index)];
    const int64_t delay = backoff.onExit(now - p.startedUs, served);
    e.detail = "process " + how + (p.started ? "" : " before it finished starting");
    std::fprintf(stderr,
                 "wsgi-engine: process %d of group '%s' (pid %d) %s (%s, %d requests lost); restarting in "
                 "%.1f s\n",
                 p.index + 1, g.plan.name.c_str(), int(p.pid), how.c_str(), e.reason.c_str(), e.requestsLost,
                 double(delay) / 1e6);
    addEvent(std::move(e));
    if (backoff.storming()) {
        LifecycleEvent t;
        t.kind = "throttled";
        t.group = g.plan.name;
        t.process = p.index + 1;
        t.pid = int(p.pid);
        t.backoffS = double(delay) / 1e6;
        t.detail = "process " + std::to_string(p.index + 1) + " died " + std::to_string(backoff.failures()) +
                   " times in a row at start-up (before serving a request); next start in " +
                   std::to_string(delay / 1000) + " ms";
        std::fprintf(stderr, "wsgi-engine: restart storm: group '%s' %s\n", g.plan.name.c_str(),
                     t.detail.c_str());
        addEvent(std::move(t));
    }
    g.respawnAtUs[size_t(p.index)] = now + delay;
}

Json Supervisor::throttledJson(const Group& g) const
{
    const int64_t now = monotonicMicros();
    Json list = Json::array();
    for (size_t slot = 0; slot < g.backoff.size(); ++slot) {
        const RestartBackoff& b = g.backoff[slot];
        if (!b.storming())
            continue;
        // Still throttled while its slot waits, or its new process has not yet stayed up.
        const size_t pi = g.processes[slot];
        if (pi != SIZE_MAX && now - m_processes[pi]->startedUs >= RestartBackoff::kStableUs)
            continue;
        Json j = Json::object();
        j.set("process", Json(int64_t(slot + 1)));
        j.set("failures", Json(int64_t(b.failures())));
        j.set("backoff_s", Json(double(b.delayUs()) / 1e6));
        list.push(std::move(j));
    }
    return list;
}

void Supervisor::checkLifecycle(int64_t now)
{
    static const double ticksPerSecond = double(sysconf(_SC_CLK_TCK));
    std::string pull;
    for (size_t pi = 0; pi < m_processes.size(); ++pi) {
        Process& p = *m_processes[pi];
        if (p.state == Process::State::Stopping && p.stopDeadlineUs != 0 && now > p.stopDeadlineUs) {
            std::fprintf(
                stderr,
                "wsgi-engine: process %d of group '%s' (pid %d) did not exit within graceful-timeout "
                "and shutdown-timeout; killing it\n",
                p.index + 1, p.groupName.c_str(), int(p.pid));
            kill(p.pid, SIGKILL);
            p.killReason = p.stopReason;
            p.stopDeadlineUs = 0;
            continue;
        }
        if (p.state != Process::State::Running || p.generation != m_generation || m_stopping)
            continue;
        const GroupPlan& plan = m_groups[p.group]->plan;
        const int64_t age = now - p.startedUs;
        if (!p.started && plan.startupTimeoutSeconds > 0 &&
            age > int64_t(plan.startupTimeoutSeconds) * 1000000) {
            // The script has not loaded in time: mod_wsgi restarts the process (startup-timeout).
            std::fprintf(stderr,
                         "wsgi-engine: process %d of group '%s' (pid %d) did not finish starting within "
                         "startup-timeout=%d; killing it\n",
                         p.index + 1, p.groupName.c_str(), int(p.pid), plan.startupTimeoutSeconds);
            p.killReason = std::string(restartReasonName(RestartReason::StartupTimeout));
            kill(p.pid, SIGKILL);
            continue;
        }
        if (plan.restartIntervalSeconds > 0 && age >= int64_t(plan.restartIntervalSeconds) * 1000000) {
            recycleProcess(pi, restartReasonName(RestartReason::RestartInterval));
            continue;
        }
        if (plan.cpuTimeLimitSeconds > 0) {
            const ProcessCpu cpu = readProcessCpu(p.pid);
            if (cpu.ok &&
                double(cpu.userTicks + cpu.systemTicks) / ticksPerSecond >= plan.cpuTimeLimitSeconds) {
                recycleProcess(pi, restartReasonName(RestartReason::Cpu));
                continue;
            }
        }
        if (plan.inactivityTimeoutSeconds > 0) {
            int active = p.directActive;
            for (size_t ci : p.channels)
                active += m_channels[ci]->connection != 0 ? 1 : 0;
            // A process that has served nothing is not restarted: its replacement would be the same
            // fresh process. Direct mode learns of activity from the measurements pulled below.
            if (active == 0 && p.requests > 0 &&
                now - p.lastActiveUs >= int64_t(plan.inactivityTimeoutSeconds) * 1000000) {
                recycleProcess(pi, restartReasonName(RestartReason::Inactivity));
                continue;
            }
            if (m_plan.direct && p.controlFd >= 0) {
                if (pull.empty())
                    appendFrame(pull, FrameType::MetricsPull, {});
                const ssize_t n = ::write(p.controlFd, pull.data(), pull.size());
                (void)n;
            }
        }
    }
}

} // namespace wsgi::hosting
