#include "wsgitypes.h"

#include "requestthread.h"

namespace wsgi::worker {
namespace {

struct BoundObject
{
    PyObject_HEAD RequestContext* context;
    uint64_t generation;
};

// The context if this object's request is still running, else null with RuntimeError set.
RequestContext* liveContext(PyObject* self)
{
    auto* o = reinterpret_cast<BoundObject*>(self);
    if (!o->context || o->context->generation != o->generation) {
        PyErr_SetString(PyExc_RuntimeError, "this WSGI object belongs to a request that has finished");
        return nullptr;
    }
    return o->context;
}

void boundDealloc(PyObject* self)
{
    PyTypeObject* type = Py_TYPE(self);
    type->tp_free(self);
    Py_DECREF(type); // heap-type instances hold a reference to their type
}

bool sizeArgument(PyObject* const* args, Py_ssize_t nargs, const char* method, Py_ssize_t& size)
{
    size = -1;
    if (nargs > 1) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most one argument", method);
        return false;
    }
    if (nargs == 1 && args[0] != Py_None) {
        size = PyLong_AsSsize_t(args[0]);
        if (size == -1 && PyErr_Occurred())
            return false;
    }
    return true;
}

// --- wsgi.input ---------------------------------------------------------------------------------

PyObject* inputRead(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    Py_ssize_t size;
    RequestContext* c = liveContext(self);
    if (!c || !sizeArgument(args, nargs, "read", size))
        return nullptr;
    return c->read(size);
}

PyObject* inputReadline(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    Py_ssize_t size;
    RequestContext* c = liveContext(self);
    if (!c || !sizeArgument(args, nargs, "readline", size))
        return nullptr;
    return c->readline(size);
}

PyObject* inputReadlines(PyObject* self, PyObject* const* args, Py_ssize_t nargs)
{
    Py_ssize_t hint;
    RequestContext* c = liveContext(self);
    if (!c || !sizeArgument(args, nargs, "readlines", hint))
        return nullptr;
    PyObject* lines = PyList_New(0);
    Py_ssize_t total = 0;
    while (lines) {
        PyObject* line = c->readline(-1);
        if (!line) {
            Py_CLEAR(lines);
            break;
        }
        const Py_ssize_t n = PyBytes_GET_SIZE(line);
        if (n == 0) {
            Py_DECREF(line);
            break;
        }
        const int rc = PyList_Append(lines, line);
        Py_DECREF(line);
        if (rc != 0) {
            Py_CLEAR(lines);
            break;
        }
        total += n;
        if (hint > 0 && total >= hint)
            break;
    }
    return lines;
}

PyObject* inputIter(PyObject* self)
{
    Py_INCREF(self);
    return self;
}

PyObject* inputNext(PyObject* self)
{
    RequestContext* c = liveContext(self);
    if (!c)
        return nullptr;
    PyObject* line = c->readline(-1);
    if (line && PyBytes_GET_SIZE(line) == 0) {
        Py_DECREF(line);
        return nullptr; // StopIteration
    }
    return line;
}

PyMethodDef inputMethods[] = {
    {"read", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(inputRead)), METH_FASTCALL,
     "read([size]) -> bytes"},
    {"readline", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(inputReadline)), METH_FASTCALL,
     "readline([size]) -> bytes"},
    {"readlines", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(inputReadlines)), METH_FASTCALL,
     "readlines([hint]) -> list of bytes"},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot inputSlots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(boundDealloc)},
    {Py_tp_methods, inputMethods},
    {Py_tp_iter, reinterpret_cast<void*>(inputIter)},
    {Py_tp_iternext, reinterpret_cast<void*>(inputNext)},
    {Py_tp_doc, const_cast<char*>("wsgi.input: the request body")},
    {0, nullptr},
};

// --- wsgi.errors --------------------------------------------------------------------------------

PyObject* errorsWrite(PyObject* self, PyObject* text)
{
    RequestContext* c = liveContext(self);
    if (!c)
        return nullptr;
    return c->logText(text);
}

PyObject* errorsWritelines(PyObject* self, PyObject* seq)
{
    RequestContext* c = liveContext(self);
    if (!c)
        return nullptr;
    PyObject* it = PyObject_GetIter(seq);
    if (!it)
        return nullptr;
    while (PyObject* line = PyIter_Next(it)) {
        PyObject* r = c->logText(line);
        Py_DECREF(line);
        if (!r) {
            Py_DECREF(it);
            return nullptr;
        }
        Py_DECREF(r);
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return nullptr;
    Py_RETURN_NONE;
}

PyObject* errorsFlush(PyObject*, PyObject*)
{
    Py_RETURN_NONE;
}

PyMethodDef errorsMethods[] = {
    {"write", errorsWrite, METH_O, "write(str): log text"},
    {"writelines", errorsWritelines, METH_O, "writelines(iterable of str)"},
    {"flush", errorsFlush, METH_NOARGS, "flush()"},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot errorsSlots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(boundDealloc)},
    {Py_tp_methods, errorsMethods},
    {Py_tp_doc, const_cast<char*>("wsgi.errors: text written here goes to the engine log")},
    {0, nullptr},
};

// --- start_response and write() -----------------------------------------------------------------

PyObject* startResponseCall(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static const char* keywords[] = {"status", "response_headers", "exc_info", nullptr};
    PyObject *status = nullptr, *headers = nullptr, *excInfo = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O:start_response", const_cast<char**>(keywords),
                                     &status, &headers, &excInfo))
        return nullptr;
    RequestContext* c = liveContext(self);
    if (!c)
        return nullptr;
    return c->startResponse(status, headers, excInfo);
}

PyType_Slot startResponseSlots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(boundDealloc)},
    {Py_tp_call, reinterpret_cast<void*>(startResponseCall)},
    {Py_tp_doc, const_cast<char*>("start_response(status, response_headers, exc_info=None)")},
    {0, nullptr},
};

PyObject* writeCall(PyObject* self, PyObject* args, PyObject* kwargs)
{
    PyObject* data = nullptr;
    if ((kwargs && PyDict_GET_SIZE(kwargs) > 0) || !PyArg_ParseTuple(args, "O:write", &data))
        return nullptr;
    RequestContext* c = liveContext(self);
    if (!c)
        return nullptr;
    return c->write(data);
}

PyType_Slot writeSlots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(boundDealloc)},
    {Py_tp_call, reinterpret_cast<void*>(writeCall)},
    {Py_tp_doc, const_cast<char*>("write(bytes): the WSGI write() callable")},
    {0, nullptr},
};

PyTypeObject* makeType(const char* name, PyType_Slot* slots)
{
    PyType_Spec spec{name, int(sizeof(BoundObject)), 0, Py_TPFLAGS_DEFAULT, slots};
    return reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&spec));
}

} // namespace

bool WsgiTypes::create()
{
    input = makeType("wsgi_engine.Input", inputSlots);
    errors = makeType("wsgi_engine.Log", errorsSlots);
    startResponse = makeType("wsgi_engine.StartResponse", startResponseSlots);
    write = makeType("wsgi_engine.Write", writeSlots);
    return input && errors && startResponse && write;
}

PyObject* newBoundObject(PyTypeObject* type, RequestContext* context)
{
    auto* o = PyObject_New(BoundObject, type);
    if (!o)
        return nullptr;
    o->context = context;
    o->generation = context->generation;
    return reinterpret_cast<PyObject*>(o);
}

} // namespace wsgi::worker
