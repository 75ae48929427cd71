#pragma once
// How long a client may take to send a request, modelled on Apache's mod_reqtimeout (its defaults
// are `RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500`): each phase (the request
// head, then the body) gets an initial deadline, which every byte received pushes back by
// 1/MinRate seconds, up to a maximum counted from the start of the phase. A per-read timer alone
// lets a client that sends one byte every few seconds hold a connection for ever (slowloris).
// Pure: times are passed in, so both dispatch modes and the unit tests share one policy.

#include <cstddef>
#include <cstdint>
#include <string>

namespace wsgi::hosting {

struct ReadTimeoutLimits
{
    // Request head: 0 initial seconds disables the deadline; 0 max = no cap; 0 rate = a fixed deadline.
    int headerSeconds = 20;
    int headerMaxSeconds = 40;
    int headerMinRate = 500; // bytes per second
    // Request body, from the end of the head (for dispatched requests too).
    int bodySeconds = 20;
    int bodyMaxSeconds = 0;
    int bodyMinRate = 500;

    bool operator==(const ReadTimeoutLimits&) const = default;
    // mod_reqtimeout syntax, e.g. "header=20-40,MinRate=500 body=20,MinRate=500".
    std::string text() const;
};

enum class ReadPhase
{
    Header,
    Body
};

class ReadDeadline
{
public:
    ReadDeadline() = default;
    ReadDeadline(const ReadTimeoutLimits& limits) : m_limits(limits) {}

    void setLimits(const ReadTimeoutLimits& limits) { m_limits = limits; }
    const ReadTimeoutLimits& limits() const { return m_limits; }

    // Starts `phase` at `nowUs`; a phase whose initial seconds are 0 has no deadline.
    void start(ReadPhase phase, int64_t nowUs);
    void stop() { m_deadlineUs = kNone; }
    // `n` bytes of the phase arrived: the deadline moves n/MinRate seconds later, up to the max.
    void onBytes(size_t n, int64_t nowUs);

    bool active() const { return m_deadlineUs != kNone; }
    ReadPhase phase() const { return m_phase; }
    int64_t deadlineUs() const { return m_deadlineUs; } // INT64_MAX when inactive
    bool expired(int64_t nowUs) const { return active() && nowUs >= m_deadlineUs; }
    // Milliseconds left, for poll(): -1 when there is no deadline, 0 once expired.
    int remainingMs(int64_t nowUs) const;

    static constexpr int64_t kNone = INT64_MAX;

private:
    ReadTimeoutLimits m_limits;
    ReadPhase m_phase = ReadPhase::Header;
    int64_t m_deadlineUs = kNone;
    int64_t m_initialUs = kNone; // the phase's first deadline, absolute
    int64_t m_capUs = kNone;     // the phase's maximum, absolute
    int m_rate = 0;
    int64_t m_bytes = 0; // received in this phase: the extension is computed from the total, exactly
};

} // namespace wsgi::hosting
