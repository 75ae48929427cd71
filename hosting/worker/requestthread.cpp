#include "requestthread.h"

#include "channelio.h"
#include "core/clock.h"
#include "gilwaitprobe.h"
#include "hosting/httptext.h"
#include "hosting/requesthead.h"
#include "hosting/routing.h"
#include "pytext.h"
#include "pythonhost.h"

#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace wsgi::worker {

using hosting::FrameType;

// ---------------------------------------------------------------------------------------------------
// RequestThread

RequestThread::RequestThread(PythonHost& host, int channelFd, int index)
    : m_host(host), m_channel(channelFd), m_index(index)
{
}

PyThreadState* RequestThread::threadState(Interpreter& interp)
{
    for (auto& [i, ts] : m_threadStates)
        if (i == &interp)
            return ts;
    PyThreadState* ts = nullptr;
    if (interp.isMain) {
        // The main interpreter's thread state goes through PyGILState so that extension code
        // calling PyGILState_Ensure on this thread finds it instead of deadlocking.
        PyGILState_Ensure();
        ts = PyEval_SaveThread();
    } else {
        ts = PyThreadState_New(interp.state);
    }
    m_threadStates.emplace_back(&interp, ts);
    return ts;
}

void RequestThread::runChannel()
{
    FrameType type{};
    std::string payload, error;
    ChannelIo io(m_channel);
    while (m_channel.readFrame(type, payload, error)) {
        if (type != FrameType::Request)
            continue; // the tail of an earlier request's body, already abandoned
        const auto head = hosting::RequestHead::decode(payload);
        if (!head) {
            std::fprintf(stderr, "%smalformed request frame from the supervisor\n",
                         m_host.logPrefix().c_str());
            break;
        }
        io.startRequest(head->hasBody);
        execute(*head, io);
    }
}

void RequestThread::respondError(int status, const char* reason, const char* text)
{
    RequestContext& c = m_context;
    (void)reason; // the standard phrase for `status`
    c.m_out = hosting::engineResponse(status, text, c.m_head->keepAliveRequested, c.m_head->http11,
                                      c.m_head->method == "HEAD");
    c.m_metrics.status = status;
    c.m_metrics.keepAlive = c.m_head->keepAliveRequested;
    c.m_headersSent = true;
}

ThreadActivity RequestThread::activity() const
{
    std::lock_guard lock(m_activityLock);
    return m_activity;
}

void RequestThread::execute(const hosting::RequestHead& head, RequestIo& io)
{
    m_busy.store(true, std::memory_order_relaxed);
    const int64_t threadStart = monotonicMicros();
    if (m_cpuMarkUs == 0)
        m_cpuMarkUs = threadCpuMicros();
    const GilWaitCounters gilStart = gilWaitTotals();

    Application* app = m_host.application(head.mountIndex);
    uint64_t serial = 0;
    {
        std::lock_guard lock(m_activityLock);
        serial = ++m_activity.serial;
        m_activity.startUs = threadStart;
        if (m_activity.threadId == 0)
            m_activity.threadId = PyThread_get_thread_ident();
        m_activity.interpreter = app ? app->interpreter : nullptr;
        m_activity.method = head.method;
        m_activity.path = head.target.substr(0, head.target.find('?'));
    }
    RequestContext& c = m_context;
    c.reset(&head, nullptr, &io);
    if (!app) {
        respondError(500, "Internal Server Error", "no application for this mount in this daemon process");
    } else {
        PyThreadState* ts = threadState(*app->interpreter);
        c.m_tstate = ts;
        const int64_t acquireStart = monotonicMicros();
        PyEval_RestoreThread(ts);
        c.m_metrics.appStartUs = monotonicMicros();
        c.m_metrics.gilWaitHandoffUs += c.m_metrics.appStartUs - acquireStart;
        ++c.m_metrics.gilWaitCount;
        runApplication(*app);
        if (m_interruptedSerial.load() == serial) {
            // The RequestTimeout raised for this request may not have been delivered (the request
            // ended first): dropped here, under the GIL it was raised with.
            PyThreadState_SetAsyncExc(static_cast<unsigned long>(PyThread_get_thread_ident()), nullptr);
            PyErr_Clear();
        }
        PyEval_SaveThread();
    }

    hosting::RequestMetrics& m = c.m_metrics;
    m.acceptedUs = head.acceptedUs;
    m.threadStartUs = threadStart;
    m.appEndUs = monotonicMicros();
    if (m.appStartUs == 0)
        m.appStartUs = threadStart;
    // One CPU clock read per request (it is a system call): the thread's CPU since the previous
    // request ended, which adds this request's read and parse to the application's own time.
    const int64_t cpuNow = threadCpuMicros();
    m.cpuUs = cpuNow - m_cpuMarkUs;
    m_cpuMarkUs = cpuNow;
    const GilWaitCounters gilEnd = gilWaitTotals();
    m.gilWaitFullUs = gilEnd.waitUs - gilStart.waitUs;
    io.finish(c.m_out, m);
    c.m_out.clear();
    ++c.generation; // objects the application kept stop working now
    {
        std::lock_guard lock(m_activityLock);
        m_activity.startUs = 0;
    }
    m_busy.store(false, std::memory_order_relaxed);
}

