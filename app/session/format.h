#pragma once
// How the studio writes numbers for people, in the CLI's tables and the GUI's cells alike: the seeds'
// formats ("134k" rpm, "4.1 ms", "200 MB", "\u00b12%") and short durations and uptimes.

#include "core/abstats.h"

#include <QString>

namespace wsgi::studio {

QString formatRpm(double rpm);                              // "134k", "37.4k", "951"
QString formatMs(double ms);                                // "4.1 ms", "0.12 ms", "4 \u00b5s" below 0.1 ms
QString formatBytes(double bytes);                          // "200 MB", "1.2 GB"
QString formatSpreadSuffix(const wsgi::ab::Spread& spread); // " \u00b12%"; empty for one sample
QString formatDuration(double seconds);                     // "45 s", "3m 05s", "1h 02m"
// "45s", "2m13s", "1h02m", "3d04h": uptimes at a glance, never more than two units.
QString formatUptime(double seconds);
// Three significant digits: enough to see a 1% difference, few enough to read at a glance.
QString formatSignificant(double value);
// "1 repeat", "3 repeats": a count in running text. The studio ships no translations, so Qt's %n
// would print "repeat(s)".
QString formatCount(qint64 count, const QString& singular, const QString& plural);

} // namespace wsgi::studio
