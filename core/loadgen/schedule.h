#pragma once
// The open-loop schedule and its coordinated-omission arithmetic, the wrk2 method.
//
// The total rate R is one evenly spaced global schedule: slot s is due at start + s / R. Connection
// g of C owns the slots s = g, g + C, g + 2C, ... so every connection runs at R / C with its phase
// staggered, exactly wrk2's per-connection throughput without its synchronized start. A connection
// never pipelines: when an answer is slow the connection's next slots pass by unsent, and once the
// answer arrives it sends them back to back, each late. Latency is then measured twice:
//   corrected   = completion - intended send time (what a user arriving on schedule waited);
//   uncorrected = completion - actual send time   (what a closed-loop tool like wrk reports).
// A request sent more than the late threshold behind its slot counts as late, and its lateness
// (actual - intended) is summed, so "the generator could not keep up" is visible in the result.
//
// Pure arithmetic on microsecond timestamps passed in: no clock, so tests need no sleeps.

#include <cstdint>

namespace wsgi::loadgen {

class OpenLoopSchedule
{
public:
    OpenLoopSchedule() = default;
    OpenLoopSchedule(int64_t startUs, double ratePerSec, int connections);

    int64_t startUs() const { return m_startUs; }
    double rate() const { return m_rate; }
    int connections() const { return m_connections; }

    // When slot s is due.
    int64_t intendedUs(int64_t slot) const;
    // The first slot due at or after timeUs (0 for times before the start).
    int64_t firstSlotAtOrAfter(int64_t timeUs) const;
    // Connection g's first slot that is >= slot.
    int64_t connectionSlotAtOrAfter(int connection, int64_t slot) const;
    // How many of connection g's slots fall in [fromSlot, toSlot).
    int64_t connectionSlotsIn(int connection, int64_t fromSlot, int64_t toSlot) const;

private:
    int64_t m_startUs = 0;
    double m_rate = 1;
    int m_connections = 1;
};

// One connection's walk along its slots.
class ConnectionPacer
{
public:
    ConnectionPacer() = default;
    ConnectionPacer(const OpenLoopSchedule* schedule, int connection, int64_t firstSlot);

    int64_t nextSlot() const { return m_nextSlot; }
    int64_t nextIntendedUs() const { return m_schedule->intendedUs(m_nextSlot); }
    // Takes the next slot for a send happening at nowUs; returns its intended time.
    int64_t take();

private:
    const OpenLoopSchedule* m_schedule = nullptr;
    int m_connection = 0;
    int64_t m_nextSlot = 0;
};

// Per-request timing, and the corrected/uncorrected latencies derived from it.
struct RequestTiming
{
    int64_t intendedUs = 0; // = sentUs in closed loop
    int64_t sentUs = 0;

    int64_t correctedLatency(int64_t doneUs) const { return doneUs - intendedUs; }
    int64_t uncorrectedLatency(int64_t doneUs) const { return doneUs - sentUs; }
    int64_t lateness() const { return sentUs > intendedUs ? sentUs - intendedUs : 0; }
};

// Running late-send accounting.
struct LatenessStats
{
    int64_t late = 0;    // sends more than the threshold behind schedule
    int64_t totalUs = 0; // summed lateness of those sends
    int64_t maxUs = 0;

    void add(int64_t latenessUs, int64_t thresholdUs)
    {
        if (latenessUs <= thresholdUs)
            return;
        ++late;
        totalUs += latenessUs;
        if (latenessUs > maxUs)
            maxUs = latenessUs;
    }
    void merge(const LatenessStats& o)
    {
        late += o.late;
        totalUs += o.totalUs;
        if (o.maxUs > maxUs)
            maxUs = o.maxUs;
    }
};

} // namespace wsgi::loadgen
