#include "requestthread.h"

#include "core/clock.h"
#include "gilwaitprobe.h"
#include "hosting/httptext.h"
#include "pythonhost.h"

#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace wsgi::worker {

using hosting::FrameType;
using hosting::iequals;

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

std::string percentDecode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() + 0 && i + 2 <= s.size() - 1 + 1) {
            const int hi = i + 1 < s.size() ? hexValue(s[i + 1]) : -1;
            const int lo = i + 2 < s.size() ? hexValue(s[i + 2]) : -1;
            if (hi >= 0 && lo >= 0) {
                out += char(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

// Fills one request's environ, with the interpreter's interned keys where it has them.
class EnvironBuilder
{
public:
    EnvironBuilder(PyObject* dict, const Interpreter& interp) : m_dict(dict), m_interp(interp) {}

    // environ[key] = value; false with an exception set.
    bool setObject(const std::string& key, PyObject* value) const
    {
        if (!value)
            return false;
        if (PyObject* k = m_interp.environKey(key))
            return PyDict_SetItem(m_dict, k, value) == 0;
        return PyDict_SetItemString(m_dict, key.c_str(), value) == 0;
    }
    // environ[key] = latin-1 str(value): PEP 3333's native strings.
    bool setString(const std::string& key, std::string_view value) const
    {
        return setNewObject(key, PyUnicode_DecodeLatin1(value.data(), Py_ssize_t(value.size()), nullptr));
    }
    bool setNewObject(const std::string& key, PyObject* value) const
    {
        const bool ok = setObject(key, value);
        Py_XDECREF(value);
        return ok;
    }

private:
    PyObject* m_dict;
    const Interpreter& m_interp;
};

// Applications must not produce hop-by-hop headers (PEP 3333); the engine owns connection handling.
bool isHopByHop(std::string_view name)
{
    for (const char* h : {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                          "trailers", "transfer-encoding", "upgrade"})
        if (iequals(name, h))
            return true;
    return false;
}

bool isToken(std::string_view s)
{
    if (s.empty())
        return false;
    for (unsigned char c : s)
        if (c <= 32 || c >= 127 || std::strchr("()<>@,;:\\\"/[]?={}", c))
            return false;
    return true;
}

// Latin-1 bytes of a str, or false with TypeError/ValueError naming `what`.
bool latin1(PyObject* o, const char* what, std::string& out)
{
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be of type str, not %.100s", what, Py_TYPE(o)->tp_name);
        return false;
    }
    PyObject* b = PyUnicode_AsLatin1String(o);
    if (!b) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s must be encodable as latin-1", what);
        return false;
    }
    out.assign(PyBytes_AS_STRING(b), size_t(PyBytes_GET_SIZE(b)));
    Py_DECREF(b);
    return true;
}

} // namespace

// ---------------------------------------------------------------------------------------------------
// RequestContext: what wsgi.input, start_response, write() and wsgi.errors do.

void RequestContext::reset(const hosting::RequestHead* head, PyThreadState* tstate, hosting::BlockingChannel* channel)
{
    ++generation;
    m_head = head;
    m_tstate = tstate;
    m_channel = channel;
    m_metrics = hosting::RequestMetrics{};
    m_bodyOpen = head->hasBody;
    m_aborted = false;
    m_continueSent = false;
    m_body.clear();
    m_bodyPos = 0;
    m_statusSet = false;
    m_headersSent = false;
    m_status.clear();
    m_headers.clear();
    m_responseHead = hosting::ResponseHead{};
    m_lengthLeft = -1;
    m_out.clear();
}

