#include "core/loadgen/worker.h"

#include "core/clock.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace wsgi::loadgen {

namespace {

constexpr size_t kReadBufferBytes = 64 * 1024;
constexpr int64_t kScanIntervalUs = 10 * 1000; // timeouts and reconnects are checked this often
constexpr int64_t kMinBackoffUs = 10 * 1000;
constexpr int64_t kMaxBackoffUs = 320 * 1000;
constexpr int64_t kLateSendGraceUs = 1000 * 1000; // open loop: late sends allowed after the window
constexpr int kMaxEvents = 256;
constexpr int kMaxReadsPerEvent = 8; // level-triggered epoll comes back for the rest

int statusClass(int code)
{
    return (code >= 100 && code < 600) ? code / 100 - 1 : 5;
}

// epoll_pwait2 takes a nanosecond timeout: open-loop slots need better than epoll_wait's 1 ms.
int waitEvents(int epfd, epoll_event* events, int max, int64_t timeoutUs)
{
    static std::atomic<bool> noPwait2{false};
    if (!noPwait2.load(std::memory_order_relaxed)) {
        timespec ts{time_t(timeoutUs / 1000000), long(timeoutUs % 1000000) * 1000};
        const int n = epoll_pwait2(epfd, events, max, &ts, nullptr);
        if (n >= 0 || errno != ENOSYS)
            return n;
        noPwait2.store(true, std::memory_order_relaxed);
    }
    return epoll_wait(epfd, events, max, int((timeoutUs + 999) / 1000));
}

} // namespace

Worker::Worker(RunPlan* plan, int firstConnection, int connectionCount, WorkerProgress* progress)
    : m_plan(plan), m_progress(progress), m_first(firstConnection),
      m_conns(new Connection[size_t(connectionCount)]), m_count(connectionCount)
{
    m_buffer.resize(kReadBufferBytes);
    m_timers.reserve(size_t(connectionCount) + 1);
    for (int i = 0; i < m_count; ++i)
        m_conns[i].global = m_first + i;
}

Worker::~Worker()
{
    m_conns.reset();
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void Worker::run()
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        m_result.failure = std::string("epoll_create1: ") + strerror(errno);
        m_plan->ready.fetch_add(1);
        return;
    }
    // Wake-ups for open-loop slots should not be deferred by the default 50 us timer slack.
    ::prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    epoll_event events[kMaxEvents];

    // Phase 1: connect everything before the clock starts, so the first slots are not late by the
    // handshake. Bounded by the connect timeout.
    int64_t now = monotonicMicros();
    for (int i = 0; i < m_count; ++i)
        startConnect(m_conns[i], now);
    const int64_t connectDeadline = now + m_plan->timeoutUs;
    for (;;) {
        const bool pending = std::any_of(m_conns.get(), m_conns.get() + m_count, [](const Connection& c) {
            return c.state == Connection::State::Connecting;
        });
        if (!pending || now >= connectDeadline || m_plan->stop->load(std::memory_order_relaxed))
            break;
        const int n =
            waitEvents(m_epoll, events, kMaxEvents, std::min<int64_t>(10000, connectDeadline - now));
        now = monotonicMicros();
        for (int e = 0; e < n; ++e) {
            Connection& c = m_conns[events[e].data.u32];
            if (c.state == Connection::State::Connecting)
                onConnectEvent(c, now);
        }
    }
    m_plan->ready.fetch_add(1);
    int64_t t0 = 0;
    // The generator always publishes a start time, also when cancelling, so this wait ends.
    while ((t0 = m_plan->startUs.load()) == 0)
        m_plan->startUs.wait(0);

    m_t0 = t0;
    m_measureStartUs = t0 + int64_t(m_plan->warmupSec * 1e6);
    m_measureEndUs = m_measureStartUs + int64_t(m_plan->durationSec * 1e6);
    if (m_plan->openLoop) {
        m_schedule = OpenLoopSchedule(t0, m_plan->rate, m_plan->totalConnections);
        m_firstMeasuredSlot = m_schedule.firstSlotAtOrAfter(m_measureStartUs);
        m_endSlot = m_schedule.firstSlotAtOrAfter(m_measureEndUs);
        if (m_plan->requestCount > 0)
            m_endSlot = std::min(m_endSlot, m_firstMeasuredSlot + m_plan->requestCount);
        for (int i = 0; i < m_count; ++i)
            m_conns[i].pacer = ConnectionPacer(&m_schedule, m_conns[i].global, 0);
    }
    now = monotonicMicros();
    for (int i = 0; i < m_count; ++i) {
        if (m_conns[i].state == Connection::State::Idle)
            nextRequest(m_conns[i], now);
    }
    m_nextScanUs = now;

    // Phase 2: the run. Every in-flight request ends by its timeout, so the loop ends by this too.
    const int64_t hardDeadline = m_measureEndUs + 2 * m_plan->timeoutUs + 2 * kMaxBackoffUs + 1000000;
    for (;;) {
        now = monotonicMicros();
        if (m_plan->stop->load(std::memory_order_relaxed) || now >= hardDeadline)
            break;
        fireTimers(now);
        if (now >= m_nextScanUs) {
            scan(now);
            handOverIntervalLatency();
            m_nextScanUs = now + kScanIntervalUs;
        }
        if (m_finished == m_count)
            break;
        publish();
        const int n = waitEvents(m_epoll, events, kMaxEvents, waitTimeoutUs(now));
        for (int e = 0; e < n; ++e) {
            Connection& c = m_conns[events[e].data.u32];
            const uint32_t ev = events[e].events;
            if (c.state == Connection::State::Connecting) {
                onConnectEvent(c, monotonicMicros());
                continue;
            }
            if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
                onReadable(c);
            if ((ev & EPOLLOUT) && c.state == Connection::State::Sending)
                onWritable(c, monotonicMicros());
        }
    }

    now = monotonicMicros();
    for (int i = 0; i < m_count; ++i) {
        if (m_conns[i].inFlight() && m_conns[i].measured)
            ++m_result.unfinished;
    }
    if (m_plan->openLoop)
        finalizeOpenLoop();
    publish();
    handOverIntervalLatency();
}

