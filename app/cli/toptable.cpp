#include "cli/toptable.h"

#include "session/processrows.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>
#include <map>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

enum class Align
{
    Left,
    Right
};

struct Column
{
    QString title;
    QString unit; // second header line, so titles stay short and every number says what it counts
    Align align;
    // When the terminal is too narrow, columns go in ascending order of this, lowest first; 0 never.
    // Whole columns go rather than cutting every line mid-number.
    int dropOrder = 0;
    QString name = {}; // in the "hidden" note, when the title alone is ambiguous
};

// A column-aligned text table whose widths fit the widest of title, unit and values.
class TextTable
{
public:
    static constexpr int kGap = 2;

    explicit TextTable(std::vector<Column> columns) : m_columns(std::move(columns)) {}

    void addRow(QStringList cells) { m_rows.push_back(std::move(cells)); }

    // `maxWidth` 0: all columns. Otherwise droppable columns go until the table fits; their titles
    // are appended to `hidden`, and `fullWidth` says how wide the whole table would be.
    QStringList render(int maxWidth, QStringList* hidden = nullptr, int* fullWidth = nullptr) const
    {
        std::vector<qsizetype> widths(m_columns.size());
        for (size_t c = 0; c < m_columns.size(); ++c) {
            widths[c] = std::max(m_columns[c].title.size(), m_columns[c].unit.size());
            for (const QStringList& row : m_rows)
                if (qsizetype(c) < row.size())
                    widths[c] = std::max(widths[c], row[qsizetype(c)].size());
        }
        std::vector<bool> shown(m_columns.size(), true);
        auto total = [&] {
            qsizetype sum = 0;
            int count = 0;
            for (size_t c = 0; c < m_columns.size(); ++c)
                if (shown[c] && widths[c] > 0) {
                    sum += widths[c];
                    ++count;
                }
            return sum + qsizetype(std::max(0, count - 1) * kGap);
        };
        if (fullWidth)
            *fullWidth = int(total());
        std::vector<size_t> order;
        for (size_t c = 0; c < m_columns.size(); ++c)
            if (m_columns[c].dropOrder > 0)
                order.push_back(c);
        std::sort(order.begin(), order.end(),
                  [&](size_t a, size_t b) { return m_columns[a].dropOrder < m_columns[b].dropOrder; });
        for (size_t c : order) {
            if (maxWidth <= 0 || total() <= maxWidth)
                break;
            shown[c] = false;
            if (hidden)
                *hidden << (m_columns[c].name.isEmpty() ? m_columns[c].title : m_columns[c].name);
        }
        QStringList lines;
        QStringList titles, units;
        for (const Column& column : m_columns) {
            titles << column.title;
            units << column.unit;
        }
        lines << line(titles, widths, shown) << line(units, widths, shown);
        for (const QStringList& row : m_rows)
            lines << line(row, widths, shown);
        return lines;
    }

private:
    QString line(const QStringList& cells, const std::vector<qsizetype>& widths,
                 const std::vector<bool>& shown) const
    {
        QString text;
        for (size_t c = 0; c < m_columns.size(); ++c) {
            if (!shown[c] || widths[c] == 0)
                continue;
            const QString cell = qsizetype(c) < cells.size() ? cells[qsizetype(c)] : QString();
            if (!text.isEmpty())
                text += QString(kGap, u' ');
            text += m_columns[c].align == Align::Left ? cell.leftJustified(widths[c])
                                                      : cell.rightJustified(widths[c]);
        }
        // Left-aligned last columns would leave trailing blanks; a terminal does not need them.
        while (text.endsWith(u' '))
            text.chop(1);
        return text;
    }

    std::vector<Column> m_columns;
    std::vector<QStringList> m_rows;
};

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

// Mean of a phase in milliseconds; "-" when nothing was timed this interval.
QString meanMs(const PhaseTiming& t)
{
    if (!t.applicable)
        return u"n/a"_s;
    const auto ms = phaseMeanMs(t);
    return ms ? fixed(*ms, 2) : u"-"_s;
}

// p95 of a GIL phase in milliseconds, three decimals: sub-millisecond waits are the interesting ones.
QString gilP95Ms(const PhaseTiming& t)
{
    if (!t.applicable)
        return u"n/a"_s;
    const auto ms = phaseP95Ms(t);
    return ms ? fixed(*ms, 3) : u"-"_s;
}

QString mebibytes(int64_t bytes)
{
    return fixed(double(bytes) / (1024.0 * 1024.0), 1);
}

QString plural(int64_t n, const QString& one, const QString& many)
{
    return QString::number(n) + u' ' + (n == 1 ? one : many);
}

} // namespace

