#include "studio/monitor/gilpanel.h"

#include "session/format.h"
#include "session/telemetryhistorygrids.h"
#include "studio/charts/histogramchart.h"
#include "studio/charts/linechart.h"
#include "studio/models/gilhistogrammodel.h"
#include "studio/models/timeseriesmodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace wsgi::studio::monitor {

using models::GilHistogramModel;

namespace {

QString shapeText(const wsgi::GilContention& c)
{
    if (c.label.empty())
        return QObject::tr("shape: none fitted (%1)").arg(QString::fromStdString(c.reason));
    return QObject::tr("shape: %1 (q %2)").arg(QString::fromStdString(c.label)).arg(*c.q, 0, 'f', 2);
}

} // namespace

GilPanel::GilPanel(TelemetryHistory* history, EngineSession* session, QWidget* parent)
    : QWidget(parent), m_history(history), m_session(session)
{
    setObjectName(QStringLiteral("gilPanel"));
    m_model = new GilHistogramModel(this);
    m_cpuModel = new models::TimeSeriesModel(history, this);

    m_measureBox = new QComboBox(this);
    m_measureBox->setObjectName(QStringLiteral("gilMeasure"));
    m_measureBox->addItem(tr("hand-off (as mod_wsgi)"), int(Measure::HandOff));
    m_measureBox->addItem(tr("full (incl. forced switches)"), int(Measure::Full));
    m_measureBox->setToolTip(tr("Hand-off: waits at the engine's own GIL hand-off points, comparable with "
                                "mod_wsgi-telemetry.\nFull: every wait, including the switches the "
                                "interpreter forces inside application code."));
    connect(m_measureBox, &QComboBox::currentIndexChanged, this, &GilPanel::refresh);
    m_layoutBox = new QComboBox(this);
    m_layoutBox->setObjectName(QStringLiteral("gilLayout"));
    m_layoutBox->addItem(tr("µs bins"));
    m_layoutBox->addItem(tr("mod_wsgi 65 buckets"));
    m_layoutBox->setToolTip(tr("Fold into mod_wsgi 6's bucket layout (below 1.25 ms, then four per octave) "
                               "to compare with mod_wsgi-telemetry"));
    connect(m_layoutBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_model->setLayout(index == 1 ? GilHistogramModel::Layout::ModWsgi
                                      : GilHistogramModel::Layout::Micro);
    });
    m_freeze = new QPushButton(tr("Freeze as baseline"), this);
    m_freeze->setObjectName(QStringLiteral("gilFreeze"));
    m_freeze->setToolTip(
        tr("Keep this window's waits and draw the live ones over them (before/after a change)"));
    connect(m_freeze, &QPushButton::clicked, this, &GilPanel::freezeBaseline);
    m_clear = new QPushButton(tr("Clear baseline"), this);
    m_clear->setObjectName(QStringLiteral("gilClearBaseline"));
    m_clear->setEnabled(false);
    connect(m_clear, &QPushButton::clicked, this, &GilPanel::clearBaseline);

    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("gilHeader"));
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_chart = new charts::HistogramChart(this);
    m_chart->setObjectName(QStringLiteral("gilHistogram"));
    m_chart->setAxisTitles(tr("GIL wait per request"), tr("requests"));
    m_chart->setEmptyText(tr("No GIL wait recorded in this window"));
    m_chart->setModel(m_model, GilHistogramModel::LowerColumn, GilHistogramModel::UpperColumn,
                      GilHistogramModel::CountColumn);

    auto* noGilPage = new QWidget(this);
    m_noGil = new QLabel(noGilPage);
    m_noGil->setObjectName(QStringLiteral("gilNone"));
    m_noGil->setWordWrap(true);
    m_noGil->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cpuChart = new charts::LineChart(noGilPage);
    m_cpuChart->setObjectName(QStringLiteral("gilNoneCpu"));
    m_cpuChart->setTitle(tr("CPU, the evidence: above 100 % means threads ran in parallel"));
    m_cpuChart->setAxisTitles(tr("time (s)"), tr("CPU (% of one core)"));
    m_cpuChart->setModel(m_cpuModel, models::TimeSeriesModel::TimeColumn,
                         {models::TimeSeriesModel::CpuColumn});
    auto* noGilLayout = new QVBoxLayout(noGilPage);
    noGilLayout->setContentsMargins(0, 0, 0, 0);
    noGilLayout->addWidget(m_noGil);
    noGilLayout->addWidget(m_cpuChart, 1);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_chart);
    m_stack->addWidget(noGilPage);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("GIL wait:"), this));
    controls->addWidget(m_measureBox);
    controls->addWidget(m_layoutBox);
    controls->addStretch(1);
    controls->addWidget(m_freeze);
    controls->addWidget(m_clear);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_header);
    layout->addWidget(m_stack, 1);
    refresh();
}

GilPanel::~GilPanel() = default;

void GilPanel::showView(const MonitorView& view)
{
    m_view = view;
    m_shown = true;
    refresh();
}

void GilPanel::setMeasure(Measure measure)
{
    m_measureBox->setCurrentIndex(m_measureBox->findData(int(measure)));
}

GilPanel::Measure GilPanel::measure() const
{
    return Measure(m_measureBox->currentData().toInt());
}

void GilPanel::setModWsgiLayout(bool folded)
{
    m_layoutBox->setCurrentIndex(folded ? 1 : 0);
}

