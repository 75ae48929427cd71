#pragma once
// Why a worker process was replaced: one list for the engine (which counts and logs them), the
// control endpoint and telemetry (which name them on the wire) and the studio (which draws them as
// markers). Names are mod_wsgi 6's option names where the reason is an option.

#include <optional>
#include <string_view>

namespace wsgi {

enum class RestartReason
{
    RequestTimeout,  // "request-timeout": a request ran past request-timeout (per-thread formula)
    Deadlock,        // "deadlock": the GIL was held longer than deadlock-timeout
    Memory,          // "memory": memory-limit or virtual-memory-limit was reached
    Cpu,             // "cpu": cpu-time-limit was reached
    Inactivity,      // "inactivity": no request for inactivity-timeout
    RestartInterval, // "restart-interval": the process reached restart-interval
    MaximumRequests, // "maximum-requests"
    CrashExit,       // "crash-exit": the process exited on its own
    CrashSignal,     // "crash-signal": the process was killed by a signal
    Reload,          // "reload": a new configuration was applied
    Restart,         // "restart": an operator asked for it (control op or the studio)
    StartupTimeout,  // "startup-timeout": the WSGI script did not load within startup-timeout
};

inline constexpr RestartReason kAllRestartReasons[] = {
    RestartReason::RequestTimeout,  RestartReason::Deadlock,
    RestartReason::Memory,          RestartReason::Cpu,
    RestartReason::Inactivity,      RestartReason::RestartInterval,
    RestartReason::MaximumRequests, RestartReason::CrashExit,
    RestartReason::CrashSignal,     RestartReason::Reload,
    RestartReason::Restart,         RestartReason::StartupTimeout,
};

constexpr std::string_view restartReasonName(RestartReason r)
{
    switch (r) {
    case RestartReason::RequestTimeout:
        return "request-timeout";
    case RestartReason::Deadlock:
        return "deadlock";
    case RestartReason::Memory:
        return "memory";
    case RestartReason::Cpu:
        return "cpu";
    case RestartReason::Inactivity:
        return "inactivity";
    case RestartReason::RestartInterval:
        return "restart-interval";
    case RestartReason::MaximumRequests:
        return "maximum-requests";
    case RestartReason::CrashExit:
        return "crash-exit";
    case RestartReason::CrashSignal:
        return "crash-signal";
    case RestartReason::Reload:
        return "reload";
    case RestartReason::Restart:
        return "restart";
    case RestartReason::StartupTimeout:
        return "startup-timeout";
    }
    return "unknown";
}

constexpr std::optional<RestartReason> restartReasonFromName(std::string_view name)
{
    for (const RestartReason r : kAllRestartReasons)
        if (restartReasonName(r) == name)
            return r;
    return std::nullopt;
}

// The studio's marker families: a recycle is planned (the process finished its requests first), a
// crash or a timeout is not.
enum class RestartKind
{
    Recycle, // maximum-requests, restart-interval, inactivity, memory, cpu (graceful)
    Crash,   // crash-exit, crash-signal, request-timeout, deadlock, startup-timeout
    Reload,
    Restart,
};

constexpr RestartKind restartKind(RestartReason r)
{
    switch (r) {
    case RestartReason::MaximumRequests:
    case RestartReason::RestartInterval:
    case RestartReason::Inactivity:
    case RestartReason::Memory:
    case RestartReason::Cpu:
        return RestartKind::Recycle;
    case RestartReason::Reload:
        return RestartKind::Reload;
    case RestartReason::Restart:
        return RestartKind::Restart;
    default:
        return RestartKind::Crash;
    }
}

} // namespace wsgi
