#include "environ.h"

#include "hosting/httptext.h"
#include "hosting/requesttarget.h"
#include "pytext.h"
#include "pythonhost.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace wsgi::worker {

using hosting::iequals;

namespace {

PyObject* latin1Object(std::string_view value)
{
    return PyUnicode_DecodeLatin1(value.data(), Py_ssize_t(value.size()), nullptr);
}

// environ[key] = value, taking the reference to `value`; false with an exception set.
bool put(PyObject* environ, PyObject* key, PyObject* value)
{
    if (!value)
        return false;
    const bool ok = PyDict_SetItem(environ, key, value) == 0;
    Py_DECREF(value);
    return ok;
}

bool putText(PyObject* environ, PyObject* key, std::string_view value)
{
    return put(environ, key, latin1Object(value));
}

bool putShared(PyObject* environ, PyObject* key, PyObject* value)
{
    return PyDict_SetItem(environ, key, value) == 0;
}

bool putNumber(PyObject* environ, PyObject* key, unsigned value)
{
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    return putText(environ, key, std::string_view(digits, size_t(end - digits)));
}

PyObject* methodObject(const EnvironKeys& keys, std::string_view method)
{
    PyObject* shared = method == "GET"    ? keys.get
                       : method == "HEAD" ? keys.head
                       : method == "POST" ? keys.post
                                          : nullptr;
    if (shared) {
        Py_INCREF(shared);
        return shared;
    }
    return latin1Object(method);
}

// HTTP_<NAME> for a request header; repeated headers are joined with ", " (RFC 9110 5.3), Cookie
// with "; ".
bool putHeader(PyObject* environ, std::string_view name, std::string_view value)
{
    std::string key = "HTTP_";
    key.reserve(5 + name.size());
    for (char ch : name)
        key += ch == '-' ? '_' : char(toupper(static_cast<unsigned char>(ch)));
    PyObject* keyObject = PyUnicode_FromStringAndSize(key.data(), Py_ssize_t(key.size()));
    if (!keyObject)
        return false;
    PyObject* existing = PyDict_GetItemWithError(environ, keyObject);
    bool ok = true;
    if (existing) {
        std::string joined;
        ok = latin1(existing, "header", joined);
        joined += key == "HTTP_COOKIE" ? "; " : ", ";
        joined += value;
        ok = ok && putText(environ, keyObject, joined);
    } else {
        ok = !PyErr_Occurred() && putText(environ, keyObject, value);
    }
    Py_DECREF(keyObject);
    return ok;
}

} // namespace

bool makeEnvironKeys(EnvironKeys& k)
{
    const std::pair<PyObject**, const char*> all[] = {
        {&k.requestMethod, "REQUEST_METHOD"},
        {&k.pathInfo, "PATH_INFO"},
        {&k.queryString, "QUERY_STRING"},
        {&k.requestUri, "REQUEST_URI"},
        {&k.serverProtocol, "SERVER_PROTOCOL"},
        {&k.serverPort, "SERVER_PORT"},
        {&k.serverAddr, "SERVER_ADDR"},
        {&k.remoteAddr, "REMOTE_ADDR"},
        {&k.remotePort, "REMOTE_PORT"},
        {&k.serverName, "SERVER_NAME"},
        {&k.contentType, "CONTENT_TYPE"},
        {&k.contentLength, "CONTENT_LENGTH"},
        {&k.input, "wsgi.input"},
        {&k.errors, "wsgi.errors"},
        {&k.http11, "HTTP/1.1"},
        {&k.http10, "HTTP/1.0"},
        {&k.get, "GET"},
        {&k.head, "HEAD"},
        {&k.post, "POST"},
        {&k.emptyString, ""},
    };
    for (const auto& [slot, text] : all)
        if (!(*slot = PyUnicode_InternFromString(text)))
            return false;
    return true;
}

