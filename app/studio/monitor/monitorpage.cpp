#include "studio/monitor/monitorpage.h"

#include "session/format.h"
#include "studio/charts/histogramchart.h"
#include "studio/charts/linechart.h"
#include "studio/models/histogrammodel.h"
#include "studio/models/processtablemodel.h"
#include "studio/models/timeseriesmodel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace wsgi::studio::pages {

using models::TimeSeriesModel;

MonitorPage::MonitorPage(EngineSession* session, TelemetryHistory* history, QWidget* parent)
    : QWidget(parent), m_session(session), m_history(history)
{
    setObjectName(QStringLiteral("monitorPage"));
    m_processModel = new models::ProcessTableModel(this);
    m_seriesModel = new TimeSeriesModel(history, this);
    m_gilModel = new models::HistogramModel(this);

    m_groupBox = new QComboBox(this);
    m_groupBox->setObjectName(QStringLiteral("monitorGroup"));
    m_groupBox->setToolTip(tr("The daemon group the charts and the histogram show"));
    m_groupBox->addItem(tr("All groups"), QString());
    m_groupBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_groupBox, &QComboBox::currentIndexChanged, this, &MonitorPage::onGroupChosen);
    auto* groupLabel = new QLabel(tr("&Group:"), this);
    groupLabel->setBuddy(m_groupBox);
    m_windowBox = new QComboBox(this);
    m_windowBox->setObjectName(QStringLiteral("monitorWindow"));
    m_windowBox->setToolTip(tr("The time the charts span; older data scrolls off to the left"));
    for (const int seconds : {30, 60, 120, 300, 600}) {
        m_windowBox->addItem(seconds < 60 ? tr("%1 s").arg(seconds) : tr("%1 min").arg(seconds / 60),
                             seconds);
    }
    m_windowBox->setCurrentIndex(m_windowBox->findData(int(kDefaultChartWindowSeconds)));
    connect(m_windowBox, &QComboBox::currentIndexChanged, this, [this] {
        m_throughput->setXWindow(chartWindow());
        m_response->setXWindow(chartWindow());
    });
    auto* windowLabel = new QLabel(tr("&Window:"), this);
    windowLabel->setBuddy(m_windowBox);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("monitorSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("processTable"));
    m_table->setModel(m_processModel);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Columns as wide as their contents: a stretched last column spreads a one-digit count over
    // half the window.
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setSortingEnabled(false); // rows stay where they are while data changes under the cursor
    // Selecting a process shows its group in the charts.
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid()) {
                    setGroup(m_processModel->groupAt(current.row()));
                }
            });

    m_throughput = new charts::LineChart(this);
    m_throughput->setObjectName(QStringLiteral("throughputChart"));
    m_throughput->setTitle(tr("Throughput"));
    m_throughput->setAxisTitles(tr("time (s)"), tr("requests/s"));
    m_throughput->setXWindow(kDefaultChartWindowSeconds);
    m_throughput->setEmptyText(tr("Waiting for telemetry"));
    m_throughput->setLegendVisible(true);
    m_throughput->setModel(m_seriesModel, TimeSeriesModel::TimeColumn, {TimeSeriesModel::ThroughputColumn});

    m_response = new charts::LineChart(this);
    m_response->setObjectName(QStringLiteral("responseChart"));
    m_response->setTitle(tr("Response time per interval"));
    m_response->setAxisTitles(tr("time (s)"), tr("response time (ms)"));
    m_response->setXWindow(kDefaultChartWindowSeconds);
    m_response->setEmptyText(tr("No request timed yet"));
    m_response->setModel(m_seriesModel, TimeSeriesModel::TimeColumn,
                         {TimeSeriesModel::ResponseP50Column, TimeSeriesModel::ResponseP95Column});

    m_gil = new charts::HistogramChart(this);
    m_gil->setObjectName(QStringLiteral("gilChart"));
    m_gil->setTitle(tr("GIL wait, last %1 s").arg(kHistogramWindowSeconds));
    m_gil->setAxisTitles(tr("GIL wait"), tr("waits"));
    m_gil->setEmptyText(tr("No GIL wait recorded"));
    m_gil->setModel(m_gilModel, models::HistogramModel::LowerColumn, models::HistogramModel::UpperColumn,
                    models::HistogramModel::CountColumn);
    m_gilHeader = new QLabel(this);
    m_gilHeader->setObjectName(QStringLiteral("gilSummary"));
    m_gilHeader->setWordWrap(true);
    m_gilHeader->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* gilBox = new QWidget(this);
    auto* gilLayout = new QVBoxLayout(gilBox);
    gilLayout->setContentsMargins(0, 0, 0, 0);
    gilLayout->addWidget(m_gil, 1);
    gilLayout->addWidget(m_gilHeader);

    auto* chartsBox = new QWidget(this);
    auto* chartGrid = new QGridLayout(chartsBox);
    chartGrid->setContentsMargins(0, 0, 0, 0);
    chartGrid->addWidget(m_throughput, 0, 0);
    chartGrid->addWidget(m_response, 0, 1);
    chartGrid->addWidget(gilBox, 0, 2);
    for (int c = 0; c < 3; ++c) {
        chartGrid->setColumnStretch(c, 1);
    }

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("monitorSplitter"));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(chartsBox);
    // A taller window grows the charts; the table keeps the height it was given.
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    // Exactly as tall as its rows (two at least, so one process does not look like a stray line):
    // below the last process a table is only empty space the charts could use.
    const auto fitTable = [this] {
        const int rows = std::max(2, m_processModel->rowCount());
        const int rowHeight = m_processModel->rowCount() > 0
                                  ? m_table->rowHeight(0)
                                  : m_table->verticalHeader()->defaultSectionSize();
        const int chrome = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth() + 2;
        const int wasMax = m_table->maximumHeight();
        const int fit = chrome + rows * rowHeight;
        m_table->setMinimumHeight(chrome + std::min(rows, 2) * rowHeight);
        m_table->setMaximumHeight(fit);
        // A splitter neither shrinks a pane to a new maximum nor grows it for new rows by itself: a
        // table shown whole stays whole, and what it gives up goes to the charts.
        const QList<int> sizes = m_splitter->sizes();
        if (sizes.size() == 2 && sizes[0] + sizes[1] > fit && (sizes[0] > fit || sizes[0] >= wasMax))
            m_splitter->setSizes({fit, sizes[0] + sizes[1] - fit});
    };
    connect(m_processModel, &QAbstractItemModel::rowsInserted, this, fitTable);
    connect(m_processModel, &QAbstractItemModel::rowsRemoved, this, fitTable);
    connect(m_processModel, &QAbstractItemModel::modelReset, this, fitTable);
    fitTable();
    // The table as tall as its rows allow; the charts take the rest until the user moves the handle.
    m_splitter->setSizes({m_table->maximumHeight(), 10000});

    auto* top = new QHBoxLayout;
    top->addWidget(groupLabel);
    top->addWidget(m_groupBox);
    top->addSpacing(12);
    top->addWidget(windowLabel);
    top->addWidget(m_windowBox);
    top->addSpacing(16);
    top->addWidget(m_summary, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addLayout(top);
    layout->addWidget(m_splitter, 1);

    connect(session, &EngineSession::statusAvailable, this, &MonitorPage::onStatus);
    connect(session, &EngineSession::telemetryAvailable, this, &MonitorPage::onTelemetry);
    connect(history, &TelemetryHistory::appended, this, &MonitorPage::updateHistogram);
    m_summary->setText(tr("No telemetry yet: start or attach an engine (Engine menu)."));
    updateHistogram();
}

