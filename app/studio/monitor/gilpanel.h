#pragma once
// The GIL-wait histogram of the Monitor page: the window's merged waits on a log axis from 1 µs,
// p50/p95/p99 and the count in its header, the switch interval in force and its multiples as bands,
// the contention shape the engine's own fit gives (transient, compounding, convoy), a switch between
// the hand-off measure (what mod_wsgi measures) and the full one (also the switches forced inside
// application code), a frozen baseline overlaid on the live window, and a fold into mod_wsgi's
// 65 buckets. A group without a GIL says so and shows its CPU cores instead of an empty chart.

#include "studio/monitor/monitorview.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;
QT_END_NAMESPACE

namespace wsgi::studio {
class EngineSession;
}
namespace wsgi::studio::charts {
class HistogramChart;
class LineChart;
} // namespace wsgi::studio::charts
namespace wsgi::studio::models {
class GilHistogramModel;
class TimeSeriesModel;
} // namespace wsgi::studio::models

namespace wsgi::studio::monitor {

class GilPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Measure
    {
        HandOff, // gil_wait_time: interpreter acquire, body read, response write, logging
        Full,    // gil_wait_time_full: every wait, including switches forced inside application code
    };

    explicit GilPanel(TelemetryHistory* history, EngineSession* session = nullptr, QWidget* parent = nullptr);
    ~GilPanel() override;

    void showView(const MonitorView& view);

    void setMeasure(Measure measure);
    Measure measure() const;
    void setModWsgiLayout(bool folded);
    void freezeBaseline(); // the live window as shown now becomes the baseline
    void clearBaseline();

    bool showsNoGil() const; // the free-threaded page is up
    QString headerText() const;
    QString noGilText() const;
    models::GilHistogramModel* model() const { return m_model; }
    charts::HistogramChart* chart() const { return m_chart; }

private:
    void refresh();

    TelemetryHistory* m_history = nullptr;
    EngineSession* m_session = nullptr;
    MonitorView m_view;
    bool m_shown = false;
    models::GilHistogramModel* m_model = nullptr;
    models::TimeSeriesModel* m_cpuModel = nullptr;
    QComboBox* m_measureBox = nullptr;
    QComboBox* m_layoutBox = nullptr;
    QPushButton* m_freeze = nullptr;
    QPushButton* m_clear = nullptr;
    QLabel* m_header = nullptr;
    QStackedWidget* m_stack = nullptr;
    charts::HistogramChart* m_chart = nullptr;
    QLabel* m_noGil = nullptr;
    charts::LineChart* m_cpuChart = nullptr;
};

} // namespace wsgi::studio::monitor
