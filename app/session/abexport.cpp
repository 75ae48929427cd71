#include "session/abexport.h"

#include "session/abresultjson.h"
#include "session/abtable.h"
#include "session/format.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

QString markdownCell(QString text)
{
    return text.replace(u'|', u"\\|"_s);
}

QString csvCell(const QString& text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n'))
        return text;
    QString quoted = text;
    quoted.replace(u'"', u"\"\""_s);
    return u'"' + quoted + u'"';
}

QString number(const std::optional<double>& value)
{
    return value ? QString::number(*value, 'g', 10) : QString();
}

std::optional<double> median(const std::optional<wsgi::ab::Spread>& s)
{
    return s ? std::optional<double>(s->median) : std::nullopt;
}

QString loadLine(const AbPlan& plan)
{
    return (plan.load.rate > 0 ? u"open loop at "_s + QString::number(plan.load.rate) + u" req/s over "_s
                               : u"closed loop, "_s) +
           QString::number(plan.load.concurrency) + u" connections, "_s +
           QString::number(plan.load.warmupSec) + u" s warm-up + "_s +
           QString::number(plan.load.durationSec) + u" s measured, "_s + QString::number(plan.repeats) +
           u" repeats per variant, GET "_s + plan.load.path;
}

QStringList notesOf(const AbResult& result, const AbSummary& summary)
{
    QStringList lines;
    for (size_t i = 0; i < summary.variants.size(); ++i) {
        const AbVariantSummary& s = summary.variants[i];
        const AbVariantResult& v = result.variants[i];
        if (!s.verdict.isEmpty())
            lines << s.verdict;
        if (v.status == AbVariantResult::Status::Failed)
            lines << s.name + u" failed in round "_s + QString::number(v.failedInRound) + u": "_s +
                         v.failure.section(u'\n', 0, 0);
        for (const AbRepeat& r : v.repeats)
            for (const QString& note : r.notes)
                lines << s.name + u" repeat "_s + QString::number(r.round) + u": "_s + note;
    }
    if (result.cancelled)
        lines << u"the run was cancelled: only the repeats that completed are counted"_s;
    return lines;
}

QString htmlEscape(const QString& text)
{
    return text.toHtmlEscaped();
}

double limitRpm(const AbResult& result, const AbVariantResult& v)
{
    const auto it = result.limits.find(v.runtime);
    return it != result.limits.end() && it->second.ok() ? it->second.requestsPerSecond() * 60 : 0;
}

} // namespace

std::vector<ServerKind> serversOf(const AbResult& result)
{
    return result.plan.servers.empty() ? std::vector<ServerKind>{ServerKind::Engine} : result.plan.servers;
}

ServerPart serverPart(const AbResult& result, const AbSummary& summary, ServerKind server)
{
    ServerPart part{result, summary};
    if (serversOf(result).size() <= 1)
        return part;
    part.result.variants.clear();
    part.summary.variants.clear();
    part.summary.succeeded = part.summary.failed = part.summary.unsupported = 0;
    for (size_t i = 0; i < result.variants.size() && i < summary.variants.size(); ++i) {
        if (result.variants[i].server != server)
            continue;
        part.result.variants.push_back(result.variants[i]);
        part.summary.variants.push_back(summary.variants[i]);
        const auto status = result.variants[i].status;
        if (status == AbVariantResult::Status::Ok)
            ++part.summary.succeeded;
        else if (status == AbVariantResult::Status::Failed)
            ++part.summary.failed;
        else if (status == AbVariantResult::Status::Unsupported)
            ++part.summary.unsupported;
    }
    const auto baseline = summary.baselines.find(server);
    part.summary.baseline = baseline != summary.baselines.end() ? baseline->second : QString();
    part.result.plan.servers = {server};
    part.summary.carryOver.reset();
    return part;
}