void Worker::finalizeOpenLoop()
{
    // Measured slots never sent: the connection was stuck or down until the drain ended (or the
    // run was cancelled, in which case only the slots already due count).
    const int64_t now = monotonicMicros();
    const int64_t end = std::min(m_endSlot, m_schedule.firstSlotAtOrAfter(std::min(now, m_measureEndUs)));
    for (int i = 0; i < m_count; ++i) {
        const Connection& c = m_conns[i];
        const int64_t due = m_schedule.connectionSlotsIn(c.global, m_firstMeasuredSlot, end);
        m_result.unsent += std::max<int64_t>(0, due - c.sentMeasured);
    }
}

int64_t Worker::waitTimeoutUs(int64_t now) const
{
    int64_t until = m_nextScanUs;
    if (!m_timers.empty())
        until = std::min(until, m_timers.front().first);
    return std::max<int64_t>(0, until - now);
}

void Worker::publish()
{
    int64_t errors = 0;
    for (int64_t e : m_result.errors)
        errors += e;
    m_progress->measured.store(m_result.requests, std::memory_order_relaxed);
    m_progress->errors.store(errors, std::memory_order_relaxed);
    m_progress->all.store(m_result.responsesTotal, std::memory_order_relaxed);
}

void Worker::handOverIntervalLatency()
{
    if (m_intervalLatency.count() == 0)
        return;
    // try_lock: the generator holds it only to take the interval; the next scan hands over then.
    std::unique_lock lock(m_progress->latencyMutex, std::try_to_lock);
    if (!lock.owns_lock())
        return;
    m_progress->latency.merge(m_intervalLatency);
    m_intervalLatency.clear();
}

void Worker::setWantWrite(Connection& c, bool want)
{
    if (c.wantWrite == want)
        return;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.u32 = uint32_t(&c - m_conns.get());
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd(), &ev);
    c.wantWrite = want;
}

bool Worker::sendWindowClosed(int64_t now) const
{
    if (m_t0 == 0)
        return false;
    if (m_plan->openLoop) {
        // A slot belongs to the window by its intended time. One that is still unsent at the end
        // (its connection was waiting for a slow answer) goes out late, with its wait counted:
        // hiding it would be the omission this mode exists to correct. The grace is short so an
        // overloaded run (rate above what the server does) does not outlast its window by much.
        return now >= m_measureEndUs + std::min(m_plan->timeoutUs, kLateSendGraceUs);
    }
    if (now >= m_measureEndUs)
        return true;
    if (!m_plan->openLoop && m_plan->requestCount > 0)
        return m_plan->tickets.load(std::memory_order_relaxed) >= m_plan->requestCount;
    return false;
}

bool Worker::inWindow(int64_t now) const
{
    return m_t0 != 0 && now >= m_measureStartUs && now < m_measureEndUs;
}

void Worker::countError(ErrorKind kind, int64_t now)
{
    ++m_result.errors[size_t(kind)];
    const int64_t second = std::max<int64_t>(0, (now - m_measureStartUs) / 1000000);
    if (size_t(second) >= m_result.timeline.size())
        m_result.timeline.resize(size_t(second) + 1);
    ++m_result.timeline[size_t(second)].errors;
    m_result.lastMeasuredEventUs = std::max(m_result.lastMeasuredEventUs, now);
}

