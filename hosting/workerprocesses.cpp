// The supervisor's side of worker processes: spawning them with one channel per request thread,
// reaping and respawning, retiring, and their control channels.

#include "supervisor.h"

#include "core/clock.h"
#include "responsehead.h"
#include "supervisorstate.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace wsgi::hosting {

namespace {

// The descriptors a new worker process gets, owned until they are handed over: whatever fails
// half-way, every one made so far is closed.
struct WorkerFds
{
    std::vector<UniqueFd> parentChannels, childChannels; // one pair per request thread
    UniqueFd controlParent, controlChild;
    UniqueFd specRead, specWrite;
    std::string failed; // what could not be made, empty when all were
};

bool makeSocketPair(UniqueFd& a, UniqueFd& b)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        return false;
    a.reset(pair[0]);
    b.reset(pair[1]);
    return true;
}

WorkerFds makeWorkerFds(int channels)
{
    WorkerFds fds;
    for (int t = 0; t < channels; ++t) {
        UniqueFd parent, child;
        if (!makeSocketPair(parent, child)) {
            fds.failed = "socketpair";
            return fds;
        }
        fds.parentChannels.push_back(std::move(parent));
        fds.childChannels.push_back(std::move(child));
    }
    if (!makeSocketPair(fds.controlParent, fds.controlChild)) {
        fds.failed = "socketpair";
        return fds;
    }
    int specPipe[2];
    if (pipe2(specPipe, O_CLOEXEC) != 0) {
        fds.failed = "pipe";
        return fds;
    }
    fds.specRead.reset(specPipe[0]);
    fds.specWrite.reset(specPipe[1]);
    return fds;
}

void setNonBlocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

} // namespace

[[noreturn]] void Supervisor::execWorker(const Group& group, const std::vector<int>& childChannels,
                                         int controlFd, int specFd)
{
    const GroupPlan& plan = group.plan;
    // Channels become fds 3.. in thread order, then the control channel, then the spec pipe (and in
    // direct mode the listeners and the balance memfd). Moving them past the highest fd first keeps
    // dup2 from clobbering an fd still to be moved.
    prctl(PR_SET_PDEATHSIG, SIGTERM); // workers never outlive their supervisor
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    // cpu-time-limit, memory-limit and virtual-memory-limit are rlimits set before the worker runs,
    // as mod_wsgi sets them in the daemon process (modwsgi.md section 1). The CPU limit's soft and
    // hard values are mod_wsgi's hard one (limit + 1 + shutdown-timeout): the supervisor recycles the
    // process gracefully when it reaches the limit itself, SIGXCPU only stops one that did not exit.
    if (plan.cpuTimeLimitSeconds > 0) {
        const rlim_t cpu = rlim_t(plan.cpuTimeLimitSeconds) + 1 + rlim_t(plan.shutdownTimeoutSeconds);
        const rlimit limit{cpu, cpu};
        setrlimit(RLIMIT_CPU, &limit);
    }
    if (plan.memoryLimitBytes > 0) {
        const rlimit limit{rlim_t(plan.memoryLimitBytes), rlim_t(plan.memoryLimitBytes)};
        setrlimit(RLIMIT_DATA, &limit);
    }
    if (plan.virtualMemoryLimitBytes > 0) {
        const rlimit limit{rlim_t(plan.virtualMemoryLimitBytes), rlim_t(plan.virtualMemoryLimitBytes)};
        setrlimit(RLIMIT_AS, &limit);
    }
    std::vector<int> fds = childChannels;
    fds.push_back(controlFd);
    fds.push_back(specFd);
    if (m_plan.direct) {
        for (const auto& l : m_listeners)
            fds.push_back(l.fd);
        if (group.balanceFd >= 0)
            fds.push_back(group.balanceFd);
    }
    int high = 3 + int(fds.size());
    for (int fd : fds)
        high = std::max(high, fd + 1);
    for (int& fd : fds)
        fd = fcntl(fd, F_DUPFD_CLOEXEC, high);
    for (size_t i = 0; i < fds.size(); ++i)
        dup2(fds[i], 3 + int(i)); // dup2 clears FD_CLOEXEC on the new fd
    const size_t channels = childChannels.size();
    const std::string binary = plan.workerBinary.string();
    const std::string title = plan.processTitle.empty() ? binary : plan.processTitle;
    const std::string threads = std::to_string(plan.threads);
    const std::string controlArg = std::to_string(3 + int(channels));
    const std::string specArg = std::to_string(4 + int(channels));
    const std::string listenFrom = std::to_string(5 + int(channels));
    const std::string listenCount = std::to_string(m_plan.direct ? m_listeners.size() : 0);
    const std::string balanceFd =
        m_plan.direct && group.balanceFd >= 0 ? std::to_string(5 + int(channels + m_listeners.size())) : "-1";
    execl(binary.c_str(), title.c_str(), "--channels-from", "3", "--threads", threads.c_str(), "--control-fd",
          controlArg.c_str(), "--spec-fd", specArg.c_str(), "--listen-from", listenFrom.c_str(),
          "--listen-count", listenCount.c_str(), "--balance-fd", balanceFd.c_str(),
          static_cast<char*>(nullptr));
    std::fprintf(stderr, "wsgi-engine: cannot start %s: %s\n", binary.c_str(), std::strerror(errno));
    _exit(127);
}

