#include "lifecycleevents.h"

#include <algorithm>

namespace wsgi::hosting {

int64_t EventRing::push(LifecycleEvent event)
{
    event.seq = m_nextSeq++;
    if (event.log.size() > kMaxEventLog)
        event.log.resize(kMaxEventLog);
    m_events.push_back(std::move(event));
    while (m_events.size() > m_capacity)
        m_events.pop_front();
    return m_events.back().seq;
}

std::vector<const LifecycleEvent*> EventRing::since(int64_t after) const
{
    std::vector<const LifecycleEvent*> out;
    for (const auto& e : m_events)
        if (e.seq > after)
            out.push_back(&e);
    return out;
}

std::vector<const LifecycleEvent*> EventRing::tail(size_t count) const
{
    std::vector<const LifecycleEvent*> out;
    const size_t from = m_events.size() > count ? m_events.size() - count : 0;
    for (size_t i = from; i < m_events.size(); ++i)
        out.push_back(&m_events[i]);
    return out;
}

Json eventJson(const LifecycleEvent& e)
{
    Json j = Json::object();
    j.set("seq", Json(e.seq));
    j.set("time", Json(e.time));
    j.set("kind", Json(e.kind));
    j.set("reason", Json(e.reason));
    j.set("group", Json(e.group));
    j.set("process", Json(int64_t(e.process)));
    j.set("pid", Json(int64_t(e.pid)));
    j.set("requests_lost", Json(int64_t(e.requestsLost)));
    j.set("generation", Json(int64_t(e.generation)));
    j.set("backoff_s", Json(e.backoffS));
    j.set("detail", Json(e.detail));
    j.set("log", Json(e.log));
    return j;
}

Json eventsJson(const std::vector<const LifecycleEvent*>& events)
{
    Json a = Json::array();
    for (const LifecycleEvent* e : events)
        a.push(eventJson(*e));
    return a;
}

int64_t RestartBackoff::onExit(int64_t livedUs, bool servedRequests)
{
    if (livedUs >= kStableUs || servedRequests) {
        // It got going: whatever came before is over, and it comes back soon.
        m_failures = 0;
        m_delayUs = 0;
        return kInitialUs;
    }
    ++m_failures;
    m_delayUs = m_delayUs == 0 ? kInitialUs : std::min(m_delayUs * 2, kMaxUs);
    return m_delayUs;
}

} // namespace wsgi::hosting
