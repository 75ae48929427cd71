#pragma once
// Measures every wait for the GIL made by the calling thread, including the switches the
// interpreter forces inside application code, which no hand-off timing can see.
//
// CPython's GIL is a mutex plus a condition variable; a thread that finds the GIL taken waits in
// pthread_cond_timedwait on it (take_gil in Python/ceval_gil.c). The worker executable defines
// pthread_cond_timedwait, which libpython's calls bind to, times the wait and calls libc's; likewise
// pthread_cond_wait, where a thread that was made to drop the GIL waits for another to take it;
// and contended pthread_mutex_lock calls, where a thread waits for the GIL's own mutex while the
// thread handing the GIL over holds it (this matters on a busy machine, where that holder can be
// descheduled inside the section). CPython's other locks are semaphores and the worker's own
// mutexes are never taken inside a request, so what is counted is the GIL.

#include <cstdint>

namespace wsgi::worker {

struct GilWaitCounters
{
    int64_t waitUs = 0;
    int64_t waits = 0;
};

// The calling thread's running totals.
GilWaitCounters gilWaitTotals();

// True once a wait has been seen through the probe in this process (proof the interposition works).
bool gilWaitProbeSeen();

} // namespace wsgi::worker
