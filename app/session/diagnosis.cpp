#include "session/diagnosis.h"

#include <algorithm>
#include <cmath>

namespace wsgi::studio {

using namespace diagnosis;

namespace {

QString percent(double share)
{
    return QString::number(std::lround(share * 100)) + QStringLiteral(" %");
}

QString millis(double seconds)
{
    const double ms = seconds * 1e3;
    return QString::number(ms, 'f', ms >= 100 ? 0 : ms >= 10 ? 1 : 2) + QStringLiteral(" ms");
}

QString shape(int processes, int threads)
{
    return QStringLiteral("%1x%2").arg(processes).arg(threads);
}

VariantProposal reshape(const GroupFigures& f, int processes, int threads, const QString& reason)
{
    VariantProposal p;
    p.name = shape(processes, threads);
    p.reason = reason;
    if (processes != f.processes)
        p.changes.push_back({f.group, QStringLiteral("processes"), QString::number(processes)});
    if (threads != f.threadsPerProcess)
        p.changes.push_back({f.group, QStringLiteral("threads"), QString::number(threads)});
    return p;
}

} // namespace

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::NotEnoughData:
        return QStringLiteral("not enough data");
    case Verdict::Healthy:
        return QStringLiteral("headroom");
    case Verdict::GilBound:
        return QStringLiteral("GIL-bound");
    case Verdict::Saturated:
        return QStringLiteral("saturated");
    case Verdict::Queueing:
        return QStringLiteral("queueing");
    case Verdict::IoBound:
        return QStringLiteral("I/O-bound");
    }
    return {};
}

Diagnosis diagnose(const GroupFigures& f)
{
    Diagnosis d;
    d.group = f.group;
    const int processes = std::max(1, f.processes);
    const int threads = std::max(1, f.threadsPerProcess);
    d.figures << QStringLiteral("%1 · %2 requests, %3 requests/s")
                     .arg(shape(processes, threads))
                     .arg(f.requests)
                     .arg(f.throughput, 0, 'f', 1);
    d.figures << QStringLiteral("threads busy %1 · CPU %2 of %3 cores")
                     .arg(percent(f.capacity))
                     .arg(f.cpuCores, 0, 'f', 2)
                     .arg(f.machineCores, 0, 'f', 0);
    if (f.gilEnabled) {
        d.figures << QStringLiteral("GIL wait %1 of request thread time (full measure), p95 %2")
                         .arg(percent(f.gilWaitFullShare), millis(f.gilWaitFullP95S));
    } else {
        d.figures << QStringLiteral("no GIL (free-threaded): %1 cores per process")
                         .arg(f.cpuCores / processes, 0, 'f', 2);
    }
    d.figures << QStringLiteral("on CPU %1 of request thread time · application %2 · queue %3")
                     .arg(percent(f.cpuShare), millis(f.applicationMeanS), millis(f.queueMeanS));

    if (f.requests < kMinRequests) {
        d.verdict = Verdict::NotEnoughData;
        d.headline = verdictName(d.verdict);
        d.advice = QStringLiteral("%1 requests in the window; at least %2 are needed to judge")
                       .arg(f.requests)
                       .arg(kMinRequests);
        return d;
    }
    // Off CPU and not waiting for the GIL: sleeping in I/O (a GIL-bound thread is off CPU too).
    const double ioShare = std::max(0.0, 1.0 - f.cpuShare - (f.gilEnabled ? f.gilWaitFullShare : 0.0));
    const bool ioBound = ioShare >= kIoBoundShare;
    const bool machineBound = f.cpuCores >= kMachineBoundShare * f.machineCores;
    const QString summary = d.figures.join(QStringLiteral("; "));

    if (f.gilEnabled && threads > 1 && f.gilWaitFullShare >= kGilBoundShare) {
        d.verdict = Verdict::GilBound;
        d.advice = QStringLiteral("add processes or free-threading, not threads");
        // Twice the processes, the same thread total or a little more: the waits were per process.
        const int p2 = processes * 2;
        const int t2 = std::max(1, int(std::ceil(double(processes * threads) / p2)));
        d.proposal = reshape(f, p2, t2,
                             QStringLiteral("GIL-bound: GIL wait %1 of request thread time in %2; %3")
                                 .arg(percent(f.gilWaitFullShare), shape(processes, threads), summary));
    } else if (f.capacity >= kSaturatedCapacity) {
        d.verdict = Verdict::Saturated;
        if (machineBound) {
            d.advice = QStringLiteral("the machine's cores are the limit: more workers add no throughput");
        } else if (ioBound) {
            d.advice = QStringLiteral("add capacity: more threads (they mostly wait on I/O)");
            d.proposal = reshape(f, processes, threads * 2,
                                 QStringLiteral("saturated, mostly off CPU: %1").arg(summary));
        } else {
            d.advice = QStringLiteral("add capacity: more processes (cores are free)");
            d.proposal = reshape(f, processes * 2, threads,
                                 QStringLiteral("saturated with cores free: %1").arg(summary));
        }
    } else if (f.queueMeanS >= std::max(kQueueingMinS, kQueueingShare * f.applicationMeanS)) {
        d.verdict = Verdict::Queueing;
        if (ioBound || !f.gilEnabled) {
            d.advice = QStringLiteral("requests wait for a thread: add threads");
            d.proposal = reshape(f, processes, threads * 2, QStringLiteral("queueing: %1").arg(summary));
        } else {
            d.advice = QStringLiteral("requests wait for a thread: add processes");
            d.proposal = reshape(f, processes * 2, threads, QStringLiteral("queueing: %1").arg(summary));
        }
    } else if (ioBound && f.capacity >= kIoBoundCapacity) {
        d.verdict = Verdict::IoBound;
        d.advice = QStringLiteral("threads help: they wait on I/O, which releases the GIL");
        d.proposal = reshape(f, processes, threads * 2, QStringLiteral("I/O-bound: %1").arg(summary));
    } else {
        d.verdict = Verdict::Healthy;
        d.advice = QStringLiteral("no bottleneck in this window");
    }
    d.headline = verdictName(d.verdict);
    return d;
}

} // namespace wsgi::studio
