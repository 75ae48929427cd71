#pragma once
// One load thread: its own epoll set and its share of the connections, run to completion. The hot
// path (answer in, next request out) does no allocation: the request bytes are shared and
// pre-built, reads land in one per-thread buffer, and timings go straight into histograms.

#include "core/histogram.h"
#include "core/loadgen/connection.h"
#include "core/loadgen/loadresult.h"
#include "core/loadgen/schedule.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace wsgi::loadgen {

// What every worker of one run shares (read-only once the run starts, apart from the atomics).
struct RunPlan
{
    Endpoint endpoint;
    std::string request;
    bool headRequest = false;
    int totalConnections = 1;
    bool openLoop = false;
    double rate = 0;
    int64_t timeoutUs = 5000000;
    int64_t lateThresholdUs = 1000;
    double warmupSec = 0;
    double durationSec = 10;
    int64_t requestCount = 0; // > 0: count mode (closed loop takes tickets, open loop bounds slots)

    // Published by the generator once every connection has had its first connect attempt.
    std::atomic<int64_t> startUs{0};
    std::atomic<int> ready{0};
    std::atomic<int64_t> tickets{0}; // closed-loop count mode: measured requests handed out
    const std::atomic<bool>* stop = nullptr;
};

// Counters a worker publishes for progress reports (relaxed: they are only for display).
struct alignas(64) WorkerProgress
{
    std::atomic<int64_t> measured{0};
    std::atomic<int64_t> errors{0};
    std::atomic<int64_t> all{0};
    // Latency of every answer (warm-up included) since the generator last took it: the worker
    // hands its own interval histogram over every scan (so the hot path takes no lock), the
    // generator merges and clears it once per progress report.
    std::mutex latencyMutex;
    Histogram latency;
};

// A worker's share of the result, merged by the generator.
struct WorkerResult
{
    std::array<int64_t, 6> status{};
    std::array<int64_t, kErrorKindCount> errors{};
    int64_t requests = 0;
    int64_t completedInWindow = 0;
    int64_t bytesRead = 0;
    int64_t bytesWritten = 0;
    Histogram latency;
    Histogram latencyUncorrected;
    LatenessStats lateness;
    int64_t unsent = 0;
    int64_t connectionsOpened = 0;
    int64_t requestsSentTotal = 0;
    int64_t responsesTotal = 0;
    int64_t unfinished = 0;
    int64_t lastMeasuredEventUs = 0; // count mode: where the measured window ended
    std::vector<TimelineSecond> timeline;
    std::string failure;
};

class Worker
{
public:
    Worker(RunPlan* plan, int firstConnection, int connectionCount, WorkerProgress* progress);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void run(); // the thread body
    WorkerResult& result() { return m_result; }

private:
    void connectAll(int64_t now);
    void startConnect(Connection& c, int64_t now);
    void onConnectEvent(Connection& c, int64_t now);
    void onConnected(Connection& c, int64_t now);
    void connectFailed(Connection& c, int64_t now);
    void onReadable(Connection& c);
    void onWritable(Connection& c, int64_t now);
    void nextRequest(Connection& c, int64_t now);
    void send(Connection& c, int64_t intendedUs, int64_t now, bool measured);
    void writeSome(Connection& c, int64_t now);
    void completeResponse(Connection& c, int64_t now);
    void failRequest(Connection& c, ErrorKind kind, int64_t now);
    void reconnect(Connection& c, int64_t now);
    void finish(Connection& c);
    void scan(int64_t now);
    void fireTimers(int64_t now);
    void armTimer(Connection& c, int64_t dueUs);
    void setWantWrite(Connection& c, bool want);
    bool sendWindowClosed(int64_t now) const;
    bool inWindow(int64_t now) const; // errors not tied to a measured request count inside it
    void countError(ErrorKind kind, int64_t now);
    void publish();
    void handOverIntervalLatency();
    int64_t waitTimeoutUs(int64_t now) const;
    void finalizeOpenLoop();

    RunPlan* m_plan;
    WorkerProgress* m_progress;
    int m_first;
    int m_epoll = -1;
    std::unique_ptr<Connection[]> m_conns;
    int m_count;
    int m_finished = 0;
    std::vector<char> m_buffer;
    std::vector<std::pair<int64_t, int>> m_timers; // min-heap of (due, local index)

    OpenLoopSchedule m_schedule;
    int64_t m_t0 = 0;             // run start (slot 0)
    int64_t m_measureStartUs = 0; // end of warm-up
    int64_t m_measureEndUs = 0;   // no request starts at or after this
    int64_t m_firstMeasuredSlot = 0;
    int64_t m_endSlot = 0; // open loop: one past the last slot to send
    int64_t m_nextScanUs = 0;
    Histogram m_intervalLatency; // answers since the last hand-over to m_progress
    WorkerResult m_result;
};

} // namespace wsgi::loadgen
