#pragma once
// Measures every wait for the GIL made by the calling thread, including the switches the
// interpreter forces inside application code, which no hand-off timing can see.
//
// CPython's GIL is a mutex plus a condition variable; a thread that finds the GIL taken waits in
// pthread_cond_timedwait on it (take_gil in Python/ceval_gil.c). The worker executable defines
// pthread_cond_timedwait, which libpython's calls bind to, times the wait and calls libc's; likewise
// pthread_cond_wait, where a thread that was made to drop the GIL waits for another to take it.
// Neither the worker's own code nor CPython uses condition variables for anything else on these
// paths (CPython's locks are semaphores), so what is counted is the GIL.

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
