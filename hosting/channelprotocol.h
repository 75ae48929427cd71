#pragma once
// The binary protocol on a request channel: one UNIX stream socketpair between the supervisor and
// one request thread of a worker process. Each frame is an 8-byte header (payload length, type)
// followed by the payload. One request at a time per channel:
//
//   supervisor -> worker: Request, then Body* and BodyEnd if the request has a body, or Abort;
//                         Cancel at most once, after the body ended (the client is gone)
//   worker -> supervisor: Continue? (the app read wsgi.input of an Expect: 100-continue request),
//                         Data* (raw HTTP response bytes), End (with the request's measurements)
//
// After End the worker drains its channel up to BodyEnd/Abort of the same request, so the
// supervisor can always finish a request's body with exactly one BodyEnd or Abort. A Cancel that
// arrives after the worker sent End is skipped while it waits for the next Request.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsgi::hosting {

enum class FrameType : uint8_t
{
    Request = 1,
    Body = 2,
    BodyEnd = 3,
    Abort = 4,  // the client went away: wsgi.input reads fail from now on
    Cancel = 5, // nobody reads the response any more: stop producing it (the app's close() runs)
    Continue = 10,
    Data = 11,
    End = 12,
    // On a worker process's control channel (one per process, beside the request channels).
    Hello = 20,      // worker -> supervisor once started: "key=value" lines about the runtime in force
    DumpStacks = 21, // supervisor -> worker
    StackDump = 22,  // worker -> supervisor: the Python stacks of every thread, as text
    Metrics = 23, // worker -> supervisor in direct mode: u32 busy threads, then (u32 length, RequestMetrics)*
    MetricsPull = 24, // supervisor -> worker in direct mode: send a Metrics frame now, even an empty one
    // worker -> supervisor, just before the worker exits on its own decision (request-timeout,
    // deadlock, a limit): "reason=<core/restartreason.h name>\ndetail=<one line>\nrequests=<in flight>\n"
    // followed by "log=" and the text logged with it (the stacks), to the end of the payload.
    Retiring = 25,
};

constexpr size_t kFrameHeaderSize = 8;
constexpr uint32_t kMaxFramePayload = 16 * 1024 * 1024;

struct FrameHeader
{
    uint32_t length = 0;
    FrameType type = FrameType::Request;
};

void appendFrameHeader(std::string& out, FrameType type, uint32_t length);
void appendFrame(std::string& out, FrameType type, std::string_view payload);
// Decodes a header from the first kFrameHeaderSize bytes; nullopt when the type or length is invalid.
std::optional<FrameHeader> decodeFrameHeader(const char* bytes);

// What the supervisor tells a worker thread about one request. The supervisor has parsed and
// validated the request head; the body (de-chunked) follows in Body frames.
struct RequestHead
{
    int64_t acceptedUs = 0; // CLOCK_MONOTONIC when the supervisor had the whole head: queue time starts
    uint32_t mountIndex = 0;
    bool http11 = true;
    bool keepAliveRequested = true;
    bool hasBody = false;
    bool bodyChunked = false; // length unknown up front (CONTENT_LENGTH absent)
    bool expectContinue = false;
    int64_t contentLength = -1;
    std::string method;
    std::string target; // raw request-target, e.g. "/app/x%20y?q=1"
    std::string remoteAddr;
    uint16_t remotePort = 0;
    std::string localAddr;
    uint16_t localPort = 0;
    std::vector<std::pair<std::string, std::string>> headers; // as received, names as sent

    std::string encode() const;
    static std::optional<RequestHead> decode(std::string_view payload);
};

// Measurements of one request, sent with End. Microseconds, CLOCK_MONOTONIC where a timestamp.
struct RequestMetrics
{
    int64_t acceptedUs = 0;       // copied from the request
    int64_t threadStartUs = 0;    // a worker thread started on it (queue time ends)
    int64_t appStartUs = 0;       // the interpreter was acquired and the app called
    int64_t appEndUs = 0;         // response complete
    int64_t cpuUs = 0;            // thread CPU time since the thread's previous request ended: reading
                                  // and parsing this one, the application, writing the answer
    int64_t gilWaitHandoffUs = 0; // at the engine's own hand-off points, as mod_wsgi measures
    int64_t gilWaitFullUs = 0;    // every wait for the GIL during the request
    int64_t gilWaitCount = 0;
    int64_t inputReadUs = 0;
    int64_t outputWriteUs = 0;
    int64_t bytesIn = 0;
    int64_t bytesOut = 0;
    int32_t status = 0;     // 0 = the app failed before start_response
    bool keepAlive = false; // the connection may carry another request
    bool truncated = false; // the response was cut short: close without finishing it

    std::string encode() const;
    static std::optional<RequestMetrics> decode(std::string_view payload);
};

} // namespace wsgi::hosting
