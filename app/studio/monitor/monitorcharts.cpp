#include "studio/monitor/monitorcharts.h"

#include "studio/charts/linechart.h"
#include "studio/models/eventmarkermodel.h"
#include "studio/models/processseriesmodel.h"
#include "studio/models/timeseriesmodel.h"

#include <QGridLayout>

namespace wsgi::studio::monitor {

using models::ProcessSeriesModel;
using models::TimeSeriesModel;

MonitorCharts::MonitorCharts(TelemetryHistory* history, QWidget* parent) : QWidget(parent)
{
    m_series = new TimeSeriesModel(history, this);
    m_cpu = new ProcessSeriesModel(history, ProcessSeriesModel::Metric::CpuCores, this);
    m_rss = new ProcessSeriesModel(history, ProcessSeriesModel::Metric::RssMegabytes, this);
    m_markers = new models::EventMarkerModel(history, this);
    connect(m_series, &QAbstractItemModel::rowsInserted, this, &MonitorCharts::syncOrigins);
    connect(m_series, &QAbstractItemModel::modelReset, this, &MonitorCharts::syncOrigins);

    // In requests per minute, as mod_wsgi and its telemetry UI count throughput.
    auto* throughput = addChart("throughputChart", tr("Throughput"), tr("rpm"));
    throughput->setModel(m_series, TimeSeriesModel::TimeColumn, {TimeSeriesModel::RpmColumn});
    throughput->setLegendVisible(true);
    throughput->setSeriesNames({tr("all processes")});
    throughput->setEmptyText(tr("Waiting for telemetry"));
    auto* response = addChart("responseChart", tr("Response time"), tr("ms"));
    response->setModel(m_series, TimeSeriesModel::TimeColumn,
                       {TimeSeriesModel::ResponseMeanColumn, TimeSeriesModel::ResponseP95Column});
    response->setEmptyText(tr("No request timed yet"));
    response->setSeriesNames({tr("mean"), tr("p95")});
    auto* application = addChart("applicationChart", tr("Application time"), tr("ms"));
    application->setModel(m_series, TimeSeriesModel::TimeColumn,
                          {TimeSeriesModel::ApplicationMeanColumn, TimeSeriesModel::ApplicationP95Column});
    application->setEmptyText(tr("No request timed yet"));
    application->setSeriesNames({tr("mean"), tr("p95")});
    auto* queue = addChart("queueChart", tr("Queue time"), tr("ms"));
    queue->setModel(m_series, TimeSeriesModel::TimeColumn,
                    {TimeSeriesModel::QueueMeanColumn, TimeSeriesModel::QueueP95Column});
    queue->setEmptyText(tr("No request timed yet"));
    queue->setSeriesNames({tr("mean"), tr("p95")});
    auto* capacity = addChart("capacityChart", tr("Capacity used"), tr("% of threads busy"));
    capacity->setModel(m_series, TimeSeriesModel::TimeColumn, {TimeSeriesModel::CapacityColumn});
    capacity->setYRange(0, 100);
    capacity->setLegendVisible(true);
    capacity->setSeriesNames({tr("busy thread time")});
    auto* cpu = addChart("cpuChart", tr("CPU, total and per process"), tr("cores"));
    cpu->setModel(m_cpu, ProcessSeriesModel::TimeColumn, {ProcessSeriesModel::TotalColumn});
    cpu->setEmptyText(tr("No CPU figures (no /proc)"));
    auto* rss = addChart("rssChart", tr("RSS, total and per process"), tr("MB"));
    rss->setModel(m_rss, ProcessSeriesModel::TimeColumn, {ProcessSeriesModel::TotalColumn});
    // One line per process beside the total: columns appear as processes do.
    const auto perProcess = [](charts::LineChart* chart, ProcessSeriesModel* model) {
        QList<int> columns{ProcessSeriesModel::TotalColumn};
        for (int c = 0; c < model->processColumns(); ++c)
            columns << ProcessSeriesModel::FirstProcessColumn + c;
        chart->setModel(model, ProcessSeriesModel::TimeColumn, columns);
        chart->setThinSeriesFrom(1); // the total stands out; the processes are thin lines under it
        QStringList names{tr("total")};
        for (int c = 0; c < model->processColumns(); ++c)
            names << model->headerData(ProcessSeriesModel::FirstProcessColumn + c, Qt::Horizontal).toString();
        chart->setSeriesNames(names);
        // Past a few processes the legend's names are elided to bare swatches: the title says it.
        chart->setLegendVisible(model->processColumns() <= 3);
    };
    connect(m_cpu, &QAbstractItemModel::columnsInserted, cpu, [=, this] { perProcess(cpu, m_cpu); });
    connect(m_cpu, &QAbstractItemModel::modelReset, cpu, [=, this] { perProcess(cpu, m_cpu); });
    connect(m_rss, &QAbstractItemModel::columnsInserted, rss, [=, this] { perProcess(rss, m_rss); });
    connect(m_rss, &QAbstractItemModel::modelReset, rss, [=, this] { perProcess(rss, m_rss); });
    perProcess(cpu, m_cpu);
    perProcess(rss, m_rss);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    const int columns = 4;
    for (qsizetype i = 0; i < m_charts.size(); ++i)
        grid->addWidget(m_charts[i], int(i / columns), int(i % columns));
    for (int c = 0; c < columns; ++c)
        grid->setColumnStretch(c, 1);
    syncOrigins();
}

MonitorCharts::~MonitorCharts() = default;

charts::LineChart* MonitorCharts::addChart(const char* name, const QString& title, const QString& yTitle)
{
    auto* chart = new charts::LineChart(this);
    chart->setObjectName(QLatin1StringView(name));
    // The unit in the header itself: a y-axis title is the first thing a small chart cuts.
    chart->setTitle(title + QStringLiteral(" (") + yTitle + QLatin1Char(')'));
    chart->setAxisTitles(tr("time (s)"), yTitle);
    chart->setXWindow(m_view.windowSeconds);
    chart->setMarkerModel(m_markers, models::EventMarkerModel::TimeColumn,
                          models::EventMarkerModel::LabelColumn);
    connect(chart, &charts::LineChart::hovered, this, &MonitorCharts::setCursor);
    connect(chart, &charts::LineChart::markerClicked, this, [this](int row) {
        if (row >= 0 && row < m_markers->rowCount())
            Q_EMIT eventChosen(m_markers->eventAt(row));
    });
    m_charts << chart;
    return chart;
}

charts::LineChart* MonitorCharts::chart(const QString& objectName) const
{
    for (charts::LineChart* c : m_charts)
        if (c->objectName() == objectName)
            return c;
    return nullptr;
}

double MonitorCharts::origin() const
{
    return m_series->origin();
}

void MonitorCharts::syncOrigins()
{
    if (m_series->rowCount() == 0)
        return;
    m_cpu->setOrigin(m_series->origin());
    m_rss->setOrigin(m_series->origin());
    m_markers->setOrigin(m_series->origin());
}

void MonitorCharts::setCursor(std::optional<double> x)
{
    for (charts::LineChart* chart : std::as_const(m_charts))
        chart->setCrosshair(x);
    Q_EMIT cursorMoved(x ? std::optional<double>(*x + origin()) : std::nullopt);
}

void MonitorCharts::showView(const MonitorView& view)
{
    if (view.group != m_view.group) {
        m_series->setGroup(view.group);
        m_cpu->setGroup(view.group);
        m_rss->setGroup(view.group);
        m_markers->setGroup(view.group);
    }
    m_view = view;
    const std::optional<double> end = view.live ? std::nullopt : std::optional<double>(view.end - origin());
    for (charts::LineChart* chart : std::as_const(m_charts)) {
        chart->setXWindow(view.windowSeconds);
        chart->setXEnd(end);
        // The models took this instant's sample before the view moved to it.
        chart->refreshIfPending();
    }
}

} // namespace wsgi::studio::monitor
