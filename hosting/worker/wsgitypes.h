#pragma once
// The objects a WSGI application receives from the engine: wsgi.input, wsgi.errors, start_response
// and the write() callable. They are heap types created in every interpreter (static types cannot
// be shared by sub-interpreters that have their own GIL), and each instance is bound to one request
// of one thread: after that request it refuses to work instead of touching the next request.

#include "pycompat.h"

#include <cstdint>

namespace wsgi::worker {

class RequestContext;

struct WsgiTypes
{
    PyTypeObject* input = nullptr;
    PyTypeObject* errors = nullptr;
    PyTypeObject* startResponse = nullptr;
    PyTypeObject* write = nullptr;
    PyObject* fileWrapper = nullptr; // a Python class, see pythonhost.cpp

    // Creates the types in the current interpreter; false with a Python exception set on failure.
    bool create();
};

// An instance of one of the types above, bound to `context` for its current request.
PyObject* newBoundObject(PyTypeObject* type, RequestContext* context);

} // namespace wsgi::worker
