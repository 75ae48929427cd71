#pragma once
// Helpers the hardening tests share: the usual one-group configuration of hardening.py, elapsed
// time, a process's CPU time, and a loopback connection for the raw clients.

#include <chrono>
#include <cstddef>
#include <string>
#include <sys/types.h>

namespace wsgi::testing {

// `top` (directives before the group), then group `g` with `groupOptions` serving hardening.py at /.
std::string hardeningConfig(const std::string& top = "",
                            const std::string& groupOptions = "processes=1 threads=2");

double secondsSince(std::chrono::steady_clock::time_point t);

// User + system CPU seconds of one process, from /proc/PID/stat.
double cpuSeconds(pid_t pid);

// How many times `needle` occurs in `haystack` (overlapping occurrences counted).
size_t countOf(const std::string& haystack, const std::string& needle);

// The "pid" field of a JSON answer from gilstate.py, as text ("" when absent).
std::string pidOf(const std::string& json);

// A blocking TCP socket connected to 127.0.0.1:`port`, or -1. `receiveBuffer` > 0 sets SO_RCVBUF
// before connecting, so the window is small from the start.
int connectLoopback(int port, int receiveBuffer = 0);

} // namespace wsgi::testing