QString resultLabel(const AbVariantResult& variant)
{
    return variant.server == ServerKind::Engine
               ? variant.variant.name
               : variant.variant.name + u" @ "_s + serverKindTitle(variant.server);
}

std::optional<double> clientLatencyMs(const AbVariantResult& variant, double percentile)
{
    wsgi::Histogram merged;
    for (const AbRepeat& r : variant.repeats)
        merged.merge(r.load.latency);
    if (merged.count() == 0)
        return std::nullopt;
    return merged.percentile(percentile) / 1000.0;
}

namespace {

QString htmlTable(const std::vector<QStringList>& rows, const QString& id)
{
    QString html = u"<table id=\""_s + id + u"\">\n"_s;
    for (size_t r = 0; r < rows.size(); ++r) {
        html += u"<tr>"_s;
        for (const QString& cell : rows[r])
            html +=
                (r == 0 ? u"<th>"_s : u"<td>"_s) + cell.toHtmlEscaped() + (r == 0 ? u"</th>"_s : u"</td>"_s);
        html += u"</tr>\n"_s;
    }
    return html + u"</table>\n"_s;
}

} // namespace

QString abTableText(const std::vector<QStringList>& rows, AbReportFormat format)
{
    const bool markdown = format == AbReportFormat::Markdown;
    QString out;
    if (markdown) {
        for (size_t r = 0; r < rows.size(); ++r) {
            QStringList cells;
            for (const QString& cell : rows[r])
                cells << markdownCell(cell);
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

QString abReport(const AbResult& result, const AbSummary& summary, AbReportFormat format)
{
    const bool markdown = format == AbReportFormat::Markdown;
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
        out += abTableText(abTableRows(result, summary, server), format);
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
            out += abTableText(abCarryOverRows(c), format);
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
    if (result.startedAt.isValid())
        out += u" Run started "_s + result.startedAt.toUTC().toString(Qt::ISODate) + u'.';
    out += u'\n';
    return out;
}

QString abMarkdown(const AbResult& result, const AbSummary& summary)
{
    return abReport(result, summary, AbReportFormat::Markdown);
}

QString abCsv(const AbResult& result, const AbSummary& summary)
{
    QString out = u"variant,status,repeats,rpm_median,rpm_min,rpm_max,response_ms_median,app_ms_median,"_s
                  u"cpu_per_process_cores,cpu_total_cores,rss_bytes,gil_wait_p95_ms,of_limit,client_p50_ms,"_s
                  u"client_p99_ms,ratio,ci_low,ci_high,verdict_kind,verdict,server\n"_s;
    for (size_t i = 0; i < summary.variants.size(); ++i) {
        const AbVariantSummary& s = summary.variants[i];
        const AbVariantResult& v = result.variants[i];
        const bool ratio = s.ratio && s.ratio->valid;
        QStringList cells{csvCell(s.name),
                          QString::fromLatin1(statusName(v.status)),
                          QString::number(s.repeats),
                          number(median(s.rpm)),
                          number(s.rpm ? std::optional<double>(s.rpm->min) : std::nullopt),
                          number(s.rpm ? std::optional<double>(s.rpm->max) : std::nullopt),
                          number(median(s.responseMs)),
                          number(median(s.appMs)),
                          number(median(s.cpuPerProcess)),
                          number(median(s.cpuTotal)),
                          number(median(s.rssBytes)),
                          number(s.gilApplicable ? median(s.gilP95Ms) : std::nullopt),
                          number(median(s.ofLimit)),
                          number(clientLatencyMs(v, 50)),
                          number(median(s.clientP99Ms)),
                          ratio ? number(s.ratio->ratio) : QString(),
                          ratio ? number(s.ratio->low) : QString(),
                          ratio ? number(s.ratio->high) : QString(),
                          QString::fromLatin1(verdictKindName(s.verdictKind)),
                          csvCell(s.verdict),
                          QString::fromLatin1(serverKindName(v.server))};
        out += cells.join(u',') + u'\n';
    }
    return out;
}

QString abBarSvg(const AbResult& result, const AbSummary& summary)
{
    constexpr int kWidth = 720;
    constexpr int kBar = 56;
    constexpr int kGap = 28;
    constexpr int kTop = 24;
    constexpr int kPlot = 240;
    constexpr int kLeft = 64;
    double top = 0;
    for (size_t i = 0; i < summary.variants.size(); ++i) {
        const AbVariantSummary& s = summary.variants[i];
        if (s.rpm)
            top = std::max(top, s.rpm->max);
        top = std::max(top, limitRpm(result, result.variants[i]));
    }
    if (top <= 0)
        top = 1;
    top *= 1.1;
    const auto y = [&](double rpm) { return kTop + kPlot - rpm / top * kPlot; };
    const int width = std::max(kWidth, kLeft + int(summary.variants.size()) * (kBar + kGap) + kGap);
    QString svg = u"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""_s + QString::number(width) +
                  u"\" height=\""_s + QString::number(kTop + kPlot + 48) +
                  u"\" font-family=\"sans-serif\" font-size=\"12\">\n"_s;
    svg +=
        u"<text x=\"4\" y=\"14\">requests per minute (median, min\u2013max of the repeats, each repeat a dot)</text>\n"_s;
    for (int tick = 0; tick <= 4; ++tick) {
        const double value = top * tick / 4;
        svg += QString(u"<line x1=\"%1\" x2=\"%2\" y1=\"%3\" y2=\"%3\" stroke=\"#ddd\"/>"
                       u"<text x=\"%4\" y=\"%5\" text-anchor=\"end\">%6</text>\n"_s)
                   .arg(kLeft)
                   .arg(width - 8)
                   .arg(y(value), 0, 'f', 1)
                   .arg(kLeft - 6)
                   .arg(y(value) + 4, 0, 'f', 1)
                   .arg(formatRpm(value));
    }
    int x = kLeft + kGap;
    double limitDrawn = -1;
    for (size_t i = 0; i < summary.variants.size(); ++i) {
        const AbVariantSummary& s = summary.variants[i];
        const AbVariantResult& v = result.variants[i];
        if (s.rpm) {
            svg += QString(u"<rect class=\"bar\" data-variant=\"%6\" data-median=\"%7\" x=\"%1\" y=\"%2\" "
                           u"width=\"%3\" height=\"%4\" fill=\"%5\"/>\n"_s)
                       .arg(x)
                       .arg(y(s.rpm->median), 0, 'f', 1)
                       .arg(kBar)
                       .arg(kTop + kPlot - y(s.rpm->median), 0, 'f', 1)
                       .arg(i == 0 ? u"#8aa9c9"_s : u"#4c78a8"_s)
                       .arg(htmlEscape(s.name))
                       .arg(s.rpm->median, 0, 'g', 10);
            const int cx = x + kBar / 2;
            svg += QString(u"<line x1=\"%1\" x2=\"%1\" y1=\"%2\" y2=\"%3\" stroke=\"#222\"/>"
                           u"<line x1=\"%4\" x2=\"%5\" y1=\"%2\" y2=\"%2\" stroke=\"#222\"/>"
                           u"<line x1=\"%4\" x2=\"%5\" y1=\"%3\" y2=\"%3\" stroke=\"#222\"/>\n"_s)
                       .arg(cx)
                       .arg(y(s.rpm->max), 0, 'f', 1)
                       .arg(y(s.rpm->min), 0, 'f', 1)
                       .arg(cx - 8)
                       .arg(cx + 8);
            int k = 0;
            for (const AbRepeat& r : v.repeats) {
                const double rpm = r.load.achievedRate * 60;
                svg += QString(u"<circle cx=\"%1\" cy=\"%2\" r=\"3\" fill=\"#e45756\"/>\n"_s)
                           .arg(cx - 12 + (k++ % 5) * 6)
                           .arg(y(rpm), 0, 'f', 1);
            }
        }
        svg += QString(u"<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">%3</text>\n"_s)
                   .arg(x + kBar / 2)
                   .arg(kTop + kPlot + 16)
                   .arg(htmlEscape(s.name));
        if (const double limit = limitRpm(result, v); limit > 0 && limit != limitDrawn) {
            limitDrawn = limit;
            svg += QString(u"<line x1=\"%1\" x2=\"%2\" y1=\"%3\" y2=\"%3\" stroke=\"#54a24b\" "
                           u"stroke-dasharray=\"6 4\"/><text x=\"%2\" y=\"%4\" text-anchor=\"end\" "
                           u"fill=\"#54a24b\">physical limit %5 rpm (%6)</text>\n"_s)
                       .arg(kLeft)
                       .arg(width - 8)
                       .arg(y(limit), 0, 'f', 1)
                       .arg(y(limit) - 4, 0, 'f', 1)
                       .arg(formatRpm(limit), htmlEscape(v.runtime));
        }
        x += kBar + kGap;
    }
    svg += u"</svg>\n"_s;
    return svg;
}

QString abHtml(const AbResult& result, const AbSummary& summary, const std::vector<ReportFigure>& figures)
{
    const QString title = u"A/B result: "_s + [&] {
        QStringList names;
        for (const AbVariantSummary& s : summary.variants)
            names << s.name;
        return names.join(u" vs "_s);
    }();
    QString html =
        u"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"_s + htmlEscape(title) +
        u"</title>\n<style>body{font-family:sans-serif;margin:24px;max-width:1100px}"_s
        u"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"_s
        u"td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}"_s
        u"li{margin:2px 0}</style></head><body>\n"_s;
    html += u"<h1>"_s + htmlEscape(title) + u"</h1>\n<p>"_s + htmlEscape(loadLine(result.plan)) +
            u". Started "_s + htmlEscape(result.startedAt.toString(Qt::ISODate)) + u" on "_s +
            QString::number(result.machine.cores) + u" cores ("_s + htmlEscape(result.machine.cpuModel) +
            u").</p>\n"_s;
    const std::vector<ServerKind> servers = serversOf(result);
    for (const ServerKind server : servers) {
        const ServerPart part = serverPart(result, summary, server);
        if (servers.size() > 1)
            html += u"<h2>"_s + htmlEscape(serverKindTitle(server)) + u"</h2>\n"_s;
        html += htmlTable(servers.size() > 1 ? abTableRows(result, summary, server)
                                             : abTableRows(part.result, part.summary),
                          server == servers.front()
                              ? u"results"_s
                              : u"results-"_s + QString::fromLatin1(serverKindName(server)));
    }
    if (summary.carryOver)
        html += u"<h2>Does it carry over to Apache?</h2>\n"_s +
                htmlTable(abCarryOverRows(*summary.carryOver), u"carry-over"_s) + u"<p><b>"_s +
                htmlEscape(summary.carryOver->verdict) + u"</b></p>\n"_s;
    const ServerPart first = serverPart(result, summary, servers.front());
    html += u"<h2>Throughput</h2>\n"_s + abBarSvg(first.result, first.summary);
    for (const ReportFigure& f : figures)
        html += u"<h2>"_s + htmlEscape(f.title) + u"</h2>\n<img alt=\""_s + htmlEscape(f.title) +
                u"\" src=\"data:image/png;base64,"_s + QString::fromLatin1(f.png.toBase64()) + u"\">\n"_s;
    html += u"<h2>Verdicts and notes</h2>\n<ul>\n"_s;
    for (const QString& line : notesOf(result, summary))
        html += u"<li>"_s + htmlEscape(line) + u"</li>\n"_s;
    html += u"</ul>\n</body></html>\n"_s;
    return html;
}

} // namespace wsgi::studio
