// The supervisor's side of worker processes: spawning them with one channel per request thread,
// dispatching queued requests to idle threads, relaying frames, and reaping and respawning.

#include "supervisor.h"

#include "core/clock.h"
#include "responsehead.h"
#include "supervisorstate.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/epoll.h>
#include <climits>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace wsgi::hosting {

void Supervisor::spawnProcess(size_t groupIndex, int index)
{
    Group& group = *m_groups[groupIndex];
    const GroupPlan& plan = group.plan;
    WorkerSpec spec = plan.spec;
    spec.processIndex = index;
    const std::string specText = spec.encode();

    // Channels (one per thread), a control channel, and a pipe for the spec. If any cannot be made,
    // nothing is started and the slot is retried in a second.
    std::vector<int> parentEnds, childEnds;
    int control[2] = {-1, -1};
    int specPipe[2] = {-1, -1};
    auto giveUp = [&](const char* what) {
        std::fprintf(stderr, "wsgi-engine: %s failed: %s\n", what, std::strerror(errno));
        for (int fd : parentEnds)
            ::close(fd);
        for (int fd : childEnds)
            ::close(fd);
        for (int fd : {control[0], control[1], specPipe[0], specPipe[1]})
            if (fd >= 0)
                ::close(fd);
        group.respawnAtUs[size_t(index)] = monotonicMicros() + 1000000;
    };
    const int channels = m_plan.direct ? 0 : plan.threads; // direct-mode threads talk to clients instead
    for (int t = 0; t < channels; ++t) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
            return giveUp("socketpair");
        parentEnds.push_back(pair[0]);
        childEnds.push_back(pair[1]);
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0)
        return giveUp("socketpair");
    if (pipe2(specPipe, O_CLOEXEC) != 0)
        return giveUp("pipe");

    if (group.balance)
        group.balance[index].store(0); // the slot's new process starts with no connections
    const std::string binary = plan.workerBinary.string();
    const std::string title = plan.processTitle.empty() ? binary : plan.processTitle;
    const pid_t pid = fork();
    if (pid == 0) {
        // Child: channels become fds 3.. in thread order, then the control channel, then the spec
        // pipe. Moving them past
        // the highest fd first keeps dup2 from clobbering an fd still to be moved.
        prctl(PR_SET_PDEATHSIG, SIGTERM); // workers never outlive their supervisor
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        signal(SIGPIPE, SIG_DFL);
        std::vector<int> fds = childEnds;
        fds.push_back(control[1]);
        fds.push_back(specPipe[0]);
        if (m_plan.direct) {
            for (const auto& l : m_listeners)
                fds.push_back(l.fd);
            if (group.balanceFd >= 0)
                fds.push_back(group.balanceFd);
        }
        int high = 3 + int(fds.size());
        for (int fd : fds)
            high = std::max(high, fd + 1);
        for (int& fd : fds) {
            const int moved = fcntl(fd, F_DUPFD_CLOEXEC, high);
            fd = moved;
        }
        for (size_t i = 0; i < fds.size(); ++i)
            dup2(fds[i], 3 + int(i)); // dup2 clears FD_CLOEXEC on the new fd
        const std::string threads = std::to_string(plan.threads);
        const std::string controlFd = std::to_string(3 + int(childEnds.size()));
        const std::string specFd = std::to_string(4 + int(childEnds.size()));
        const std::string listenFrom = std::to_string(5 + int(childEnds.size()));
        const std::string listenCount = std::to_string(m_plan.direct ? m_listeners.size() : 0);
        const std::string balanceFd =
            m_plan.direct && group.balanceFd >= 0 ? std::to_string(5 + int(childEnds.size() + m_listeners.size())) : "-1";
        execl(binary.c_str(), title.c_str(), "--channels-from", "3", "--threads", threads.c_str(), "--control-fd",
              controlFd.c_str(), "--spec-fd", specFd.c_str(), "--listen-from", listenFrom.c_str(), "--listen-count",
              listenCount.c_str(), "--balance-fd", balanceFd.c_str(), static_cast<char*>(nullptr));
        std::fprintf(stderr, "wsgi-engine: cannot start %s: %s\n", binary.c_str(), std::strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        return giveUp("fork");
    for (int fd : childEnds)
        ::close(fd);
    ::close(specPipe[0]);
    ::close(control[1]);
    // The spec is small, far below the pipe buffer, so this write does not block.
    const ssize_t written = ::write(specPipe[1], specText.data(), specText.size());
    (void)written;
    ::close(specPipe[1]);

    auto process = std::make_unique<Process>();
    process->group = groupIndex;
    process->index = index;
    process->pid = pid;
    process->startedUs = monotonicMicros();
    process->generation = m_generation;
    process->threads = plan.threads;
    process->groupName = plan.name;
    process->controlFd = control[0];
    const size_t processIndex = m_processes.size();
    fcntl(control[0], F_SETFL, fcntl(control[0], F_GETFL) | O_NONBLOCK);
    watch(control[0], makeTag(Tag::ProcessControl, processIndex), EPOLLIN);
    for (int fd : parentEnds) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        auto ch = std::make_unique<Channel>();
        ch->index = m_channels.size();
        ch->fd = fd;
        ch->process = processIndex;
        ch->interest = EPOLLIN;
        watch(fd, makeTag(Tag::Channel, ch->index), EPOLLIN);
        process->channels.push_back(ch->index);
        m_channels.push_back(std::move(ch));
    }
    m_processes.push_back(std::move(process));
    group.processes[size_t(index)] = processIndex;
    group.respawnAtUs[size_t(index)] = 0;
    if (!m_options.quiet)
        std::fprintf(stderr, "wsgi-engine: started process %d of group '%s' (pid %d, %d threads, Python %s)\n",
                     index + 1, plan.name.c_str(), int(pid), plan.threads, plan.spec.runtime.c_str());
    dispatch(groupIndex);
}

