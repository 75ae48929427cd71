#include "studio/benchmark/runprogress.h"

#include "session/format.h"
#include "studio/charts/linechart.h"
#include "studio/models/ablivemodel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace wsgi::studio::pages {

RunProgress::RunProgress(QWidget* parent) : QWidget(parent)
{
    m_planLabel = new QLabel(tr("No run yet."), this);
    m_planLabel->setObjectName(QStringLiteral("planProgressLabel"));
    m_plan = new QProgressBar(this);
    m_plan->setObjectName(QStringLiteral("planProgress"));
    m_plan->setRange(0, 1);
    m_plan->setValue(0);
    m_repeatLabel = new QLabel(this);
    m_repeatLabel->setObjectName(QStringLiteral("repeatProgressLabel"));
    m_repeat = new QProgressBar(this);
    m_repeat->setObjectName(QStringLiteral("repeatProgress"));
    m_repeat->setRange(0, 1000);
    m_repeat->setTextVisible(false);
    m_failures = new QLabel(this);
    m_failures->setObjectName(QStringLiteral("runFailures"));
    m_failures->setWordWrap(true);
    m_failures->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_failures->hide();

    m_live = new models::AbLiveModel(this);
    m_chart = new charts::LineChart(this);
    m_chart->setObjectName(QStringLiteral("liveChart"));
    m_chart->setModel(m_live, models::AbLiveModel::ElapsedColumn, {models::AbLiveModel::RateColumn});
    m_chart->setAxisTitles(tr("load time (s), warm-up included"), tr("requests/s"));
    m_chart->setTitle(tr("Current repeat: throughput"));
    m_chart->setEmptyText(tr("Throughput appears here once the load starts"));
    m_chart->setLegendVisible(true); // side by side with the latency chart: plot areas line up
    m_latencyChart = new charts::LineChart(this);
    m_latencyChart->setObjectName(QStringLiteral("liveLatencyChart"));
    m_latencyChart->setModel(m_live, models::AbLiveModel::ElapsedColumn,
                             {models::AbLiveModel::P50Column, models::AbLiveModel::P99Column});
    m_latencyChart->setSeriesNames({tr("p50"), tr("p99")});
    m_latencyChart->setAxisTitles(tr("load time (s), warm-up included"), tr("latency (ms)"));
    m_latencyChart->setTitle(tr("Current repeat: client latency of each second"));
    m_latencyChart->setEmptyText(tr("Latency appears here once answers arrive"));
    m_latencyChart->setLegendVisible(true);
    auto* charts = new QHBoxLayout;
    charts->addWidget(m_chart, 1);
    charts->addWidget(m_latencyChart, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_planLabel);
    layout->addWidget(m_plan);
    layout->addSpacing(6);
    layout->addWidget(m_repeatLabel);
    layout->addWidget(m_repeat);
    layout->addWidget(m_failures);
    layout->addLayout(charts, 1);
}

void RunProgress::start(int runsTotal)
{
    m_plan->setRange(0, std::max(1, runsTotal));
    m_plan->setValue(0);
    m_repeat->setValue(0);
    m_failures->clear();
    m_failures->hide();
    m_live->clear();
    m_planLabel->setText(tr("Starting %1\u2026").arg(formatCount(runsTotal, tr("run"), tr("runs"))));
    m_repeatLabel->clear();
}

void RunProgress::setProgress(const AbProgress& p)
{
    m_plan->setRange(0, std::max(1, p.runsTotal));
    m_plan->setValue(std::min(p.runsDone, p.runsTotal));
    m_plan->setFormat(QStringLiteral("%v/%m"));
    m_planLabel->setText(tr("Plan: %1 of %2 runs done, %3 elapsed, about %4 left")
                             .arg(p.runsDone)
                             .arg(p.runsTotal)
                             .arg(formatDuration(p.elapsedSec), formatDuration(p.remainingSec)));
    QString line = tr("%1 (%2/%3), repeat %4/%5: %6")
                       .arg(p.variant)
                       .arg(p.variantIndex + 1)
                       .arg(p.variantCount)
                       .arg(p.round)
                       .arg(p.rounds)
                       .arg(QString::fromLatin1(phaseName(p.phase)));
    const bool loading = p.phase == AbProgress::Phase::WarmingUp || p.phase == AbProgress::Phase::Measuring;
    if (loading && p.runPlannedSec > 0) {
        line += tr(", %1 of %2 s, %3 req/s, %4 errors")
                    .arg(p.runElapsedSec, 0, 'f', 1)
                    .arg(p.runPlannedSec, 0, 'f', 1)
                    .arg(p.currentRate, 0, 'f', 0)
                    .arg(p.errors);
        if (p.intervalAnswers > 0)
            line += tr(", p50 %1, p99 %2").arg(formatMs(p.intervalP50Ms), formatMs(p.intervalP99Ms));
        m_repeat->setValue(int(std::min(1.0, p.runElapsedSec / p.runPlannedSec) * 1000));
        // The whole repeat's time on the axis from its first second: the lines grow to the right
        // instead of the axis rescaling each second.
        m_chart->setXWindow(p.runPlannedSec);
        m_latencyChart->setXWindow(p.runPlannedSec);
    } else if (p.phase == AbProgress::Phase::Starting) {
        m_repeat->setValue(0);
    } else if (p.phase == AbProgress::Phase::Collecting || p.phase == AbProgress::Phase::Stopping) {
        m_repeat->setValue(1000);
    }
    if (p.phase == AbProgress::Phase::Done)
        line = tr("done");
    m_repeatLabel->setText(line);
    m_live->addProgress(p);
}

void RunProgress::addFailure(const QString& variant, const QString& reason)
{
    QString text = m_failures->text();
    if (!text.isEmpty())
        text += QLatin1Char('\n');
    m_failures->setText(text + tr("%1 failed: %2").arg(variant, reason.section(QLatin1Char('\n'), 0, 2)));
    m_failures->show();
}

void RunProgress::setFinished(bool cancelled, int repeatsKept)
{
    const QString repeats = formatCount(repeatsKept, tr("repeat"), tr("repeats"));
    m_planLabel->setText(cancelled ? tr("Cancelled: %1 completed, kept.").arg(repeats)
                                   : tr("Finished: %1.").arg(repeats));
}

QString RunProgress::planText() const
{
    return m_planLabel->text();
}

QString RunProgress::repeatText() const
{
    return m_repeatLabel->text();
}

} // namespace wsgi::studio::pages