void GilPanel::freezeBaseline()
{
    const QDateTime end = QDateTime::fromMSecsSinceEpoch(qint64(m_view.end * 1000));
    const QString label =
        tr("baseline %1 s to %2%3")
            .arg(m_view.windowSeconds)
            .arg(end.toString(QStringLiteral("HH:mm:ss")))
            .arg(m_model->switchInterval()
                     ? tr(", switch %1").arg(charts::formatMicros(*m_model->switchInterval() * 1e6))
                     : QString());
    m_model->freezeBaseline(label);
    m_clear->setEnabled(true);
    refresh();
}

void GilPanel::clearBaseline()
{
    m_model->clearBaseline();
    m_clear->setEnabled(false);
    refresh();
}

bool GilPanel::showsNoGil() const
{
    return m_stack->currentIndex() == 1;
}

QString GilPanel::headerText() const
{
    return m_header->text();
}

QString GilPanel::noGilText() const
{
    return m_noGil->text();
}

void GilPanel::refresh()
{
    const TimingPhase phase = measure() == Measure::Full ? TimingPhase::GilWaitFull : TimingPhase::GilWait;
    const TimeWindow window = m_view.window();
    const GroupShape shape =
        m_history && m_shown ? groupShape(*m_history, m_view.group, window) : GroupShape{};
    const QString who = m_view.group.isEmpty() ? tr("all groups") : tr("group %1").arg(m_view.group);

    if (shape.noGil()) {
        // Nothing waits for a GIL that is not there: the evidence is CPU above one core per process.
        m_stack->setCurrentIndex(1);
        m_cpuModel->setGroup(m_view.group);
        m_cpuChart->setXWindow(m_view.windowSeconds);
        const QList<HistoryPoint> cpu = m_history->series(HistoryMetric::Cpu, m_view.group, window);
        double peak = 0;
        for (const HistoryPoint& p : cpu)
            peak = std::max(peak, p.value);
        const double mean = seriesMean(cpu);
        m_noGil->setText(tr("<b>no GIL (free-threaded)</b>: %1, %2 of %3 threads. CPU %4 cores "
                            "(%5 per process, peak %6) over the last %7 s.")
                             .arg(who)
                             .arg(formatCount(shape.processes, tr("process"), tr("processes")))
                             .arg(shape.threadsPerProcess)
                             .arg(mean, 0, 'f', 2)
                             .arg(mean / std::max(1, shape.processes), 0, 'f', 2)
                             .arg(peak, 0, 'f', 2)
                             .arg(m_view.windowSeconds));
        m_header->setText(
            tr("Requests never wait for a GIL here; threads of one process run Python at once."));
        m_freeze->setEnabled(false);
        m_measureBox->setEnabled(false);
        m_layoutBox->setEnabled(false);
        return;
    }
    m_stack->setCurrentIndex(0);
    m_freeze->setEnabled(m_shown);
    m_measureBox->setEnabled(true);
    m_layoutBox->setEnabled(true);

    const wsgi::Histogram merged =
        m_history && m_shown ? m_history->mergedHistogram(phase, m_view.group, window) : wsgi::Histogram();
    m_model->setHistogram(merged, shape.switchInterval);
    m_chart->setTitle(tr("GIL wait, %1, last %2 s").arg(who).arg(m_view.windowSeconds));
    m_chart->setBaselineColumn(m_model->hasBaseline() ? GilHistogramModel::BaselineColumn : -1,
                               m_model->baselineLabel());

    QList<charts::HistogramBand> bands;
    for (const GilHistogramModel::Band& b : m_model->bands()) {
        if (b.cycles > 0)
            bands << charts::HistogramBand{b.label, b.lowerUs, b.upperUs};
    }
    m_chart->setBands(bands);

    QStringList lines;
    QString first = tr("n %1").arg(merged.count());
    if (merged.count() > 0) {
        m_chart->setMarkers({{QStringLiteral("p50"), merged.percentile(50)},
                             {QStringLiteral("p95"), merged.percentile(95)},
                             {QStringLiteral("p99"), merged.percentile(99)}});
        first +=
            tr(" · p50 %1 · p95 %2 · p99 %3 · max %4")
                .arg(charts::formatMicros(merged.percentile(50)), charts::formatMicros(merged.percentile(95)),
                     charts::formatMicros(merged.percentile(99)), charts::formatMicros(double(merged.max())));
    } else {
        m_chart->setMarkers({});
    }
    lines << first;
    QString second = shape.switchInterval ? tr("switch interval %1 (bands at its multiples)")
                                                .arg(charts::formatMicros(*shape.switchInterval * 1e6))
                                          : tr("switch interval not reported");
    if (merged.count() > 0 && shape.switchInterval)
        second += QStringLiteral(" · ") + shapeText(m_model->contention());
    if (shape.withoutGil > 0)
        second += shape.withoutGil == 1 ? tr(" · 1 free-threaded process not shown")
                                        : tr(" · %1 free-threaded processes not shown").arg(shape.withoutGil);
    lines << second;
    if (m_model->hasBaseline()) {
        const wsgi::Histogram& b = m_model->baseline();
        lines << tr("%1: n %2 · p50 %3 · p95 %4 · p99 %5 (outline, scaled to the live count)")
                     .arg(m_model->baselineLabel())
                     .arg(b.count())
                     .arg(charts::formatMicros(b.percentile(50)), charts::formatMicros(b.percentile(95)),
                          charts::formatMicros(b.percentile(99)));
    }
    m_header->setText(lines.join(QLatin1Char('\n')));
}

} // namespace wsgi::studio::monitor