void Worker::startConnect(Connection& c, int64_t now)
{
    const auto status = c.startConnect(m_plan->endpoint);
    if (status == Connection::ConnectStatus::Failed) {
        connectFailed(c, now);
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | (status == Connection::ConnectStatus::InProgress ? EPOLLOUT : 0u);
    ev.data.u32 = uint32_t(&c - m_conns.get());
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd(), &ev);
    c.wantWrite = status == Connection::ConnectStatus::InProgress;
    if (status == Connection::ConnectStatus::Connected) {
        onConnected(c, now);
    } else {
        c.state = Connection::State::Connecting;
        c.deadlineUs = now + m_plan->timeoutUs;
    }
}

void Worker::onConnectEvent(Connection& c, int64_t now)
{
    if (c.connectSucceeded()) {
        onConnected(c, now);
        return;
    }
    connectFailed(c, now);
}

void Worker::connectFailed(Connection& c, int64_t now)
{
    c.closeSocket();
    if (inWindow(now))
        countError(ErrorKind::Connect, now);
    // Back off so a refusing server costs a few connects per second, not a busy loop.
    c.backoffUs = std::clamp(c.backoffUs * 2, kMinBackoffUs, kMaxBackoffUs);
    c.retryAtUs = now + c.backoffUs;
    c.state = Connection::State::Backoff;
}

void Worker::onConnected(Connection& c, int64_t now)
{
    ++m_result.connectionsOpened;
    c.backoffUs = 0;
    setWantWrite(c, false);
    c.state = Connection::State::Idle;
    if (m_t0 != 0)
        nextRequest(c, now);
}

void Worker::nextRequest(Connection& c, int64_t now)
{
    if (sendWindowClosed(now)) {
        finish(c);
        return;
    }
    if (!m_plan->openLoop) {
        const bool measured = now >= m_measureStartUs;
        if (measured && m_plan->requestCount > 0 &&
            m_plan->tickets.fetch_add(1, std::memory_order_relaxed) >= m_plan->requestCount) {
            finish(c);
            return;
        }
        send(c, now, now, measured);
        return;
    }
    const int64_t slot = c.pacer.nextSlot();
    if (slot >= m_endSlot) {
        finish(c);
        return;
    }
    const int64_t due = c.pacer.nextIntendedUs();
    if (due > now) {
        armTimer(c, due);
        return;
    }
    c.pacer.take();
    const bool measured = slot >= m_firstMeasuredSlot;
    if (measured) {
        m_result.lateness.add(now - due, m_plan->lateThresholdUs);
        ++c.sentMeasured;
    }
    send(c, due, now, measured);
}

void Worker::armTimer(Connection& c, int64_t dueUs)
{
    if (c.timerArmed)
        return;
    c.timerArmed = true;
    m_timers.emplace_back(dueUs, int(&c - m_conns.get()));
    std::push_heap(m_timers.begin(), m_timers.end(), std::greater<>());
}

void Worker::fireTimers(int64_t now)
{
    // At most one entry per connection is queued, so this loop is bounded by the connection count.
    while (!m_timers.empty() && m_timers.front().first <= now) {
        std::pop_heap(m_timers.begin(), m_timers.end(), std::greater<>());
        Connection& c = m_conns[m_timers.back().second];
        m_timers.pop_back();
        c.timerArmed = false;
        if (c.state == Connection::State::Idle)
            nextRequest(c, monotonicMicros());
    }
}

void Worker::send(Connection& c, int64_t intendedUs, int64_t now, bool measured)
{
    c.parser.reset(m_plan->headRequest);
    c.timing = RequestTiming{intendedUs, now};
    c.measured = measured;
    c.sendOffset = 0;
    c.state = Connection::State::Sending;
    c.deadlineUs = now + m_plan->timeoutUs;
    ++m_result.requestsSentTotal;
    writeSome(c, now);
}

void Worker::writeSome(Connection& c, int64_t now)
{
    const std::string& request = m_plan->request;
    // Each pass writes something or returns, so this ends within request.size() passes.
    while (c.sendOffset < request.size()) {
        const ssize_t n =
            ::send(c.fd(), request.data() + c.sendOffset, request.size() - c.sendOffset, MSG_NOSIGNAL);
        if (n > 0) {
            c.sendOffset += size_t(n);
            if (c.measured)
                m_result.bytesWritten += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setWantWrite(c, true);
            return;
        }
        failRequest(c, ErrorKind::Reset, now);
        return;
    }
    setWantWrite(c, false);
    c.state = Connection::State::Waiting;
}

void Worker::onWritable(Connection& c, int64_t now)
{
    writeSome(c, now);
}