void Supervisor::spawnProcess(size_t groupIndex, int index)
{
    Group& group = *m_groups[groupIndex];
    const GroupPlan& plan = group.plan;
    WorkerSpec spec = plan.spec;
    spec.processIndex = index;
    const std::string specText = spec.encode();

    // Channels (one per thread; direct-mode threads talk to clients instead), a control channel, and
    // a pipe for the spec. If any cannot be made, nothing is started and the slot is retried in a second.
    WorkerFds fds = makeWorkerFds(m_plan.direct ? 0 : plan.threads);
    const auto giveUp = [&](const std::string& what) {
        std::fprintf(stderr, "wsgi-engine: %s failed: %s\n", what.c_str(), std::strerror(errno));
        group.respawnAtUs[size_t(index)] = monotonicMicros() + 1000000;
    };
    if (!fds.failed.empty())
        return giveUp(fds.failed);

    if (group.balance)
        group.balance[index].store(0); // the slot's new process starts with no connections
    std::vector<int> childChannels;
    for (const auto& fd : fds.childChannels)
        childChannels.push_back(fd.get());
    const pid_t pid = fork();
    if (pid == 0)
        execWorker(group, childChannels, fds.controlChild.get(), fds.specRead.get());
    if (pid < 0)
        return giveUp("fork");
    fds.childChannels.clear();
    fds.controlChild.reset();
    fds.specRead.reset();
    // The spec is small, far below the pipe buffer, so this write does not block.
    const ssize_t written = ::write(fds.specWrite.get(), specText.data(), specText.size());
    (void)written;
    fds.specWrite.reset();

    auto process = std::make_unique<Process>();
    process->group = groupIndex;
    process->index = index;
    process->pid = pid;
    process->startedUs = monotonicMicros();
    process->lastActiveUs = process->startedUs;
    process->generation = m_generation;
    process->threads = plan.threads;
    process->groupName = plan.name;
    process->controlFd = fds.controlParent.release();
    const size_t processIndex = m_processes.size();
    setNonBlocking(process->controlFd);
    watch(process->controlFd, makeTag(Tag::ProcessControl, processIndex), EPOLLIN);
    for (auto& fd : fds.parentChannels) {
        setNonBlocking(fd.get());
        auto ch = std::make_unique<Channel>();
        ch->index = m_channels.size();
        ch->fd = std::move(fd);
        ch->process = processIndex;
        ch->interest = EPOLLIN;
        watch(ch->fd.get(), makeTag(Tag::Channel, ch->index), EPOLLIN);
        process->channels.push_back(ch->index);
        m_channels.push_back(std::move(ch));
    }
    m_processes.push_back(std::move(process));
    group.processes[size_t(index)] = processIndex;
    group.respawnAtUs[size_t(index)] = 0;
    if (!m_options.quiet)
        std::fprintf(stderr,
                     "wsgi-engine: started process %d of group '%s' (pid %d, %d threads, Python %s)\n",
                     index + 1, plan.name.c_str(), int(pid), plan.threads, plan.spec.runtime.c_str());
    dispatch(groupIndex);
}

void Supervisor::reapChildren()
{
    while (true) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return;
        for (size_t pi = 0; pi < m_processes.size(); ++pi) {
            Process& p = *m_processes[pi];
            if (p.pid != pid || p.state == Process::State::Dead)
                continue;
            const bool expected = p.state == Process::State::Stopping;
            p.state = Process::State::Dead;
            for (size_t ci : p.channels)
                channelFailed(*m_channels[ci], "the worker process exited");
            if (p.controlFd >= 0) {
                epoll_ctl(m_epoll, EPOLL_CTL_DEL, p.controlFd, nullptr);
                ::close(p.controlFd);
                p.controlFd = -1;
            }
            if (!m_stopping)
                processExited(pi, status, expected);
            // Its slots stay (their indexes are epoll tags) but its buffers go, so that a long run of
            // recycles does not grow the supervisor (what it reported about its runtime stays for its last
            // sample).
            for (size_t ci : p.channels) {
                m_channels[ci]->in = std::string();
                m_channels[ci]->out = std::string();
                m_channels[ci]->outOffset = 0;
            }
            p.controlIn = std::string();
            p.exitLog = std::string();
            break;
        }
    }
}

} // namespace wsgi::hosting