Supervisor::Channel* Supervisor::idleChannel(Group& g)
{
    // Prefer the process with the most idle threads, so load spreads across processes the way
    // requests spread over daemon processes in mod_wsgi.
    // Ties go round-robin, so light load also reaches every process.
    Channel* best = nullptr;
    int bestIdle = 0;
    const size_t count = g.processes.size();
    const size_t first = g.nextProcess++ % std::max<size_t>(count, 1);
    for (size_t k = 0; k < count; ++k) {
        const size_t pi = g.processes[(first + k) % count];
        if (pi == SIZE_MAX)
            continue;
        Process& p = *m_processes[pi];
        if (p.state != Process::State::Running)
            continue;
        int idle = 0;
        Channel* candidate = nullptr;
        for (size_t ci : p.channels) {
            Channel& ch = *m_channels[ci];
            if (ch.alive && ch.connection == 0) {
                ++idle;
                candidate = &ch;
            }
        }
        if (idle > bestIdle) {
            bestIdle = idle;
            best = candidate;
        }
    }
    return best;
}

void Supervisor::dispatch(size_t groupIndex)
{
    Group& g = *m_groups[groupIndex];
    while (!g.queue.empty()) {
        auto it = m_connections.find(g.queue.front());
        if (it == m_connections.end()) {
            g.queue.pop_front(); // the client went away while queued
            continue;
        }
        Channel* ch = idleChannel(g);
        if (!ch)
            return;
        g.queue.pop_front();
        Connection& c = *it->second;
        c.channel = ch;
        c.state = Connection::State::Dispatched;
        ch->connection = c.id;
        ch->startedUs = monotonicMicros();
        ch->bodyOpen = c.head.hasBody;
        ++m_processes[ch->process]->requests;
        sendToChannel(*ch, FrameType::Request, c.head.encode());
        if (!c.bodyDone)
            forwardBody(c); // whatever part of the body has arrived already
        flushChannel(*ch);
        if (m_connections.count(c.id))
            updateClientInterest(c);
    }
}