QStringList renderTop(const EngineStatus& status, const TelemetrySample& sample,
                      const TopViewOptions& options)
{
    const std::string groupFilter = options.group.toStdString();
    auto shown = [&](const std::string& group) { return groupFilter.empty() || group == groupFilter; };
    const ProcessRows view = processRows(status, sample, options.group);
    std::vector<const ProcessTelemetry*> rows;
    for (size_t i : view.rows)
        rows.push_back(&sample.processes[i]);
    const ProcessTotals& totals = view.totals;

    QStringList lines;
    QString engineLine = u"wsgi-engine pid "_s + QString::number(status.engine.pid) + u", up "_s +
                         formatUptime(status.engine.uptimeSeconds) + u", config generation "_s +
                         QString::number(status.engine.generation);
    if (!status.engine.listen.empty()) {
        QStringList listen;
        for (const auto& l : status.engine.listen)
            listen << QString::fromStdString(l);
        engineLine += u", serving "_s + listen.join(u", "_s);
    }
    lines << engineLine;
    lines << u"total: "_s + fixed(totals.requestsPerMinute, 0) + u" rpm, "_s + fixed(totals.cpuCores, 2) +
                 u" CPU cores, "_s + mebibytes(totals.memoryRss) + u" MiB RSS, "_s +
                 QString::number(totals.activeThreads) + u" of "_s +
                 plural(totals.threads, u"thread"_s, u"threads"_s) + u" busy, "_s +
                 QString::number(totals.queued) + u" queued"_s;
    const QString ending =
        sample.time > 0
            ? u" ending "_s +
                  QDateTime::fromMSecsSinceEpoch(int64_t(sample.time * 1000)).toString(u"HH:mm:ss"_s)
            : QString();
    QString scope = plural(qsizetype(rows.size()), u"process"_s, u"processes"_s) + u" in "_s +
                    (groupFilter.empty() ? plural(totals.groups, u"group"_s, u"groups"_s)
                                         : u"group '"_s + options.group + u'\'');
    lines << u"interval "_s + fixed(sample.intervalMs / 1000.0, 2) + u" s"_s + ending + u"; "_s + scope +
                 (options.live ? u"; Ctrl-C quits"_s : QString());
    lines << QString();

    TextTable table({
        // Narrow terminals lose the descriptive columns first and keep throughput, CPU, response
        // time and GIL waits: what a tuning session watches.
        {u"GROUP"_s, {}, Align::Left},
        {u"#"_s, {}, Align::Right, 8},
        {u"PID"_s, {}, Align::Right, 5},
        {u"GIL"_s, u"mode"_s, Align::Left, 1, u"GIL mode"_s},
        {u"RPM"_s, u"req/min"_s, Align::Right},
        {u"ACTIVE"_s, u"/threads"_s, Align::Right, 3},
        {u"CAP"_s, u"%"_s, Align::Right, 6},
        {u"CPU"_s, u"cores"_s, Align::Right},
        {u"RSS"_s, u"MiB"_s, Align::Right, 2},
        {u"RESP"_s, u"mean ms"_s, Align::Right},
        {u"APP"_s, u"mean ms"_s, Align::Right, 4},
        {u"QUEUE"_s, u"mean ms"_s, Align::Right, 7},
        {u"GIL-WAIT"_s, u"p95 ms"_s, Align::Right},
        {u"GIL-FULL"_s, u"p95 ms"_s, Align::Right, 9},
        {{}, {}, Align::Left}, // state, only for processes that are not running
    });
    for (const ProcessTelemetry* p : rows) {
        const bool running = processRunning(*p);
        table.addRow({
            QString::fromStdString(p->group),
            QString::number(p->process),
            QString::number(p->pid),
            QLatin1StringView(gilModeWireName(p->gilMode)),
            fixed(p->requestsPerMinute, 0),
            QString::number(p->threadsActive) + u'/' + QString::number(p->threadsMaximum),
            fixed(p->capacityUtilization * 100.0, 0),
            p->cpuUtilization ? fixed(*p->cpuUtilization, 2) : u"-"_s,
            mebibytes(p->memoryRss),
            meanMs(p->phase(TimingPhase::Request)),
            meanMs(p->phase(TimingPhase::Application)),
            meanMs(p->phase(TimingPhase::Queue)),
            gilP95Ms(p->phase(TimingPhase::GilWait)),
            gilP95Ms(p->phase(TimingPhase::GilWaitFull)),
            running ? QString() : u'(' + QString::fromStdString(p->state) + u')',
        });
    }
    QStringList hidden;
    int fullWidth = 0;
    lines << table.render(options.width, &hidden, &fullWidth);
    if (rows.empty())
        lines << u"(no worker processes reported in this interval)"_s;

    QStringList restarts;
    for (const GroupStatus& g : status.groups) {
        if (!shown(g.name) || g.restarts.empty())
            continue;
        QStringList reasons;
        for (const auto& [reason, count] : g.restarts)
            reasons << QString::fromStdString(reason) + u' ' + QString::number(count);
        restarts << QString::fromStdString(g.name) + u" ("_s + reasons.join(u", "_s) + u')';
    }
    if (!restarts.isEmpty())
        lines << QString() << u"restarts since start: "_s + restarts.join(u"; "_s);
    if (!hidden.isEmpty())
        lines << QString()
              << u"hidden to fit: "_s + hidden.join(u", "_s) + u" (all columns need "_s +
                     QString::number(fullWidth) + u')';
    if (!options.notice.isEmpty())
        lines << QString() << options.notice;

    if (options.width > 0)
        for (QString& line : lines)
            if (line.size() > options.width)
                line.truncate(options.width);
    return lines;
}

} // namespace wsgi::studio::cli
