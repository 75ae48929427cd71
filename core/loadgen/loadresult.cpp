#include "core/loadgen/loadresult.h"

#include <cstdio>

namespace wsgi::loadgen {

const char* errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Connect:
        return "connect";
    case ErrorKind::Timeout:
        return "timeout";
    case ErrorKind::Reset:
        return "reset";
    case ErrorKind::Closed:
        return "closed";
    case ErrorKind::BadResponse:
        return "bad_response";
    }
    return "unknown";
}

const char* stopReasonName(StopReason reason)
{
    switch (reason) {
    case StopReason::Duration:
        return "duration";
    case StopReason::Count:
        return "count";
    case StopReason::Cancelled:
        return "cancelled";
    case StopReason::Failed:
        return "failed";
    }
    return "unknown";
}

double LoadResult::clientCpuSec() const
{
    double total = coordinatorCpuSec;
    for (double t : workerCpuSec)
        total += t;
    return total;
}

double LoadResult::clientCpuCores() const
{
    return runWallSec > 0 ? clientCpuSec() / runWallSec : 0;
}

int64_t LoadResult::errorCount() const
{
    int64_t n = 0;
    for (int64_t e : errors)
        n += e;
    return n;
}

namespace {

std::string ms(double us)
{
    char buf[32];
    if (us < 1000)
        std::snprintf(buf, sizeof buf, "%.0fus", us);
    else if (us < 1e6)
        std::snprintf(buf, sizeof buf, "%.2fms", us / 1000);
    else
        std::snprintf(buf, sizeof buf, "%.2fs", us / 1e6);
    return buf;
}

void latencyLine(std::string& out, const char* label, const Histogram& h)
{
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-22s", label);
    out += buf;
    static const char* names[] = {"p50", "p90", "p99", "p99.9", "p99.99"};
    for (size_t i = 0; i < kReportedPercentiles.size(); ++i)
        out += std::string(names[i]) + " " + ms(h.percentile(kReportedPercentiles[i])) + "  ";
    out += "max " + ms(double(h.max())) + "  mean " + ms(h.mean()) + "\n";
}

} // namespace

std::string formatLoadResult(const LoadResult& r)
{
    std::string out;
    char buf[256];
    if (r.stoppedBy == StopReason::Failed && r.requests == 0) {
        return "load run failed: " + r.failure + "\n";
    }
    char mode[64];
    if (r.openLoop())
        std::snprintf(mode, sizeof mode, "open loop at %.1f req/s", r.targetRate);
    else
        std::snprintf(mode, sizeof mode, "closed loop");
    std::snprintf(buf, sizeof buf, "%s %s, %s, connections %d, threads %d", r.method.c_str(), r.url.c_str(),
                  mode, r.connections, r.threads);
    out += buf;
    std::snprintf(buf, sizeof buf, ", warm-up %.1fs (excluded), ended by: %s\n", r.warmupSec,
                  stopReasonName(r.stoppedBy));
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-22s%lld in %.2fs = %.1f req/s",
                  "Requests:", (long long)r.completedInWindow, r.durationSec, r.achievedRate);
    out += buf;
    if (r.requests != r.completedInWindow) {
        std::snprintf(buf, sizeof buf, " (+%lld answered after the window)",
                      (long long)(r.requests - r.completedInWindow));
        out += buf;
    }
    out += "\n";
    latencyLine(out, r.openLoop() ? "Latency (corrected):" : "Latency:", r.latency);
    if (r.openLoop())
        latencyLine(out, "Latency (uncorrected):", r.latencyUncorrected);
    std::snprintf(buf, sizeof buf, "  %-22s1xx %lld  2xx %lld  3xx %lld  4xx %lld  5xx %lld  other %lld\n",
                  "Status:", (long long)r.status[0], (long long)r.status[1], (long long)r.status[2],
                  (long long)r.status[3], (long long)r.status[4], (long long)r.status[5]);
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-22s", "Errors:");
    out += buf;
    for (int k = 0; k < kErrorKindCount; ++k) {
        std::snprintf(buf, sizeof buf, "%s %lld  ", errorKindName(ErrorKind(k)),
                      (long long)r.errors[size_t(k)]);
        out += buf;
    }
    out += "\n";
    if (r.openLoop()) {
        std::snprintf(buf, sizeof buf, "  %-22s%lld late (total %s, max %s), %lld never sent\n",
                      "Schedule:", (long long)r.lateness.late, ms(double(r.lateness.totalUs)).c_str(),
                      ms(double(r.lateness.maxUs)).c_str(), (long long)r.unsent);
        out += buf;
    }
    std::snprintf(buf, sizeof buf, "  %-22sread %.2f MB, written %.2f MB, %lld connections opened\n",
                  "Transfer:", double(r.bytesRead) / 1e6, double(r.bytesWritten) / 1e6,
                  (long long)r.connectionsOpened);
    out += buf;
    if (!r.failure.empty())
        out += "  Failure: " + r.failure + "\n";
    return out;
}

} // namespace wsgi::loadgen
