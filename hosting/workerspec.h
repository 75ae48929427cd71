#pragma once
// Everything a worker process needs to know, resolved by the supervisor from the configuration
// (so a worker never re-interprets config text). Passed to the worker as text on an inherited pipe.

#include "readtimeouts.h"

#include <optional>
#include <string>
#include <vector>

namespace wsgi::hosting {

struct InterpreterSpec
{
    std::string applicationGroup; // "" = the main interpreter (%{GLOBAL})
    bool ownGil = false;
    std::optional<double> switchInterval;
    std::vector<std::string> pythonPath; // container layers, least to most specific
};

struct MountSpec
{
    uint32_t index = 0; // the supervisor's mount index, used in RequestHead::mountIndex
    std::string urlPrefix;
    std::string scriptPath;
    std::string callableObject = "application";
    std::string applicationGroup;
};

struct WorkerSpec
{
    std::string group;
    int processIndex = 0;
    int processes = 1;
    bool multiprocess = false;
    int threads = 1;
    int gracefulTimeoutSeconds = 15; // how long a stopping process lets running requests finish
    bool direct = false;             // threads serve client connections themselves (DirectServer)
    int queueTimeoutSeconds = 0;     // direct mode checks queue-timeout itself
    int keepAliveSeconds = 15;
    // Direct mode's client timeouts (Apache's defaults): KeepAliveTimeout, socket-timeout (default
    // Apache's Timeout), listen-backlog (accepted connections waiting for a thread before 503) and
    // RequestReadTimeout.
    int keepAliveMilliseconds = 5000;
    int socketTimeoutSeconds = 60;
    int listenBacklog = 100;
    ReadTimeoutLimits readTimeouts;
    int maximumRequests = 0; // direct mode: the measurements go out at once when this many are done
    // The worker's own fail-safes (mod_wsgi 6.0 defaults, seconds, 0 = off): request-timeout as
    // configured (the worker scales it by threads), interrupt-timeout, deadlock-timeout.
    int requestTimeoutSeconds = 0;
    int interruptTimeoutSeconds = 0;
    int deadlockTimeoutSeconds = 300;
    std::string runtime;
    bool freeThreading = false;           // disable the GIL (free-threaded build only)
    std::optional<double> switchInterval; // process-wide
    std::vector<std::string> pythonPath;
    std::string pythonHome;
    std::string home;
    std::string serverName = "localhost";
    std::vector<InterpreterSpec> interpreters;
    std::vector<MountSpec> mounts;
    std::vector<std::string> notes; // findings to log at start (WSGI0200 ...)

    std::string encode() const;
    // Returns nullopt and sets `error` when the text is not a valid spec.
    static std::optional<WorkerSpec> decode(const std::string& text, std::string& error);
};

} // namespace wsgi::hosting
