// Proxy mode's request threads, as the supervisor sees them: one channel per thread, a queue per
// group, dispatch of queued requests to idle threads, frames relayed to the client, and what happens
// when a channel fails or a client is gone. Spawning and reaping are in workerprocesses.cpp.

#include "workerpool.h"

#include "core/clock.h"
#include "responsehead.h"
#include "supervisorstate.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>

namespace wsgi::hosting {

size_t pickProcess(const std::vector<int>& idle, size_t start)
{
    const size_t count = idle.size();
    size_t best = SIZE_MAX;
    int bestIdle = 0;
    for (size_t k = 0; k < count; ++k) {
        const size_t i = (start + k) % count;
        if (idle[i] > bestIdle) {
            bestIdle = idle[i];
            best = i;
        }
    }
    return best;
}

Supervisor::Channel* Supervisor::idleChannel(Group& g)
{
    const size_t count = g.processes.size();
    std::vector<int> idle(count, 0);
    std::vector<Channel*> candidate(count, nullptr);
    for (size_t k = 0; k < count; ++k) {
        const size_t pi = g.processes[k];
        if (pi == SIZE_MAX || m_processes[pi]->state != Process::State::Running)
            continue;
        for (size_t ci : m_processes[pi]->channels) {
            Channel& ch = *m_channels[ci];
            if (ch.alive && ch.connection == 0) {
                ++idle[k];
                candidate[k] = &ch;
            }
        }
    }
    const size_t chosen = pickProcess(idle, g.nextProcess++ % std::max<size_t>(count, 1));
    return chosen == SIZE_MAX ? nullptr : candidate[chosen];
}

void Supervisor::dispatch(size_t groupIndex)
{
    Group& g = *m_groups[groupIndex];
    while (!g.queue.empty()) {
        auto it = m_connections.find(g.queue.front());
        if (it == m_connections.end() || it->second->state != Connection::State::Queued) {
            g.queue.pop_front(); // the client went away, or was answered, while queued
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
        ch->bodyOpen = c.head.hasBody && !c.bodyDone;
        ch->cancelled = false;
        ++m_processes[ch->process]->requests;
        m_processes[ch->process]->lastActiveUs = ch->startedUs;
        sendToChannel(*ch, FrameType::Request, c.head.encode());
        if (!c.bodyDone)
            forwardBody(c); // whatever part of the body has arrived already
        if (!m_connections.count(c.id))
            continue;
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
        const ssize_t n =
            ::send(ch.fd.get(), ch.out.data() + ch.outOffset, ch.out.size() - ch.outOffset, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            channelFailed(ch, std::strerror(errno));
            return;
        }
        ch.outOffset += size_t(n);
    }
    if (ch.alive && ch.closeWhenIdle && !ch.writeShut && ch.connection == 0 &&
        ch.outOffset == ch.out.size()) {
        ::shutdown(ch.fd.get(), SHUT_WR);
        ch.writeShut = true;
    }
    const uint32_t want =
        (ch.interest & uint32_t(EPOLLIN)) | (ch.outOffset < ch.out.size() ? uint32_t(EPOLLOUT) : 0u);
    if (ch.alive && want != ch.interest) {
        ch.interest = want;
        rewatch(ch.fd.get(), makeTag(Tag::Channel, ch.index), want);
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
    const ssize_t n = readAppend(ch.fd.get(), ch.in);
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
            c->lastResponseUs = monotonicMicros();
            if (c->hold.active()) {
                c->held.append(payload); // until the body is known to be well-formed
                c->hold.onHeld(c->held.size());
                if (!c->hold.active())
                    releaseHold(*c);
                break;
            }
            c->responseStarted = true;
            c->out.append(payload);
            if (c->pendingOut() > kHighWater) {
                // The client is slower than the application: stop reading the channel, which
                // blocks the worker's writes, until the client catches up.
                ch.interest &= ~uint32_t(EPOLLIN);
                rewatch(ch.fd.get(), makeTag(Tag::Channel, ch.index), ch.interest);
            }
        }
        break;
    case FrameType::End: {
        const auto metrics = RequestMetrics::decode(payload);
        Process& process = *m_processes[ch.process];
        const int64_t now = monotonicMicros();
        process.lastActiveUs = now;
        if (metrics && !m_subscribers.empty())
            recordTelemetry(ch.process, *metrics, ch.startedUs, now);
        ch.connection = 0;
        if (ch.bodyOpen) {
            sendToChannel(ch, FrameType::Abort, {});
            ch.bodyOpen = false;
            flushChannel(ch);
        }
        resumeChannelInput(ch);
        if (c && c->hold.active() && !c->bodyDone) {
            // The response waits for the rest of a small chunked body, read only to check it.
            c->heldEnd = metrics.value_or(RequestMetrics{});
            c->channel = nullptr;
            c->heldBodyDiscard = true;
            updateClientInterest(*c);
        } else if (c) {
            c->heldEnd = metrics.value_or(RequestMetrics{});
            releaseHold(*c); // what was held back, if anything, then the end of the response
        }
        if (process.state != Process::State::Running) {
            closeChannelWhenIdle(ch);
        } else if (process.generation == m_generation) {
            // maximum-requests: the process is replaced once it has served that many, gracefully.
            const int limit = m_groups[process.group]->plan.maximumRequests;
            if (limit > 0 && process.state == Process::State::Running &&
                process.requests >= uint64_t(limit)) {
                const size_t groupIndex = process.group;
                recycleProcess(ch.process, "maximum-requests");
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
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, ch.fd.get(), nullptr);
    ch.fd.reset();
    Process& p = *m_processes[ch.process];
    if (ch.connection) {
        auto it = m_connections.find(ch.connection);
        if (it != m_connections.end() && it->second->channel == &ch) {
            Connection& c = *it->second;
            c.channel = nullptr;
            c.bodyDone = true;
            c.heldEnd.reset();
            c.heldBodyDiscard = false;
            c.held.clear();
            c.hold.release();
            ++p.requestsLost; // no answer, or only part of one
            if (!c.responseStarted) {
                respondAndClose(c, 500, "Internal Server Error",
                                "the daemon process serving this request stopped before it responded");
            } else {
                c.state = Connection::State::Closing;
                flushClient(c);
            }
        }
        const bool cut = it != m_connections.end() && it->second->responseStarted;
        ch.connection = 0;
        std::fprintf(stderr, "wsgi-engine: request lost in group '%s' process pid %d: %s%s\n",
                     m_groups[p.group]->plan.name.c_str(), int(p.pid), why.c_str(),
                     cut ? " (its response was cut short)" : "");
    }
}

void Supervisor::closeChannelsOfStoppingProcess(Process& p)
{
    for (size_t ci : p.channels)
        closeChannelWhenIdle(*m_channels[ci]);
}

void Supervisor::closeChannelWhenIdle(Channel& ch)
{
    // Signalled alone, the worker could not tell a request frame still in its channel from none,
    // and would exit idle with one just sent to it (a lost request).
    ch.closeWhenIdle = true;
    flushChannel(ch);
}

void Supervisor::resumeChannelInput(Channel& ch)
{
    if (ch.alive && !(ch.interest & EPOLLIN)) {
        ch.interest |= EPOLLIN;
        rewatch(ch.fd.get(), makeTag(Tag::Channel, ch.index), ch.interest);
    }
}

void Supervisor::cancelRequest(Channel& ch)
{
    // Nobody reads this request's response any more (the client left or was answered by the engine).
    // Its body ends (a read fails), and Cancel makes the thread's next write fail, so that it stops
    // iterating the response and calls close() now. What it still sends is read and dropped:
    // a paused channel would leave the thread blocked in a write for good.
    if (!ch.alive || ch.connection == 0)
        return;
    if (ch.bodyOpen) {
        sendToChannel(ch, FrameType::Abort, {});
        ch.bodyOpen = false;
    }
    if (!ch.cancelled) {
        sendToChannel(ch, FrameType::Cancel, {});
        ch.cancelled = true;
    }
    resumeChannelInput(ch);
    flushChannel(ch);
}

} // namespace wsgi::hosting
