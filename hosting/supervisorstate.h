#pragma once
// Internal state of the supervisor, shared by its .cpp files.

#include "clientconnections.h"
#include "lifecycleevents.h"
#include "readtimeouts.h"
#include "supervisor.h"
#include "telemetry.h"
#include "uniquefd.h"

#include <atomic>
#include <map>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace wsgi::hosting {

// epoll tags: the kind in the top byte, an index or connection id below.
enum class Tag : uint64_t
{
    Listener = 1,
    Connection = 2,
    Channel = 3,
    Signal = 4,
    ControlListener = 5,
    ControlClient = 6,
    ProcessControl = 7,
};
inline uint64_t makeTag(Tag kind, uint64_t id)
{
    return (uint64_t(kind) << 56) | id;
}
inline Tag tagKind(uint64_t tag)
{
    return Tag(tag >> 56);
}
inline uint64_t tagId(uint64_t tag)
{
    return tag & ((uint64_t(1) << 56) - 1);
}

constexpr size_t kReadChunk = 64 * 1024;

// Reads what is available on `fd` and appends it to `buffer`. Through a scratch buffer, because
// growing the string first would zero-fill 64 KiB on every read. Returns read(2)'s result.
inline ssize_t readAppend(int fd, std::string& buffer)
{
    static char scratch[kReadChunk]; // the supervisor is single-threaded
    const ssize_t n = ::read(fd, scratch, sizeof scratch);
    if (n > 0)
        buffer.append(scratch, size_t(n));
    return n;
}
constexpr size_t kHighWater = 1024 * 1024;     // stop reading a producer while its consumer lags this much
constexpr size_t kBufferedBodyMax = 64 * 1024; // Content-Length bodies up to this are read before dispatch

struct Supervisor::Connection
{
    enum class State
    {
        ReadingHead,
        ReadingBody, // a small body is read whole before the request is queued
        Queued,
        Dispatched,
        Closing,  // the last response is being flushed, then the write side is shut down
        Lingering // write side shut: read and discard (bounded) so the client can read the response
    };
    uint64_t id = 0;
    UniqueFd fd;
    State state = State::ReadingHead;
    std::string in;
    std::string out;
    size_t outOffset = 0;
    std::string remoteAddr, localAddr;
    uint16_t remotePort = 0, localPort = 0;
    int64_t lastActivityUs = 0;
    int64_t writeStalledUs = 0; // since when response bytes wait for the client (0: none wait)
    uint32_t interest = 0;
    // The request head, then its body, must arrive in time (RequestReadTimeout); a connection idle
    // between requests has KeepAliveTimeout instead (readDeadline inactive, `in` empty).
    ReadDeadline readDeadline;
    LingerBudget linger;

    // The request in progress.
    RequestHead head;
    size_t group = 0;
    int planGeneration = 0; // the plan `group` was chosen from (a reload replaces the groups)
    Channel* channel = nullptr;
    bool bodyDone = true;
    int64_t bodyRemaining = 0; // Content-Length bodies
    ChunkedDecoder chunked;
    bool continueSent = false;
    bool responseStarted = false;
    bool keepAlive = true;
    int64_t lastResponseUs = 0; // when the worker last sent something for this request (socket-timeout)
    int64_t bodyEndedUs = 0;    // when the whole body had been handed on: the wait for the answer starts
    // A small chunked body is read to its end before the response goes out, so a malformed one can
    // still be answered with 400 (ResponseHold).
    ResponseHold hold;
    std::string held;                      // response bytes kept back meanwhile
    std::optional<RequestMetrics> heldEnd; // the worker finished before the body did
    bool heldBodyDiscard = false;          // the body is read only to check it (no channel)

    size_t pendingOut() const { return out.size() - outOffset; }
};

struct Supervisor::Channel
{
    size_t index = 0;
    UniqueFd fd;
    size_t process = 0;
    bool alive = true;
    uint64_t connection = 0;    // 0 = idle
    int64_t startedUs = 0;      // when the current request was handed to the thread
    bool bodyOpen = false;      // a Body stream was started and not yet ended with BodyEnd/Abort
    bool cancelled = false;     // Cancel was sent for the current request
    bool closeWhenIdle = false; // its process is stopping: the write side ends once idle and flushed
    bool writeShut = false;     // shut: the worker's thread reads the end of its channel and returns
    std::string in;
    std::string out;
    size_t outOffset = 0;
    uint32_t interest = 0;
};

struct Supervisor::Process
{
    enum class State
    {
        Running,
        Stopping,
        Dead
    };
    size_t group = 0;
    int generation = 0;
    int index = 0;
    pid_t pid = -1;
    State state = State::Running;
    int64_t startedUs = 0;
    std::vector<size_t> channels;
    uint64_t requests = 0;
    int controlFd = -1;
    std::string controlIn;
    std::map<std::string, std::string> hello; // what the worker reported about its runtime
    std::string stopReason;                   // a core/restartreason.h name once it is Stopping
    int threads = 0;
    // Lifecycle.
    bool started = false;       // its Hello arrived: the start-up (script loading) is over
    int64_t lastActiveUs = 0;   // inactivity-timeout: when it last started or finished a request
    int64_t stopDeadlineUs = 0; // Stopping: killed if still alive then (graceful + shutdown-timeout)
    int requestsLost = 0;       // requests in flight on it that never got their whole response
    std::string killReason; // the supervisor killed it for this reason (startup-timeout, a drain too long)
    bool announcedExit = false; // it sent a Retiring frame: it exits on its own decision
    std::string exitDetail;     // from its Retiring frame: why it exits, and what it logged with it
    std::string exitLog;
    int retiringRequests = -1;  // direct mode: the requests in flight its Retiring frame reported
    int directActive = 0;       // direct mode: requests running, as last reported
    bool metricsPulled = false; // direct mode: asked for its measurements, no answer yet
    std::string groupName;
};

struct Supervisor::Subscriber
{
    uint64_t client = 0;
    int intervalMs = 1000;
    int64_t sinceUs = 0; // when it subscribed: nothing that finished earlier is counted
    int64_t nextUs = 0;
    std::map<size_t, ProcessInterval> intervals; // by process
    int64_t lastEventSeq = -1; // the last lifecycle event sent (-1: none yet, the ring's tail goes first)
};

struct Supervisor::StackRequest
{
    uint64_t client = 0;
    Json id;
    std::string group;
    int64_t deadlineUs = 0;
    std::map<size_t, std::string> pending; // process -> stacks ("" until answered)
    std::map<size_t, bool> answered;
};

struct Supervisor::Group
{
    GroupPlan plan;
    std::vector<size_t> processes; // current process per index (into m_processes)
    std::deque<uint64_t> queue;    // connections waiting for a request thread
    size_t nextProcess = 0;        // where the next search for an idle thread starts
    std::vector<int64_t> respawnAtUs;
    std::vector<int> restarts;
    std::vector<RestartBackoff> backoff; // per slot: the restart-storm schedule
    // Direct mode: connection counts per process slot, shared with the workers (memfd).
    int balanceFd = -1;
    std::atomic<int32_t>* balance = nullptr;
    ~Group();
};

} // namespace wsgi::hosting
