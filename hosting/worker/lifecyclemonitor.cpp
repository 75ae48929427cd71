#include "lifecyclemonitor.h"

#include "core/clock.h"
#include "pythonhost.h"
#include "requestthread.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace wsgi::worker {
namespace {

// The Retiring frame and the event carry at most this much of the log (contracts Wire 1).
constexpr size_t kMaxRetiringLog = 64 * 1024;

std::string prefixLines(const std::string& prefix, const std::string& text)
{
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        const size_t nl = text.find('\n', start);
        const size_t end = nl == std::string::npos ? text.size() : nl;
        out += prefix;
        out.append(text, start, end - start);
        out += '\n';
        start = end + 1;
    }
    return out;
}

// What faulthandler's watchdog wrote, waiting up to `firstMs` for it to start and until it pauses.
std::string readDump(int fd, int firstMs)
{
    std::string text;
    int waitMs = firstMs;
    while (true) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, waitMs) <= 0)
            break;
        char buf[8192];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        text.append(buf, size_t(n));
        waitMs = 200;
    }
    return text;
}

} // namespace

bool ControlWriter::send(hosting::FrameType type, std::string_view payload)
{
    std::string frame;
    hosting::appendFrame(frame, type, payload);
    std::lock_guard lock(m_lock);
    return m_channel.writeAll(frame);
}

LifecycleMonitor::LifecycleMonitor(PythonHost& host,
                                   const std::vector<std::unique_ptr<RequestThread>>& threads,
                                   ControlWriter& control)
    : m_host(host), m_threads(threads), m_control(control)
{
    const hosting::WorkerSpec& spec = host.spec();
    if (spec.requestTimeoutSeconds > 0)
        m_thresholdSeconds = requestTimeoutThresholdSeconds(spec.requestTimeoutSeconds, spec.threads);
    m_interruptSeconds = spec.interruptTimeoutSeconds;
    m_deadlockSeconds = spec.deadlockTimeoutSeconds;
    m_interruptedSerial.assign(threads.size(), 0);
    m_interruptedUs.assign(threads.size(), 0);
}

LifecycleMonitor::~LifecycleMonitor()
{
    // The worker ends with _exit while the probe may be blocked in Python: never joined.
    m_stopping.store(true);
    if (m_probe.joinable())
        m_probe.detach();
    if (m_watch.joinable())
        m_watch.detach();
}

