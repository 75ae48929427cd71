#pragma once
// The physical limit of a CPU-bound workload on this machine: `cores / CPU seconds per request`,
// no configuration can serve more. The CPU per request is measured by the application itself
// (`python APP --measure-cpu N`, as resources/apps/workload.py offers) on the same Python runtime
// the engine runs it on, in the same run (DESIGN.md "Measuring performance honestly").
//
// The runtime's executable is found the way cmake/PythonRuntimes.cmake finds runtimes (the studio's
// own builds under WSGI_STUDIO_PYTHON_ROOT, then /usr/bin/python3.N, then /usr/bin/python3), and a
// candidate counts only if the version it reports is the one the engine's worker reported.

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace wsgi::studio {

struct PhysicalLimit
{
    QString runtime;    // "3.13t"
    QString executable; // the python that measured
    QString python;     // the version it reported ("3.13.5")
    bool freeThreadedBuild = false;
    int requests = 0; // calls measured
    int cores = 0;
    std::optional<double> cpuSecondsPerRequest;
    QString error; // why there is no limit (the app has no --measure-cpu, no such runtime, ...)

    bool ok() const { return cpuSecondsPerRequest && *cpuSecondsPerRequest > 0 && cores > 0; }
    double requestsPerSecond() const { return ok() ? double(cores) / *cpuSecondsPerRequest : 0; }
    QJsonObject toJson() const;
};

// Executables that may be `runtime`, most specific first.
QStringList pythonCandidates(const QString& runtime);

// Reads the JSON `--measure-cpu` prints; false with `error` set when it is not that.
bool parseMeasureCpuOutput(const QByteArray& output, PhysicalLimit& limit, QString& error);

class PhysicalLimitProbe : public QObject
{
    Q_OBJECT
public:
    explicit PhysicalLimitProbe(QObject* parent = nullptr);
    ~PhysicalLimitProbe() override;

    // `expectedVersion`: the worker's Python version ("3.11.2 (main, ...)" or "3.11.2"); empty
    // accepts the first candidate that runs.
    void start(const QString& runtime, const QString& expectedVersion, const QString& appPath, int requests,
               int cores);
    void cancel();

Q_SIGNALS:
    void finished(const wsgi::studio::PhysicalLimit& limit);

private:
    void tryNext();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void finish();

    std::unique_ptr<QProcess> m_process;
    PhysicalLimit m_limit;
    QString m_expectedVersion;
    QString m_appPath;
    QStringList m_candidates;
    QStringList m_rejections; // why each candidate was not it, for the error
    bool m_done = false;
};

} // namespace wsgi::studio

Q_DECLARE_METATYPE(wsgi::studio::PhysicalLimit)
