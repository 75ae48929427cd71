#include "cli/abreport.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

QString markdownEscape(QString text)
{
    return text.replace(u'|', u"\\|"_s);
}

} // namespace

QString renderAbTable(const std::vector<QStringList>& rows, bool markdown)
{
    QString out;
    if (markdown) {
        for (size_t r = 0; r < rows.size(); ++r) {
            QStringList cells;
            for (const QString& cell : rows[r])
                cells << markdownEscape(cell);
            out += u"| "_s + cells.join(u" | "_s) + u" |\n"_s;
            if (r == 0)
                out += u"|"_s + QStringList(QList<QString>(rows[0].size(), u"---"_s)).join(u"|"_s) + u"|\n"_s;
        }
        return out;
    }
    std::vector<qsizetype> widths;
    for (const QStringList& row : rows)
        for (qsizetype c = 0; c < row.size(); ++c) {
            if (size_t(c) >= widths.size())
                widths.push_back(0);
            widths[size_t(c)] = std::max(widths[size_t(c)], row[c].size());
        }
    for (const QStringList& row : rows) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c) {
            // Names left, numbers right: digits line up down a column.
            const QString cell =
                c == 0 ? row[c].leftJustified(widths[size_t(c)]) : row[c].rightJustified(widths[size_t(c)]);
            line += (c == 0 ? QString() : u"  "_s) + cell;
        }
        while (line.endsWith(u' '))
            line.chop(1);
        out += line + u'\n';
    }
    return out;
}

