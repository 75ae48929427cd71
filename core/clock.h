#pragma once
// Monotonic time in microseconds. CLOCK_MONOTONIC is shared by every process on the host, so a
// timestamp taken in the supervisor can be compared with one taken in a worker (queue time).

#include <cstdint>
#include <ctime>

namespace wsgi {

inline int64_t monotonicMicros()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// CPU time of the calling thread, microseconds.
inline int64_t threadCpuMicros()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

} // namespace wsgi