MonitorPage::~MonitorPage() = default;

QString MonitorPage::group() const
{
    return m_groupBox->currentData().toString();
}

void MonitorPage::setGroup(const QString& group)
{
    const int index = m_groupBox->findData(group);
    if (index >= 0) {
        m_groupBox->setCurrentIndex(index);
    }
}

void MonitorPage::setChartWindow(double seconds)
{
    int best = 0;
    for (int i = 0; i < m_windowBox->count(); ++i) {
        if (std::abs(m_windowBox->itemData(i).toDouble() - seconds) <
            std::abs(m_windowBox->itemData(best).toDouble() - seconds)) {
            best = i;
        }
    }
    m_windowBox->setCurrentIndex(best);
}

double MonitorPage::chartWindow() const
{
    return m_windowBox->currentData().toDouble();
}

QByteArray MonitorPage::saveLayout() const
{
    return m_splitter->saveState();
}

bool MonitorPage::restoreLayout(const QByteArray& state)
{
    return m_splitter->restoreState(state);
}

void MonitorPage::onStatus(const EngineStatus& status)
{
    m_processModel->setStatus(status);
    updateGroups();
}

void MonitorPage::onTelemetry(const TelemetrySample& sample)
{
    m_processModel->setSample(sample);
    const ProcessTotals totals = m_processModel->totals();
    QString summary =
        tr("%1 processes · %2 of %3 threads busy · %4 requests/s (%5 rpm) · CPU %6 cores · RSS %7")
            .arg(totals.processes)
            .arg(totals.activeThreads)
            .arg(totals.threads)
            .arg(totals.requestsPerMinute / 60, 0, 'f', 1)
            .arg(formatRpm(totals.requestsPerMinute))
            .arg(totals.cpuCores, 0, 'f', 2)
            .arg(formatBytes(double(totals.memoryRss)));
    if (totals.queued > 0) {
        summary += tr(" · %1 queued").arg(totals.queued);
    }
    m_summary->setText(summary);
    updateGroups();
}