PyObject* makeEnvironTemplate(const Application& app, const Interpreter& interp)
{
    PyObject* t = PyDict_New();
    if (!t)
        return nullptr;
    auto constant = [t](const char* key, PyObject* value) {
        return value && PyDict_SetItemString(t, key, value) == 0;
    };
    auto text = [t](const char* key, const char* value) {
        PyObject* v = PyUnicode_InternFromString(value);
        const bool ok = v && PyDict_SetItemString(t, key, v) == 0;
        Py_XDECREF(v);
        return ok;
    };
    const EnvironKeys& k = interp.keys;
    bool ok = true;
    // Placeholders: every request overwrites these.
    for (PyObject* key :
         {k.requestMethod, k.pathInfo, k.queryString, k.requestUri, k.serverProtocol, k.serverPort,
          k.serverAddr, k.remoteAddr, k.remotePort, k.serverName, k.input, k.errors})
        ok = ok && PyDict_SetItem(t, key, Py_None) == 0;
    ok = ok && constant("SCRIPT_NAME", app.scriptName) && constant("SCRIPT_FILENAME", app.scriptFilename) &&
         text("REQUEST_SCHEME", "http") && text("GATEWAY_INTERFACE", "CGI/1.1") &&
         text("SERVER_SOFTWARE", "wsgi-engine") && constant("wsgi.version", interp.wsgiVersion) &&
         text("wsgi.url_scheme", "http") && constant("wsgi.multithread", interp.multithread) &&
         constant("wsgi.multiprocess", interp.multiprocess) && constant("wsgi.run_once", Py_False) &&
         constant("wsgi.input_terminated", Py_True) &&
         constant("wsgi.file_wrapper", interp.types.fileWrapper) &&
         constant("mod_wsgi.process_group", interp.processGroup) &&
         constant("mod_wsgi.application_group", interp.applicationGroup);
    if (!ok) {
        Py_DECREF(t);
        return nullptr;
    }
    return t;
}

PyObject* newEnviron(const Application& app, const hosting::RequestHead& head,
                     std::string_view defaultServerName, PyObject* input, PyObject* errors)
{
    PyObject* environ = PyDict_Copy(app.environTemplate);
    if (!environ)
        return nullptr;
    const EnvironKeys& k = app.interpreter->keys;
    const std::string_view target = head.target;
    const size_t q = target.find('?');
    // Decoded and normalised exactly as the request was routed, so PATH_INFO follows SCRIPT_NAME.
    std::string decoded;
    const std::string_view path = hosting::requestPath(target, decoded);
    const size_t prefix = std::min(path.size(), app.mount->urlPrefix.size());
    std::string_view serverName = defaultServerName;

    bool ok = put(environ, k.requestMethod, methodObject(k, head.method)) &&
              putText(environ, k.pathInfo, path.substr(prefix)) &&
              (q == std::string_view::npos ? putShared(environ, k.queryString, k.emptyString)
                                           : putText(environ, k.queryString, target.substr(q + 1))) &&
              putText(environ, k.requestUri, target) &&
              putShared(environ, k.serverProtocol, head.http11 ? k.http11 : k.http10) &&
              putNumber(environ, k.serverPort, head.localPort) &&
              putText(environ, k.serverAddr, head.localAddr) &&
              putText(environ, k.remoteAddr, head.remoteAddr) &&
              putNumber(environ, k.remotePort, head.remotePort) && putShared(environ, k.input, input) &&
              putShared(environ, k.errors, errors);
    for (const auto& [name, value] : head.headers) {
        if (!ok)
            break;
        if (iequals(name, "Content-Type")) {
            ok = putText(environ, k.contentType, value);
        } else if (iequals(name, "Content-Length")) {
            ok = putText(environ, k.contentLength, value);
        } else if (name.find('_') == std::string::npos) {
            // (As Apache 2.4: HTTP_FOO_BAR must not be forgeable by a "Foo_Bar" header.)
            if (iequals(name, "Host")) {
                const std::string_view host = value;
                const size_t colon = host.rfind(':');
                serverName =
                    colon == std::string_view::npos || host.back() == ']' ? host : host.substr(0, colon);
            }
            ok = putHeader(environ, name, value);
        }
    }
    ok = ok && putText(environ, k.serverName, serverName);
    if (!ok) {
        Py_DECREF(environ);
        return nullptr;
    }
    return environ;
}

} // namespace wsgi::worker
