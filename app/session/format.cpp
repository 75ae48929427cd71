#include "session/format.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

QString formatSignificant(double value)
{
    const double magnitude = std::fabs(value);
    const int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
    return QString::number(value, 'f', decimals);
}

QString formatCount(qint64 count, const QString& singular, const QString& plural)
{
    return QString::number(count) + u' ' + (count == 1 ? singular : plural);
}

QString formatRpm(double rpm)
{
    if (std::fabs(rpm) >= 1000)
        return formatSignificant(rpm / 1000) + u'k';
    return QString::number(rpm, 'f', 0);
}

QString formatMs(double ms)
{
    // GIL waits live below a millisecond when contention is light: microseconds read better there.
    if (std::fabs(ms) < 0.1 && ms != 0)
        return QString::number(std::lround(ms * 1000)) + u" \u00b5s"_s;
    return formatSignificant(ms) + u" ms"_s;
}

QString formatBytes(double bytes)
{
    if (bytes >= 1e9)
        return formatSignificant(bytes / 1e9) + u" GB"_s;
    return formatSignificant(bytes / 1e6) + u" MB"_s;
}

QString formatSpreadSuffix(const wsgi::ab::Spread& s)
{
    if (s.n < 2)
        return {};
    const double percent = s.halfRangeRelative() * 100;
    return u" \u00b1"_s +
           (percent < 1 ? QString::number(percent, 'f', 1) : QString::number(std::lround(percent))) + u'%';
}

QString formatDuration(double seconds)
{
    const auto total = int64_t(std::llround(std::max(0.0, seconds)));
    if (total < 60)
        return QString::number(total) + u" s"_s;
    if (total < 3600)
        return QString::number(total / 60) + u"m "_s + QString::number(total % 60).rightJustified(2, u'0') +
               u's';
    return QString::number(total / 3600) + u"h "_s +
           QString::number(total / 60 % 60).rightJustified(2, u'0') + u'm';
}

QString formatUptime(double seconds)
{
    const int64_t s = std::isfinite(seconds) && seconds > 0 ? int64_t(seconds) : 0;
    auto two = [](int64_t v) { return QString::number(v).rightJustified(2, u'0'); };
    if (s < 60)
        return QString::number(s) + u's';
    if (s < 3600)
        return QString::number(s / 60) + u'm' + two(s % 60) + u's';
    if (s < 86400)
        return QString::number(s / 3600) + u'h' + two(s % 3600 / 60) + u'm';
    return QString::number(s / 86400) + u'd' + two(s % 86400 / 3600) + u'h';
}

} // namespace wsgi::studio
