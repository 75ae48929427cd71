#include "telemetry.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <time.h>
#include <unistd.h>

namespace wsgi::hosting {

const char* phaseName(Phase p)
{
    switch (p) {
    case Phase::Queue:
        return "queue_time";
    case Phase::Application:
        return "application_time";
    case Phase::Request:
        return "request_time";
    case Phase::InputRead:
        return "input_read_time";
    case Phase::OutputWrite:
        return "output_write_time";
    case Phase::GilWaitHandoff:
        return "gil_wait_time";
    case Phase::GilWaitFull:
        return "gil_wait_time_full";
    case Phase::ThreadCpu:
        return "request_cpu_time";
    case Phase::OffCpu:
        return "request_off_cpu_time";
    case Phase::Count:
        break;
    }
    return "?";
}

ProcessCpu readProcessCpu(pid_t pid)
{
    ProcessCpu cpu;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    std::ifstream stat(path);
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // The command name is in parentheses and may contain spaces: fields count from the last ')'.
    const size_t close = text.rfind(')');
    if (close == std::string::npos)
        return cpu;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14)
            cpu.userTicks = std::atoll(field.c_str());
        else if (i == 15)
            cpu.systemTicks = std::atoll(field.c_str());
    }
    std::snprintf(path, sizeof path, "/proc/%d/status", int(pid));
    std::ifstream status(path);
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            cpu.rssBytes = std::atoll(line.c_str() + 6) * 1024;
        else if (line.rfind("VmHWM:", 0) == 0)
            cpu.peakRssBytes = std::atoll(line.c_str() + 6) * 1024;
    }
    clockid_t clock;
    timespec ts{};
    if (clock_getcpuclockid(pid, &clock) == 0 && clock_gettime(clock, &ts) == 0)
        cpu.cpuNs = int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    cpu.ok = true;
    return cpu;
}

std::pair<double, double> cpuSecondsBetween(const ProcessCpu& from, const ProcessCpu& to)
{
    static const double ticksPerSecond = double(sysconf(_SC_CLK_TCK));
    const double user = double(to.userTicks - from.userTicks) / ticksPerSecond;
    const double system = double(to.systemTicks - from.systemTicks) / ticksPerSecond;
    if (from.cpuNs < 0 || to.cpuNs < from.cpuNs)
        return {user, system};
    const double total = double(to.cpuNs - from.cpuNs) / 1e9;
    const double userShare = user + system > 0 ? user / (user + system) : 1.0;
    return {total * userShare, total * (1 - userShare)};
}

void ProcessInterval::begin(int64_t nowUs, const ProcessCpu& cpu)
{
    *this = ProcessInterval{};
    m_startUs = nowUs;
    m_cpuAtStart = cpu;
}

void ProcessInterval::record(const RequestMetrics& m, int64_t completedUs)
{
    ++m_requests;
    const int cls = m.status / 100;
    // mod_wsgi counts a request that failed before start_response (status 0) as 5xx.
    ++m_status[size_t(cls >= 1 && cls <= 5 ? cls - 1 : 4)];
    auto put = [this](Phase p, int64_t v) { m_phases[size_t(p)].record(v < 0 ? 0 : v); };
    put(Phase::Queue, m.threadStartUs - m.acceptedUs);
    put(Phase::Application, m.appEndUs - m.appStartUs);
    put(Phase::Request, completedUs - m.acceptedUs);
    put(Phase::InputRead, m.inputReadUs);
    put(Phase::OutputWrite, m.outputWriteUs);
    put(Phase::GilWaitHandoff, m.gilWaitHandoffUs);
    put(Phase::GilWaitFull, m.gilWaitFullUs);
    put(Phase::ThreadCpu, m.cpuUs);
    put(Phase::OffCpu, (m.appEndUs - m.threadStartUs) - m.cpuUs);
    m_gilWaitCount += m.gilWaitCount;
    m_bytesIn += m.bytesIn;
    m_bytesOut += m.bytesOut;
}

void ProcessInterval::addBusy(int64_t startUs, int64_t endUs)
{
    if (startUs < m_startUs)
        startUs = m_startUs;
    if (endUs > startUs)
        m_busyUs += endUs - startUs;
}

} // namespace wsgi::hosting
