#pragma once
// Converting Python str to the latin-1 bytes HTTP carries (PEP 3333's native strings).

#include "pycompat.h"

#include <string>

namespace wsgi::worker {

// Latin-1 bytes of a str, or false with TypeError/ValueError naming `what`.
inline bool latin1(PyObject* o, const char* what, std::string& out)
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

} // namespace wsgi::worker
