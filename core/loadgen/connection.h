#pragma once
// One client connection of a worker: its socket, where it stands in the request cycle, and the
// timing of the request in flight. The worker drives the state machine; this file owns the socket
// calls so the worker reads as policy.

#include "core/loadgen/responseparser.h"
#include "core/loadgen/schedule.h"

#include <sys/socket.h>

#include <cstdint>

namespace wsgi::loadgen {

// The resolved address every connection dials.
struct Endpoint
{
    sockaddr_storage addr{};
    socklen_t addrLen = 0;
};

// A plain record the worker updates on the hot path; only the socket is behind methods.
struct Connection
{
    enum class State
    {
        Closed,     // no socket; (re)connect when due
        Backoff,    // no socket after a failed connect; retry at retryAtUs
        Connecting, // non-blocking connect in progress
        Idle,       // connected, nothing in flight (open loop: waiting for the next slot)
        Sending,    // request partly written
        Waiting,    // request written, answer not complete
        Finished,   // no more requests for this connection
    };
    enum class ConnectStatus
    {
        InProgress,
        Connected,
        Failed
    };

    Connection() = default;
    ~Connection() { closeSocket(); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Starts a non-blocking connect; Failed leaves no socket behind.
    ConnectStatus startConnect(const Endpoint& endpoint);
    // After EPOLLOUT on a connecting socket: did it connect?
    bool connectSucceeded() const;
    void closeSocket();

    int fd() const { return m_fd; }
    bool inFlight() const { return state == State::Sending || state == State::Waiting; }

    State state = State::Closed;
    int global = 0; // index among all connections of the run (its slots in the open-loop schedule)
    ResponseParser parser;
    RequestTiming timing;
    bool measured = false;   // the request in flight belongs to the measured window
    bool timerArmed = false; // an open-loop wake-up for the next slot is queued
    bool wantWrite = false;  // EPOLLOUT currently registered
    size_t sendOffset = 0;
    int64_t deadlineUs = 0; // connect or answer deadline
    int64_t retryAtUs = 0;
    int64_t backoffUs = 0;
    int64_t sentMeasured = 0; // open loop: measured slots this connection sent
    ConnectionPacer pacer;

private:
    int m_fd = -1;
};

} // namespace wsgi::loadgen
