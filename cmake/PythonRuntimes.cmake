# Discovers the Python runtimes a worker can be built for.
#
# Candidates: the system python3 (and python3.N next to it), plus every runtime that
# installers/python-runtimes.sh built under WSGI_STUDIO_PYTHON_ROOT. Each runtime is named by its
# version with a "t" suffix for free-threaded builds (3.11, 3.13, 3.13t). A runtime that is
# missing is reported here, never a build failure.
#
# Result: WSGI_PYTHON_RUNTIMES (list of names) and, per name N, the variables
# WSGI_PYTHON_<N>_EXECUTABLE, _INCLUDE_DIR, _LIBRARY, _LIBDIR, _VERSION, _FREE_THREADED.

set(WSGI_STUDIO_PYTHON_ROOT "/opt/wsgi-studio/python" CACHE PATH
    "Where installers/python-runtimes.sh installs the Python runtimes it builds")
set(WSGI_STUDIO_EXTRA_PYTHONS "" CACHE STRING "Further python executables to build workers for")

set(_candidates /usr/bin/python3)
file(GLOB _system_minors /usr/bin/python3.[0-9] /usr/bin/python3.[0-9][0-9])
list(APPEND _candidates ${_system_minors})
file(GLOB _built ${WSGI_STUDIO_PYTHON_ROOT}/*/bin/python3)
list(APPEND _candidates ${_built} ${WSGI_STUDIO_EXTRA_PYTHONS})

set(_probe [=[
import sys, sysconfig, os
v = sysconfig.get_config_var
ft = bool(v('Py_GIL_DISABLED'))
name = '%d.%d%s' % (sys.version_info[0], sys.version_info[1], 't' if ft else '')
libdir = v('LIBDIR')
lib = os.path.join(libdir, v('LDLIBRARY'))
if not os.path.exists(lib):
    lib = os.path.join(libdir, v('MULTIARCH') or '', v('LDLIBRARY'))
print(';'.join([name, sysconfig.get_paths()['include'], lib, os.path.dirname(lib),
                '%d.%d.%d' % sys.version_info[:3], '1' if ft else '0',
                '1' if v('Py_ENABLE_SHARED') else '0']))
]=])

set(WSGI_PYTHON_RUNTIMES "")
foreach(_py IN LISTS _candidates)
    if(NOT EXISTS "${_py}")
        continue()
    endif()
    execute_process(COMMAND "${_py}" -c "${_probe}" OUTPUT_VARIABLE _out RESULT_VARIABLE _rc
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(NOT _rc EQUAL 0)
        continue()
    endif()
    list(GET _out 0 _name)
    list(GET _out 1 _inc)
    list(GET _out 2 _lib)
    list(GET _out 3 _libdir)
    list(GET _out 4 _version)
    list(GET _out 5 _ft)
    if(_name IN_LIST WSGI_PYTHON_RUNTIMES)
        continue()
    endif()
    if(NOT EXISTS "${_inc}/Python.h" OR NOT EXISTS "${_lib}")
        message(STATUS "Python runtime ${_name} at ${_py}: no headers or libpython, skipped "
                       "(install its -dev package)")
        continue()
    endif()
    list(APPEND WSGI_PYTHON_RUNTIMES ${_name})
    set(WSGI_PYTHON_${_name}_EXECUTABLE "${_py}")
    set(WSGI_PYTHON_${_name}_INCLUDE_DIR "${_inc}")
    set(WSGI_PYTHON_${_name}_LIBRARY "${_lib}")
    set(WSGI_PYTHON_${_name}_LIBDIR "${_libdir}")
    set(WSGI_PYTHON_${_name}_VERSION "${_version}")
    set(WSGI_PYTHON_${_name}_FREE_THREADED ${_ft})
    message(STATUS "Python runtime ${_name}: ${_py} (${_version}${_ft_note})")
endforeach()

# Say which of the runtimes the product expects are absent, so a missing one is a clear message.
set(_want_gil_312 OFF)
set(_want_ft OFF)
foreach(_name IN LISTS WSGI_PYTHON_RUNTIMES)
    if(WSGI_PYTHON_${_name}_FREE_THREADED)
        set(_want_ft ON)
    elseif(WSGI_PYTHON_${_name}_VERSION VERSION_GREATER_EQUAL 3.12)
        set(_want_gil_312 ON)
    endif()
endforeach()
if(NOT _want_gil_312)
    message(WARNING "No Python 3.12+ GIL runtime found: per-interpreter GIL groups cannot run. "
                    "Run installers/python-runtimes.sh (bootstrap.sh does) to build one into "
                    "${WSGI_STUDIO_PYTHON_ROOT}.")
endif()
if(NOT _want_ft)
    message(WARNING "No free-threaded Python runtime found: WSGIFreeThreading groups cannot run. "
                    "Run installers/python-runtimes.sh (bootstrap.sh does) to build 3.13t into "
                    "${WSGI_STUDIO_PYTHON_ROOT}.")
endif()
if(NOT WSGI_PYTHON_RUNTIMES)
    message(WARNING "No Python runtime with headers found: no wsgi-worker will be built.")
endif()