void Worker::onReadable(Connection& c)
{
    char* buf = m_buffer.data();
    const size_t size = m_buffer.size();
    for (int round = 0; round < kMaxReadsPerEvent; ++round) {
        const ssize_t n = ::recv(c.fd(), buf, size, 0);
        if (n > 0) {
            if (!c.inFlight()) {
                // Bytes nobody asked for: the stream is out of step, start over.
                const int64_t now = monotonicMicros();
                if (inWindow(now))
                    countError(ErrorKind::BadResponse, now);
                reconnect(c, now);
                return;
            }
            if (c.measured)
                m_result.bytesRead += n;
            const ResponseParser::Step step = c.parser.feed(buf, size_t(n));
            if (step.status == ResponseParser::Status::Complete) {
                const int64_t now = monotonicMicros();
                const bool extra = step.consumed < size_t(n);
                const bool keep = c.parser.keepAlive() && c.state == Connection::State::Waiting;
                completeResponse(c, now);
                if (extra) {
                    if (inWindow(now))
                        countError(ErrorKind::BadResponse, now);
                    reconnect(c, now);
                } else if (!keep) {
                    reconnect(c, now);
                } else {
                    nextRequest(c, now);
                }
                return;
            }
            if (step.status == ResponseParser::Status::Error) {
                failRequest(c, ErrorKind::BadResponse, monotonicMicros());
                return;
            }
            if (size_t(n) < size)
                return;
            continue;
        }
        if (n == 0) {
            const int64_t now = monotonicMicros();
            if (!c.inFlight()) {
                reconnect(c, now); // an idle keep-alive connection the server closed: not an error
            } else if (c.parser.finishAtEof() == ResponseParser::Status::Complete) {
                completeResponse(c, now);
                reconnect(c, now);
            } else {
                failRequest(c, ErrorKind::Closed, now);
            }
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        const int64_t now = monotonicMicros();
        if (c.inFlight())
            failRequest(c, ErrorKind::Reset, now);
        else
            reconnect(c, now);
        return;
    }
}

void Worker::completeResponse(Connection& c, int64_t now)
{
    ++m_result.responsesTotal;
    c.state = Connection::State::Idle;
    const int64_t corrected = c.timing.correctedLatency(now);
    // The live figure covers warm-up answers too, like the progress report's current rate.
    m_intervalLatency.record(corrected);
    if (!c.measured)
        return;
    ++m_result.requests;
    if (now < m_measureEndUs)
        ++m_result.completedInWindow;
    m_result.status[size_t(statusClass(c.parser.statusCode()))]++;
    m_result.status[0] += c.parser.interimResponses();
    // Closed loop: both latencies are the same number; the generator copies the histogram once.
    if (m_plan->openLoop)
        m_result.latency.record(corrected);
    m_result.latencyUncorrected.record(c.timing.uncorrectedLatency(now));
    const int64_t second = std::max<int64_t>(0, (now - m_measureStartUs) / 1000000);
    if (size_t(second) >= m_result.timeline.size())
        m_result.timeline.resize(size_t(second) + 1);
    TimelineSecond& s = m_result.timeline[size_t(second)];
    ++s.requests;
    s.latency.record(corrected);
    m_result.lastMeasuredEventUs = std::max(m_result.lastMeasuredEventUs, now);
}

void Worker::failRequest(Connection& c, ErrorKind kind, int64_t now)
{
    if (c.inFlight() && c.measured)
        countError(kind, now);
    reconnect(c, now);
}

void Worker::reconnect(Connection& c, int64_t now)
{
    c.closeSocket();
    c.state = Connection::State::Closed;
    if (sendWindowClosed(now) || (m_plan->openLoop && m_t0 != 0 && c.pacer.nextSlot() >= m_endSlot)) {
        finish(c);
        return;
    }
    startConnect(c, now);
}

void Worker::finish(Connection& c)
{
    if (c.state == Connection::State::Finished)
        return;
    c.closeSocket();
    c.state = Connection::State::Finished;
    ++m_finished;
}

void Worker::scan(int64_t now)
{
    for (int i = 0; i < m_count; ++i) {
        Connection& c = m_conns[i];
        switch (c.state) {
        case Connection::State::Connecting:
            if (sendWindowClosed(now)) {
                finish(c);
            } else if (now >= c.deadlineUs) {
                connectFailed(c, now);
            }
            break;
        case Connection::State::Sending:
        case Connection::State::Waiting:
            if (now >= c.deadlineUs)
                failRequest(c, ErrorKind::Timeout, now);
            break;
        case Connection::State::Closed:
        case Connection::State::Backoff:
            if (sendWindowClosed(now))
                finish(c);
            else if (now >= c.retryAtUs)
                startConnect(c, now);
            break;
        case Connection::State::Idle:
            if (!c.timerArmed)
                nextRequest(c, now);
            break;
        case Connection::State::Finished:
            break;
        }
    }
}

} // namespace wsgi::loadgen
