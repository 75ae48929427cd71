#include "core/loadgen/loadgenerator.h"

#include "core/clock.h"
#include "core/loadgen/worker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <netdb.h>
#include <sstream>
#include <thread>
#include <time.h>

namespace wsgi::loadgen {

namespace {

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

bool resolve(const Target& target, Endpoint* endpoint, std::string* error)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(target.port);
    const int rc = ::getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0 || !found) {
        *error = "cannot resolve " + target.host + ": " + gai_strerror(rc);
        return false;
    }
    std::memcpy(&endpoint->addr, found->ai_addr, found->ai_addrlen);
    endpoint->addrLen = found->ai_addrlen;
    ::freeaddrinfo(found);
    return true;
}

bool readFile(const std::string& path, std::string* out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::ostringstream s;
    s << in.rdbuf();
    *out = s.str();
    return bool(in) || in.eof();
}

// Merges what the workers handed over since the last report into `interval` (cleared first) and
// empties their shares, so each report covers its own interval only.
void takeIntervalLatency(WorkerProgress* counters, int threadCount, Histogram* interval)
{
    interval->clear();
    for (int t = 0; t < threadCount; ++t) {
        std::lock_guard lock(counters[size_t(t)].latencyMutex);
        interval->merge(counters[size_t(t)].latency);
        counters[size_t(t)].latency.clear();
    }
}

} // namespace

std::string validateLoadSpec(const LoadSpec& spec)
{
    Target target;
    std::string error;
    if (!parseUrl(spec.url, &target, &error))
        return error;
    if (spec.connections < 1)
        return "connections must be at least 1";
    if (spec.threads < 1)
        return "threads must be at least 1";
    if (spec.rate < 0)
        return "rate must not be negative";
    if (spec.warmupSec < 0)
        return "warm-up must not be negative";
    if (!(spec.durationSec > 0))
        return "duration must be positive (with a request count it is the time limit)";
    if (spec.requestCount < 0)
        return "request count must not be negative";
    if (spec.timeoutMs < 1)
        return "timeout must be at least 1 ms";
    if (spec.method.empty() || spec.method.find_first_of(" \r\n") != std::string::npos)
        return "bad method: " + spec.method;
    for (const auto& [name, value] : spec.headers) {
        if (name.empty() || name.find_first_of(": \r\n") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos)
            return "bad header: " + name;
    }
    return {};
}

