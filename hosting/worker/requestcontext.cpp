// RequestContext: what wsgi.input, start_response, write() and wsgi.errors do for one request.

#include "requestthread.h"

#include "core/clock.h"
#include "hosting/httptext.h"
#include "pytext.h"
#include "wsgitypes.h"

#include <cstring>
#include <unistd.h>

namespace wsgi::worker {

using hosting::iequals;

namespace {

// Applications must not produce hop-by-hop headers (PEP 3333); the engine owns connection handling.
bool isHopByHop(std::string_view name)
{
    static constexpr std::string_view kHopByHop[] = {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te",         "trailers",   "transfer-encoding",  "upgrade"};
    for (std::string_view h : kHopByHop)
        if (iequals(name, h))
            return true;
    return false;
}

bool isToken(std::string_view s)
{
    if (s.empty())
        return false;
    for (unsigned char c : s)
        if (!hosting::isTokenChar(c))
            return false;
    return true;
}

} // namespace

void RequestContext::reset(const hosting::RequestHead* head, PyThreadState* tstate, RequestIo* io)
{
    ++generation;
    m_head = head;
    m_tstate = tstate;
    m_io = io;
    m_flushedAny = false;
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
    const bool ok = m_io->write(m_out);
    m_flushedAny = true;
    const int64_t wrote = monotonicMicros();
    PyEval_RestoreThread(ts);
    const int64_t back = monotonicMicros();
    m_metrics.outputWriteUs += wrote - start;
    m_metrics.gilWaitHandoffUs += back - wrote;
    ++m_metrics.gilWaitCount;
    m_out.clear();
    if (!ok) {
        PyErr_SetString(PyExc_OSError, "the response could not be sent: the connection is gone");
        return false;
    }
    return true;
}

bool RequestContext::ensureBody(size_t want)
{
    if (m_head->expectContinue && !m_continueSent && m_bodyOpen && m_body.size() - m_bodyPos < want) {
        m_continueSent = true;
        if (!flushOut() || !m_io->sendContinue()) {
            PyErr_SetString(PyExc_OSError, "request body could not be read: the connection is gone");
            return false;
        }
    }
    while (m_bodyOpen && m_body.size() - m_bodyPos < want) {
        if (m_bodyPos > 65536 && m_bodyPos * 2 > m_body.size()) {
            m_body.erase(0, m_bodyPos);
            m_bodyPos = 0;
        }
        PyThreadState* ts = PyEval_SaveThread();
        const int64_t start = monotonicMicros();
        const BodyRead got = m_io->readBody(m_body);
        const int64_t read = monotonicMicros();
        PyEval_RestoreThread(ts);
        const int64_t back = monotonicMicros();
        m_metrics.inputReadUs += read - start;
        m_metrics.gilWaitHandoffUs += back - read;
        ++m_metrics.gilWaitCount;
        if (got != BodyRead::Data) {
            m_bodyOpen = false;
            m_aborted = got == BodyRead::Aborted;
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
                PyErr_SetString(PyExc_OSError,
                                "request body could not be read: the client closed the connection");
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
    if (statusText.size() < 4 || !isdigit(statusText[0]) || !isdigit(statusText[1]) ||
        !isdigit(statusText[2]) || statusText[3] != ' ' || statusText[0] == '0') {
        PyErr_Format(PyExc_ValueError, "status must be 'NNN reason', e.g. '200 OK', not '%s'",
                     statusText.c_str());
        return nullptr;
    }
    for (unsigned char c : statusText)
        if (c < 32 || c == 127) {
            PyErr_SetString(PyExc_ValueError, "control character in status");
            return nullptr;
        }
    if (!PyList_Check(headers)) {
        PyErr_Format(PyExc_TypeError, "response headers must be a list, not %.100s",
                     Py_TYPE(headers)->tp_name);
        return nullptr;
    }
    std::vector<std::pair<std::string, std::string>> parsed;
    parsed.reserve(size_t(PyList_GET_SIZE(headers)));
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
            PyErr_Format(PyExc_ValueError, "hop-by-hop header '%s' is not allowed in a WSGI response",
                         name.c_str());
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
    m_lengthLeft =
        m_responseHead.framing == hosting::BodyFraming::ContentLength ? m_responseHead.contentLength : -1;
    m_out += m_responseHead.bytes;
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
        m_out += data;
        break;
    case hosting::BodyFraming::Chunked:
        if (!data.empty()) {
            hosting::appendChunkHeader(m_out, data.size());
            m_out += data;
            m_out += "\r\n";
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

} // namespace wsgi::worker