bool RequestContext::flushOut()
{
    if (m_out.empty())
        return true;
    // mod_wsgi releases the GIL around each write to Apache and times the re-acquire; so do we.
    PyThreadState* ts = PyEval_SaveThread();
    const int64_t start = monotonicMicros();
    const bool ok = m_channel->writeAll(m_out);
    const int64_t wrote = monotonicMicros();
    PyEval_RestoreThread(ts);
    const int64_t back = monotonicMicros();
    m_metrics.outputWriteUs += wrote - start;
    m_metrics.gilWaitHandoffUs += back - wrote;
    ++m_metrics.gilWaitCount;
    m_out.clear();
    if (!ok) {
        PyErr_SetString(PyExc_OSError, "the engine's supervisor closed the request channel");
        return false;
    }
    return true;
}

bool RequestContext::ensureBody(size_t want)
{
    if (m_head->expectContinue && !m_continueSent && m_bodyOpen && m_body.size() - m_bodyPos < want) {
        hosting::appendFrame(m_out, FrameType::Continue, {});
        m_continueSent = true;
        if (!flushOut())
            return false;
    }
    while (m_bodyOpen && m_body.size() - m_bodyPos < want) {
        PyThreadState* ts = PyEval_SaveThread();
        const int64_t start = monotonicMicros();
        FrameType type{};
        std::string payload, error;
        const bool ok = m_channel->readFrame(type, payload, error);
        const int64_t got = monotonicMicros();
        PyEval_RestoreThread(ts);
        const int64_t back = monotonicMicros();
        m_metrics.inputReadUs += got - start;
        m_metrics.gilWaitHandoffUs += back - got;
        ++m_metrics.gilWaitCount;
        if (!ok || (type != FrameType::Body && type != FrameType::BodyEnd && type != FrameType::Abort)) {
            m_bodyOpen = false;
            m_aborted = true;
            break;
        }
        if (type == FrameType::Body) {
            if (m_bodyPos > 65536 && m_bodyPos * 2 > m_body.size()) {
                m_body.erase(0, m_bodyPos);
                m_bodyPos = 0;
            }
            m_body += payload;
        } else {
            m_bodyOpen = false;
            m_aborted = type == FrameType::Abort;
        }
    }
    // An application that asked for more than arrived must learn that the body is incomplete.
    if (m_aborted && (want == SIZE_MAX || m_body.size() - m_bodyPos < want)) {
        PyErr_SetString(PyExc_OSError, "request body could not be read: the client closed the connection "
                                       "or sent a malformed body");
        return false;
    }
    return true;
}

PyObject* RequestContext::read(Py_ssize_t size)
{
    if (size == 0)
        return PyBytes_FromStringAndSize(nullptr, 0);
    const size_t want = size < 0 ? SIZE_MAX : size_t(size);
    if (!ensureBody(want))
        return nullptr;
    const size_t n = std::min(want, m_body.size() - m_bodyPos);
    PyObject* r = PyBytes_FromStringAndSize(m_body.data() + m_bodyPos, Py_ssize_t(n));
    m_bodyPos += n;
    m_metrics.bytesIn += int64_t(n);
    return r;
}

PyObject* RequestContext::readline(Py_ssize_t size)
{
    const size_t limit = size < 0 ? SIZE_MAX : size_t(size);
    size_t scanned = 0;
    while (true) {
        const std::string_view avail(m_body.data() + m_bodyPos, m_body.size() - m_bodyPos);
        const size_t nl = avail.find('\n', scanned);
        if (nl != std::string_view::npos || avail.size() >= limit || !m_bodyOpen) {
            size_t n = nl == std::string_view::npos ? avail.size() : nl + 1;
            n = std::min(n, limit);
            if (nl == std::string_view::npos && !m_bodyOpen && m_aborted) {
                PyErr_SetString(PyExc_OSError, "request body could not be read: the client closed the connection");
                return nullptr;
            }
            PyObject* r = PyBytes_FromStringAndSize(avail.data(), Py_ssize_t(n));
            m_bodyPos += n;
            m_metrics.bytesIn += int64_t(n);
            return r;
        }
        scanned = avail.size();
        if (!ensureBody(avail.size() + 1) && m_aborted)
            return nullptr;
        PyErr_Clear();
    }
}

