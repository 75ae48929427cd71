// The operations of the control endpoint: status, subscribe/unsubscribe (telemetry), reload,
// restart and dump-stacks, and the telemetry samples subscribers receive.

#include "supervisor.h"

#include "apache-config/engineconfig.h"
#include "core/clock.h"
#include "core/gilcontention.h"
#include "requesttarget.h"
#include "runnablechecks.h"
#include "supervisorstate.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <sched.h>
#include <set>
#include <sys/epoll.h>
#include <unistd.h>

namespace wsgi::hosting {

namespace {

double unixNow()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

std::string helloValue(const std::map<std::string, std::string>& hello, const std::string& key)
{
    const auto it = hello.find(key);
    return it == hello.end() ? std::string() : it->second;
}

// The GIL mode actually in force, from what the worker reported once it had loaded the application.
std::string gilMode(const std::map<std::string, std::string>& hello)
{
    if (hello.empty())
        return "starting";
    if (helloValue(hello, "gil_enabled") == "0")
        return "free-threaded";
    if (!helloValue(hello, "own_gil_groups").empty())
        return "per-interpreter";
    return "shared";
}

Json histogramJson(const Histogram& h)
{
    Json buckets = Json::array();
    for (const auto& [index, count] : h.sparse()) {
        Json pair = Json::array();
        pair.push(Json(int64_t(index)));
        pair.push(Json(count));
        buckets.push(std::move(pair));
    }
    Json j = Json::object();
    j.set("count", Json(h.count()));
    j.set("sum_us", Json(h.sum()));
    j.set("min_us", Json(h.min()));
    j.set("max_us", Json(h.max()));
    j.set("p50_us", Json(h.percentile(50)));
    j.set("p95_us", Json(h.percentile(95)));
    j.set("p99_us", Json(h.percentile(99)));
    j.set("buckets", std::move(buckets));
    return j;
}

} // namespace

void Supervisor::onControlRequest(uint64_t client, const Json& id, const std::string& op, const Json& request)
{
    if (op == "status") {
        m_control->reply(client, id, statusJson());
    } else if (op == "subscribe") {
        opSubscribe(client, id, request);
    } else if (op == "unsubscribe") {
        std::erase_if(m_subscribers, [client](const auto& s) { return s->client == client; });
        m_control->reply(client, id, Json::object());
    } else if (op == "reload") {
        opReload(client, id, request);
    } else if (op == "restart") {
        opRestart(client, id, request);
    } else if (op == "dump-stacks") {
        opDumpStacks(client, id, request);
    } else {
        m_control->replyError(client, id, "unknown-op",
                              "unknown op '" + op +
                                  "' (known: status, subscribe, unsubscribe, reload, restart, "
                                  "dump-stacks)");
    }
}

Json Supervisor::statusJson() const
{
    const int64_t now = monotonicMicros();
    Json groups = Json::array();
    for (const auto& g : m_groups) {
        Json processes = Json::array();
        for (size_t slot = 0; slot < g->processes.size(); ++slot) {
            const size_t pi = g->processes[slot];
            if (pi == SIZE_MAX)
                continue;
            const Process& p = *m_processes[pi];
            int active = p.directActive;
            for (size_t ci : p.channels)
                active += m_channels[ci]->connection != 0 ? 1 : 0;
            Json proc = Json::object();
            proc.set("index", Json(int64_t(p.index + 1)));
            proc.set("pid", Json(int64_t(p.pid)));
            proc.set("state", Json(p.state == Process::State::Running ? "running" : "stopping"));
            proc.set("uptime_s", Json(double(now - p.startedUs) / 1e6));
            proc.set("requests", Json(int64_t(p.requests)));
            proc.set("active_requests", Json(int64_t(active)));
            proc.set("threads", Json(int64_t(p.threads)));
            proc.set("runtime", Json(g->plan.spec.runtime));
            proc.set("python", Json(helloValue(p.hello, "python")));
            proc.set("gil_mode", Json(gilMode(p.hello)));
            proc.set("gil_enabled", Json(helloValue(p.hello, "gil_enabled") != "0"));
            const std::string si = helloValue(p.hello, "switch_interval");
            proc.set("switch_interval", si.empty() ? Json() : Json(std::atof(si.c_str())));
            proc.set("own_gil_groups", Json(helloValue(p.hello, "own_gil_groups")));
            processes.push(std::move(proc));
        }
        Json restarts = Json::object();
        if (const auto it = m_restarts.find(g->plan.name); it != m_restarts.end())
            for (const auto& [reason, count] : it->second)
                restarts.set(reason, Json(int64_t(count)));
        Json group = Json::object();
        group.set("name", Json(g->plan.name));
        group.set("processes_configured", Json(int64_t(g->plan.processes)));
        group.set("threads", Json(int64_t(g->plan.threads)));
        group.set("runtime", Json(g->plan.spec.runtime));
        group.set("free_threading_requested", Json(g->plan.spec.freeThreading));
        group.set("switch_interval_requested",
                  g->plan.spec.switchInterval ? Json(*g->plan.spec.switchInterval) : Json());
        group.set("queue_length", Json(int64_t(g->queue.size())));
        group.set("restarts", std::move(restarts));
        group.set("throttled", throttledJson(*g));
        group.set("processes", std::move(processes));
        groups.push(std::move(group));
    }
    Json mounts = Json::array();
    for (const auto& m : m_plan.mounts) {
        Json mount = Json::object();
        mount.set("prefix", Json(m.urlPrefix.empty() ? std::string("/") : m.urlPrefix));
        mount.set("group", Json(m_plan.groups[m.group].name));
        mounts.push(std::move(mount));
    }
    Json listen = Json::array();
    for (const auto& l : m_listeners)
        if (l.fd >= 0)
            listen.push(Json(l.host + ":" + std::to_string(l.port)));
    Json engine = Json::object();
    engine.set("pid", Json(int64_t(getpid())));
    engine.set("uptime_s", Json(double(now - m_startedUs) / 1e6));
    engine.set("config_file", Json(m_options.configFile));
    engine.set("generation", Json(int64_t(m_generation)));
    engine.set("connections", Json(int64_t(m_connections.size())));
    // The cores the engine may run on (its affinity, not the machine's count): what a remote
    // studio's diagnosis weighs CPU use against.
    cpu_set_t affinity;
    CPU_ZERO(&affinity);
    engine.set("cores", Json(int64_t(sched_getaffinity(0, sizeof affinity, &affinity) == 0
                                         ? CPU_COUNT(&affinity)
                                         : sysconf(_SC_NPROCESSORS_ONLN))));
    engine.set("listen", std::move(listen));
    Json status = Json::object();
    status.set("engine", std::move(engine));
    status.set("groups", std::move(groups));
    status.set("mounts", std::move(mounts));
    status.set("recent_events", eventsJson(m_events.tail(kEventTailOnSubscribe)));
    return status;
}

// --- telemetry -------------------------------------------------------------------------------------

namespace {
// How long a sample waits for the direct-mode workers' measurements before it goes out without
// the late ones (they count in the next sample). A worker answers from its main thread, which a
// fully loaded machine may schedule a few milliseconds late.
constexpr int64_t kPullWaitUs = 50 * 1000;
} // namespace

int64_t Supervisor::nextSubscriberDue() const
{
    if (m_metricsPullUs != 0)
        return m_metricsPullUs + kPullWaitUs;
    int64_t due = INT64_MAX;
    for (const auto& s : m_subscribers)
        due = std::min(due, s->nextUs);
    return due;
}

void Supervisor::publishDueTelemetry(int64_t nowUs)
{
    bool due = false;
    for (const auto& s : m_subscribers)
        due = due || nowUs >= s->nextUs;
    if (!due) {
        m_metricsPullUs = 0; // its subscriber left while the workers were answering
        return;
    }
    // Direct-mode workers keep their measurements until asked (sending them unasked would wake
    // the supervisor and the worker's main thread many times a second, at the applications' cost).
    if (m_plan.direct) {
        if (m_metricsPullUs == 0 && pullDirectMetrics(nowUs))
            return;
        bool waiting = false;
        for (const auto& p : m_processes)
            waiting = waiting || (p->metricsPulled && p->state != Process::State::Dead);
        if (waiting && nowUs - m_metricsPullUs < kPullWaitUs)
            return;
        m_metricsPullUs = 0;
        for (auto& p : m_processes)
            p->metricsPulled = false;
    }
    for (auto& s : m_subscribers)
        if (nowUs >= s->nextUs)
            publishTelemetry(*s, nowUs);
}

bool Supervisor::pullDirectMetrics(int64_t nowUs)
{
    std::string frame;
    appendFrame(frame, FrameType::MetricsPull, {});
    bool asked = false;
    for (auto& p : m_processes) {
        if (p->state == Process::State::Dead || p->controlFd < 0)
            continue;
        p->metricsPulled = ::write(p->controlFd, frame.data(), frame.size()) == ssize_t(frame.size());
        asked = asked || p->metricsPulled;
    }
    if (asked)
        m_metricsPullUs = nowUs;
    return asked;
}

void Supervisor::opSubscribe(uint64_t client, const Json& id, const Json& request)
{
    const int64_t interval = request["interval_ms"].asInt(1000);
    if (interval < 100 || interval > 10000) {
        m_control->replyError(client, id, "bad-interval",
                              "interval_ms must be between 100 and 10000, not " + std::to_string(interval));
        return;
    }
    // A window that has just opened asks for its first sample sooner than the cadence: a short
    // first interval is a real measurement of that interval, and the charts are not empty meanwhile.
    const int64_t first = request["first_ms"].asInt(interval);
    if (first < 10 || first > interval) {
        m_control->replyError(client, id, "bad-interval",
                              "first_ms must be between 10 and interval_ms (" + std::to_string(interval) +
                                  "), not " + std::to_string(first));
        return;
    }
    std::erase_if(m_subscribers, [client](const auto& s) { return s->client == client; });
    auto s = std::make_unique<Subscriber>();
    s->client = client;
    s->intervalMs = int(interval);
    const int64_t now = monotonicMicros();
    s->sinceUs = now;
    s->nextUs = now + first * 1000;
    for (size_t pi = 0; pi < m_processes.size(); ++pi)
        if (m_processes[pi]->state != Process::State::Dead)
            s->intervals[pi].begin(now, readProcessCpu(m_processes[pi]->pid));
    m_subscribers.push_back(std::move(s));
    Json r = Json::object();
    r.set("interval_ms", Json(interval));
    m_control->reply(client, id, std::move(r));
}

void Supervisor::recordTelemetry(size_t process, const RequestMetrics& m, int64_t startedUs, int64_t nowUs)
{
    for (auto& s : m_subscribers) {
        auto it = s->intervals.find(process);
        if (it == s->intervals.end()) {
            it = s->intervals.emplace(process, ProcessInterval{}).first;
            it->second.begin(m_processes[process]->startedUs, ProcessCpu{});
        }
        if (nowUs < s->sinceUs)
            continue; // finished before the subscription (direct mode reports in batches)
        it->second.record(m, nowUs);
        it->second.addBusy(startedUs, nowUs);
    }
}

void Supervisor::publishTelemetry(Subscriber& s, int64_t nowUs)
{
    Json processes = Json::array();
    for (auto it = s.intervals.begin(); it != s.intervals.end();) {
        const size_t pi = it->first;
        const Process& p = *m_processes[pi];
        ProcessInterval& interval = it->second;
        const ProcessCpu cpu = p.state == Process::State::Dead ? ProcessCpu{} : readProcessCpu(p.pid);
        // Requests still running count as busy up to now (proxy mode knows when each started).
        int active = p.directActive;
        for (size_t ci : p.channels) {
            const Channel& ch = *m_channels[ci];
            if (ch.connection) {
                ++active;
                interval.addBusy(ch.startedUs, nowUs);
            }
        }
        const double period = std::max(1e-6, double(nowUs - interval.startUs()) / 1e6);
        Json j = Json::object();
        j.set("group", Json(p.groupName));
        j.set("process", Json(int64_t(p.index + 1)));
        j.set("pid", Json(int64_t(p.pid)));
        j.set("state", Json(p.state == Process::State::Running    ? "running"
                            : p.state == Process::State::Stopping ? "stopping"
                                                                  : "stopped"));
        j.set("gil_mode", Json(gilMode(p.hello)));
        j.set("gil_enabled", Json(helloValue(p.hello, "gil_enabled") != "0"));
        const std::string si = helloValue(p.hello, "switch_interval");
        j.set("switch_interval", si.empty() ? Json() : Json(std::atof(si.c_str())));
        j.set("sample_period", Json(period));
        j.set("request_count", Json(interval.requests()));
        j.set("request_throughput", Json(double(interval.requests()) / period));
        j.set("requests_per_minute", Json(double(interval.requests()) * 60.0 / period));
        j.set("request_threads_maximum", Json(int64_t(p.threads)));
        j.set("request_threads_active", Json(int64_t(active)));
        j.set("capacity_utilization",
              Json(double(interval.busyUs()) / 1e6 / period / std::max(1, p.threads)));
        if (cpu.ok && interval.cpuAtStart().ok) {
            const auto [userSeconds, systemSeconds] = cpuSecondsBetween(interval.cpuAtStart(), cpu);
            const double user = userSeconds / period;
            const double system = systemSeconds / period;
            j.set("cpu_user_utilization", Json(user));
            j.set("cpu_system_utilization", Json(system));
            j.set("cpu_utilization", Json(user + system));
        } else {
            j.set("cpu_utilization", Json());
        }
        j.set("memory_rss", Json(cpu.rssBytes));
        j.set("memory_max_rss", Json(cpu.peakRssBytes));
        static const char* classes[] = {"status_1xx", "status_2xx", "status_3xx", "status_4xx", "status_5xx"};
        for (size_t c = 0; c < 5; ++c)
            j.set(classes[c], Json(interval.statusClasses()[c]));
        for (int ph = 0; ph < int(Phase::Count); ++ph) {
            const Histogram& h = interval.phase(Phase(ph));
            const std::string name = phaseName(Phase(ph));
            const bool gilPhase = Phase(ph) == Phase::GilWaitHandoff || Phase(ph) == Phase::GilWaitFull;
            if (gilPhase && helloValue(p.hello, "gil_enabled") == "0") {
                j.set(name, Json()); // no GIL, nothing to wait for: not applicable rather than zero
                continue;
            }
            j.set(name, h.count() ? Json(h.mean() / 1e6) : Json());
            j.set(name + "_min_us", Json(h.min()));
            j.set(name + "_max_us", Json(h.max()));
            j.set(name + "_histogram", histogramJson(h));
        }
        // The contention shape (mod_wsgi-telemetry's bands at multiples of the switch interval and
        // its per-cycle hand-off probability q), from the hand-off waits as mod_wsgi-telemetry does.
        if (!si.empty() && helloValue(p.hello, "gil_enabled") != "0") {
            const GilContention shape =
                analyzeGilContention(interval.phase(Phase::GilWaitHandoff), std::atof(si.c_str()));
            Json bands = Json::array();
            for (int64_t b : shape.bands)
                bands.push(Json(b));
            Json contention = Json::object();
            contention.set("bands", std::move(bands));
            contention.set("q", shape.q ? Json(*shape.q) : Json());
            contention.set("label", Json(shape.label));
            contention.set("reason", Json(shape.reason));
            j.set("gil_contention", std::move(contention));
        } else {
            j.set("gil_contention", Json());
        }
        j.set("gil_wait_count", Json(interval.gilWaitCount()));
        j.set("input_bytes", Json(interval.bytesIn()));
        j.set("output_bytes", Json(interval.bytesOut()));
        processes.push(std::move(j));

        if (p.state == Process::State::Dead) {
            it = s.intervals.erase(it);
        } else {
            interval.begin(nowUs, cpu);
            ++it;
        }
    }
    // Processes started since the last sample join from their start.
    for (size_t pi = 0; pi < m_processes.size(); ++pi)
        if (m_processes[pi]->state != Process::State::Dead && !s.intervals.count(pi))
            s.intervals[pi].begin(nowUs, readProcessCpu(m_processes[pi]->pid));

    Json event = Json::object();
    event.set("event", Json("telemetry"));
    event.set("time", Json(unixNow()));
    event.set("interval_ms", Json(int64_t(s.intervalMs)));
    event.set("processes", std::move(processes));
    // The lifecycle events this subscriber has not had; a new one first gets the ring's recent tail.
    event.set("events", eventsJson(s.lastEventSeq < 0 ? m_events.tail(kEventTailOnSubscribe)
                                                      : m_events.since(s.lastEventSeq)));
    s.lastEventSeq = m_events.lastSeq();
    s.nextUs = nowUs + int64_t(s.intervalMs) * 1000;
    m_control->sendEvent(s.client, event);
}

// --- reload, restart, stack dumps ------------------------------------------------------------------

void Supervisor::opReload(uint64_t client, const Json& id, const Json& request)
{
    const Json& text = request["config"];
    if (!text.isString()) {
        m_control->replyError(client, id, "bad-request",
                              "reload needs \"config\": the new configuration text");
        return;
    }
    const std::string name =
        request["name"].asString(m_options.configFile.empty() ? "reload" : m_options.configFile);
    const auto parsed = config::parseEngineConfig(text.asString(), name);
    config::EngineConfig cfg = parsed.config;
    cfg.listen = m_plan.listen; // listen sockets stay: a reload never drops the port clients use
    EnginePlan plan = planEngine(cfg, m_options.runtimes, m_options.dispatch);
    // What this machine can tell before the switch: a missing script would otherwise be accepted and
    // then answer 500 to every request while the old, working configuration is gone.
    const std::vector<config::Finding> files = checkRunnable(cfg);
    std::string problems;
    for (const auto* findings :
         std::initializer_list<const std::vector<config::Finding>*>{&parsed.findings, &plan.findings, &files})
        for (const auto& f : *findings)
            if (f.severity == config::Severity::Error)
                problems += config::formatFinding(f) + "\n";
    if (!problems.empty()) {
        m_control->replyError(client, id, "invalid-config",
                              "the new configuration was rejected; nothing changed:\n" + problems);
        return;
    }

    // Valid: switch over at once. Old processes take no new requests and drain; requests still
    // queued are routed again with the new mounts.
    std::vector<uint64_t> queued;
    for (auto& g : m_groups)
        queued.insert(queued.end(), g->queue.begin(), g->queue.end());
    for (size_t pi = 0; pi < m_processes.size(); ++pi)
        if (m_processes[pi]->generation == m_generation &&
            m_processes[pi]->state == Process::State::Running) {
            countRestart(m_processes[pi]->groupName, "reload");
            retireProcess(pi, "reload");
        }
    ++m_generation;
    m_plan = std::move(plan);
    makeGroups();
    watchListeners(!m_plan.direct);
    for (size_t g = 0; g < m_groups.size(); ++g)
        for (int i = 0; i < m_groups[g]->plan.processes; ++i)
            spawnProcess(g, i);
    for (uint64_t cid : queued) {
        auto it = m_connections.find(cid);
        if (it == m_connections.end())
            continue;
        Connection& c = *it->second;
        const int mount = m_plan.route(originPath(c.head.target));
        if (mount < 0) {
            respondAndClose(c, 404, "Not Found", "no WSGIScriptAlias mount serves this URL after a reload");
            continue;
        }
        c.head.mountIndex = uint32_t(mount);
        c.group = m_plan.mounts[size_t(mount)].group;
        m_groups[c.group]->queue.push_back(cid);
    }
    for (size_t g = 0; g < m_groups.size(); ++g)
        dispatch(g);
    LifecycleEvent reloaded;
    reloaded.kind = "reload";
    reloaded.generation = m_generation;
    reloaded.detail = "configuration " + name + " applied (generation " + std::to_string(m_generation) + ")";
    addEvent(std::move(reloaded));
    if (!m_options.quiet)
        std::fprintf(stderr, "wsgi-engine: configuration reloaded (generation %d)\n", m_generation);
    Json r = Json::object();
    r.set("generation", Json(int64_t(m_generation)));
    r.set("groups", Json(int64_t(m_groups.size())));
    m_control->reply(client, id, std::move(r));
}

void Supervisor::opRestart(uint64_t client, const Json& id, const Json& request)
{
    const std::string name = request["group"].asString("");
    const auto it =
        std::find_if(m_groups.begin(), m_groups.end(), [&](const auto& g) { return g->plan.name == name; });
    if (it == m_groups.end()) {
        m_control->replyError(client, id, "unknown-group", "no daemon group named '" + name + "'");
        return;
    }
    const size_t g = size_t(it - m_groups.begin());
    int restarted = 0;
    for (size_t slot = 0; slot < (*it)->processes.size(); ++slot) {
        const size_t old = (*it)->processes[slot];
        // The replacement starts first, so the group keeps serving while the old process drains.
        spawnProcess(g, int(slot));
        if (old != SIZE_MAX) {
            retireProcess(old, "restart");
            countRestart(name, "restart");
            ++restarted;
        }
    }
    Json r = Json::object();
    r.set("group", Json(name));
    r.set("restarted", Json(int64_t(restarted)));
    m_control->reply(client, id, std::move(r));
}

void Supervisor::opDumpStacks(uint64_t client, const Json& id, const Json& request)
{
    const std::string name = request["group"].asString("");
    auto r = std::make_unique<StackRequest>();
    r->client = client;
    r->id = id;
    r->group = name;
    r->deadlineUs = monotonicMicros() + 10 * 1000000;
    bool known = false;
    for (const auto& g : m_groups)
        known = known || g->plan.name == name;
    if (!known) {
        m_control->replyError(client, id, "unknown-group", "no daemon group named '" + name + "'");
        return;
    }
    std::string frame;
    appendFrame(frame, FrameType::DumpStacks, {});
    for (size_t pi = 0; pi < m_processes.size(); ++pi) {
        Process& p = *m_processes[pi];
        if (p.groupName != name || p.state != Process::State::Running || p.controlFd < 0 ||
            p.generation != m_generation)
            continue;
        if (::write(p.controlFd, frame.data(), frame.size()) == ssize_t(frame.size())) {
            r->pending[pi] = "";
            r->answered[pi] = false;
        }
    }
    if (r->pending.empty()) {
        finishStackRequest(*r, false);
        return;
    }
    m_stackRequests.push_back(std::move(r));
}

void Supervisor::finishStackRequest(StackRequest& r, bool timedOut)
{
    Json processes = Json::array();
    for (const auto& [pi, text] : r.pending) {
        const Process& p = *m_processes[pi];
        Json proc = Json::object();
        proc.set("process", Json(int64_t(p.index + 1)));
        proc.set("pid", Json(int64_t(p.pid)));
        const bool answered = r.answered[pi];
        // The worker answers {"stacks": text, "threads": [...]} (contracts Wire 2).
        std::string parseError;
        const std::optional<Json> reply = answered ? Json::parse(text, parseError) : std::nullopt;
        const bool structured = reply && reply->isObject();
        const std::string stacks = structured ? (*reply)["stacks"].asString() : text;
        proc.set("stacks", answered ? Json(stacks) : Json());
        proc.set("threads", structured ? (*reply)["threads"] : Json::array());
        if (!answered)
            proc.set("error", Json("no answer within 10 s"));
        processes.push(std::move(proc));
        if (answered)
            std::fprintf(stderr, "wsgi-engine: stacks of group '%s' process %d (pid %d):\n%s\n",
                         r.group.c_str(), p.index + 1, int(p.pid), stacks.c_str());
    }
    Json result = Json::object();
    result.set("group", Json(r.group));
    result.set("timed_out", Json(timedOut));
    result.set("processes", std::move(processes));
    if (m_control)
        m_control->reply(r.client, r.id, std::move(result));
}

} // namespace wsgi::hosting