void RequestThread::runApplication(Application& app)
{
    RequestContext& c = m_context;
    const hosting::RequestHead& head = *c.m_head;
    Interpreter& interp = *app.interpreter;
    const std::string& prefix = m_host.logPrefix();

    if (!m_host.ensureLoaded(app)) {
        respondError(500, "Internal Server Error",
                     "the WSGI application could not be loaded; the traceback is in the engine log");
        return;
    }

    c.writeType = interp.types.write;
    PyObject* input = newBoundObject(interp.types.input, &c);
    PyObject* errors = newBoundObject(interp.types.errors, &c);
    PyObject* environ =
        input && errors ? newEnviron(app, head, m_host.spec().serverName, input, errors) : nullptr;
    Py_XDECREF(input);
    Py_XDECREF(errors);
    PyObject* startResponse = environ ? newBoundObject(interp.types.startResponse, &c) : nullptr;
    PyObject* result = nullptr;
    bool ok = environ && startResponse;

    // --- call the application and send what it returns ---
    if (ok) {
        result = PyObject_CallFunctionObjArgs(app.callable, environ, startResponse, nullptr);
        ok = result != nullptr;
    }
    if (ok) {
        if (PyList_CheckExact(result) || PyTuple_CheckExact(result)) {
            // A sequence: the total length is known up front, and all of it goes out in one write.
            PyObject* seq = result;
            const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
            int64_t total = 0;
            for (Py_ssize_t i = 0; i < n && ok; ++i) {
                PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
                if (!PyBytes_Check(item)) {
                    PyErr_Format(PyExc_TypeError,
                                 "sequence of byte string values expected, value of type %.100s found",
                                 Py_TYPE(item)->tp_name);
                    ok = false;
                }
                total += ok ? PyBytes_GET_SIZE(item) : 0;
            }
            if (ok && !c.m_statusSet) {
                PyErr_SetString(PyExc_RuntimeError,
                                "the application returned without calling start_response()");
                ok = false;
            }
            if (ok && !c.m_headersSent)
                ok = c.sendHead(total);
            for (Py_ssize_t i = 0; i < n && ok; ++i) {
                PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
                ok = c.sendBody(std::string_view(PyBytes_AS_STRING(item), size_t(PyBytes_GET_SIZE(item))),
                                false);
            }
        } else {
            PyObject* it = PyObject_GetIter(result);
            ok = it != nullptr;
            while (ok) {
                PyObject* item = PyIter_Next(it);
                if (!item) {
                    ok = !PyErr_Occurred();
                    break;
                }
                if (!PyBytes_Check(item)) {
                    PyErr_Format(PyExc_TypeError,
                                 "sequence of byte string values expected, value of type %.100s found",
                                 Py_TYPE(item)->tp_name);
                    ok = false;
                } else {
                    ok = c.sendBody(std::string_view(PyBytes_AS_STRING(item), size_t(PyBytes_GET_SIZE(item))),
                                    true);
                }
                Py_DECREF(item);
            }
            Py_XDECREF(it);
            if (ok && !c.m_statusSet) {
                PyErr_SetString(PyExc_RuntimeError,
                                "the application returned without calling start_response()");
                ok = false;
            }
            if (ok && !c.m_headersSent)
                ok = c.sendHead(0);
        }
    }
    // RequestTimeout (raised by the monitor after request-timeout, see lifecyclemonitor.h) answers 504
    // as mod_wsgi 6 does, if nothing of the response has left yet.
    bool timedOut = false;
    if (!ok) {
        timedOut = interp.requestTimeout && PyErr_ExceptionMatches(interp.requestTimeout);
        std::fprintf(stderr, "%s%s '%s'.\n", prefix.c_str(),
                     timedOut ? "Request timed out (RequestTimeout raised) processing WSGI script"
                              : "Exception occurred processing WSGI script",
                     app.mount->scriptPath.c_str());
        std::fflush(stderr);
        printAndClearException();
    }
    // PEP 3333: close() is called whatever happened, once the response is done. (A plain list or
    // tuple has none; asking would build and discard an AttributeError on every request.)
    if (result && !PyList_CheckExact(result) && !PyTuple_CheckExact(result) &&
        PyObject_HasAttrString(result, "close")) {
        PyObject* r = PyObject_CallMethod(result, "close", nullptr);
        if (!r) {
            std::fprintf(stderr, "%sException occurred calling close() of the response of '%s'.\n",
                         prefix.c_str(), app.mount->scriptPath.c_str());
            std::fflush(stderr);
            printAndClearException();
            ok = false;
        }
        Py_XDECREF(r);
    }
    if (ok) {
        if (c.m_responseHead.framing == hosting::BodyFraming::Chunked)
            c.m_out += hosting::kLastChunk;
        const bool shortBody =
            c.m_responseHead.framing == hosting::BodyFraming::ContentLength && c.m_lengthLeft > 0;
        c.m_metrics.truncated = shortBody;
        c.m_metrics.keepAlive = c.m_responseHead.keepAlive && !shortBody;
    } else if (!c.m_flushedAny && timedOut) {
        respondError(504, "Gateway Timeout", "the request ran past request-timeout and was interrupted");
    } else if (!c.m_flushedAny) {
        respondError(500, "Internal Server Error",
                     "the WSGI application raised an exception; see the engine log");
    } else {
        // Part of the response is out: all the engine can do is cut the connection.
        c.m_metrics.truncated = true;
        c.m_metrics.keepAlive = false;
    }
    Py_XDECREF(result);
    Py_XDECREF(startResponse);
    Py_XDECREF(environ);
}

} // namespace wsgi::worker
