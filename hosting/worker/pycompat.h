#pragma once
// Small wrappers over C-API differences between Python 3.11 and 3.13(t).

#define PY_SSIZE_T_CLEAN
#include <Python.h>

namespace wsgi::worker {

// Prints the current exception (as the interpreter would) to sys.stderr and clears it, without
// keeping it alive in sys.last_exc the way PyErr_Print does.
inline void printAndClearException()
{
#if PY_VERSION_HEX >= 0x030C0000
    PyObject* exc = PyErr_GetRaisedException();
    if (exc) {
        PyErr_DisplayException(exc);
        Py_DECREF(exc);
    }
#else
    PyObject *type = nullptr, *value = nullptr, *tb = nullptr;
    PyErr_Fetch(&type, &value, &tb);
    if (type) {
        PyErr_NormalizeException(&type, &value, &tb);
        if (tb && value)
            PyException_SetTraceback(value, tb);
        PyErr_Display(type, value, tb);
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
#endif
}

// A new reference from a borrowed one, or null.
inline PyObject* newRef(PyObject* o)
{
    Py_XINCREF(o);
    return o;
}

} // namespace wsgi::worker
