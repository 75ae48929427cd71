#pragma once
// Monitor: the live engine. A per-process table (from status and the latest telemetry), throughput
// and response-time charts over a constant two-minute window, and the GIL-wait histogram of the
// selected group over the last minute with its p50/p95/p99. Everything is read from the telemetry
// history through models; the page only picks the group.

#include "session/enginesession.h"
#include "session/telemetryhistory.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QSplitter;
class QTableView;
QT_END_NAMESPACE

namespace wsgi::studio::charts {
class HistogramChart;
class LineChart;
} // namespace wsgi::studio::charts

namespace wsgi::studio::models {
class HistogramModel;
class ProcessTableModel;
class TimeSeriesModel;
} // namespace wsgi::studio::models

namespace wsgi::studio::pages {

class MonitorPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr double kDefaultChartWindowSeconds = 60;
    static constexpr double kHistogramWindowSeconds = 60;

    MonitorPage(EngineSession* session, TelemetryHistory* history, QWidget* parent = nullptr);
    ~MonitorPage() override;

    QString group() const; // empty: all groups
    void setGroup(const QString& group);

    // The charts' constant time span: 30 s .. 10 min (the history holds 10 minutes).
    void setChartWindow(double seconds);
    double chartWindow() const;

    QByteArray saveLayout() const;
    bool restoreLayout(const QByteArray& state);

    models::ProcessTableModel* processModel() const { return m_processModel; }
    models::TimeSeriesModel* seriesModel() const { return m_seriesModel; }
    models::HistogramModel* gilModel() const { return m_gilModel; }
    charts::LineChart* throughputChart() const { return m_throughput; }
    charts::LineChart* responseChart() const { return m_response; }
    charts::HistogramChart* gilChart() const { return m_gil; }

private:
    void onStatus(const EngineStatus& status);
    void onTelemetry(const TelemetrySample& sample);
    void updateGroups();
    void updateHistogram();
    void onGroupChosen();

    EngineSession* m_session = nullptr;
    TelemetryHistory* m_history = nullptr;
    models::ProcessTableModel* m_processModel = nullptr;
    models::TimeSeriesModel* m_seriesModel = nullptr;
    models::HistogramModel* m_gilModel = nullptr;

    QComboBox* m_groupBox = nullptr;
    QComboBox* m_windowBox = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_gilHeader = nullptr;
    QSplitter* m_splitter = nullptr;
    QTableView* m_table = nullptr;
    charts::LineChart* m_throughput = nullptr;
    charts::LineChart* m_response = nullptr;
    charts::HistogramChart* m_gil = nullptr;
};

} // namespace wsgi::studio::pages
