// MonitorPage's "Copy as Markdown": what the page shows at its current instant, as text that pastes
// into an issue, a chat or a model prompt with its units and the window it covers.
#include "studio/models/processtablemodel.h"
#include "studio/monitor/monitorpage.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QSortFilterProxyModel>

namespace wsgi::studio::pages {

namespace {

QString cell(QString text)
{
    return text.replace(QLatin1Char('|'), QStringLiteral("\\|")).replace(QLatin1Char('\n'), QLatin1Char(' '));
}

QString micros(double seconds)
{
    const double us = seconds * 1e6;
    if (us < 1000)
        return QString::number(us, 'f', 0) + QStringLiteral(" µs");
    if (us < 1e6)
        return QString::number(us / 1000, 'f', us < 10000 ? 2 : 1) + QStringLiteral(" ms");
    return QString::number(us / 1e6, 'f', 2) + QStringLiteral(" s");
}

} // namespace

QString MonitorPage::markdown() const
{
    const QString at = QDateTime::fromMSecsSinceEpoch(qint64(m_view.end * 1000)).toString(Qt::ISODate);
    QString out =
        QStringLiteral("### wsgi-engine at %1 (%2, last %3 s%4)\n\n")
            .arg(at, m_view.group.isEmpty() ? tr("all groups") : tr("group %1").arg(m_view.group))
            .arg(m_view.windowSeconds, 0, 'f', 0)
            .arg(m_reviewing ? tr(", from a recording") : (m_view.live ? QString() : tr(", paused")));
    // The window's figures from merged histograms: the same numbers the charts and panels show.
    const TimeWindow window = m_view.window();
    out +=
        QStringLiteral("| phase | n | mean | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
    const std::pair<TimingPhase, QString> phases[] = {
        {TimingPhase::Request, tr("response")},
        {TimingPhase::Application, tr("application")},
        {TimingPhase::Queue, tr("queue")},
        {TimingPhase::GilWait, tr("GIL wait (hand-off)")},
        {TimingPhase::GilWaitFull, tr("GIL wait (full)")},
    };
    for (const auto& [phase, name] : phases) {
        const wsgi::Histogram h = m_history->mergedHistogram(phase, m_view.group, window);
        if (h.count() == 0) {
            out += QStringLiteral("| %1 | 0 | | | | | |\n").arg(name);
            continue;
        }
        out += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n")
                   .arg(name)
                   .arg(h.count())
                   .arg(micros(double(h.sum()) / double(h.count()) / 1e6), micros(h.percentile(50) / 1e6),
                        micros(h.percentile(95) / 1e6), micros(h.percentile(99) / 1e6),
                        micros(double(h.max()) / 1e6));
    }
    out += QLatin1Char('\n');
    // The process table as shown (its sort order, its units in the headers).
    const QAbstractItemModel* table = m_sortedProcesses;
    QStringList header;
    QStringList rule;
    for (int c = 0; c < table->columnCount(); ++c) {
        header << cell(table->headerData(c, Qt::Horizontal).toString());
        rule << QStringLiteral("---");
    }
    out += QStringLiteral("| ") + header.join(QStringLiteral(" | ")) + QStringLiteral(" |\n| ") +
           rule.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    for (int r = 0; r < table->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < table->columnCount(); ++c)
            cells << cell(table->index(r, c).data().toString());
        out += QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    }
    return out;
}

void MonitorPage::copyMarkdown()
{
    QGuiApplication::clipboard()->setText(markdown());
}

} // namespace wsgi::studio::pages