PyObject* RequestContext::startResponse(PyObject* status, PyObject* headers, PyObject* excInfo)
{
    if (excInfo != Py_None) {
        if (!PyTuple_Check(excInfo) || PyTuple_GET_SIZE(excInfo) != 3) {
            PyErr_SetString(PyExc_TypeError, "exc_info must be a (type, value, traceback) tuple");
            return nullptr;
        }
        if (m_headersSent) {
            // PEP 3333: too late to change the response; re-raise the application's error.
            PyObject* type = PyTuple_GET_ITEM(excInfo, 0);
            PyObject* value = PyTuple_GET_ITEM(excInfo, 1);
            PyObject* tb = PyTuple_GET_ITEM(excInfo, 2);
            Py_INCREF(type);
            Py_INCREF(value);
            Py_INCREF(tb);
            PyErr_Restore(type, value, tb);
            return nullptr;
        }
    } else if (m_statusSet) {
        PyErr_SetString(PyExc_RuntimeError, "start_response() called a second time without exc_info");
        return nullptr;
    }

    std::string statusText;
    if (!latin1(status, "status", statusText))
        return nullptr;
    if (statusText.size() < 4 || !isdigit(statusText[0]) || !isdigit(statusText[1]) || !isdigit(statusText[2]) ||
        statusText[3] != ' ' || statusText[0] == '0') {
        PyErr_Format(PyExc_ValueError, "status must be 'NNN reason', e.g. '200 OK', not '%s'", statusText.c_str());
        return nullptr;
    }
    for (unsigned char c : statusText)
        if (c < 32 || c == 127) {
            PyErr_SetString(PyExc_ValueError, "control character in status");
            return nullptr;
        }
    if (!PyList_Check(headers)) {
        PyErr_Format(PyExc_TypeError, "response headers must be a list, not %.100s", Py_TYPE(headers)->tp_name);
        return nullptr;
    }
    std::vector<std::pair<std::string, std::string>> parsed;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(headers); ++i) {
        PyObject* item = PyList_GET_ITEM(headers, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
            PyErr_Format(PyExc_TypeError, "response header %zd must be a (name, value) tuple", i);
            return nullptr;
        }
        std::string name, value;
        if (!latin1(PyTuple_GET_ITEM(item, 0), "response header name", name) ||
            !latin1(PyTuple_GET_ITEM(item, 1), "response header value", value))
            return nullptr;
        if (!isToken(name)) {
            PyErr_Format(PyExc_ValueError, "invalid response header name '%s'", name.c_str());
            return nullptr;
        }
        for (unsigned char c : value)
            if ((c < 32 && c != '\t') || c == 127) {
                PyErr_Format(PyExc_ValueError, "control character in the value of response header '%s'",
                             name.c_str());
                return nullptr;
            }
        if (isHopByHop(name)) {
            PyErr_Format(PyExc_ValueError, "hop-by-hop header '%s' is not allowed in a WSGI response", name.c_str());
            return nullptr;
        }
        parsed.emplace_back(std::move(name), std::move(value));
    }
    m_status = std::move(statusText);
    m_headers = std::move(parsed);
    m_statusSet = true;
    return newBoundObject(writeType, this);
}

bool RequestContext::sendHead(std::optional<int64_t> knownLength)
{
    hosting::ResponseHeadRequest req;
    req.status = m_status;
    req.headers = &m_headers;
    req.http11 = m_head->http11;
    req.keepAliveRequested = m_head->keepAliveRequested;
    req.headRequest = m_head->method == "HEAD";
    req.knownLength = knownLength;
    m_responseHead = hosting::buildResponseHead(req);
    m_lengthLeft = m_responseHead.framing == hosting::BodyFraming::ContentLength ? m_responseHead.contentLength : -1;
    hosting::appendFrame(m_out, FrameType::Data, m_responseHead.bytes);
    m_headersSent = true;
    m_metrics.status = m_responseHead.statusCode;
    return true;
}

