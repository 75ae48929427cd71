#pragma once
// One client connection in direct mode and the limits it is served under. A connection belongs to
// exactly one request thread at a time (the epoll set hands it out one-shot); the main thread's
// tick only reads the shared fields below and, to end a wait, shuts the socket's read side down so
// that the owning thread wakes up and acts. It never closes a connection itself.

#include "hosting/channelprotocol.h"
#include "hosting/readtimeouts.h"
#include "hosting/uniquefd.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace wsgi::worker {

struct DirectLimits
{
    hosting::ReadTimeoutLimits readTimeouts; // request head and body (mod_reqtimeout)
    int keepAliveMs = 5000;                  // KeepAliveTimeout: idle between requests
    int socketTimeoutSeconds = 60;           // socket-timeout: no progress on a running request
    int queueTimeoutSeconds = 0;             // queue-timeout: 0 = off
    int listenBacklog = 100;                 // accepted connections waiting for a thread, then 503
    int lingerIdleMs = 2000;                 // Apache's SECONDS_TO_LINGER: without a byte
    int lingerTotalMs = 5000;                // at most, whatever the client sends
    int64_t lingerMaxBytes = 16 * 1024 * 1024;
};

// A Content-Length body up to this size is read before the request takes a thread (as in proxy mode),
// so a client that trickles it in holds only its connection, and only until the body deadline.
constexpr int64_t kBufferedBodyMax = 64 * 1024;

// What the connection is waiting for; the tick's verdict at the deadline depends on it.
enum class ConnectionState : uint8_t
{
    Head,      // a request head (its first byte or the rest): 408 or a silent close at the deadline
    KeepAlive, // the first byte of the next request: a silent close at the keep-alive timeout
    Body,      // the rest of a small body, before the request takes a thread: 408 at the body deadline
    Busy,      // a request runs: socket-timeout applies
    Lingering, // the response is out and the write side shut down: drop what still comes, then close
};

// Who writes the response of the running request: its thread for the application, its thread for
// the engine (408: the body deadline passed), or the tick after socket-timeout (504, and the socket
// is shut down). Whoever claims it first; the others' bytes are dropped.
enum class ResponseOwner : uint8_t
{
    None,
    Thread,
    Engine,
    Watchdog
};

struct DirectConnection
{
    hosting::UniqueFd fd;
    std::string in; // bytes read but not yet used: the start of the next request, or body
    int64_t acceptedUs = 0;
    std::string remoteAddr, localAddr;
    uint16_t remotePort = 0, localPort = 0;
    // The owning thread's own.
    hosting::ReadDeadline head;                    // the head's deadline, or the body's while state is Body
    std::unique_ptr<hosting::RequestHead> pending; // Body: the request whose body is being read
    int64_t lingerBytes = 0;
    int64_t lingerUntilUs = 0; // the total bound
    // Shared with the tick.
    // Accepted while every thread was busy and not yet picked up: counts against listen-backlog once
    // its request head is complete (the overflow thread peeks at it).
    std::atomic<bool> queued{false};
    std::atomic<ConnectionState> state{ConnectionState::Head};
    std::atomic<int64_t> deadlineUs{hosting::ReadDeadline::kNone}; // Head, KeepAlive, Lingering
    std::atomic<bool> expired{false};                              // the tick found the deadline passed
    std::atomic<int64_t> progressUs{0};                            // Busy: last time bytes moved
    std::atomic<ResponseOwner> response{ResponseOwner::None};
};

// Sends all of `bytes`, waiting up to `timeoutMs` for room each time the socket is full.
bool sendAllBytes(int fd, std::string_view bytes, int timeoutMs);

// Reads what is there (non-blocking) into c.in. Returns the bytes read (0: the peer closed, -1: an
// error other than EAGAIN, -2: nothing there) and, through `arrivedUs`, when the kernel received them.
ssize_t readArrived(DirectConnection& c, int64_t& arrivedUs);

// Apache's lingering close, first half: the response is out, so shut the write side (the client
// sees the end) and drain for a bounded time, so that closing with unread input does not reset the
// connection before the client has read the response.
void startLinger(DirectConnection& c, const DirectLimits& limits, int64_t nowUs);
// Drops what arrived; true while the connection should linger on, false to close it now.
bool drainLinger(DirectConnection& c, const DirectLimits& limits);

} // namespace wsgi::worker
