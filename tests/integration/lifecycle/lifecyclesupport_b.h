#pragma once
// What the limits, restarts, storm and recycle tests share: an engine on faults.py with its control
// endpoint, status polling with a deadline, restart counts and lifecycle events, and a steady
// closed-loop load that counts every request that did not get a 200.

#include "core/json.h"
#include "enginefixture.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wsgi::testing {

// Group `g` with `groupOptions` serving faults.py at / (`script` overrides the script).
std::string faultsConfig(const std::string& groupOptions, const std::string& script = "");

Json parseJson(const std::string& line);

class LifecycleEngine
{
public:
    explicit LifecycleEngine(const std::string& config, const std::string& readyTarget = "/");
    bool ok() const { return m_ok; }
    EngineProcess& engine() { return *m_engine; }
    int port() const { return m_engine->port(); }
    std::unique_ptr<ControlClient> client() const;
    Json status() const; // the "result" of a status request
    Json request(const std::string& op, const std::string& fieldsJson) const; // the whole reply
    // Polls status every 50 ms until `done` holds or `timeout` passes; returns the last status.
    Json waitStatus(const std::function<bool(const Json&)>& done, std::chrono::milliseconds timeout) const;
    static int restarts(const Json& status, const std::string& reason); // group g's count
    static std::vector<Json> events(const Json& status, const std::string& kind,
                                    const std::string& reason = "");
    static std::vector<int> pids(const Json& status); // group g's running processes

private:
    std::unique_ptr<EngineProcess> m_engine;
    std::string m_token;
    bool m_ok = false;
};

// User + system CPU seconds of one process, from /proc/PID/stat.
double processCpuSeconds(pid_t pid);

// `connections` client threads, each sending GET `target` back to back on fresh connections until
// stop(); every answer that is not a 200 is counted as failed (with its status, for the message).
class SteadyLoad
{
public:
    SteadyLoad(int port, int connections, std::string target);
    ~SteadyLoad();
    void stop();
    int64_t succeeded() const { return m_ok.load(); }
    int64_t failed() const { return m_failed.load(); }
    std::string failures() const; // the first few failures' statuses

private:
    int m_port;
    std::string m_target;
    std::atomic<bool> m_stop{false};
    std::atomic<int64_t> m_ok{0}, m_failed{0};
    mutable std::mutex m_mutex;
    std::vector<std::string> m_failures;
    std::vector<std::thread> m_threads;
};

} // namespace wsgi::testing
