#pragma once
// The one-line progress report of `ab` and `sweep`. The result itself is session/abexport.h's
// abReport, the same text the Benchmark page exports.

#include "session/abexport.h"
#include "session/abresult.h"
#include "session/abrun.h"
#include "session/abtable.h"
#include "session/format.h"

#include <QString>
#include <QStringList>

namespace wsgi::studio::cli {

// "[2/5 2x5] repeat 1/3: measuring 4/12 s, 612 req/s, p50 3.1 ms p99 12 ms; 1m 40s elapsed, about
// 2m 10s left" (p50/p99: the client latency of the last second)
QString formatAbProgress(const AbProgress& progress);

} // namespace wsgi::studio::cli
