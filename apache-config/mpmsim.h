#pragma once
// A second-by-second simulation of httpd's worker and event MPM maintenance (peers.md D.2; httpd
// server/mpm/event/event.c and worker/worker.c perform_idle_server_maintenance), driven by a load
// profile of concurrent requests over time.
//
// Each second, after the children asked to stop in the previous cycle have gone and the ones forked
// then are ready: idle threads (ready or starting, in processes that are not stopping) above
// MaxSpareThreads stop ONE process gracefully; below MinSpareThreads fork min(rate, free slots) new
// processes (event: also at most MaxRequestWorkers / ThreadsPerChild serving), the rate doubling 1, 2,
// 4 ... 32 while the shortage lasts and dropping back to 1 otherwise; at the MaxRequestWorkers or
// ServerLimit ceiling nothing is forked and httpd logs it. The first cycle runs one second after
// start-up. Assumptions, stated because the model is coarser than httpd: requests are shorter than a
// second, so a stopping process is gone by the next cycle and a forked one is ready by then; load
// beyond the serving threads waits in the listen queue; one listener bucket unless Settings::buckets
// says otherwise (thresholds are then per bucket, as httpd divides them).

#include "mpmsettings.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::mpm {

// Concurrent requests over time: points "SECOND:REQUESTS", linear in between, constant before the
// first point and after the last. Text form: "0:0,10:200,60:50".
struct LoadProfile
{
    struct Point
    {
        int second = 0;
        int concurrent = 0;
    };
    std::vector<Point> points; // ascending seconds

    int at(int second) const;
    int lastSecond() const { return points.empty() ? 0 : points.back().second; }
};

// Parses the text form; on failure returns nullopt and says what and where in `error`.
std::optional<LoadProfile> parseLoadProfile(std::string_view text, std::string& error);

struct SecondSample
{
    int second = 0;
    int load = 0;      // concurrent requests wanted
    int processes = 0; // serving or starting (not stopping)
    int stopping = 0;  // told to exit this second
    int busy = 0;      // threads serving a request
    int idle = 0;      // threads counted as idle by httpd (starting ones included)
    int waiting = 0;   // requests beyond the serving threads (in the listen queue)
    int spawned = 0;
    int killed = 0;
    int spawnRate = 1; // httpd's idle_spawn_rate after this cycle
    std::string event; // what the parent did or logged, "" for nothing
};

struct Simulation
{
    MpmKind kind = MpmKind::Event;
    Effective effective;               // the settings httpd runs with, and what it corrected
    std::vector<SecondSample> samples; // seconds 0 .. duration
};

// `duration` seconds after start-up (at least 0). Prefork is not simulated (throws std::invalid_argument).
Simulation simulate(MpmKind kind, const Settings& written, const LoadProfile& load, int duration);

} // namespace wsgi::mpm
