#pragma once
// One timing phase over time as a heatmap (time x log latency, colour = count) for the page's group
// and window; clicking a column shows that interval's histogram beside it with its percentiles.

#include "studio/monitor/monitorview.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
QT_END_NAMESPACE

namespace wsgi::studio::charts {
class HeatmapChart;
class HistogramChart;
} // namespace wsgi::studio::charts
namespace wsgi::studio::models {
class HeatmapModel;
class HistogramModel;
} // namespace wsgi::studio::models

namespace wsgi::studio::monitor {

class HeatmapPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapPanel(TelemetryHistory* history, QWidget* parent = nullptr);
    ~HeatmapPanel() override;

    void showView(const MonitorView& view);
    void setPhase(TimingPhase phase);
    TimingPhase phase() const;
    // As a click on column `column` does: that interval's histogram below the map.
    void selectColumn(int column);
    void selectNewestColumn();                             // the last interval of the map, if it has one
    double selectedTime() const { return m_selectedTime; } // 0: none

    models::HeatmapModel* model() const { return m_model; }
    models::HistogramModel* intervalModel() const { return m_intervalModel; }
    charts::HeatmapChart* chart() const { return m_chart; }
    QString intervalText() const;

private:
    void showInterval();

    TelemetryHistory* m_history = nullptr;
    MonitorView m_view;
    models::HeatmapModel* m_model = nullptr;
    models::HistogramModel* m_intervalModel = nullptr;
    QComboBox* m_phaseBox = nullptr;
    charts::HeatmapChart* m_chart = nullptr;
    charts::HistogramChart* m_interval = nullptr;
    QLabel* m_intervalLabel = nullptr;
    double m_selectedTime = 0;
};

} // namespace wsgi::studio::monitor