void Supervisor::sendToChannel(Channel& ch, FrameType type, std::string_view payload)
{
    if (!ch.alive)
        return;
    if (ch.outOffset == ch.out.size()) {
        ch.out.clear();
        ch.outOffset = 0;
    }
    appendFrame(ch.out, type, payload);
}

void Supervisor::flushChannel(Channel& ch)
{
    while (ch.alive && ch.outOffset < ch.out.size()) {
        const ssize_t n = ::send(ch.fd, ch.out.data() + ch.outOffset, ch.out.size() - ch.outOffset, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            channelFailed(ch, std::strerror(errno));
            return;
        }
        ch.outOffset += size_t(n);
    }
    const uint32_t want = (ch.interest & uint32_t(EPOLLIN)) | (ch.outOffset < ch.out.size() ? uint32_t(EPOLLOUT) : 0u);
    if (ch.alive && want != ch.interest) {
        ch.interest = want;
        rewatch(ch.fd, makeTag(Tag::Channel, ch.index), want);
    }
    // A client whose body was paused on this channel can go on.
    if (ch.connection && ch.out.size() - ch.outOffset <= kHighWater) {
        auto it = m_connections.find(ch.connection);
        if (it != m_connections.end() && it->second->channel == &ch)
            updateClientInterest(*it->second);
    }
}

void Supervisor::onChannelEvent(size_t index, uint32_t events)
{
    Channel& ch = *m_channels[index];
    if (!ch.alive)
        return;
    if (events & EPOLLOUT)
        flushChannel(ch);
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || !ch.alive)
        return;
    const ssize_t n = readAppend(ch.fd, ch.in);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        channelFailed(ch, "the worker process closed its channel");
        return;
    }
    size_t pos = 0;
    while (ch.alive && ch.in.size() - pos >= kFrameHeaderSize) {
        const auto header = decodeFrameHeader(ch.in.data() + pos);
        if (!header) {
            channelFailed(ch, "malformed frame from the worker");
            return;
        }
        if (ch.in.size() - pos - kFrameHeaderSize < header->length)
            break;
        handleFrame(ch, header->type, std::string_view(ch.in).substr(pos + kFrameHeaderSize, header->length));
        pos += kFrameHeaderSize + header->length;
    }
    if (ch.alive)
        ch.in.erase(0, pos);
    // Push what the frames produced to the client in one write.
    if (ch.connection) {
        auto it = m_connections.find(ch.connection);
        if (it != m_connections.end())
            flushClient(*it->second);
    }
}

void Supervisor::handleFrame(Channel& ch, FrameType type, std::string_view payload)
{
    auto it = ch.connection ? m_connections.find(ch.connection) : m_connections.end();
    Connection* c = it == m_connections.end() ? nullptr : it->second.get();
    if (c && c->channel != &ch)
        c = nullptr;
    switch (type) {
    case FrameType::Continue:
        if (c && !c->responseStarted && !c->continueSent) {
            c->out += "HTTP/1.1 100 Continue\r\n\r\n";
            c->continueSent = true;
        }
        break;
    case FrameType::Data:
        if (c) {
            c->responseStarted = true;
            c->lastResponseUs = monotonicMicros();
            c->out.append(payload);
            if (c->pendingOut() > kHighWater) {
                // The client is slower than the application: stop reading the channel, which
                // blocks the worker's writes, until the client catches up.
                ch.interest &= ~uint32_t(EPOLLIN);
                rewatch(ch.fd, makeTag(Tag::Channel, ch.index), ch.interest);
            }
        }
        break;
    case FrameType::End: {
        const auto metrics = RequestMetrics::decode(payload);
        const Process& process = *m_processes[ch.process];
        const int64_t now = monotonicMicros();
        if (metrics && !m_subscribers.empty())
            recordTelemetry(ch.process, *metrics, ch.startedUs, now);
        ch.connection = 0;
        if (ch.bodyOpen) {
            sendToChannel(ch, FrameType::Abort, {});
            ch.bodyOpen = false;
            flushChannel(ch);
        }
        if (!(ch.interest & EPOLLIN) && ch.alive) {
            ch.interest |= EPOLLIN;
            rewatch(ch.fd, makeTag(Tag::Channel, ch.index), ch.interest);
        }
        if (c)
            finishResponse(*c, metrics.value_or(RequestMetrics{}));
        if (process.generation == m_generation) {
            // maximum-requests: the process is replaced once it has served that many, gracefully.
            const int limit = m_groups[process.group]->plan.maximumRequests;
            if (limit > 0 && process.state == Process::State::Running && process.requests >= uint64_t(limit)) {
                const size_t pi = ch.process;
                const size_t groupIndex = process.group;
                const int slot = process.index;
                ++m_restarts[process.groupName]["maximum-requests"];
                spawnProcess(groupIndex, slot);
                retireProcess(pi, "maximum-requests");
                dispatch(groupIndex);
            } else {
                dispatch(process.group);
            }
        }
        break;
    }
    default:
        channelFailed(ch, "unexpected frame type from the worker");
        break;
    }
}