void LifecycleMonitor::start()
{
    if (m_deadlockSeconds <= 0)
        return;
    if (!m_host.gilEnabled()) {
        std::fprintf(stderr,
                     "%sdeadlock-timeout=%d does not apply: free-threading is on, so there is no GIL that "
                     "could be held too long\n",
                     m_host.logPrefix().c_str(), m_deadlockSeconds);
        return;
    }
    if (pipe2(m_dumpPipe, O_CLOEXEC) != 0)
        return;
    fcntl(m_dumpPipe[0], F_SETFL, O_NONBLOCK);
    m_lastGilUs.store(monotonicMicros());
    m_probe = std::thread([this] { probeGil(); });
    m_watch = std::thread([this] { watchDeadlock(); });
    // A request that held the GIL before the watchdog was first armed would leave no stack to log:
    // the request threads start once it is (the GIL is free until then; bounded all the same).
    for (int waited = 0; waited < 5000 && !m_armed.load(); ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

int LifecycleMonitor::pollMs() const
{
    return m_thresholdSeconds > 0 ? 200 : 1000;
}

// mod_wsgi's deadlock thread (modwsgi.md section 5.7) takes and releases the GIL every second; here
// it is every quarter of deadlock-timeout at most, so a short test timeout has no false alarms. Each
// time it also re-arms faulthandler's watchdog, the one reader of Python stacks that needs no GIL,
// which is exactly the situation it has to work in.
void LifecycleMonitor::probeGil()
{
    const PyGILState_STATE gil = PyGILState_Ensure();
    (void)gil;
    PyThreadState* ts = PyEval_SaveThread();
    const auto period = std::chrono::milliseconds(std::min(1000, m_deadlockSeconds * 250));
    while (!m_stopping.load()) {
        PyEval_RestoreThread(ts);
        char discard[4096];
        while (::read(m_dumpPipe[0], discard, sizeof discard) > 0) {
            // A dump from a stall that ended before the deadline: not a deadlock.
        }
        m_host.armDeadlockDump(m_deadlockSeconds, m_dumpPipe[1]);
        m_lastGilUs.store(monotonicMicros());
        m_armed.store(true);
        PyEval_SaveThread();
        std::this_thread::sleep_for(period);
    }
}

void LifecycleMonitor::watchDeadlock()
{
    const int64_t limitUs = int64_t(m_deadlockSeconds) * 1000000;
    while (!m_stopping.load() && !m_retired.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const int64_t now = monotonicMicros();
        const int64_t stalledUs = now - m_lastGilUs.load();
        if (stalledUs <= limitUs)
            continue;
        // The watchdog fires deadlock-timeout after the last re-arm, so its dump is due now.
        std::vector<ThreadStack> dumped = parseFaulthandlerDump(readDump(m_dumpPipe[0], 2000));
        for (auto& t : dumped)
            t.interpreter = "main interpreter";
        std::vector<ThreadStack> stacks = withRequests(std::move(dumped), now);
        for (auto& t : stacks)
            if (t.request && t.frames.empty() && t.unreadable.empty() && t.interpreter != "main interpreter")
                t.unreadable =
                    "the GIL is held, and without it only the main interpreter's threads can be read "
                    "(faulthandler-style)";
        char detail[256];
        std::snprintf(detail, sizeof detail,
                      "no thread could take the GIL for %.1f s (deadlock-timeout=%d s)",
                      double(stalledUs) / 1e6, m_deadlockSeconds);
        retire({"deadlock", detail}, stacks, requestsInFlight());
        std::fflush(stderr);
        // Nothing can finish without the GIL: no drain, as mod_wsgi restarts at once.
        _exit(0);
    }
}

std::vector<ThreadStack> LifecycleMonitor::withRequests(std::vector<ThreadStack> python, int64_t nowUs) const
{
    std::vector<ThreadStack> out;
    for (const auto& thread : m_threads) {
        const ThreadActivity a = thread->activity();
        ThreadStack t;
        bool found = false;
        for (auto it = python.begin(); it != python.end(); ++it) {
            if (a.threadId != 0 && it->threadId == a.threadId) {
                t = std::move(*it);
                python.erase(it);
                found = true;
                break;
            }
        }
        if (!found)
            t.threadId = a.threadId;
        t.name = "request thread " + std::to_string(thread->index() + 1);
        if (a.startUs != 0) {
            t.request = ThreadRequest{a.method, a.path, double(nowUs - a.startUs) / 1e6};
            if (a.interpreter)
                t.interpreter = a.interpreter->label();
        }
        if (t.interpreter.empty())
            t.interpreter = "main interpreter";
        out.push_back(std::move(t));
    }
    for (auto& t : python) {
        if (t.frames.empty() && t.unreadable.empty())
            continue; // the engine's own threads (the GIL probe, the main thread) run no Python code
        if (t.name.empty())
            t.name = "thread";
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<ThreadStack> LifecycleMonitor::readStacks()
{
    return withRequests(m_host.pythonStacks(), monotonicMicros());
}

int LifecycleMonitor::requestsInFlight() const
{
    int n = 0;
    for (const auto& thread : m_threads)
        n += thread->activity().startUs != 0;
    return n;
}

int LifecycleMonitor::staleThreads(int64_t nowUs) const
{
    const hosting::WorkerSpec& spec = m_host.spec();
    const int64_t staleUs = int64_t(spec.requestTimeoutSeconds + spec.interruptTimeoutSeconds) * 1000000;
    int n = 0;
    for (const auto& thread : m_threads) {
        const ThreadActivity a = thread->activity();
        n += a.startUs != 0 && nowUs - a.startUs > staleUs;
    }
    return n;
}

bool LifecycleMonitor::drainDone(int64_t nowUs) const
{
    return staleThreads(nowUs) == requestsInFlight();
}

void LifecycleMonitor::retire(const Retirement& r, const std::vector<ThreadStack>& stacks, int inFlight)
{
    if (m_retired.exchange(true))
        return;
    const std::string text =
        r.reason + ": " + r.detail + "; the process restarts. Its threads:\n" + formatStacks(stacks);
    const std::string logged = prefixLines(m_host.logPrefix(), text);
    std::fwrite(logged.data(), 1, logged.size(), stderr);
    std::fflush(stderr);
    m_control.send(
        hosting::FrameType::Retiring,
        retiringPayload(r.reason, r.detail, inFlight, std::string_view(text).substr(0, kMaxRetiringLog)));
}

bool LifecycleMonitor::check(int64_t nowUs)
{
    if (m_thresholdSeconds <= 0 || m_retired.load())
        return false;
    const hosting::WorkerSpec& spec = m_host.spec();
    char limit[160];
    std::snprintf(limit, sizeof limit, "request-timeout=%d s x (1 + ln %d threads) = %.1f s",
                  spec.requestTimeoutSeconds, spec.threads, m_thresholdSeconds);
    bool interruptedOne = false; // one injection per pass, as mod_wsgi's monitor does
    for (size_t i = 0; i < m_threads.size(); ++i) {
        RequestThread& thread = *m_threads[i];
        const ThreadActivity a = thread.activity();
        if (a.startUs == 0)
            continue;
        const double running = double(nowUs - a.startUs) / 1e6;
        if (running < m_thresholdSeconds)
            continue;
        const std::string request = a.method + " " + a.path;
        std::string detail;
        if (m_interruptSeconds > 0 && a.interpreter && m_interruptedSerial[i] != a.serial) {
            if (interruptedOne)
                continue;
            interruptedOne = true;
            bool raised = false;
            const auto frames = m_host.interruptThread(
                *a.interpreter, a.threadId,
                [&] {
                    const ThreadActivity now = thread.activity();
                    const bool still = now.serial == a.serial && now.startUs != 0;
                    if (still)
                        thread.markInterrupted(a.serial);
                    return still;
                },
                raised);
            m_interruptedSerial[i] = a.serial;
            m_interruptedUs[i] = nowUs;
            if (!raised)
                continue; // it finished meanwhile
            ThreadStack t;
            t.threadId = a.threadId;
            t.name = "request thread " + std::to_string(thread.index() + 1);
            t.interpreter = a.interpreter->label();
            t.request = ThreadRequest{a.method, a.path, running};
            t.frames = frames;
            const std::string text =
                "request-timeout: " + request + " has run " + formatSeconds(running) + " s, past " + limit +
                "; RequestTimeout raised in its thread, which has " + std::to_string(m_interruptSeconds) +
                " s (interrupt-timeout) to unwind:\n" + formatStacks({t});
            const std::string logged = prefixLines(m_host.logPrefix(), text);
            std::fwrite(logged.data(), 1, logged.size(), stderr);
            std::fflush(stderr);
            continue;
        }
        if (m_interruptSeconds > 0 && m_interruptedSerial[i] == a.serial) {
            if (nowUs - m_interruptedUs[i] < int64_t(m_interruptSeconds) * 1000000)
                continue;
            detail = request + " has run " + formatSeconds(running) + " s, past " + limit +
                     ", and is still running " + std::to_string(m_interruptSeconds) +
                     " s (interrupt-timeout) after RequestTimeout was raised in it";
        } else {
            detail = request + " has run " + formatSeconds(running) + " s, past " + limit;
        }
        const std::vector<ThreadStack> stacks = readStacks();
        retire({"request-timeout", detail}, stacks, staleThreads(nowUs));
        return true;
    }
    return false;
}

} // namespace wsgi::worker
