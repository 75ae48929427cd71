// wsgi-worker-<runtime>: one daemon process of a group. Started by wsgi-engine, never by hand:
// its request channels are inherited file descriptors and its spec arrives on a pipe.

#include "core/clock.h"
#include "directserver.h"
#include "lifecyclemonitor.h"
#include "pythonhost.h"
#include "requestthread.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <poll.h>
#include <string>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

std::string readAll(int fd)
{
    std::string text;
    char buf[4096];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.append(buf, size_t(n));
    }
    return text;
}

int intArgument(int argc, char** argv, const char* name)
{
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0)
            return std::atoi(argv[i + 1]);
    return -1;
}

} // namespace

int main(int argc, char** argv)
{
    const int firstChannel = intArgument(argc, argv, "--channels-from");
    const int threads = intArgument(argc, argv, "--threads");
    const int specFd = intArgument(argc, argv, "--spec-fd");
    const int controlFd = intArgument(argc, argv, "--control-fd");
    if (firstChannel < 0 || threads < 1 || specFd < 0 || controlFd < 0) {
        std::fprintf(stderr, "wsgi-worker: this program is started by wsgi-engine, not by hand\n");
        return 2;
    }
    // If the supervisor dies, so do we: a worker without a supervisor can never get requests.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1)
        return 1;

    std::string error;
    const auto spec = wsgi::hosting::WorkerSpec::decode(readAll(specFd), error);
    ::close(specFd);
    if (!spec) {
        std::fprintf(stderr, "wsgi-worker: %s\n", error.c_str());
        return 2;
    }

    // SIGTERM and SIGINT are taken synchronously by the main thread; request threads never see them.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    wsgi::worker::PythonHost host(*spec);
    if (!host.start(error)) {
        std::fprintf(stderr, "%s%s\n", host.logPrefix().c_str(), error.c_str());
        return 1;
    }
    std::fprintf(stderr, "%sprocess %d ready: %s, %d threads%s\n", host.logPrefix().c_str(),
                 spec->processIndex + 1, host.describeRuntime().c_str(), threads,
                 spec->switchInterval && !spec->freeThreading
                     ? (", switch interval " + std::to_string(*spec->switchInterval) + " s").c_str()
                     : "");

    wsgi::hosting::BlockingChannel control(controlFd);
    // Direct mode: the listen sockets follow the spec pipe; every thread serves connections.
    std::unique_ptr<wsgi::worker::DirectServer> direct;
    if (spec->direct) {
        const int listenFrom = intArgument(argc, argv, "--listen-from");
        const int listenCount = intArgument(argc, argv, "--listen-count");
        std::vector<int> listenFds;
        for (int i = 0; listenFrom >= 0 && i < listenCount; ++i)
            listenFds.push_back(listenFrom + i);
        // The group's connection counts, shared with its other processes (see DirectServer).
        std::atomic<int32_t>* counts = nullptr;
        const int balanceFd = intArgument(argc, argv, "--balance-fd");
        if (balanceFd >= 0) {
            void* shared = mmap(nullptr, size_t(spec->processes) * sizeof(std::atomic<int32_t>),
                                PROT_READ | PROT_WRITE, MAP_SHARED, balanceFd, 0);
            if (shared != MAP_FAILED)
                counts = static_cast<std::atomic<int32_t>*>(shared);
            ::close(balanceFd);
        }
        direct = std::make_unique<wsgi::worker::DirectServer>(*spec, std::move(listenFds), counts);
    }
    wsgi::worker::ControlWriter writer(control);
    std::vector<std::unique_ptr<wsgi::worker::RequestThread>> workers;
    std::atomic<int> running{threads};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        workers.push_back(
            std::make_unique<wsgi::worker::RequestThread>(host, direct ? -1 : firstChannel + i, i));
    // request-timeout, interrupt-timeout and deadlock-timeout (see lifecyclemonitor.h), started
    // before the threads serve: its deadlock watchdog is armed before a request can hold the GIL.
    wsgi::worker::LifecycleMonitor monitor(host, workers, writer);
    monitor.start();
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            if (direct)
                direct->serve(*workers[size_t(i)]);
            else
                workers[size_t(i)]->runChannel();
            running.fetch_sub(1);
        });
    }
    // Direct mode: finished requests' measurements go to the supervisor in batches, when it pulls
    // them (for telemetry), when they are due (see metricsDueFd) and at least every second.
    auto sendMetrics = [&](bool evenIfEmpty) {
        if (!direct)
            return;
        std::string batch = direct->takeMetrics();
        if (batch.empty() && !evenIfEmpty)
            return;
        const uint32_t active = uint32_t(direct->activeThreads());
        std::string payload(reinterpret_cast<const char*>(&active), sizeof active);
        payload += batch;
        writer.send(wsgi::hosting::FrameType::Metrics, payload);
    };

    // The main thread serves the control channel (hello, stack dumps) and waits for a stop signal,
    // or for every request channel to close (the supervisor went away).
    writer.send(wsgi::hosting::FrameType::Hello, host.helloText());
    const int signals = signalfd(-1, &stopSignals, SFD_CLOEXEC);
    int64_t drainDeadline = 0;
    bool retiring = false; // the process decided to go (request-timeout): it drains, then exits
    // Proxy mode, stopped by the supervisor: it ends each channel once that channel's request is
    // answered, so the threads returning (running reaching 0) is the drain's end. A request frame
    // can be in a channel unread when the signal arrives; no thread is busy then, yet it is owed.
    bool supervisorDrains = false;
    int waitMs = 100;
    while (true) {
        pollfd fds[3] = {{signals, POLLIN, 0},
                         {direct ? direct->metricsDueFd() : -1, POLLIN, 0},
                         {drainDeadline ? -1 : controlFd, POLLIN, 0}};
        poll(fds, 3, std::min(drainDeadline ? std::min(waitMs, 100) : waitMs, monitor.pollMs()));
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info{};
            if (read(signals, &info, sizeof info) == sizeof info && drainDeadline == 0) {
                drainDeadline = wsgi::monotonicMicros() + int64_t(spec->gracefulTimeoutSeconds) * 1000000;
                supervisorDrains = !direct && pid_t(info.ssi_pid) == getppid();
                if (direct)
                    direct->stop(); // no new connections; threads finish what they run
            }
        }
        if (direct) {
            sendMetrics(false);
            waitMs = direct->tick(wsgi::monotonicMicros());
        }
        if (fds[2].revents & (POLLIN | POLLHUP)) {
            wsgi::hosting::FrameType type{};
            std::string payload;
            if (!control.readFrame(type, payload, error))
                break; // the supervisor is gone
            if (type == wsgi::hosting::FrameType::MetricsPull)
                sendMetrics(true);
            if (type == wsgi::hosting::FrameType::DumpStacks) {
                // The text as before, and the same stacks structured with each thread's request.
                wsgi::Json reply = wsgi::Json::object();
                reply.set("stacks", wsgi::Json(host.dumpStacks()));
                reply.set("threads", wsgi::worker::stacksJson(monitor.readStacks()));
                writer.send(wsgi::hosting::FrameType::StackDump, reply.dump());
            }
        }
        if (running.load() == 0)
            break;
        const int64_t now = wsgi::monotonicMicros();
        if (!retiring && drainDeadline == 0 && monitor.check(now)) {
            // As mod_wsgi: the requests that are not stuck get graceful-timeout to finish.
            retiring = true;
            drainDeadline = now + int64_t(spec->gracefulTimeoutSeconds) * 1000000;
            if (direct)
                direct->stop();
        }
        if (retiring) {
            if (monitor.drainDone(now) || now > drainDeadline)
                break;
        } else if (drainDeadline != 0) {
            bool anyBusy = false;
            for (const auto& w : workers)
                anyBusy = anyBusy || w->busy();
            // Direct mode's threads return once they have served the requests already sent to this
            // process (running reaches 0 above), not merely when none is running one this moment.
            if ((!anyBusy && !direct && !supervisorDrains) || wsgi::monotonicMicros() > drainDeadline)
                break;
        }
    }
    sendMetrics(false);
    std::fflush(stdout);
    std::fflush(stderr);
    // Threads may be blocked in reads or in Python; finalising the interpreter under them is unsafe,
    // so the process ends here, as mod_wsgi's daemon processes do after their shutdown timeout.
    _exit(0);
}