bool RequestContext::sendBody(std::string_view data, bool flush)
{
    if (!m_statusSet) {
        PyErr_SetString(PyExc_RuntimeError, "response body produced before start_response() was called");
        return false;
    }
    if (!m_headersSent) {
        if (data.empty())
            return true; // PEP 3333: headers wait for the first non-empty block
        sendHead(std::nullopt);
    }
    switch (m_responseHead.framing) {
    case hosting::BodyFraming::None:
        break;
    case hosting::BodyFraming::ContentLength:
        // Never send more than was declared: the surplus would corrupt the next response.
        data = data.substr(0, size_t(std::min<int64_t>(m_lengthLeft, int64_t(data.size()))));
        m_lengthLeft -= int64_t(data.size());
        [[fallthrough]];
    case hosting::BodyFraming::UntilClose:
        if (!data.empty())
            hosting::appendFrame(m_out, FrameType::Data, data);
        break;
    case hosting::BodyFraming::Chunked:
        if (!data.empty()) {
            std::string chunk;
            chunk.reserve(data.size() + 16);
            hosting::appendChunkHeader(chunk, data.size());
            chunk += data;
            chunk += "\r\n";
            hosting::appendFrame(m_out, FrameType::Data, chunk);
        }
        break;
    }
    m_metrics.bytesOut += int64_t(data.size());
    return !flush || flushOut();
}

PyObject* RequestContext::write(PyObject* data)
{
    if (!PyBytes_Check(data)) {
        PyErr_Format(PyExc_TypeError, "write() expects bytes, not %.100s", Py_TYPE(data)->tp_name);
        return nullptr;
    }
    if (!sendBody(std::string_view(PyBytes_AS_STRING(data), size_t(PyBytes_GET_SIZE(data))), true))
        return nullptr;
    Py_RETURN_NONE;
}

PyObject* RequestContext::logText(PyObject* text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "wsgi.errors.write() expects str, not %.100s", Py_TYPE(text)->tp_name);
        return nullptr;
    }
    Py_ssize_t n = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(text, &n);
    if (!utf8)
        return nullptr;
    std::string copy(utf8, size_t(n));
    PyThreadState* ts = PyEval_SaveThread();
    const ssize_t written = ::write(2, copy.data(), copy.size());
    (void)written;
    const int64_t wrote = monotonicMicros();
    PyEval_RestoreThread(ts);
    m_metrics.gilWaitHandoffUs += monotonicMicros() - wrote;
    ++m_metrics.gilWaitCount;
    Py_RETURN_NONE;
}

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

void RequestThread::run()
{
    FrameType type{};
    std::string payload, error;
    while (m_channel.readFrame(type, payload, error)) {
        if (type != FrameType::Request)
            continue; // the tail of an earlier request's body, already drained or abandoned
        const auto head = hosting::RequestHead::decode(payload);
        if (!head) {
            std::fprintf(stderr, "%smalformed request frame from the supervisor\n", m_host.logPrefix().c_str());
            break;
        }
        m_busy.store(true, std::memory_order_relaxed);
        handle(*head);
        m_busy.store(false, std::memory_order_relaxed);
    }
}

void RequestThread::drainBody()
{
    FrameType type{};
    std::string payload, error;
    while (m_channel.readFrame(type, payload, error))
        if (type == FrameType::BodyEnd || type == FrameType::Abort)
            return;
}

void RequestThread::respondError(int status, const char* reason, const char* text)
{
    RequestContext& c = m_context;
    c.m_out.clear();
    const std::string response = hosting::simpleResponse(status, reason, text, c.m_head->keepAliveRequested,
                                                         c.m_head->http11);
    hosting::appendFrame(c.m_out, FrameType::Data, response);
    c.m_metrics.status = status;
    c.m_metrics.keepAlive = c.m_head->keepAliveRequested;
    c.m_headersSent = true;
}

