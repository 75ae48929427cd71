#pragma once
// A request's WSGI environ (PEP 3333 and the CGI variables Apache gives mod_wsgi), built for speed
// because every request pays for it: each application keeps a template dict holding its constant
// entries and a placeholder for every per-request entry that is always present. A request copies
// the template (CPython clones such a dict's table in one step, already sized for the headers that
// follow) and overwrites the placeholders in place with keys made once, so only CONTENT_* and
// HTTP_* entries are inserted.

#include "hosting/channelprotocol.h"
#include "pycompat.h"

#include <string_view>

namespace wsgi::worker {

struct Interpreter;
struct Application;

// Interned keys and shared values of one interpreter. Made at setup and only read afterwards, so
// request threads use them without further locking, also under free-threading.
struct EnvironKeys
{
    PyObject* requestMethod = nullptr;
    PyObject* pathInfo = nullptr;
    PyObject* queryString = nullptr;
    PyObject* requestUri = nullptr;
    PyObject* serverProtocol = nullptr;
    PyObject* serverPort = nullptr;
    PyObject* serverAddr = nullptr;
    PyObject* remoteAddr = nullptr;
    PyObject* remotePort = nullptr;
    PyObject* serverName = nullptr;
    PyObject* contentType = nullptr;
    PyObject* contentLength = nullptr;
    PyObject* input = nullptr;
    PyObject* errors = nullptr;
    // Values most requests share.
    PyObject* http11 = nullptr;
    PyObject* http10 = nullptr;
    PyObject* get = nullptr;
    PyObject* head = nullptr;
    PyObject* post = nullptr;
    PyObject* emptyString = nullptr;
};

// In the interpreter, with its GIL held; false with a Python exception set.
bool makeEnvironKeys(EnvironKeys& keys);
// The template of `app` (a new reference), or null with an exception set.
PyObject* makeEnvironTemplate(const Application& app, const Interpreter& interp);

// environ for one request (a new reference), or null with an exception set. `input` and `errors`
// are borrowed; `defaultServerName` is SERVER_NAME when the request has no Host header.
PyObject* newEnviron(const Application& app, const hosting::RequestHead& head,
                     std::string_view defaultServerName, PyObject* input, PyObject* errors);

} // namespace wsgi::worker
