#include "pythonhost.h"

#include "ownedref.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

#ifndef WSGI_RUNTIME_NAME
#define WSGI_RUNTIME_NAME "unknown"
#endif

namespace wsgi::worker {
namespace {

// Python-level helpers every interpreter gets as module `_wsgi_engine`: loading a WSGI script the
// way mod_wsgi does (a module named after the script's path, not importable by name), python-path
// handling with site.addsitedir so .pth files work, and wsgi.file_wrapper.
constexpr const char* kBootstrap = R"PY(
import sys

def load_script(path, module_name):
    import types
    module = types.ModuleType(module_name)
    module.__file__ = path
    sys.modules[module_name] = module
    try:
        with open(path, 'rb') as f:
            code = compile(f.read(), path, 'exec', dont_inherit=True)
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module

def add_python_path(paths):
    # Each layer goes in front of sys.path, in order, as mod_wsgi's python-path= does.
    import site
    for p in paths:
        before = list(sys.path)
        site.addsitedir(p)
        added = [x for x in sys.path if x not in before]
        for x in added:
            sys.path.remove(x)
        sys.path[0:0] = added

def dump_stacks(label):
    import traceback
    lines = []
    for ident, frame in sys._current_frames().items():
        lines.append('%s thread %d:' % (label, ident))
        lines.extend(l.rstrip('\n') for l in traceback.format_stack(frame))
    return '\n'.join(lines)

class RequestTimeout(BaseException):
    """Raised in a request thread whose request ran past request-timeout, when interrupt-timeout
    gives it a chance to unwind (mod_wsgi.RequestTimeout). A BaseException, so that an
    application's `except Exception` does not swallow it."""

def thread_stacks():
    # [(thread id, thread name, [(file, line, function), ... outermost first])] for the threads of
    # this interpreter that run Python code, except the calling one. On a free-threaded build
    # sys._current_frames() stops the world while it takes each thread's current frame.
    import traceback
    me = _thread_ident()
    threading = sys.modules.get('threading')
    active = getattr(threading, '_active', {}) if threading else {}
    out = []
    for ident, frame in sys._current_frames().items():
        if ident == me:
            continue
        frames = [(f.filename, f.lineno or 0, f.name) for f in traceback.extract_stack(frame)]
        t = active.get(ident)
        out.append((ident, t.name if t is not None else '', frames))
    return out

def _thread_ident():
    import _thread
    return _thread.get_ident()

def arm_deadlock_dump(seconds, fd):
    # faulthandler's watchdog dumps every thread of the main interpreter to `fd` without taking the
    # GIL once `seconds` pass without this being called again (each call restarts its timer).
    import faulthandler
    faulthandler.dump_traceback_later(seconds, repeat=False, file=fd, exit=False)

class FileWrapper:
    def __init__(self, filelike, blksize=8192):
        self.filelike = filelike
        self.blksize = blksize
        if hasattr(filelike, 'close'):
            self.close = filelike.close
    def __iter__(self):
        return self
    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration
)PY";

std::string moduleNameFor(const std::string& path)
{
    // mod_wsgi names the module after a hash of the script path (_mod_wsgi_<md5>); FNV-1a is enough
    // to keep two scripts in one interpreter apart.
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : path)
        h = (h ^ c) * 1099511628211ull;
    char buf[40];
    std::snprintf(buf, sizeof buf, "_mod_wsgi_%016llx", static_cast<unsigned long long>(h));
    return buf;
}

PyObject* bootstrapModule()
{
    PyObject* modules = PyImport_GetModuleDict();
    PyObject* existing = PyDict_GetItemString(modules, "_wsgi_engine");
    if (existing)
        return existing;
    OwnedRef module(PyModule_New("_wsgi_engine"));
    if (!module)
        return nullptr;
    PyObject* dict = PyModule_GetDict(module.get());
    PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins());
    if (!OwnedRef(PyRun_String(kBootstrap, Py_file_input, dict, dict)))
        return nullptr;
    PyDict_SetItemString(modules, "_wsgi_engine", module.get());
    return module.get(); // borrowed: sys.modules holds it
}

