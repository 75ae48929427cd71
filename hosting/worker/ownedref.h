#pragma once
// An owning reference to a Python object: holds one strong reference and drops it when destroyed,
// like a unique_ptr whose deleter is Py_DecRef, so that no early return leaks or double-frees an
// object. Only used with the GIL held (or the interpreter's thread state current), as every
// reference count change must be.

#include "pycompat.h"

#include <utility>

namespace wsgi::worker {

class OwnedRef
{
public:
    OwnedRef() = default;
    // Takes over a new reference (what most C-API calls return); nullptr is allowed and stays empty.
    explicit OwnedRef(PyObject* newReference) : m_object(newReference) {}
    // Adds a reference to a borrowed one.
    static OwnedRef borrow(PyObject* borrowed)
    {
        Py_XINCREF(borrowed);
        return OwnedRef(borrowed);
    }
    ~OwnedRef() { Py_XDECREF(m_object); }

    OwnedRef(const OwnedRef&) = delete;
    OwnedRef& operator=(const OwnedRef&) = delete;
    OwnedRef(OwnedRef&& other) noexcept : m_object(other.release()) {}
    OwnedRef& operator=(OwnedRef&& other) noexcept
    {
        if (this != &other)
            reset(other.release());
        return *this;
    }

    PyObject* get() const { return m_object; }
    explicit operator bool() const { return m_object != nullptr; }
    // Hands the reference to the caller (e.g. a C-API function that steals it).
    [[nodiscard]] PyObject* release() { return std::exchange(m_object, nullptr); }
    void reset(PyObject* newReference = nullptr)
    {
        PyObject* old = std::exchange(m_object, newReference);
        Py_XDECREF(old);
    }

private:
    PyObject* m_object = nullptr;
};

} // namespace wsgi::worker
