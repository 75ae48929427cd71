#pragma once
// What a benchmark result must say about the machine it ran on, so a number is never read without
// its context: cores usable by this process, CPU model, kernel, memory, load at the time.

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>

namespace wsgi::studio {

struct MachineFacts
{
    int cores = 0;       // CPUs this process may run on (its affinity mask), what a limit divides by
    int onlineCores = 0; // CPUs online in the machine
    QString cpuModel;    // /proc/cpuinfo "model name" (first CPU)
    QString kernel;      // uname: "Linux 6.1.0-18-amd64 x86_64"
    QString hostname;
    qint64 memoryBytes = 0;   // MemTotal
    double loadAverage1 = -1; // /proc/loadavg when the facts were taken; -1 when unreadable

    QJsonObject toJson() const;
};

MachineFacts collectMachineFacts();
// The 1-minute load average now; -1 when unreadable. Taken again at the end of a run: a load that
// rose during a benchmark is a reason to distrust it.
double currentLoadAverage();
// The machine's CPU time so far, all processes, from /proc/stat's "cpu" line: what was busy and what
// there was, in clock ticks. Two readings give how many cores everything on the machine used in
// between, which says whether other work disturbed a measurement.
struct CpuTimes
{
    uint64_t busy = 0;  // user + nice + system + irq + softirq + steal
    uint64_t total = 0; // busy + idle + iowait
};
std::optional<CpuTimes> readCpuTimes();
// Cores busy between two readings on a machine with `cores` CPUs; empty when nothing elapsed.
std::optional<double> busyCores(const CpuTimes& before, const CpuTimes& after, int cores);

// Parsers, separate so tests feed them text.
std::optional<CpuTimes> cpuTimesFromProcStat(const QString& stat);
QString cpuModelFromCpuinfo(const QString& cpuinfo);
qint64 memTotalFromMeminfo(const QString& meminfo);

} // namespace wsgi::studio
