#include "core/loadgen/schedule.h"

#include <algorithm>
#include <cmath>

namespace wsgi::loadgen {

OpenLoopSchedule::OpenLoopSchedule(int64_t startUs, double ratePerSec, int connections)
    : m_startUs(startUs), m_rate(ratePerSec > 0 ? ratePerSec : 1), m_connections(std::max(1, connections))
{
}

int64_t OpenLoopSchedule::intendedUs(int64_t slot) const
{
    // Computed from the slot number, never accumulated, so rounding cannot drift over a long run;
    // multiplying before dividing keeps whole-second boundaries exact (slot 7e6 at 7/s = 1e12 us).
    return m_startUs + int64_t(std::floor(double(slot) * 1e6 / m_rate));
}

int64_t OpenLoopSchedule::firstSlotAtOrAfter(int64_t timeUs) const
{
    if (timeUs <= m_startUs)
        return 0;
    int64_t slot = int64_t(std::ceil(double(timeUs - m_startUs) * m_rate / 1e6));
    // Floating point can land one off either way; settle it against intendedUs() itself.
    while (slot > 0 && intendedUs(slot - 1) >= timeUs)
        --slot;
    while (intendedUs(slot) < timeUs)
        ++slot;
    return slot;
}

int64_t OpenLoopSchedule::connectionSlotAtOrAfter(int connection, int64_t slot) const
{
    if (slot <= connection)
        return connection;
    const int64_t k = (slot - connection + m_connections - 1) / m_connections;
    return connection + k * m_connections;
}

int64_t OpenLoopSchedule::connectionSlotsIn(int connection, int64_t fromSlot, int64_t toSlot) const
{
    if (toSlot <= fromSlot)
        return 0;
    const int64_t first = connectionSlotAtOrAfter(connection, fromSlot);
    if (first >= toSlot)
        return 0;
    return (toSlot - 1 - first) / m_connections + 1;
}

ConnectionPacer::ConnectionPacer(const OpenLoopSchedule* schedule, int connection, int64_t firstSlot)
    : m_schedule(schedule), m_connection(connection),
      m_nextSlot(schedule->connectionSlotAtOrAfter(connection, firstSlot))
{
}

int64_t ConnectionPacer::take()
{
    const int64_t intended = m_schedule->intendedUs(m_nextSlot);
    m_nextSlot += m_schedule->connections();
    return intended;
}

} // namespace wsgi::loadgen
