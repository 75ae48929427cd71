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

std::vector<QStringList> carryOverRows(const AbCarryOver& c)
{
    const auto ratio = [](const std::optional<double>& r) {
        return r ? QString::number(*r, 'f', 2) + u'x' : u"-"_s;
    };
    std::vector<QStringList> rows{{u"Config"_s, u"engine vs "_s + c.baseline, u"Apache vs "_s + c.baseline,
                                   u"difference"_s, u"rank engine/Apache"_s,
                                   u"within "_s + QString::number(std::lround(c.tolerance * 100)) + u'%'}};
    for (const AbCarryOverRow& r : c.rows) {
        const QString difference = r.difference ? (*r.difference >= 0 ? u"+"_s : QString()) +
                                                      QString::number(*r.difference * 100, 'f', 1) + u'%'
                                                : u"-"_s;
        const QString rank = r.engineRank > 0 && r.apacheRank > 0
                                 ? QString::number(r.engineRank) + u" / "_s + QString::number(r.apacheRank)
                                 : u"-"_s;
        rows.push_back({r.name, ratio(r.engineRatio), ratio(r.apacheRatio), difference, rank,
                        !r.note.isEmpty() ? r.note : (r.within ? u"yes"_s : u"no"_s)});
    }
    return rows;
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

QString markdownTable(const std::vector<QStringList>& rows)
{
    QString out;
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

QString abMarkdown(const AbResult& result, const AbSummary& summary)
{
    const std::vector<ServerKind> servers = serversOf(result);
    QString out;
    for (const ServerKind server : servers) {
        const ServerPart part = serverPart(result, summary, server);
        if (servers.size() > 1)
            out += u"\n### "_s + serverKindTitle(server) + u"\n\n"_s;
        out += markdownTable(servers.size() > 1 ? abTableRows(result, summary, server)
                                                : abTableRows(part.result, part.summary));
    }
    if (summary.carryOver) {
        out += u"\n### Does it carry over to Apache?\n\n"_s +
               markdownTable(carryOverRows(*summary.carryOver)) + u"\n"_s + summary.carryOver->verdict +
               u'\n';
    }
    out += u"\nMedians; \u00b1 is half the min\u2013max range relative to the median. Load: "_s +
           loadLine(result.plan) + u".\n\n"_s;
    for (const QString& line : notesOf(result, summary))
        out += u"- "_s + line + u'\n';
    out += u"\nMachine: "_s + QString::number(result.machine.cores) + u" cores, "_s +
           result.machine.cpuModel + u", "_s + result.machine.kernel + u"; started "_s +
           result.startedAt.toString(Qt::ISODate) + u'\n';
    return out;
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
                htmlTable(carryOverRows(*summary.carryOver), u"carry-over"_s) + u"<p><b>"_s +
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