bool callHelper(const char* name, PyObject* arg)
{
    PyObject* module = bootstrapModule();
    if (!module)
        return false;
    return bool(OwnedRef(PyObject_CallMethod(module, name, "O", arg)));
}

PyObject* stringList(const std::vector<std::string>& items)
{
    OwnedRef list(PyList_New(0));
    for (const auto& s : items) {
        const OwnedRef str(PyUnicode_DecodeFSDefault(s.c_str()));
        if (!list || !str || PyList_Append(list.get(), str.get()) != 0)
            return nullptr;
    }
    return list.release();
}

bool setSwitchInterval(double seconds)
{
    const OwnedRef sys(PyImport_ImportModule("sys"));
    return sys && OwnedRef(PyObject_CallMethod(sys.get(), "setswitchinterval", "d", seconds));
}

// sys._is_gil_enabled() on 3.13+, where an extension module without Py_mod_gil turns it back on.
int gilEnabledNow()
{
#if PY_VERSION_HEX >= 0x030D0000
    const OwnedRef sys(PyImport_ImportModule("sys"));
    const OwnedRef r(sys ? PyObject_CallMethod(sys.get(), "_is_gil_enabled", nullptr) : nullptr);
    if (!r) {
        PyErr_Clear();
        return 1;
    }
    return PyObject_IsTrue(r.get());
#else
    return 1;
#endif
}

} // namespace

PythonHost::PythonHost(hosting::WorkerSpec spec)
    : m_spec(std::move(spec)), m_logPrefix("[wsgi:" + m_spec.group + ":" + std::to_string(getpid()) + "] ")
{
}

Application* PythonHost::application(uint32_t mountIndex)
{
    for (auto& app : m_applications)
        if (app->mount->index == mountIndex)
            return app.get();
    return nullptr;
}