void RequestThread::handle(const hosting::RequestHead& head)
{
    const int64_t threadStart = monotonicMicros();
    const int64_t cpuStart = threadCpuMicros();
    const GilWaitCounters gilStart = gilWaitTotals();

    Application* app = m_host.application(head.mountIndex);
    RequestContext& c = m_context;
    c.reset(&head, nullptr, &m_channel);
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
        c.m_out.size(); // keep frames; End is appended below without the GIL
        PyEval_SaveThread();
    }

    hosting::RequestMetrics& m = c.m_metrics;
    m.acceptedUs = head.acceptedUs;
    m.threadStartUs = threadStart;
    m.appEndUs = monotonicMicros();
    if (m.appStartUs == 0)
        m.appStartUs = threadStart;
    m.cpuUs = threadCpuMicros() - cpuStart;
    const GilWaitCounters gilEnd = gilWaitTotals();
    m.gilWaitFullUs = gilEnd.waitUs - gilStart.waitUs;
    hosting::appendFrame(c.m_out, FrameType::End, m.encode());
    const bool sent = m_channel.writeAll(c.m_out);
    c.m_out.clear();
    ++c.generation; // objects the application kept stop working now
    if (sent && c.m_bodyOpen)
        drainBody();
}

void RequestThread::runApplication(Application& app)
{
    RequestContext& c = m_context;
    const hosting::RequestHead& head = *c.m_head;
    Interpreter& interp = *app.interpreter;
    const std::string prefix = m_host.logPrefix();

    if (!m_host.ensureLoaded(app)) {
        respondError(500, "Internal Server Error",
                     "the WSGI application could not be loaded; the traceback is in the engine log");
        return;
    }

    c.writeType = interp.types.write;
    PyObject* environ = PyDict_New();
    PyObject* startResponse = newBoundObject(interp.types.startResponse, &c);
    PyObject* result = nullptr;
    bool ok = environ && startResponse;
    const EnvironBuilder env(environ, interp);

    // --- environ (PEP 3333 and the CGI variables Apache gives mod_wsgi) ---
    if (ok) {
        const std::string_view target = head.target;
        const size_t q = target.find('?');
        std::string_view rawPath = target.substr(0, q);
        if (rawPath.find("://") != std::string_view::npos) {
            const size_t slash = rawPath.find('/', rawPath.find("://") + 3);
            rawPath = slash == std::string_view::npos ? std::string_view("/") : rawPath.substr(slash);
        }
        const std::string path = percentDecode(rawPath);
        const std::string& mountPrefix = app.mount->urlPrefix;
        std::string host(m_host.spec().serverName);
        std::string contentType, contentLength;
        ok = env.setString("REQUEST_METHOD", head.method) && env.setObject("SCRIPT_NAME", app.scriptName) &&
             env.setString("PATH_INFO",
                       std::string_view(path).substr(std::min(path.size(), mountPrefix.size()))) &&
             env.setString("QUERY_STRING", q == std::string_view::npos ? "" : target.substr(q + 1)) &&
             env.setString("REQUEST_URI", target) &&
             env.setString("SERVER_PROTOCOL", head.http11 ? "HTTP/1.1" : "HTTP/1.0") &&
             env.setString("SERVER_PORT", std::to_string(head.localPort)) &&
             env.setString("SERVER_ADDR", head.localAddr) && env.setString("REMOTE_ADDR", head.remoteAddr) &&
             env.setString("REMOTE_PORT", std::to_string(head.remotePort)) &&
             env.setString("REQUEST_SCHEME", "http") && env.setString("GATEWAY_INTERFACE", "CGI/1.1") &&
             env.setString("SERVER_SOFTWARE", "wsgi-engine") &&
             env.setObject("SCRIPT_FILENAME", app.scriptFilename);
        for (const auto& [name, value] : head.headers) {
            if (!ok)
                break;
            if (iequals(name, "Content-Type")) {
                ok = env.setString("CONTENT_TYPE", value);
                continue;
            }
            if (iequals(name, "Content-Length")) {
                ok = env.setString("CONTENT_LENGTH", value);
                continue;
            }
            if (name.find('_') != std::string::npos)
                continue; // as Apache 2.4: HTTP_FOO_BAR must not be forgeable by a "Foo_Bar" header
            if (iequals(name, "Host"))
                host = value.substr(0, value.rfind(':') == std::string::npos || value.back() == ']'
                                           ? value.size()
                                           : value.rfind(':'));
            std::string key = "HTTP_";
            for (char ch : name)
                key += ch == '-' ? '_' : char(toupper(static_cast<unsigned char>(ch)));
            PyObject* existing = PyDict_GetItemString(environ, key.c_str());
            if (existing) {
                // Repeated headers are joined with ", " (RFC 9110 5.3); Cookie with "; ".
                std::string joined;
                latin1(existing, "header", joined);
                joined += key == "HTTP_COOKIE" ? "; " : ", ";
                joined += value;
                ok = env.setString(key, joined);
            } else {
                ok = env.setString(key, value);
            }
        }
        ok = ok && env.setString("SERVER_NAME", host) && env.setObject("wsgi.version", interp.wsgiVersion) &&
             env.setString("wsgi.url_scheme", "http") &&
             env.setNewObject("wsgi.input", newBoundObject(interp.types.input, &c)) &&
             env.setNewObject("wsgi.errors", newBoundObject(interp.types.errors, &c)) &&
             env.setObject("wsgi.multithread", interp.multithread) &&
             env.setObject("wsgi.multiprocess", interp.multiprocess) &&
             env.setObject("wsgi.run_once", Py_False) && env.setObject("wsgi.input_terminated", Py_True) &&
             env.setObject("wsgi.file_wrapper", interp.types.fileWrapper) &&
             env.setObject("mod_wsgi.process_group", interp.processGroup) &&
             env.setObject("mod_wsgi.application_group", interp.applicationGroup);
    }

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
                PyErr_SetString(PyExc_RuntimeError, "the application returned without calling start_response()");
                ok = false;
            }
            if (ok && !c.m_headersSent)
                ok = c.sendHead(total);
            for (Py_ssize_t i = 0; i < n && ok; ++i) {
                PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
                ok = c.sendBody(std::string_view(PyBytes_AS_STRING(item), size_t(PyBytes_GET_SIZE(item))), false);
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
                    ok = c.sendBody(std::string_view(PyBytes_AS_STRING(item), size_t(PyBytes_GET_SIZE(item))), true);
                }
                Py_DECREF(item);
            }
            Py_XDECREF(it);
            if (ok && !c.m_statusSet) {
                PyErr_SetString(PyExc_RuntimeError, "the application returned without calling start_response()");
                ok = false;
            }
            if (ok && !c.m_headersSent)
                ok = c.sendHead(0);
        }
    }
    if (!ok) {
        std::fprintf(stderr, "%sException occurred processing WSGI script '%s'.\n", prefix.c_str(),
                     app.mount->scriptPath.c_str());
        std::fflush(stderr);
        printAndClearException();
    }
    // PEP 3333: close() is called whatever happened, once the response is done.
    if (result && PyObject_HasAttrString(result, "close")) {
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
            hosting::appendFrame(c.m_out, FrameType::Data, hosting::kLastChunk);
        const bool shortBody = c.m_responseHead.framing == hosting::BodyFraming::ContentLength && c.m_lengthLeft > 0;
        c.m_metrics.truncated = shortBody;
        c.m_metrics.keepAlive = c.m_responseHead.keepAlive && !shortBody;
    } else if (!c.m_headersSent || c.m_out.size() == c.m_responseHead.bytes.size() + hosting::kFrameHeaderSize) {
        respondError(500, "Internal Server Error", "the WSGI application raised an exception; see the engine log");
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
