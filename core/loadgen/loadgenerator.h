#pragma once
// The load generator: N threads, each an epoll loop over its share of keep-alive HTTP/1.1
// connections, closed loop or open loop at a constant rate with coordinated-omission correction
// (schedule.h). run() blocks until the run ends; call it off any GUI thread. Progress arrives about
// once a second on the calling thread, and `cancel` stops the run within a few milliseconds (the
// result then says Cancelled and holds what was measured so far).
//
//   LoadSpec spec;
//   spec.url = "http://127.0.0.1:8080/";
//   spec.connections = 64; spec.threads = 2; spec.warmupSec = 2; spec.durationSec = 10;
//   LoadResult r = LoadGenerator().run(spec, [](const LoadProgress& p) { ... }, &cancelFlag);

#include "core/loadgen/loadresult.h"
#include "core/loadgen/loadspec.h"

#include <atomic>
#include <functional>

namespace wsgi::loadgen {

struct LoadProgress
{
    double elapsedSec = 0; // since the clock started (warm-up included)
    bool warmingUp = false;
    int64_t requests = 0;   // measured answers so far
    int64_t errors = 0;     // measured errors so far
    double currentRate = 0; // answers per second over the last report interval (warm-up included)
    double plannedSec = 0;  // warm-up + duration: the longest the run will take
    // Client latency of the answers in the last report interval (warm-up included), from the
    // generator's own samples (coordinated-omission corrected in open loop), milliseconds; 0 with
    // intervalAnswers == 0. Answers reach the interval up to 10 ms after they arrive.
    int64_t intervalAnswers = 0;
    double intervalP50Ms = 0;
    double intervalP99Ms = 0;
};
using ProgressCallback = std::function<void(const LoadProgress&)>;

class LoadGenerator
{
public:
    LoadResult run(const LoadSpec& spec, const ProgressCallback& progress = {},
                   const std::atomic<bool>* cancel = nullptr);
};

// Checks a spec without running it; empty when it is runnable.
std::string validateLoadSpec(const LoadSpec& spec);

} // namespace wsgi::loadgen