bool PythonHost::start(std::string& error)
{
    if (!m_spec.home.empty() && chdir(m_spec.home.c_str()) != 0) {
        error = "cannot change to home directory '" + m_spec.home + "'";
        return false;
    }

    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.install_signal_handlers = 0; // the worker handles SIGTERM itself
    config.parse_argv = 0;
    PyStatus status = PyStatus_Ok();
#ifdef WSGI_RUNTIME_EXECUTABLE
    // Lets Python find its prefix and gives sys.executable a real interpreter.
    status = PyConfig_SetBytesString(&config, &config.program_name, WSGI_RUNTIME_EXECUTABLE);
#endif
    if (!PyStatus_Exception(status) && !m_spec.pythonHome.empty()) {
        // A venv is recognised by its pyvenv.cfg from the interpreter path, as mod_wsgi does; any
        // other python-home is PYTHONHOME.
        if (std::filesystem::exists(m_spec.pythonHome + "/pyvenv.cfg"))
            status = PyConfig_SetBytesString(&config, &config.program_name,
                                             (m_spec.pythonHome + "/bin/python3").c_str());
        else
            status = PyConfig_SetBytesString(&config, &config.home, m_spec.pythonHome.c_str());
    }
#ifdef Py_GIL_DISABLED
    // As mod_wsgi 6: a free-threaded build runs with the GIL unless free-threading resolved On.
    config.enable_gil = m_spec.freeThreading ? 0 : 1;
#endif
    if (!PyStatus_Exception(status))
        status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        error = std::string("Python failed to start: ") + (status.err_msg ? status.err_msg : "unknown error");
        return false;
    }

    bool ok = true;
    if (m_spec.switchInterval && !m_spec.freeThreading && !setSwitchInterval(*m_spec.switchInterval)) {
        printAndClearException();
        ok = false;
    }
    for (const auto& note : m_spec.notes)
        std::fprintf(stderr, "%s%s\n", logPrefix().c_str(), note.c_str());

    // The main interpreter always exists; sub-interpreters are created on demand below.
    PyThreadState* mainState = PyThreadState_Get();
    for (const auto& ispec : m_spec.interpreters) {
        auto interp = std::make_unique<Interpreter>();
        interp->spec = ispec;
        interp->isMain = ispec.applicationGroup.empty();
        bool switched = false;
        if (!interp->isMain) {
            PyThreadState* created = nullptr;
#if PY_VERSION_HEX >= 0x030C0000
            const PyInterpreterConfig ownGil = _PyInterpreterConfig_INIT;
            const PyInterpreterConfig sharedGil = _PyInterpreterConfig_LEGACY_INIT;
            PyInterpreterConfig icfg = ispec.ownGil ? ownGil : sharedGil;
            status = Py_NewInterpreterFromConfig(&created, &icfg);
            if (PyStatus_Exception(status))
                created = nullptr;
#else
            created = Py_NewInterpreter();
#endif
            if (!created) {
                error = "cannot create the sub-interpreter for application group '" + ispec.applicationGroup +
                        "'";
                return false;
            }
            switched = true;
        }
        interp->state = PyThreadState_Get()->interp;
        interp->ownerState = PyThreadState_Get();
        if (!setUpInterpreter(*interp)) {
            printAndClearException();
            ok = false;
        }
        Interpreter* raw = interp.get();
        m_interpreters.push_back(std::move(interp));
        for (const auto& mount : m_spec.mounts) {
            if (mount.applicationGroup != ispec.applicationGroup)
                continue;
            auto app = std::make_unique<Application>();
            app->mount = &mount;
            app->interpreter = raw;
            app->scriptName =
                PyUnicode_DecodeLatin1(mount.urlPrefix.data(), Py_ssize_t(mount.urlPrefix.size()), nullptr);
            app->scriptFilename = PyUnicode_DecodeFSDefault(mount.scriptPath.c_str());
            app->environTemplate = makeEnvironTemplate(*app, *raw);
            if (!app->environTemplate) {
                printAndClearException();
                ok = false;
            }
            loadScript(*app);
            m_applications.push_back(std::move(app));
        }
        if (switched) {
            // Back to the main interpreter: an own-GIL interpreter's GIL is released, a shared one
            // is handed over with the thread state.
            if (ispec.ownGil) {
                PyEval_SaveThread();
                PyEval_RestoreThread(mainState);
            } else {
                PyThreadState_Swap(mainState);
            }
        }
    }

    const bool gilOn = gilEnabledNow() != 0;
    m_gilEnabled = gilOn;
    m_runtimeDescription = std::string("Python ") + Py_GetVersion();
    m_runtimeDescription = m_runtimeDescription.substr(0, m_runtimeDescription.find(' ', 7));
    m_runtimeDescription +=
        std::string(" (") + WSGI_RUNTIME_NAME + "), GIL " + (gilOn ? "enabled" : "disabled");
    if (m_spec.freeThreading && gilOn)
        std::fprintf(stderr,
                     "%sWARNING: free-threading was requested but the GIL is enabled again after loading the "
                     "application: an extension module it imports does not declare Py_mod_gil support. "
                     "Requests run under the GIL.\n",
                     logPrefix().c_str());
    (void)ok;
    char interval[64];
    {
        // Scoped: the references must go while the GIL is held, before PyEval_SaveThread below.
        const OwnedRef sys(PyImport_ImportModule("sys"));
        const OwnedRef si(sys ? PyObject_CallMethod(sys.get(), "getswitchinterval", nullptr) : nullptr);
        std::snprintf(interval, sizeof interval, "%g", si ? PyFloat_AsDouble(si.get()) : 0.0);
        PyErr_Clear();
    }
    std::string ownGil;
    for (const auto& interp : m_interpreters)
        if (interp->spec.ownGil)
            ownGil += (ownGil.empty() ? "" : ",") + interp->spec.applicationGroup;
    std::string version = Py_GetVersion();
    std::replace(version.begin(), version.end(), '\n', ' ');
    m_hello = std::string("runtime=") + WSGI_RUNTIME_NAME + "\npython=" + version +
              "\ngil_enabled=" + (gilOn ? "1" : "0") +
              "\nfree_threading=" + (m_spec.freeThreading ? "1" : "0") +
              "\nswitch_interval=" + (gilOn ? interval : "") + "\nown_gil_groups=" + ownGil + "\n";
    PyEval_SaveThread();
    return true;
}