namespace wsgi::hosting {

void Supervisor::retireProcess(size_t processIndex, const std::string& reason)
{
    Process& p = *m_processes[processIndex];
    if (p.state != Process::State::Running)
        return;
    // It takes no new requests; the ones it runs finish within graceful-timeout, then it exits.
    p.state = Process::State::Stopping;
    p.stopReason = reason;
    // The worker drains for graceful-timeout; past that and shutdown-timeout it is killed, as
    // mod_wsgi's reaper thread ends a daemon process that does not exit (modwsgi.md section 5.5).
    const GroupPlan& plan = m_groups[p.group]->plan;
    p.stopDeadlineUs =
        monotonicMicros() + int64_t(plan.gracefulTimeoutSeconds + plan.shutdownTimeoutSeconds + 1) * 1000000;
    kill(p.pid, SIGTERM);
    closeChannelsOfStoppingProcess(p);
}

void Supervisor::onDirectMetrics(size_t processIndex, std::string_view payload)
{
    Process& p = *m_processes[processIndex];
    uint32_t active = 0;
    std::memcpy(&active, payload.data(), sizeof active);
    p.directActive = int(active);
    p.metricsPulled = false;
    if (active > 0 || payload.size() > sizeof active)
        p.lastActiveUs = monotonicMicros();
    payload.remove_prefix(sizeof active);
    while (payload.size() >= 4) {
        uint32_t length = 0;
        std::memcpy(&length, payload.data(), sizeof length);
        payload.remove_prefix(sizeof length);
        if (length > payload.size())
            break;
        const auto m = RequestMetrics::decode(payload.substr(0, length));
        payload.remove_prefix(length);
        if (!m)
            continue;
        ++p.requests;
        if (!m_subscribers.empty())
            recordTelemetry(processIndex, *m, m->threadStartUs, m->appEndUs);
    }
    // maximum-requests in direct mode: counted from the measurements the worker reports.
    if (p.generation == m_generation && p.state == Process::State::Running) {
        const int limit = m_groups[p.group]->plan.maximumRequests;
        if (limit > 0 && p.requests >= uint64_t(limit))
            recycleProcess(processIndex, "maximum-requests");
    }
}

void Supervisor::onProcessControl(size_t processIndex)
{
    Process& p = *m_processes[processIndex];
    if (p.controlFd < 0)
        return;
    char buf[65536];
    const ssize_t n = ::read(p.controlFd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, p.controlFd, nullptr);
        ::close(p.controlFd);
        p.controlFd = -1;
        return;
    }
    p.controlIn.append(buf, size_t(n));
    size_t pos = 0;
    while (p.controlIn.size() - pos >= kFrameHeaderSize) {
        const auto header = decodeFrameHeader(p.controlIn.data() + pos);
        if (!header || p.controlIn.size() - pos - kFrameHeaderSize < header->length)
            break;
        const std::string payload = p.controlIn.substr(pos + kFrameHeaderSize, header->length);
        pos += kFrameHeaderSize + header->length;
        if (header->type == FrameType::Hello) {
            p.started = true;
            size_t start = 0;
            while (start < payload.size()) {
                const size_t nl = payload.find('\n', start);
                const std::string line = payload.substr(start, nl - start);
                const size_t eq = line.find('=');
                if (eq != std::string::npos)
                    p.hello[line.substr(0, eq)] = line.substr(eq + 1);
                if (nl == std::string::npos)
                    break;
                start = nl + 1;
            }
        } else if (header->type == FrameType::Retiring) {
            onRetiring(processIndex, payload);
        } else if (header->type == FrameType::Metrics && payload.size() >= 4) {
            onDirectMetrics(processIndex, payload);
        } else if (header->type == FrameType::StackDump) {
            for (auto& r : m_stackRequests) {
                if (r->pending.count(processIndex) && !r->answered[processIndex]) {
                    r->pending[processIndex] = payload;
                    r->answered[processIndex] = true;
                    break;
                }
            }
        }
    }
    p.controlIn.erase(0, pos);
    for (size_t i = 0; i < m_stackRequests.size();) {
        StackRequest& r = *m_stackRequests[i];
        bool all = true;
        for (const auto& [proc, done] : r.answered)
            all = all && done;
        if (all) {
            finishStackRequest(r, false);
            m_stackRequests.erase(m_stackRequests.begin() + long(i));
        } else {
            ++i;
        }
    }
}

} // namespace wsgi::hosting
