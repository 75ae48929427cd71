#pragma once
// The embedded CPython of one worker process: starts the runtime with the GIL mode and switch
// interval the spec resolved, creates one interpreter per application group (the main one for
// %{GLOBAL}, sub-interpreters otherwise, with their own GIL where resolved), and loads each
// mount's WSGI script into its interpreter.

#include "environ.h"
#include "hosting/workerspec.h"
#include "threadstacks.h"
#include "wsgitypes.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::worker {

struct Interpreter
{
    hosting::InterpreterSpec spec;
    PyInterpreterState* state = nullptr;
    PyThreadState* ownerState = nullptr; // the main thread's thread state in this interpreter
    bool isMain = false;
    WsgiTypes types;
    // Constant environ values, created once in this interpreter.
    PyObject* wsgiVersion = nullptr;
    PyObject* multithread = nullptr;
    PyObject* multiprocess = nullptr;
    PyObject* processGroup = nullptr;
    PyObject* applicationGroup = nullptr;
    EnvironKeys keys;
    PyObject* requestTimeout = nullptr; // _wsgi_engine.RequestTimeout of this interpreter
    std::string label() const { return isMain ? "main interpreter" : spec.applicationGroup; }
};

struct Application
{
    const hosting::MountSpec* mount = nullptr;
    Interpreter* interpreter = nullptr;
    PyObject* callable = nullptr; // null while the script has not loaded
    PyObject* scriptName = nullptr;
    PyObject* scriptFilename = nullptr;
    PyObject* environTemplate = nullptr; // see environ.h
    std::mutex loadLock; // a failed script is retried by the next request, one thread at a time
};

class PythonHost
{
public:
    explicit PythonHost(hosting::WorkerSpec spec);
    // Starts Python and loads every mount's script. False with `error` when Python cannot start;
    // a script that fails to load is logged and retried per request, as mod_wsgi does.
    bool start(std::string& error);

    const hosting::WorkerSpec& spec() const { return m_spec; }
    Application* application(uint32_t mountIndex);
    // With the application's interpreter current: loads the script if it is not loaded yet. False
    // (exception printed to the log) when it cannot be loaded.
    bool ensureLoaded(Application& app);
    const std::string& logPrefix() const { return m_logPrefix; } // "[wsgi:GROUP:PID] "
    std::string describeRuntime() const { return m_runtimeDescription; }
    // "key=value" lines for the supervisor: runtime, GIL state in force, switch intervals.
    std::string helloText() const { return m_hello; }
    // From the main thread, with no GIL held: the Python stack of every thread in every interpreter.
    std::string dumpStacks();
    // From the main thread, with no GIL held: the Python frames of every other thread that runs
    // Python code, interpreter by interpreter (request details are the caller's to add).
    std::vector<ThreadStack> pythonStacks();
    // From the main thread, with no GIL held: raises RequestTimeout in thread `threadId` of
    // `interp` if `stillStuck()` (asked with that interpreter's GIL held) says it still runs the
    // request that timed out. Returns that thread's frames, read under the same GIL hold.
    std::vector<StackFrame> interruptThread(Interpreter& interp, uint64_t threadId,
                                            const std::function<bool()>& stillStuck, bool& raised);
    bool gilEnabled() const { return m_gilEnabled; }
    // With the main interpreter's GIL held: (re)arms faulthandler's watchdog to write every thread's
    // stack to `fd` if `seconds` pass before the next call.
    bool armDeadlockDump(int seconds, int fd);
    const std::vector<std::unique_ptr<Interpreter>>& interpreters() const { return m_interpreters; }

private:
    bool setUpInterpreter(Interpreter& interp);
    bool loadScript(Application& app);

    hosting::WorkerSpec m_spec;
    std::string m_logPrefix;
    std::vector<std::unique_ptr<Interpreter>> m_interpreters;
    std::vector<std::unique_ptr<Application>> m_applications;
    std::string m_runtimeDescription;
    std::string m_hello;
    bool m_gilEnabled = true;
};

} // namespace wsgi::worker