std::string PythonHost::dumpStacks()
{
    std::string text;
    for (const auto& interp : m_interpreters) {
        PyEval_RestoreThread(interp->ownerState);
        PyObject* module = bootstrapModule();
        const std::string label =
            interp->isMain ? "main interpreter" : "interpreter '" + interp->spec.applicationGroup + "'";
        {
            // Scoped: the reference must go while the GIL is held, before PyEval_SaveThread below.
            const OwnedRef r(module ? PyObject_CallMethod(module, "dump_stacks", "s", label.c_str())
                                    : nullptr);
            if (r && PyUnicode_Check(r.get())) {
                text += PyUnicode_AsUTF8(r.get());
                text += '\n';
            } else {
                PyErr_Clear();
                text += label + ": stacks unavailable\n";
            }
        }
        PyEval_SaveThread();
    }
    return text;
}

namespace {

// Converts thread_stacks()'s result; false (exception cleared) when it is not what it should be.
bool appendStacks(PyObject* list, const Interpreter& interp, std::vector<ThreadStack>& out)
{
    if (!list || !PyList_Check(list))
        return false;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); ++i) {
        PyObject* item = PyList_GET_ITEM(list, i);
        PyObject* frames =
            PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 3 ? PyTuple_GET_ITEM(item, 2) : nullptr;
        if (!frames || !PyList_Check(frames))
            return false;
        ThreadStack t;
        t.threadId = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(item, 0));
        const char* name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(item, 1));
        t.name = name ? name : "";
        t.interpreter = interp.label();
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(frames); ++j) {
            PyObject* f = PyList_GET_ITEM(frames, j);
            const char* file = nullptr;
            const char* function = nullptr;
            int line = 0;
            if (!PyArg_ParseTuple(f, "sis", &file, &line, &function))
                return false;
            t.frames.push_back({file, line, function});
        }
        bool seen = false;
        for (auto& existing : out)
            if (existing.threadId == t.threadId) {
                seen = true; // Python < 3.12 lists every interpreter's threads each time
                if (existing.frames.empty())
                    existing = t;
            }
        if (!seen)
            out.push_back(std::move(t));
    }
    return !PyErr_Occurred();
}

} // namespace

std::vector<ThreadStack> PythonHost::pythonStacks()
{
    std::vector<ThreadStack> threads;
    for (const auto& interp : m_interpreters) {
        PyEval_RestoreThread(interp->ownerState);
        {
            PyObject* module = bootstrapModule();
            const OwnedRef r(module ? PyObject_CallMethod(module, "thread_stacks", nullptr) : nullptr);
            if (!appendStacks(r.get(), *interp, threads)) {
                PyErr_Clear();
                ThreadStack t;
                t.name = "(all threads)";
                t.interpreter = interp->label();
                t.unreadable = "sys._current_frames() failed in this interpreter";
                threads.push_back(std::move(t));
            }
        }
        PyEval_SaveThread();
    }
    return threads;
}

