#include "session/abtable.h"

#include "session/format.h"

#include <cmath>
#include <functional>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

const QString kMissing = u"-"_s;

QString withSpread(const std::optional<wsgi::ab::Spread>& s, const std::function<QString(double)>& format)
{
    if (!s)
        return kMissing;
    return format(s->median) + formatSpreadSuffix(*s);
}

QString cores(double value)
{
    return QString::number(value, 'f', 2) + u" cores"_s;
}

QString gilCell(const AbVariantSummary& s)
{
    if (!s.gilApplicable)
        return u"n/a"_s; // no GIL to wait for (free-threaded), as the seeds print it
    if (!s.gilP95Ms)
        return kMissing;
    // Below a microsecond the histogram's first bucket holds it: the seeds call that "none".
    if (s.gilP95Ms->median < 0.001)
        return u"none"_s;
    return formatMs(s.gilP95Ms->median) + formatSpreadSuffix(*s.gilP95Ms);
}

QString ratioCell(const AbVariantSummary& s, const QString& baseline)
{
    if (!s.ok)
        return kMissing;
    if (s.name == baseline)
        return u"baseline"_s;
    if (!s.ratio || !s.ratio->valid)
        return kMissing;
    QString low = QString::fromStdString(wsgi::ab::formatRatio(s.ratio->low));
    low.chop(1);
    QString high = QString::fromStdString(wsgi::ab::formatRatio(s.ratio->high));
    high.chop(1);
    return QString::fromStdString(wsgi::ab::formatRatio(s.ratio->ratio)) + u" ("_s + low + u"\u2013"_s +
           high + u')';
}

} // namespace

std::vector<QStringList> abTableRows(const AbResult& result, const AbSummary& summary)
{
    return abTableRows(result, summary,
                       result.plan.servers.empty() ? ServerKind::Engine : result.plan.servers.front());
}

std::vector<QStringList> abTableRows(const AbResult& result, const AbSummary& summary, ServerKind server)
{
    const auto base = summary.baselines.find(server);
    const QString baseline = base != summary.baselines.end() ? base->second
                             : summary.baselines.empty()     ? summary.baseline
                                                             : QString();
    const QString vsHeader = baseline.isEmpty() ? u"vs first"_s : u"vs "_s + baseline;
    std::vector<QStringList> rows{{u"Config"_s, u"rpm"_s, u"response"_s, u"app"_s, u"CPU/proc"_s,
                                   u"CPU total"_s, u"RSS"_s, u"GIL p95"_s, u"of limit"_s, vsHeader}};
    for (size_t i = 0; i < summary.variants.size() && i < result.variants.size(); ++i) {
        const AbVariantSummary& s = summary.variants[i];
        const AbVariantResult& v = result.variants[i];
        if (v.server != server)
            continue;
        if (!s.ok) {
            const QString state = v.status == AbVariantResult::Status::Failed        ? u"failed"_s
                                  : v.status == AbVariantResult::Status::Unsupported ? u"unsupported"_s
                                                                                     : u"not run"_s;
            rows.push_back({s.name, state, kMissing, kMissing, kMissing, kMissing, kMissing, kMissing,
                            kMissing, kMissing});
            continue;
        }
        const QString ofLimit =
            s.ofLimit ? QString::number(std::lround(s.ofLimit->median * 100)) + u'%' : u"n/a"_s;
        // Without the engine's telemetry (Apache) only the process tree's CPU and RSS are known.
        bool telemetry = false;
        for (const AbRepeat& r : v.repeats)
            telemetry = telemetry || r.server.telemetry;
        const QString none = u"n/a"_s;
        rows.push_back({s.name, withSpread(s.rpm, formatRpm),
                        telemetry ? withSpread(s.responseMs, formatMs) : none,
                        telemetry ? withSpread(s.appMs, formatMs) : none,
                        telemetry ? withSpread(s.cpuPerProcess, cores) : none, withSpread(s.cpuTotal, cores),
                        withSpread(s.rssBytes, formatBytes), telemetry ? gilCell(s) : none, ofLimit,
                        ratioCell(s, baseline)});
    }
    return rows;
}

std::vector<QStringList> abCarryOverRows(const AbCarryOver& carryOver)
{
    std::vector<QStringList> rows{{u"Config"_s, u"engine vs "_s + carryOver.baseline,
                                   u"Apache vs "_s + carryOver.baseline, u"difference"_s,
                                   u"rank (engine/Apache)"_s,
                                   u"within "_s + QString::number(carryOver.tolerance * 100, 'g', 3) + u'%'}};
    auto ratio = [](const std::optional<double>& r) {
        return r ? QString::fromStdString(wsgi::ab::formatRatio(*r)) : kMissing;
    };
    for (const AbCarryOverRow& row : carryOver.rows) {
        if (!row.difference) {
            rows.push_back({row.name, ratio(row.engineRatio), ratio(row.apacheRatio), kMissing, kMissing,
                            row.note.isEmpty() ? kMissing : row.note});
            continue;
        }
        rows.push_back({row.name, ratio(row.engineRatio), ratio(row.apacheRatio),
                        (*row.difference >= 0 ? u"+"_s : QString()) +
                            QString::number(*row.difference * 100, 'f', 1) + u'%',
                        QString::number(row.engineRank) + u" / "_s + QString::number(row.apacheRank),
                        row.within ? u"yes"_s : u"no"_s});
    }
    return rows;
}

} // namespace wsgi::studio
