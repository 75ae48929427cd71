#include "readtimeouts.h"

#include <algorithm>

namespace wsgi::hosting {

namespace {

std::string phaseText(const char* name, int seconds, int maxSeconds, int rate)
{
    std::string out = std::string(name) + "=" + std::to_string(seconds);
    if (maxSeconds > 0)
        out += "-" + std::to_string(maxSeconds);
    if (rate > 0)
        out += ",MinRate=" + std::to_string(rate);
    return out;
}

} // namespace

std::string ReadTimeoutLimits::text() const
{
    return phaseText("header", headerSeconds, headerMaxSeconds, headerMinRate) + " " +
           phaseText("body", bodySeconds, bodyMaxSeconds, bodyMinRate);
}

void ReadDeadline::start(ReadPhase phase, int64_t nowUs)
{
    m_phase = phase;
    const bool header = phase == ReadPhase::Header;
    const int seconds = header ? m_limits.headerSeconds : m_limits.bodySeconds;
    const int maxSeconds = header ? m_limits.headerMaxSeconds : m_limits.bodyMaxSeconds;
    m_rate = header ? m_limits.headerMinRate : m_limits.bodyMinRate;
    m_bytes = 0;
    if (seconds <= 0) {
        m_deadlineUs = kNone;
        m_capUs = kNone;
        return;
    }
    m_deadlineUs = nowUs + int64_t(seconds) * 1000000;
    m_initialUs = m_deadlineUs;
    // A max below the initial timeout would shorten it; mod_reqtimeout rejects that config, so the
    // initial deadline wins here.
    m_capUs = maxSeconds > 0 ? std::max(m_deadlineUs, nowUs + int64_t(maxSeconds) * 1000000) : kNone;
}

void ReadDeadline::onBytes(size_t n, int64_t /*nowUs*/)
{
    // Extends from the deadline, not from now: a client keeps its connection only by sending at
    // least MinRate on average since the phase began (mod_reqtimeout's timeout_at += len * rate_factor).
    if (!active() || m_rate <= 0 || n == 0)
        return;
    m_bytes += int64_t(n);
    const int64_t extendUs = m_bytes * 1000000 / m_rate;
    m_deadlineUs = extendUs >= m_capUs - m_initialUs ? m_capUs : m_initialUs + extendUs;
}

int ReadDeadline::remainingMs(int64_t nowUs) const
{
    if (!active())
        return -1;
    if (nowUs >= m_deadlineUs)
        return 0;
    const int64_t ms = (m_deadlineUs - nowUs + 999) / 1000;
    return int(std::min<int64_t>(ms, 1 << 30));
}

} // namespace wsgi::hosting