QString renderAbReport(const AbResult& result, const AbSummary& summary, bool markdown)
{
    const AbPlan& plan = result.plan;
    const bool severalServers = plan.servers.size() > 1;
    const QString bullet = markdown ? u"- "_s : u"  "_s;
    QString out;
    for (ServerKind server : plan.servers) {
        if (severalServers) {
            QString version;
            for (const AbVariantResult& v : result.variants)
                if (v.server == server && !v.serverVersion.isEmpty())
                    version = v.serverVersion;
            out += (markdown ? u"### "_s : QString()) + serverKindTitle(server).left(1).toUpper() +
                   serverKindTitle(server).mid(1) +
                   (version.isEmpty() ? QString() : u" ("_s + version + u')') +
                   (markdown ? u"\n\n"_s : u":\n"_s);
        }
        out += renderAbTable(abTableRows(result, summary, server), markdown);
        if (severalServers)
            out += u'\n';
    }
    if (!severalServers)
        out += u'\n';
    out +=
        u"Medians of "_s + QString::number(plan.repeats) +
        u" repeats per variant, each in a fresh engine, "_s +
        u"variants alternated; \u00b1 is half the min\u2013max range relative to the median. Load: "_s +
        (plan.load.rate > 0 ? u"open loop at "_s + QString::number(plan.load.rate) + u" req/s over "_s
                            : u"closed loop, "_s) +
        QString::number(plan.load.concurrency) + u" connections, "_s + QString::number(plan.load.warmupSec) +
        u" s warm-up + "_s + QString::number(plan.load.durationSec) + u" s measured, GET "_s +
        plan.load.path +
        u". rpm is the client's count; response, app, CPU, RSS and GIL p95 (at the engine's hand-off "_s
        u"points, as mod_wsgi measures) come from the engine's telemetry over the same window."_s +
        (plan.runsOn(ServerKind::Apache)
             ? u" On Apache (each variant's mod_wsgi 4.9 export, daemon mode, a fresh private server per "_s
               u"repeat) CPU total and RSS are its whole process tree's, from /proc; it has no telemetry for "_s
               u"the other columns."_s
             : QString()) +
        u'\n';
    if (summary.carryOver) {
        const AbCarryOver& c = *summary.carryOver;
        out += u"\nDoes it carry over to Apache? Each variant's throughput ratio to "_s +
               (c.baseline.isEmpty() ? u"the baseline"_s : c.baseline) +
               u" per server (paired by round), the difference engine/Apache, ranks:\n"_s;
        if (!c.baseline.isEmpty())
            out += renderAbTable(abCarryOverRows(c), markdown);
        out += (markdown ? u"\n**"_s : u"\n"_s) + c.verdict + (markdown ? u"**\n"_s : u"\n"_s);
    }

    if (plan.limit != LimitMode::Off && !result.limits.empty()) {
        out += u"\nPhysical limit = cores / CPU seconds per request (measured on each runtime with "_s
               u"APP --measure-cpu):\n"_s;
        for (const auto& [runtime, limit] : result.limits) {
            if (limit.ok())
                out += bullet + runtime + u": "_s + QString::number(limit.cores) + u" cores / "_s +
                       QString::number(*limit.cpuSecondsPerRequest * 1000, 'f', 2) + u" ms = "_s +
                       formatRpm(limit.requestsPerSecond() * 60) + u" rpm (Python "_s + limit.python +
                       u", "_s + limit.executable + u")\n"_s;
            else
                out += bullet + runtime + u": n/a, "_s + limit.error + u'\n';
        }
    }

    QStringList verdicts;
    for (const AbVariantSummary& s : summary.variants)
        if (s.ok && s.ratio)
            verdicts << bullet + s.verdict;
    if (!verdicts.isEmpty())
        out += u"\nThroughput vs "_s + (severalServers ? u"each server's baseline"_s : summary.baseline) +
               u" (geometric mean of per-round ratios, 95% bootstrap CI):\n"_s + verdicts.join(u'\n') + u'\n';

    QStringList failures;
    QStringList unsupported;
    QStringList notes;
    for (const AbVariantResult& v : result.variants) {
        const QString name =
            v.variant.name + (severalServers ? u" on "_s + serverKindTitle(v.server) : QString());
        if (v.status == AbVariantResult::Status::Failed) {
            QString reason = v.failure.trimmed();
            reason.replace(u'\n', u"\n"_s + QString(bullet.size() + 4, u' '));
            failures << bullet + name + u" (round "_s + QString::number(v.failedInRound) + u"): "_s + reason;
        }
        if (v.status == AbVariantResult::Status::Unsupported)
            unsupported << bullet + v.variant.name + u": "_s + v.failure;
        for (const QString& note : v.exportNotes)
            notes << bullet + name + u": export: "_s + note;
        for (const QString& warning : v.engineWarnings)
            notes << bullet + v.variant.name + u": engine "_s + warning;
        for (const AbRepeat& r : v.repeats)
            for (const QString& note : r.notes)
                notes << bullet + name + u" repeat "_s + QString::number(r.round) + u": "_s + note;
    }
    for (const QString& note : result.machineNotes)
        notes << bullet + note;
    if (!failures.isEmpty())
        out += u"\nFailed:\n"_s + failures.join(u'\n') + u'\n';
    if (!unsupported.isEmpty())
        out += u"\nApache cannot run:\n"_s + unsupported.join(u'\n') + u'\n';
    if (!notes.isEmpty())
        out += u"\nNotes:\n"_s + notes.join(u'\n') + u'\n';
    if (result.cancelled)
        out += u"\nCancelled: only the repeats that completed are shown.\n"_s;

    const MachineFacts& m = result.machine;
    out += u"\nMachine: "_s + QString::number(m.cores) + u" cores usable ("_s + m.cpuModel + u"), "_s +
           m.kernel + u", "_s + formatBytes(double(m.memoryBytes)) + u"; load average "_s +
           QString::number(m.loadAverage1, 'f', 2) + u" at the start, "_s +
           QString::number(result.loadAverageEnd, 'f', 2) +
           u" at the end. The load generator shares these "_s
           u"cores with the engine"_s;
    std::vector<double> clientCpu;
    for (const AbVariantSummary& s : summary.variants)
        if (s.clientCpuCores)
            clientCpu.push_back(s.clientCpuCores->median);
    if (!clientCpu.empty())
        out += u" and used "_s + QString::number(wsgi::ab::median(clientCpu), 'f', 2) + u" cores of them"_s;
    out += u'.';
    std::vector<double> other;
    for (const AbVariantResult& v : result.variants)
        for (const AbRepeat& r : v.repeats)
            if (const auto cores = r.otherCores())
                other.push_back(*cores);
    if (!other.empty())
        out += u" Other work on the machine used "_s + QString::number(wsgi::ab::median(other), 'f', 2) +
               u" cores in the median repeat, "_s +
               QString::number(*std::max_element(other.begin(), other.end()), 'f', 2) + u" at most."_s;
    out += u'\n';
    return out;
}

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
                (p.errors > 0 ? u", "_s + QString::number(p.errors) + u" errors"_s : QString());
    line += u"; "_s + formatDuration(p.elapsedSec) + u" elapsed, about "_s + formatDuration(p.remainingSec) +
            u" left"_s;
    return line;
}

} // namespace wsgi::studio::cli
