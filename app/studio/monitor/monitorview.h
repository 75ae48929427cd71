#pragma once
// What every view of the Monitor page shows at one moment: one group (or all), one time window
// ending at `end` (the newest interval while live; a fixed instant while paused or scrubbing, the
// same for every view so they freeze together), and the instant under the crosshair if any. The
// page owns it and hands it to each panel; panels read their data from the TelemetryHistory for it.

#include "session/telemetryhistory.h"

#include <QString>

#include <optional>

namespace wsgi::studio::monitor {

struct MonitorView
{
    QString group;                // empty: every process
    double end = 0;               // unix seconds: the newest instant shown
    double windowSeconds = 60;    // 10 s .. 10 min
    bool live = true;             // false: paused, scrolled back, or a recording
    std::optional<double> cursor; // crosshair instant, unix seconds

    TimeWindow window() const { return TimeWindow::lastSeconds(windowSeconds, end); }
    friend bool operator==(const MonitorView&, const MonitorView&) = default;
};

} // namespace wsgi::studio::monitor