LoadResult LoadGenerator::run(const LoadSpec& spec, const ProgressCallback& progress,
                              const std::atomic<bool>* cancel)
{
    const double coordinatorCpuStart = threadCpuSeconds();
    const int64_t wallStart = monotonicMicros();
    LoadResult result;
    result.url = spec.url;
    result.method = spec.method;
    result.connections = spec.connections;
    result.threads = std::min(spec.threads, spec.connections);
    result.targetRate = spec.rate;
    result.warmupSec = spec.warmupSec;
    result.timeoutMs = spec.timeoutMs;
    result.lateThresholdUs = spec.lateThresholdUs;

    auto failed = [&](std::string why) {
        result.stoppedBy = StopReason::Failed;
        result.failure = std::move(why);
        return result;
    };
    if (std::string why = validateLoadSpec(spec); !why.empty())
        return failed(why);

    auto plan = std::make_unique<RunPlan>();
    Target target;
    std::string error;
    parseUrl(spec.url, &target, &error);
    if (!resolve(target, &plan->endpoint, &error))
        return failed(error);
    LoadSpec withBody = spec;
    if (!spec.bodyFile.empty() && !readFile(spec.bodyFile, &withBody.body))
        return failed("cannot read body file " + spec.bodyFile);
    plan->request = buildRequest(withBody, target);
    plan->headRequest = spec.method == "HEAD";
    plan->totalConnections = spec.connections;
    plan->openLoop = spec.rate > 0;
    plan->rate = spec.rate;
    plan->timeoutUs = int64_t(spec.timeoutMs) * 1000;
    plan->lateThresholdUs = spec.lateThresholdUs;
    plan->warmupSec = spec.warmupSec;
    plan->durationSec = spec.durationSec;
    plan->requestCount = spec.requestCount;
    std::atomic<bool> stop{false};
    plan->stop = &stop;

    const int threadCount = result.threads;
    auto counters = std::make_unique<WorkerProgress[]>(size_t(threadCount));
    std::vector<std::unique_ptr<Worker>> workers;
    int first = 0;
    for (int t = 0; t < threadCount; ++t) {
        const int share = spec.connections / threadCount + (t < spec.connections % threadCount ? 1 : 0);
        workers.push_back(std::make_unique<Worker>(plan.get(), first, share, &counters[size_t(t)]));
        first += share;
    }

    std::mutex mutex;
    std::condition_variable doneChanged;
    int done = 0;
    std::vector<std::thread> threads;
    std::vector<double> workerCpu(workers.size(), 0.0);
    for (size_t i = 0; i < workers.size(); ++i) {
        threads.emplace_back([&, i, worker = workers[i].get()] {
            worker->run();
            // Read on the thread itself: the client's CPU is its threads', not the process's.
            workerCpu[i] = threadCpuSeconds();
            std::lock_guard lock(mutex);
            ++done;
            doneChanged.notify_all();
        });
    }
    auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };

    // Start the clock once every connection had its first connect attempt (bounded by the timeout).
    const int64_t readyDeadline = monotonicMicros() + plan->timeoutUs + 1000000;
    while (plan->ready.load() < threadCount && monotonicMicros() < readyDeadline && !cancelled())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const int64_t t0 = monotonicMicros();
    plan->startUs.store(t0);
    plan->startUs.notify_all();

    const int64_t measureStart = t0 + int64_t(spec.warmupSec * 1e6);
    const int64_t measureEnd = measureStart + int64_t(spec.durationSec * 1e6);
    int64_t lastReport = t0;
    int64_t lastAll = 0;
    int64_t stopAt = 0;
    Histogram interval; // reused: cleared, not reallocated, every report
    {
        std::unique_lock lock(mutex);
        // Wakes every 50 ms to notice cancellation; the workers bound the total time themselves.
        while (done < threadCount) {
            doneChanged.wait_for(lock, std::chrono::milliseconds(50));
            if (cancelled() && !stop.load()) {
                stop.store(true);
                stopAt = monotonicMicros();
            }
            const int64_t now = monotonicMicros();
            if (progress && now - lastReport >= 1000000 && done < threadCount) {
                LoadProgress p;
                int64_t all = 0;
                for (int t = 0; t < threadCount; ++t) {
                    p.requests += counters[size_t(t)].measured.load(std::memory_order_relaxed);
                    p.errors += counters[size_t(t)].errors.load(std::memory_order_relaxed);
                    all += counters[size_t(t)].all.load(std::memory_order_relaxed);
                }
                p.elapsedSec = double(now - t0) / 1e6;
                p.warmingUp = now < measureStart;
                p.currentRate = double(all - lastAll) * 1e6 / double(now - lastReport);
                p.plannedSec = spec.warmupSec + spec.durationSec;
                takeIntervalLatency(counters.get(), threadCount, &interval);
                p.intervalAnswers = interval.count();
                p.intervalP50Ms = interval.percentile(50) / 1000.0;
                p.intervalP99Ms = interval.percentile(99) / 1000.0;
                lastAll = all;
                lastReport = now;
                lock.unlock();
                progress(p); // outside the lock: the callback may take its time
                lock.lock();
            }
        }
    }
    for (auto& t : threads)
        t.join();
    result.workerCpuSec = workerCpu;

    // Merge.
    int64_t lastEvent = 0;
    for (auto& w : workers) {
        WorkerResult& r = w->result();
        if (!r.failure.empty() && result.failure.empty())
            result.failure = r.failure;
        for (size_t i = 0; i < r.status.size(); ++i)
            result.status[i] += r.status[i];
        for (size_t i = 0; i < r.errors.size(); ++i)
            result.errors[i] += r.errors[i];
        result.requests += r.requests;
        result.completedInWindow += r.completedInWindow;
        result.bytesRead += r.bytesRead;
        result.bytesWritten += r.bytesWritten;
        result.latency.merge(r.latency);
        result.latencyUncorrected.merge(r.latencyUncorrected);
        result.lateness.merge(r.lateness);
        result.unsent += r.unsent;
        result.connectionsOpened += r.connectionsOpened;
        result.requestsSentTotal += r.requestsSentTotal;
        result.responsesTotal += r.responsesTotal;
        result.unfinished += r.unfinished;
        lastEvent = std::max(lastEvent, r.lastMeasuredEventUs);
        if (r.timeline.size() > result.timeline.size())
            result.timeline.resize(r.timeline.size());
        for (size_t s = 0; s < r.timeline.size(); ++s) {
            result.timeline[s].requests += r.timeline[s].requests;
            result.timeline[s].errors += r.timeline[s].errors;
            result.timeline[s].latency.merge(r.timeline[s].latency);
        }
    }
    if (!plan->openLoop)
        result.latency = result.latencyUncorrected; // one latency in closed loop

    if (stopAt != 0) {
        result.stoppedBy = StopReason::Cancelled;
        result.durationSec = double(std::max<int64_t>(0, std::min(stopAt, measureEnd) - measureStart)) / 1e6;
    } else if (spec.requestCount > 0 && lastEvent != 0 && lastEvent < measureEnd) {
        result.stoppedBy = StopReason::Count;
        result.durationSec = double(lastEvent - measureStart) / 1e6;
    } else {
        result.stoppedBy = StopReason::Duration;
        result.durationSec = spec.durationSec;
    }
    if (!result.failure.empty())
        result.stoppedBy = StopReason::Failed;
    // Throughput counts answers inside the window only: an open-loop run above the server's
    // capacity keeps sending its backlog for a moment after the window, and those answers must not
    // inflate the rate (they are in the latencies and the timeline's drain seconds).
    result.achievedRate = result.durationSec > 0 ? double(result.completedInWindow) / result.durationSec : 0;
    result.coordinatorCpuSec = threadCpuSeconds() - coordinatorCpuStart;
    result.runWallSec = double(monotonicMicros() - wallStart) / 1e6;
    return result;
}

} // namespace wsgi::loadgen
