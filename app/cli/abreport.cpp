#include "cli/abreport.h"

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

QString formatAbProgress(const AbProgress& p)
{
    QString line = u"["_s + QString::number(p.variantIndex + 1) + u'/' + QString::number(p.variantCount) +
                   u' ' + p.variant + (p.server == ServerKind::Apache ? u" @Apache"_s : QString()) +
                   u"] repeat "_s + QString::number(p.round) + u'/' + QString::number(p.rounds) + u": "_s +
                   phaseName(p.phase, p.server);
    if (p.phase == AbProgress::Phase::WarmingUp || p.phase == AbProgress::Phase::Measuring)
        line += u' ' + QString::number(p.runElapsedSec, 'f', 0) + u'/' +
                QString::number(p.runPlannedSec, 'f', 0) + u" s, "_s +
                QString::number(std::lround(p.currentRate)) + u" req/s"_s +
                (p.intervalAnswers > 0
                     ? u", p50 "_s + formatMs(p.intervalP50Ms) + u" p99 "_s + formatMs(p.intervalP99Ms)
                     : QString()) +
                (p.errors > 0 ? u", "_s + QString::number(p.errors) + u" errors"_s : QString());
    line += u"; "_s + formatDuration(p.elapsedSec) + u" elapsed, about "_s + formatDuration(p.remainingSec) +
            u" left"_s;
    return line;
}

} // namespace wsgi::studio::cli
