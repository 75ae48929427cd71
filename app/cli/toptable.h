#pragma once
// The text of one `top` frame: a header about the engine and the interval, then one row per worker
// process. Pure: the same status and sample always give the same lines, so tests compare text.

#include "session/enginestatus.h"
#include "session/format.h"
#include "session/telemetrysample.h"

#include <QString>
#include <QStringList>

namespace wsgi::studio::cli {

struct TopViewOptions
{
    QString group; // only this daemon group; empty: all
    int width = 0; // cut lines to this many columns; 0: never
    bool live = false;
    QString notice; // a problem worth showing under the table (a skipped malformed event, ...)
};

QStringList renderTop(const EngineStatus& status, const TelemetrySample& sample,
                      const TopViewOptions& options);

} // namespace wsgi::studio::cli
