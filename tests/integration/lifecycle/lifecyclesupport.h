#pragma once
// Small helpers the lifecycle tests share, beside lifecyclesupport_b.h's LifecycleEngine: waiting
// for a line in the engine's log, and the pid a test app reports.

#include "enginefixture.h"

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace wsgi::testing {

// Polls the engine's log every 50 ms until it holds `needle`; false when `timeout` passed first.
inline bool waitForLog(const EngineProcess& engine, const std::string& needle,
                       std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (engine.log().find(needle) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

// The pid that GET `target` answers with (stuck.py's and faults.py's /pid), 0 when it did not answer.
inline int servingPid(int port, const std::string& target = "/pid")
{
    const HttpResponse r = httpGet(port, target);
    return r.status == 200 ? std::atoi(r.body.c_str()) : 0;
}

inline double elapsedSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace wsgi::testing
