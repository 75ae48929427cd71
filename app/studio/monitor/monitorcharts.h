#pragma once
// The Monitor page's timeline: throughput, response / application / queue time (mean and p95 from
// merged histograms), capacity, CPU per process and total (cores), RSS per process and total, each a
// LineChart over a model of the one TelemetryHistory, all on one time axis. They share the view's
// window and end (so a pause freezes them together), one crosshair (hovering one chart shows the
// values at that instant in every chart) and the lifecycle markers; clicking a marker emits
// eventChosen with the event.

#include "session/telemetryhistory.h"
#include "studio/monitor/monitorview.h"

#include <QWidget>

namespace wsgi::studio::charts {
class LineChart;
}
namespace wsgi::studio::models {
class EventMarkerModel;
class ProcessSeriesModel;
class TimeSeriesModel;
} // namespace wsgi::studio::models

namespace wsgi::studio::monitor {

class MonitorCharts : public QWidget
{
    Q_OBJECT
public:
    explicit MonitorCharts(TelemetryHistory* history, QWidget* parent = nullptr);
    ~MonitorCharts() override;

    void showView(const MonitorView& view);
    // Unix seconds of the models' time 0: a chart's x plus this is the instant.
    double origin() const;

    QList<charts::LineChart*> charts() const { return m_charts; }
    charts::LineChart* chart(const QString& objectName) const;
    models::TimeSeriesModel* seriesModel() const { return m_series; }
    models::EventMarkerModel* markerModel() const { return m_markers; }
    models::ProcessSeriesModel* cpuModel() const { return m_cpu; }
    models::ProcessSeriesModel* rssModel() const { return m_rss; }

Q_SIGNALS:
    void eventChosen(const wsgi::studio::EngineEvent& event);
    void cursorMoved(std::optional<double> unixSeconds);

private:
    charts::LineChart* addChart(const char* name, const QString& title, const QString& yTitle);
    void syncOrigins();
    void setCursor(std::optional<double> x);

    models::TimeSeriesModel* m_series = nullptr;
    models::ProcessSeriesModel* m_cpu = nullptr;
    models::ProcessSeriesModel* m_rss = nullptr;
    models::EventMarkerModel* m_markers = nullptr;
    QList<charts::LineChart*> m_charts;
    MonitorView m_view;
};

} // namespace wsgi::studio::monitor