std::vector<StackFrame> PythonHost::interruptThread(Interpreter& interp, uint64_t threadId,
                                                    const std::function<bool()>& stillStuck, bool& raised)
{
    std::vector<StackFrame> frames;
    raised = false;
    PyEval_RestoreThread(interp.ownerState);
    if (stillStuck()) {
        {
            PyObject* module = bootstrapModule();
            const OwnedRef r(module ? PyObject_CallMethod(module, "thread_stacks", nullptr) : nullptr);
            std::vector<ThreadStack> all;
            if (appendStacks(r.get(), interp, all)) {
                for (auto& t : all)
                    if (t.threadId == threadId)
                        frames = std::move(t.frames);
            }
            PyErr_Clear();
        }
        // PyThreadState_SetAsyncExc looks in the current interpreter only (3.12+), which is why the
        // thread's own interpreter is the one made current above, as mod_wsgi 6 does.
        raised = PyThreadState_SetAsyncExc(static_cast<unsigned long>(threadId), interp.requestTimeout) == 1;
    }
    PyEval_SaveThread();
    return frames;
}

bool PythonHost::armDeadlockDump(int seconds, int fd)
{
    PyObject* module = bootstrapModule();
    const OwnedRef r(module ? PyObject_CallMethod(module, "arm_deadlock_dump", "ii", seconds, fd) : nullptr);
    if (!r)
        PyErr_Clear();
    return bool(r);
}

bool PythonHost::setUpInterpreter(Interpreter& interp)
{
    if (!interp.types.create())
        return false;
    PyObject* module = bootstrapModule();
    if (!module)
        return false;
    interp.types.fileWrapper = PyObject_GetAttrString(module, "FileWrapper");
    interp.requestTimeout = PyObject_GetAttrString(module, "RequestTimeout");
    std::vector<std::string> paths = m_spec.pythonPath;
    paths.insert(paths.end(), interp.spec.pythonPath.begin(), interp.spec.pythonPath.end());
    if (!paths.empty()) {
        const OwnedRef list(stringList(paths));
        if (!list || !callHelper("add_python_path", list.get()))
            return false;
    }
    if (interp.spec.switchInterval && !setSwitchInterval(*interp.spec.switchInterval))
        return false;
    if (!makeEnvironKeys(interp.keys))
        return false;
    interp.wsgiVersion = Py_BuildValue("(ii)", 1, 0);
    interp.multithread = PyBool_FromLong(m_spec.threads > 1);
    interp.multiprocess = PyBool_FromLong(m_spec.multiprocess);
    interp.processGroup = PyUnicode_FromString(m_spec.group.c_str());
    interp.applicationGroup = PyUnicode_FromString(interp.spec.applicationGroup.c_str());
    return interp.types.fileWrapper && interp.requestTimeout && interp.wsgiVersion && interp.processGroup &&
           interp.applicationGroup;
}

bool PythonHost::loadScript(Application& app)
{
    const std::string& path = app.mount->scriptPath;
    PyObject* module = bootstrapModule();
    const OwnedRef loaded(
        module ? PyObject_CallMethod(module, "load_script", "ss", path.c_str(), moduleNameFor(path).c_str())
               : nullptr);
    if (loaded) {
        app.callable = PyObject_GetAttrString(loaded.get(), app.mount->callableObject.c_str());
        if (!app.callable) {
            PyErr_Clear();
            std::fprintf(stderr, "%sTarget WSGI script '%s' does not contain WSGI application '%s'.\n",
                         logPrefix().c_str(), path.c_str(), app.mount->callableObject.c_str());
            return false;
        }
        return true;
    }
    std::fprintf(stderr, "%sFailed to exec Python script file '%s'.\n", logPrefix().c_str(), path.c_str());
    std::fflush(stderr);
    printAndClearException();
    return false;
}

bool PythonHost::ensureLoaded(Application& app)
{
    if (app.callable)
        return true;
    // Serialise retries (without holding the GIL while waiting for the lock).
    PyThreadState* ts = PyEval_SaveThread();
    std::lock_guard lock(app.loadLock);
    PyEval_RestoreThread(ts);
    return app.callable || loadScript(app);
}

} // namespace wsgi::worker