void MonitorPage::updateGroups()
{
    QStringList groups = m_history->groups();
    for (const GroupStatus& g : m_session->lastStatus().groups) {
        const QString name = QString::fromStdString(g.name);
        if (!groups.contains(name)) {
            groups << name;
        }
    }
    for (const QString& name : std::as_const(groups)) {
        if (m_groupBox->findData(name) < 0) {
            m_groupBox->addItem(name, name);
        }
    }
}

void MonitorPage::onGroupChosen()
{
    m_seriesModel->setGroup(group());
    updateHistogram();
}

void MonitorPage::updateHistogram()
{
    const QString selected = group();
    const double now = m_history->lastTime();
    const wsgi::Histogram merged =
        m_history->intervalCount() == 0
            ? wsgi::Histogram()
            : m_history->mergedHistogram(TimingPhase::GilWait, selected,
                                         TimeWindow::lastSeconds(kHistogramWindowSeconds, now));
    m_gilModel->setHistogram(merged);

    // Where the GIL does not exist (free-threaded groups) there is nothing to wait for: say so.
    bool noGil = false;
    std::optional<double> switchInterval;
    for (const GroupStatus& g : m_session->lastStatus().groups) {
        if (!selected.isEmpty() && QString::fromStdString(g.name) != selected) {
            continue;
        }
        for (const ProcessStatus& p : g.processes) {
            noGil = noGil || p.gilMode == GilMode::FreeThreaded;
            if (p.switchInterval) {
                switchInterval = p.switchInterval;
            }
        }
    }
    m_gil->setEmptyText(noGil ? tr("No GIL in this group (free-threaded)") : tr("No GIL wait recorded"));
    if (merged.count() == 0) {
        m_gil->setMarkers({});
        m_gilHeader->setText(noGil ? tr("free-threaded: requests never wait for a GIL")
                                   : tr("no waits in the last %1 s").arg(kHistogramWindowSeconds));
        return;
    }
    const double p50 = merged.percentile(50);
    const double p95 = merged.percentile(95);
    const double p99 = merged.percentile(99);
    m_gil->setMarkers(
        {{QStringLiteral("p50"), p50}, {QStringLiteral("p95"), p95}, {QStringLiteral("p99"), p99}});
    // Two lines that never wrap mid-value: the distribution, then its extremes and the interval.
    QString header =
        tr("n %1 · p50 %2 · p95 %3 · p99 %4")
            .arg(merged.count())
            .arg(charts::formatMicros(p50), charts::formatMicros(p95), charts::formatMicros(p99));
    header += QLatin1Char('\n') + tr("max %1").arg(charts::formatMicros(double(merged.max())));
    if (switchInterval) {
        header += tr(" · switch interval %1").arg(charts::formatMicros(*switchInterval * 1e6));
    }
    m_gilHeader->setText(header);
}

} // namespace wsgi::studio::pages
