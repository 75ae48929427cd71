#include "studio/monitor/heatmappanel.h"

#include "studio/charts/heatmapchart.h"
#include "studio/charts/histogramchart.h"
#include "studio/models/heatmapmodel.h"
#include "studio/models/histogrammodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace wsgi::studio::monitor {

namespace {

struct PhaseChoice
{
    TimingPhase phase;
    const char* label;
};
constexpr PhaseChoice kPhases[] = {
    {TimingPhase::Request, "response (request time)"},
    {TimingPhase::Application, "application"},
    {TimingPhase::Queue, "queue"},
    {TimingPhase::GilWait, "GIL wait, hand-off"},
    {TimingPhase::GilWaitFull, "GIL wait, full"},
    {TimingPhase::RequestCpu, "request CPU"},
    {TimingPhase::InputRead, "input read"},
    {TimingPhase::OutputWrite, "output write"},
};

} // namespace

HeatmapPanel::HeatmapPanel(TelemetryHistory* history, QWidget* parent) : QWidget(parent), m_history(history)
{
    setObjectName(QStringLiteral("heatmapPanel"));
    m_model = new models::HeatmapModel(history, this);
    m_model->setPhase(TimingPhase::Request);
    m_intervalModel = new models::HistogramModel(this);

    m_phaseBox = new QComboBox(this);
    m_phaseBox->setObjectName(QStringLiteral("heatmapPhase"));
    for (const PhaseChoice& c : kPhases)
        m_phaseBox->addItem(tr(c.label), int(c.phase));
    connect(m_phaseBox, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setPhase(phase());
        m_selectedTime = 0;
        showInterval();
    });

    m_chart = new charts::HeatmapChart(this);
    m_chart->setObjectName(QStringLiteral("heatmapChart"));
    m_chart->setModel(m_model);
    m_chart->setEmptyText(tr("No requests timed in this window"));
    m_chart->setToolTip({});
    connect(m_chart, &charts::HeatmapChart::columnClicked, this, &HeatmapPanel::selectColumn);

    m_interval = new charts::HistogramChart(this);
    m_interval->setObjectName(QStringLiteral("heatmapInterval"));
    m_interval->setEmptyText(tr("Click a column of the map"));
    m_interval->setModel(m_intervalModel, models::HistogramModel::LowerColumn,
                         models::HistogramModel::UpperColumn, models::HistogramModel::CountColumn);
    m_intervalLabel = new QLabel(this);
    m_intervalLabel->setObjectName(QStringLiteral("heatmapIntervalSummary"));
    m_intervalLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_intervalLabel->setWordWrap(true);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Heatmap of:"), this));
    top->addWidget(m_phaseBox);
    top->addStretch(1);
    auto* right = new QVBoxLayout;
    right->addWidget(m_interval, 1);
    right->addWidget(m_intervalLabel);
    auto* body = new QHBoxLayout;
    body->addWidget(m_chart, 3);
    body->addLayout(right, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(body, 1);
    showInterval();
}

HeatmapPanel::~HeatmapPanel() = default;

void HeatmapPanel::setPhase(TimingPhase phase)
{
    m_phaseBox->setCurrentIndex(m_phaseBox->findData(int(phase)));
}

TimingPhase HeatmapPanel::phase() const
{
    return TimingPhase(m_phaseBox->currentData().toInt());
}

void HeatmapPanel::showView(const MonitorView& view)
{
    m_view = view;
    m_model->setGroup(view.group);
    m_model->setWindow(view.window());
    m_chart->setTimeSpan(view.windowSeconds);
    const QString what = m_phaseBox->currentText();
    m_chart->setTitle(
        tr("%1 over the last %2 s (per interval, colour = count)").arg(what).arg(view.windowSeconds));
    // The selected interval stays selected while it is in the window (columns shift as time passes).
    int column = -1;
    for (int c = 0; c < m_model->columnCount() && m_selectedTime > 0; ++c) {
        if (m_model->columnTime(c) == m_selectedTime)
            column = c;
    }
    m_chart->selectColumn(column);
    const bool hadSelection = m_selectedTime > 0;
    if (column < 0)
        m_selectedTime = 0;
    // Shown again: its age ("N s before the newest") moves on with every interval that comes in,
    // and one that has left the window is cleared.
    if (hadSelection)
        showInterval();
}

void HeatmapPanel::selectColumn(int column)
{
    m_chart->selectColumn(column);
    m_selectedTime = m_model->columnTime(column);
    showInterval();
}

void HeatmapPanel::selectNewestColumn()
{
    if (m_model->columnCount() > 0)
        selectColumn(m_model->columnCount() - 1);
}

QString HeatmapPanel::intervalText() const
{
    return m_intervalLabel->text();
}

void HeatmapPanel::showInterval()
{
    int column = -1;
    for (int c = 0; c < m_model->columnCount() && m_selectedTime > 0; ++c) {
        if (m_model->columnTime(c) == m_selectedTime)
            column = c;
    }
    if (column < 0) {
        m_intervalModel->setHistogram({});
        m_interval->setMarkers({});
        m_interval->setTitle(tr("One interval"));
        m_intervalLabel->setText(tr("Click a column of the map to see that interval's histogram."));
        return;
    }
    const wsgi::Histogram& h = m_model->columnHistogram(column);
    m_intervalModel->setHistogram(h);
    const QString at = QDateTime::fromMSecsSinceEpoch(qint64(m_selectedTime * 1000))
                           .toString(QStringLiteral("HH:mm:ss.zzz"));
    m_interval->setTitle(tr("Interval ending %1").arg(at));
    m_interval->setAxisTitles(m_phaseBox->currentText(), tr("count"));
    if (h.count() == 0) {
        m_interval->setMarkers({});
        m_intervalLabel->setText(tr("Interval ending %1: nothing timed").arg(at));
        return;
    }
    m_interval->setMarkers({{QStringLiteral("p50"), h.percentile(50)},
                            {QStringLiteral("p95"), h.percentile(95)},
                            {QStringLiteral("p99"), h.percentile(99)}});
    m_intervalLabel->setText(
        tr("Interval ending %1 (%2 s before the newest): n %3 · p50 %4 · p95 %5 · p99 %6 · max %7")
            .arg(at)
            .arg(m_model->columnTime(m_model->columnCount() - 1) - m_selectedTime, 0, 'f', 1)
            .arg(h.count())
            .arg(charts::formatMicros(h.percentile(50)), charts::formatMicros(h.percentile(95)),
                 charts::formatMicros(h.percentile(99)), charts::formatMicros(double(h.max()))));
}

} // namespace wsgi::studio::monitor
