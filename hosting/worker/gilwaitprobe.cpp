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
using Wait = int (*)(pthread_cond_t*, pthread_mutex_t*);

// RTLD_NEXT finds libc's default versions, the ones libpython was linked against.
TimedWait realTimedWait()
{
    static TimedWait real = reinterpret_cast<TimedWait>(dlsym(RTLD_NEXT, "pthread_cond_timedwait"));
    return real;
}

Wait realWait()
{
    static Wait real = reinterpret_cast<Wait>(dlsym(RTLD_NEXT, "pthread_cond_wait"));
    return real;
}

using MutexLock = int (*)(pthread_mutex_t*);

MutexLock realMutexLock()
{
    static MutexLock real = reinterpret_cast<MutexLock>(dlsym(RTLD_NEXT, "pthread_mutex_lock"));
    return real;
}

void account(int64_t start)
{
    t_counters.waitUs += wsgi::monotonicMicros() - start;
    ++t_counters.waits;
    g_seen.store(true, std::memory_order_relaxed);
}

} // namespace

GilWaitCounters gilWaitTotals()
{
    return t_counters;
}

bool gilWaitProbeSeen()
{
    return g_seen.load(std::memory_order_relaxed);
}

} // namespace wsgi::worker

extern "C" __attribute__((visibility("default"))) int
pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex, const struct timespec* abstime)
{
    using namespace wsgi::worker;
    const int64_t start = wsgi::monotonicMicros();
    const int rc = realTimedWait()(cond, mutex, abstime);
    account(start);
    return rc;
}

// With forced switching, a thread asked to drop the GIL waits here until another thread has taken it
// (drop_gil's switch_cond): time lost to contention as much as the wait to take it back.
extern "C" __attribute__((visibility("default"))) int pthread_cond_wait(pthread_cond_t* cond,
                                                                        pthread_mutex_t* mutex)
{
    using namespace wsgi::worker;
    const int64_t start = wsgi::monotonicMicros();
    const int rc = realWait()(cond, mutex);
    account(start);
    return rc;
}

// The GIL's own mutex (held briefly by whoever hands the GIL over) can make a thread wait too,
// when its holder is descheduled inside that short section. Only a lock that is actually
// contended is timed; the uncontended path costs one trylock.
extern "C" __attribute__((visibility("default"))) int pthread_mutex_lock(pthread_mutex_t* mutex)
{
    using namespace wsgi::worker;
    if (pthread_mutex_trylock(mutex) == 0)
        return 0;
    const int64_t start = wsgi::monotonicMicros();
    const int rc = realMutexLock()(mutex);
    account(start);
    return rc;
}
