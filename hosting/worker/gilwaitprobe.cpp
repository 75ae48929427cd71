#include "gilwaitprobe.h"

#include "core/clock.h"

#include <atomic>
#include <dlfcn.h>
#include <pthread.h>

namespace wsgi::worker {
namespace {

thread_local GilWaitCounters t_counters;
std::atomic<bool> g_seen{false};

using TimedWait = int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*);

TimedWait realTimedWait()
{
    // RTLD_NEXT finds libc's default version, the same one libpython was linked against.
    static TimedWait real = reinterpret_cast<TimedWait>(dlsym(RTLD_NEXT, "pthread_cond_timedwait"));
    return real;
}

} // namespace

GilWaitCounters gilWaitTotals() { return t_counters; }

bool gilWaitProbeSeen() { return g_seen.load(std::memory_order_relaxed); }

} // namespace wsgi::worker

extern "C" __attribute__((visibility("default"))) int pthread_cond_timedwait(pthread_cond_t* cond,
                                                                           pthread_mutex_t* mutex,
                                                                           const struct timespec* abstime)
{
    using namespace wsgi::worker;
    const int64_t start = wsgi::monotonicMicros();
    const int rc = realTimedWait()(cond, mutex, abstime);
    t_counters.waitUs += wsgi::monotonicMicros() - start;
    ++t_counters.waits;
    g_seen.store(true, std::memory_order_relaxed);
    return rc;
}
