#include "mpmsim.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace wsgi::mpm {

namespace {

struct Child
{
    bool starting = false; // forked this cycle: its threads count as idle, but serve from the next second
};

bool parseInt(std::string_view text, int& out)
{
    const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

class Maintenance
{
public:
    Maintenance(MpmKind kind, const Effective& e)
        : m_kind(kind), m_s(e.used), m_activeLimit(e.activeDaemonsLimit)
    {
        for (int i = 0; i < m_s.startServers; ++i)
            m_children.push_back({});
    }

    SecondSample tick(int second, int load, bool maintain)
    {
        SecondSample out;
        out.second = second;
        out.load = load;
        if (maintain) {
            m_stopping = 0; // gone: their requests finished within the second
            for (Child& c : m_children)
                c.starting = false;
            cycle(load, out);
        }
        const Counts c = count(load);
        out.processes = int(m_children.size());
        out.stopping = m_stopping;
        out.busy = c.busy;
        out.idle = c.idle;
        out.waiting = load - c.busy;
        out.spawnRate = m_rate;
        return out;
    }

private:
    struct Counts
    {
        int busy = 0;
        int idle = 0;   // status <= READY in processes not stopping
        int active = 0; // READY <= status < GRACEFUL: threads of ready processes
    };

    Counts count(int load) const
    {
        int ready = 0;
        int starting = 0;
        for (const Child& c : m_children)
            (c.starting ? starting : ready) += 1;
        Counts n;
        n.active = ready * m_s.threadsPerChild;
        n.busy = std::min(load, n.active);
        n.idle = n.active - n.busy + starting * m_s.threadsPerChild;
        return n;
    }

    void cycle(int load, SecondSample& out)
    {
        const Counts c = count(load);
        // httpd compares per bucket, each bucket with its share of the thresholds.
        const int buckets = m_s.buckets;
        const int idle = c.idle / buckets;
        const int total = int(m_children.size()) + m_stopping;
        if (idle > m_s.maxSpareThreads / buckets) {
            // Event stops a child only when none is already stopping or the scoreboard has room; by
            // the model's assumption the last one is gone, so both MPMs stop one here.
            const bool allowed =
                m_kind == MpmKind::Worker || m_stopping == 0 || m_s.serverLimit - total > m_activeLimit;
            if (allowed && !m_children.empty()) {
                m_children.pop_back();
                ++m_stopping;
                out.killed = 1;
                out.event = "stopped 1 process: " + std::to_string(c.idle) +
                            " idle threads > MaxSpareThreads " + std::to_string(m_s.maxSpareThreads);
            }
            m_rate = 1;
            return;
        }
        if (idle >= m_s.minSpareThreads / buckets) {
            m_rate = 1;
            return;
        }
        const int serving = int(m_children.size());
        if (m_kind == MpmKind::Event) {
            if (c.active >= m_s.maxRequestWorkers) {
                reportCeiling(c, out);
                m_rate = 1;
                return;
            }
            const int free = m_s.serverLimit - total;
            if (free <= 0) {
                out.event = "scoreboard is full, not at MaxRequestWorkers: increase ServerLimit";
                m_rate = 1;
                return;
            }
            fork(std::max(0, std::min({free, m_rate, m_activeLimit - serving})), c, out);
            return;
        }
        // Worker counts free slots only below MaxRequestWorkers / ThreadsPerChild, and checks for a full
        // scoreboard before it looks at MaxRequestWorkers.
        const int free = std::min(m_activeLimit, m_s.serverLimit) - serving;
        if (free <= 0) {
            if (c.active >= m_s.maxRequestWorkers)
                reportCeiling(c, out);
            else
                out.event = "scoreboard is full, not at MaxRequestWorkers";
            m_rate = 1;
            return;
        }
        fork(std::min(free, m_rate), c, out);
    }

    void reportCeiling(const Counts& c, SecondSample& out)
    {
        if (c.idle == 0 && !m_reportedMax) {
            out.event =
                "server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting";
            m_reportedMax = true;
        } else if (c.idle > 0) {
            out.event = "server is within MinSpareThreads of MaxRequestWorkers, consider raising the "
                        "MaxRequestWorkers setting";
        }
    }

    void fork(int n, const Counts& c, SecondSample& out)
    {
        for (int i = 0; i < n; ++i)
            m_children.push_back({true});
        out.spawned = n;
        if (n > 0)
            out.event = "forked " + std::to_string(n) + " process" + (n == 1 ? "" : "es") + ": " +
                        std::to_string(c.idle) + " idle threads < MinSpareThreads " +
                        std::to_string(m_s.minSpareThreads) +
                        (m_rate >= 8 ? " (server seems busy, you may need to increase StartServers, "
                                       "ThreadsPerChild or Min/MaxSpareThreads)"
                                     : "");
        // MAX_SPAWN_RATE is per bucket: ceil(32 / buckets).
        const int maxRate = (32 + m_s.buckets - 1) / m_s.buckets;
        m_rate = std::min(m_rate * 2, maxRate);
    }

    MpmKind m_kind;
    Settings m_s;
    int m_activeLimit;
    std::vector<Child> m_children;
    int m_stopping = 0;
    int m_rate = 1;
    bool m_reportedMax = false;
};

} // namespace

int LoadProfile::at(int second) const
{
    if (points.empty())
        return 0;
    if (second <= points.front().second)
        return points.front().concurrent;
    for (std::size_t i = 1; i < points.size(); ++i) {
        const Point& a = points[i - 1];
        const Point& b = points[i];
        if (second <= b.second) {
            const double f = double(second - a.second) / double(b.second - a.second);
            return int(std::lround(a.concurrent + f * (b.concurrent - a.concurrent)));
        }
    }
    return points.back().concurrent;
}

std::optional<LoadProfile> parseLoadProfile(std::string_view text, std::string& error)
{
    LoadProfile profile;
    std::size_t start = 0;
    int index = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item =
            text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
        ++index;
        const std::size_t colon = item.find(':');
        LoadProfile::Point p;
        const std::string where = "point " + std::to_string(index) + " '" + std::string(item) + "'";
        if (colon == std::string_view::npos || !parseInt(item.substr(0, colon), p.second) ||
            !parseInt(item.substr(colon + 1), p.concurrent)) {
            error = where + " is not SECOND:REQUESTS (whole numbers, e.g. 10:200)";
            return std::nullopt;
        }
        if (p.second < 0 || p.concurrent < 0 || p.second > 86400 || p.concurrent > 10000000) {
            error = where + " is out of range (seconds 0..86400, requests 0..10000000)";
            return std::nullopt;
        }
        if (!profile.points.empty() && p.second <= profile.points.back().second) {
            error = where + " does not come after second " + std::to_string(profile.points.back().second) +
                    ": list the points in increasing time";
            return std::nullopt;
        }
        profile.points.push_back(p);
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return profile;
}

Simulation simulate(MpmKind kind, const Settings& written, const LoadProfile& load, int duration)
{
    if (kind == MpmKind::Prefork)
        throw std::invalid_argument("the prefork MPM is not simulated (it has no threads to count)");
    Simulation sim;
    sim.kind = kind;
    sim.effective = applyStartupCorrections(written);
    Maintenance m(kind, sim.effective);
    for (int t = 0; t <= std::max(0, duration); ++t)
        sim.samples.push_back(m.tick(t, load.at(t), t > 0));
    if (!sim.samples.empty())
        sim.samples.front().event =
            "started " + std::to_string(sim.effective.used.startServers) + " processes";
    return sim;
}

} // namespace wsgi::mpm
