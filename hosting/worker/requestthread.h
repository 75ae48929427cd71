#pragma once
// One request thread of a worker process: takes requests from its channel, runs them through the
// WSGI application of their mount, and sends the response back.

#include "hosting/blockingchannel.h"
#include "hosting/channelprotocol.h"
#include "hosting/responsehead.h"
#include "pycompat.h"
#include "requestio.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wsgi::worker {

class PythonHost;
struct Interpreter;
struct Application;

// The state of the request a thread is running, which the WSGI objects act on. Reused for every
// request of the thread; `generation` tells a stale object from a current one.
class RequestContext
{
public:
    uint64_t generation = 0;
    PyTypeObject* writeType = nullptr; // the write() callable's type in the current interpreter

    // wsgi.input
    PyObject* read(Py_ssize_t size);
    PyObject* readline(Py_ssize_t size);
    // start_response and write()
    PyObject* startResponse(PyObject* status, PyObject* headers, PyObject* excInfo);
    PyObject* write(PyObject* data);
    // wsgi.errors: text goes to the engine log.
    PyObject* logText(PyObject* text);

private:
    friend class RequestThread;
    void reset(const hosting::RequestHead* head, PyThreadState* tstate, RequestIo* io);
    bool ensureBody(size_t want); // with the GIL held; false with an exception set
    bool sendBody(std::string_view data, bool final);
    bool sendHead(std::optional<int64_t> knownLength);
    bool flushOut();

    const hosting::RequestHead* m_head = nullptr;
    PyThreadState* m_tstate = nullptr;
    RequestIo* m_io = nullptr;
    hosting::RequestMetrics m_metrics;

    // Request body.
    bool m_bodyOpen = false;
    bool m_aborted = false;
    bool m_continueSent = false;
    std::string m_body;
    size_t m_bodyPos = 0;

    // Response.
    bool m_statusSet = false;
    bool m_headersSent = false;
    std::string m_status;
    std::vector<std::pair<std::string, std::string>> m_headers;
    hosting::ResponseHead m_responseHead;
    int64_t m_lengthLeft = -1; // bytes the declared Content-Length still allows
    std::string m_out;         // response bytes not yet written
    bool m_flushedAny = false; // some of the response has left: an error can only cut it short
};

// What the process's monitor sees of the request a thread runs (see lifecyclemonitor.h).
struct ThreadActivity
{
    uint64_t serial = 0;   // counts the thread's requests: tells one request from the next
    int64_t startUs = 0;   // CLOCK_MONOTONIC when the request took the thread; 0 while idle
    uint64_t threadId = 0; // Python's id of the thread (threading.get_ident()); 0 before its first request
    Interpreter* interpreter = nullptr;
    std::string method;
    std::string path; // without the query string
};

class RequestThread
{
public:
    // channelFd: this thread's channel in proxy mode, -1 in direct mode.
    RequestThread(PythonHost& host, int channelFd, int index);
    void runChannel(); // proxy mode: the thread body
    // Runs one request through its application and sends the response through `io`.
    void execute(const hosting::RequestHead& head, RequestIo& io);
    bool busy() const { return m_busy.load(std::memory_order_relaxed); }
    int index() const { return m_index; }
    ThreadActivity activity() const;
    // Set (by the monitor, with the interpreter's GIL held) just before RequestTimeout is raised in
    // this thread's request `serial`; the thread clears an exception still pending when that request
    // ends, so that it cannot hit the next one.
    void markInterrupted(uint64_t serial) { m_interruptedSerial.store(serial); }

private:
    void runApplication(Application& app);
    void respondError(int status, const char* reason, const char* text);
    PyThreadState* threadState(Interpreter& interp);

    PythonHost& m_host;
    hosting::BlockingChannel m_channel;
    int m_index;
    RequestContext m_context;
    std::vector<std::pair<Interpreter*, PyThreadState*>> m_threadStates;
    std::atomic<bool> m_busy{false};
    mutable std::mutex m_activityLock;
    ThreadActivity m_activity;
    std::atomic<uint64_t> m_interruptedSerial{0};
    int64_t m_cpuMarkUs = 0; // this thread's CPU clock when its previous request ended
};

} // namespace wsgi::worker