void Supervisor::channelFailed(Channel& ch, const std::string& why)
{
    if (!ch.alive)
        return;
    ch.alive = false;
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, ch.fd, nullptr);
    ::close(ch.fd);
    ch.fd = -1;
    Process& p = *m_processes[ch.process];
    if (ch.connection) {
        auto it = m_connections.find(ch.connection);
        if (it != m_connections.end() && it->second->channel == &ch) {
            Connection& c = *it->second;
            c.channel = nullptr;
            c.bodyDone = true;
            if (!c.responseStarted) {
                respondAndClose(c, 500, "Internal Server Error",
                                "the daemon process serving this request stopped before it responded");
            } else {
                c.state = Connection::State::Closing;
                flushClient(c);
            }
        }
        ch.connection = 0;
        if (p.state == Process::State::Running)
            std::fprintf(stderr, "wsgi-engine: request lost in group '%s' process pid %d: %s\n",
                         m_groups[p.group]->plan.name.c_str(), int(p.pid), why.c_str());
    }
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
            if (expected || m_stopping || p.generation != m_generation)
                break;
            Group& g = *m_groups[p.group];
            if (g.balance) // until the replacement runs, its slot must not hold the others back
                g.balance[p.index].store(INT32_MAX / 2);
            if (g.processes[size_t(p.index)] == pi)
                g.processes[size_t(p.index)] = SIZE_MAX;
            const int64_t lived = monotonicMicros() - p.startedUs;
            std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                              : WIFSIGNALED(status) ? std::string("was killed by signal ") + strsignal(WTERMSIG(status))
                                                    : std::string("stopped");
            // A process that dies at once (e.g. the app cannot load at all) is respawned with a
            // growing delay instead of in a tight loop.
            int64_t& backoff = g.backoffUs[size_t(p.index)];
            backoff = lived < 10000000 ? std::min<int64_t>(backoff * 2, 30000000) : 500000;
            ++g.restarts[size_t(p.index)];
            ++m_restarts[g.plan.name][WIFSIGNALED(status) ? "crash-signal" : "crash-exit"];
            std::fprintf(stderr, "wsgi-engine: process %d of group '%s' (pid %d) %s; restarting in %.1f s\n",
                         p.index + 1, g.plan.name.c_str(), int(pid), how.c_str(), double(backoff) / 1e6);
            g.respawnAtUs[size_t(p.index)] = monotonicMicros() + backoff;
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
    kill(p.pid, SIGTERM);
}

void Supervisor::onDirectMetrics(size_t processIndex, std::string_view payload)
{
    Process& p = *m_processes[processIndex];
    uint32_t active = 0;
    std::memcpy(&active, payload.data(), sizeof active);
    p.directActive = int(active);
    p.metricsPulled = false;
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
        if (limit > 0 && p.requests >= uint64_t(limit)) {
            ++m_restarts[p.groupName]["maximum-requests"];
            spawnProcess(p.group, p.index);
            retireProcess(processIndex, "maximum-requests");
        }
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
