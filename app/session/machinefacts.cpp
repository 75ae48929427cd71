#include "session/machinefacts.h"

#include <QFile>
#include <QSysInfo>

#include <sched.h>
#include <sys/utsname.h>
#include <thread>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

QString readSmallFile(const QString& path)
{
    QFile file(path);
    // /proc files report size 0: read until the end rather than by size.
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

QString cpuModelFromCpuinfo(const QString& cpuinfo)
{
    for (const QString& line : cpuinfo.split(u'\n')) {
        // x86 says "model name"; arm64 kernels often have only "CPU part" and friends.
        if (line.startsWith(u"model name"_s) || line.startsWith(u"Model"_s) ||
            line.startsWith(u"cpu model"_s)) {
            const qsizetype colon = line.indexOf(u':');
            if (colon > 0)
                return line.mid(colon + 1).trimmed();
        }
    }
    return {};
}

qint64 memTotalFromMeminfo(const QString& meminfo)
{
    for (const QString& line : meminfo.split(u'\n')) {
        if (!line.startsWith(u"MemTotal:"_s))
            continue;
        const QStringList words = line.mid(9).split(u' ', Qt::SkipEmptyParts);
        if (words.isEmpty())
            return 0;
        const qint64 value = words[0].toLongLong();
        return words.value(1) == u"kB"_s ? value * 1024 : value;
    }
    return 0;
}

std::optional<CpuTimes> cpuTimesFromProcStat(const QString& stat)
{
    for (const QString& line : stat.split(u'\n')) {
        if (!line.startsWith(u"cpu "_s))
            continue;
        const QStringList fields = line.mid(4).split(u' ', Qt::SkipEmptyParts);
        if (fields.size() < 8)
            return std::nullopt;
        // user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
        uint64_t v[8];
        for (int i = 0; i < 8; ++i) {
            bool ok = false;
            v[i] = fields[i].toULongLong(&ok);
            if (!ok)
                return std::nullopt;
        }
        CpuTimes t;
        t.busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        t.total = t.busy + v[3] + v[4];
        return t;
    }
    return std::nullopt;
}

std::optional<CpuTimes> readCpuTimes()
{
    return cpuTimesFromProcStat(readSmallFile(u"/proc/stat"_s));
}

std::optional<double> busyCores(const CpuTimes& before, const CpuTimes& after, int cores)
{
    if (after.total <= before.total || after.busy < before.busy || cores <= 0)
        return std::nullopt;
    return double(after.busy - before.busy) / double(after.total - before.total) * cores;
}

double currentLoadAverage()
{
    const QString text = readSmallFile(u"/proc/loadavg"_s);
    bool ok = false;
    const double value = text.section(u' ', 0, 0).toDouble(&ok);
    return ok ? value : -1;
}

MachineFacts collectMachineFacts()
{
    MachineFacts facts;
    cpu_set_t set;
    CPU_ZERO(&set);
    facts.onlineCores = int(std::thread::hardware_concurrency());
    facts.cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : facts.onlineCores;
    facts.cpuModel = cpuModelFromCpuinfo(readSmallFile(u"/proc/cpuinfo"_s));
    if (facts.cpuModel.isEmpty())
        facts.cpuModel = QSysInfo::currentCpuArchitecture();
    utsname names{};
    if (::uname(&names) == 0)
        facts.kernel = QString::fromUtf8(names.sysname) + u' ' + QString::fromUtf8(names.release) + u' ' +
                       QString::fromUtf8(names.machine);
    facts.hostname = QSysInfo::machineHostName();
    facts.memoryBytes = memTotalFromMeminfo(readSmallFile(u"/proc/meminfo"_s));
    facts.loadAverage1 = currentLoadAverage();
    return facts;
}

QJsonObject MachineFacts::toJson() const
{
    return {
        {u"cores"_s, cores},
        {u"online_cores"_s, onlineCores},
        {u"cpu_model"_s, cpuModel},
        {u"kernel"_s, kernel},
        {u"hostname"_s, hostname},
        {u"memory_bytes"_s, double(memoryBytes)},
        {u"load_average_1m"_s, loadAverage1},
    };
}

} // namespace wsgi::studio
