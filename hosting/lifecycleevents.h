#pragma once
// The supervisor's record of process lifecycle events (restarts by reason, reloads, restart-storm
// throttling): a bounded ring with increasing sequence numbers, so each telemetry subscriber gets
// exactly the events it has not seen, and `status` shows the recent ones. Also the restart-storm
// back-off schedule. Pure logic, no processes, so both are unit-tested.

#include "core/json.h"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace wsgi::hosting {

struct LifecycleEvent
{
    int64_t seq = 0;    // assigned by EventRing::push, increasing from 1
    double time = 0;    // unix seconds
    std::string kind;   // "restart" | "reload" | "throttled"
    std::string reason; // restartReasonName, "" for reload and throttled
    std::string group;
    int process = 0; // 1-based index, 0 for reload
    int pid = 0;     // the process that went away
    int requestsLost = 0;
    int generation = 0;  // reload: the generation it made
    double backoffS = 0; // throttled: the delay before the next start
    std::string detail;  // one line
    std::string log;     // text logged with it, at most kMaxEventLog bytes
};

constexpr size_t kEventRingCapacity = 256;
constexpr size_t kEventTailOnSubscribe = 64; // what a late subscriber and `status` see
constexpr size_t kMaxEventLog = 64 * 1024;

class EventRing
{
public:
    explicit EventRing(size_t capacity = kEventRingCapacity) : m_capacity(capacity) {}
    // Stores `event` with the next seq (the log cut to kMaxEventLog) and returns that seq.
    int64_t push(LifecycleEvent event);
    // Events with seq > `after`, oldest first (those already dropped from the ring are gone).
    std::vector<const LifecycleEvent*> since(int64_t after) const;
    // The last `count` events, oldest first.
    std::vector<const LifecycleEvent*> tail(size_t count) const;
    int64_t lastSeq() const { return m_nextSeq - 1; }
    size_t size() const { return m_events.size(); }

private:
    size_t m_capacity;
    int64_t m_nextSeq = 1;
    std::deque<LifecycleEvent> m_events;
};

// The wire form (contracts: Wire 1).
Json eventJson(const LifecycleEvent& e);
Json eventsJson(const std::vector<const LifecycleEvent*>& events);

// A process slot's restart-storm back-off. A process that dies at start-up (before it served a
// request, within kStableUs of starting) waits twice as long as the last one before the next start,
// up to kMaxUs; any other death (a crash while serving, after many requests) starts the count over,
// so a rare crash under load is restarted at once and never throttled. Bounded, so a fixed
// application is back within kMaxUs.
class RestartBackoff
{
public:
    static constexpr int64_t kInitialUs = 500 * 1000;
    static constexpr int64_t kMaxUs = 30 * 1000 * 1000;
    static constexpr int64_t kStableUs = 10 * 1000 * 1000;
    static constexpr int kStormFailures = 3; // start-up deaths in a row that make a storm

    // The process lived `livedUs` and had (or had not) served requests; returns the delay before
    // the slot's next start.
    int64_t onExit(int64_t livedUs, bool servedRequests);
    int failures() const { return m_failures; } // start-up deaths in a row
    int64_t delayUs() const { return m_delayUs; }
    bool storming() const { return m_failures >= kStormFailures; }

private:
    int m_failures = 0;
    int64_t m_delayUs = 0;
};

} // namespace wsgi::hosting
