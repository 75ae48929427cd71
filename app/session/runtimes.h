#pragma once
// The Python runtimes the engine can use: one wsgi-worker-<runtime> binary each, beside the engine
// (or in its --worker-dir), named by version with a "t" for free-threaded builds ("3.11", "3.13",
// "3.13t"). listRuntimes() is cheap (a directory listing; the facts the name implies); probeRuntime()
// runs the runtime's python once for its exact version and build (blocking, up to the timeout: call
// it off the GUI thread, e.g. through JobTracker).
//
//   m_jobs.startJob(this, [dir] { return discoverRuntimes(dir); },
//                   [this](QList<RuntimeInfo> runtimes) { m_model.setRuntimes(runtimes); });

#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace wsgi::studio {

struct RuntimeInfo
{
    QString name;       // "3.13t"
    QString workerPath; // the wsgi-worker-<name> binary
    QString python;     // the interpreter probed for the facts; empty until probed
    QString version;    // "3.13.5"; empty until probed (or when the probe failed)
    int major = 0;      // from the name, then from the probe
    int minor = 0;
    bool freeThreaded = false;              // a free-threaded build (Py_GIL_DISABLED): the GIL can be off
    bool perInterpreterGilPossible = false; // 3.12+: sub-interpreters may have their own GIL
    bool probed = false;
    QString error; // why the probe found no matching python, when it did not

    // "3.13.5, free-threaded" / "3.12.3, per-interpreter GIL possible": for tables and tooltips.
    QString summary() const;
};

// Parses "3.13t" into its facts; empty for a name that is not MAJOR.MINOR[t].
std::optional<RuntimeInfo> runtimeFromName(const QString& name);

// The directory the engine looks in by default: the engine binary's own directory.
QString defaultWorkerDir(const QString& enginePath);

// wsgi-worker-* executables in `workerDir`, sorted by version (3.11, 3.13, 3.13t).
QList<RuntimeInfo> listRuntimes(const QString& workerDir);

// Runs each candidate python (pythonCandidates) with a short probe and takes the first whose
// version and build match the runtime's name. Blocking.
RuntimeInfo probeRuntime(RuntimeInfo runtime, std::chrono::milliseconds timeout = std::chrono::seconds(5));

// listRuntimes, then probeRuntime for each. Blocking.
QList<RuntimeInfo> discoverRuntimes(const QString& workerDir,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Reads the probe's one-line JSON output into `runtime`; false with `error` set when malformed.
bool parseRuntimeProbe(const QByteArray& output, RuntimeInfo& runtime, QString& error);

} // namespace wsgi::studio
