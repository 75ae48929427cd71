#pragma once
// Monitor: the live engine, or a recording of one. One MonitorView (group, window, end, live, cursor)
// is handed to every view of the page whenever it changes: the timeline charts, the process table,
// and the GIL, heatmap, diagnosis and stacks panels. One pause (Space or the toolbar button) freezes
// `end` for all of them at the same instant while telemetry keeps arriving; a banner says how far
// behind live the page is; the scrub slider moves `end` through the history; Live resumes. A
// recording (record/open) is the same page over a history filled from the file.
//
// monitorpage.cpp builds the page and keeps the view; monitorrecording.cpp records and reopens;
// monitormarkdown.cpp copies the current figures as Markdown.

#include "session/enginesession.h"
#include "session/telemetryhistory.h"
#include "session/variantproposal.h"
#include "studio/monitor/monitorview.h"

#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QComboBox;
class QLabel;
class QSlider;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QToolButton;
QT_END_NAMESPACE

namespace wsgi::studio {
class TelemetryRecorder;
struct Recording;
} // namespace wsgi::studio

namespace wsgi::studio::charts {
class LineChart;
}

namespace wsgi::studio::models {
class ProcessTableModel;
class TimeSeriesModel;
} // namespace wsgi::studio::models

namespace wsgi::studio::monitor {
class DiagnosisPanel;
class GilPanel;
class HeatmapPanel;
class MonitorCharts;
class StacksPanel;
} // namespace wsgi::studio::monitor

namespace wsgi::studio::pages {

class MonitorPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr double kDefaultChartWindowSeconds = 60;

    MonitorPage(EngineSession* session, TelemetryHistory* history, QWidget* parent = nullptr);
    ~MonitorPage() override;

    QString group() const; // empty: all groups
    void setGroup(const QString& group);

    // The views' constant time span: 10 s .. 10 min (the history holds 10 minutes).
    void setChartWindow(double seconds);
    double chartWindow() const;

    // Shows the telemetry interval in force (the Update box); choosing another emits updateIntervalChosen.
    void setUpdateInterval(int milliseconds);

    const monitor::MonitorView& view() const { return m_view; }
    bool isPaused() const { return !m_view.live && !m_reviewing; }
    bool isReviewingRecording() const { return m_reviewing; }
    void setPaused(bool paused);
    void goLive();                    // resume, or leave a recording for the live engine
    void scrubTo(double unixSeconds); // pauses at that instant (clamped to the history)
    QString bannerText() const;

    // A sample from the session: into the history unless a recording is being reviewed.
    void acceptLiveSample(const TelemetrySample& sample);

    // Recording (monitorrecording.cpp).
    bool startRecording(const QString& path, QString* error = nullptr);
    void stopRecording();
    bool isRecording() const;
    // Reads the file off the GUI thread (progress for big files), then shows it; errors name the line.
    void openRecording(const QString& path);
    QString lastRecordingError() const { return m_recordingError; }

    // "Copy as Markdown" (monitormarkdown.cpp): the current figures, per process and per group.
    QString markdown() const;

    QByteArray saveLayout() const;
    bool restoreLayout(const QByteArray& state);

    models::ProcessTableModel* processModel() const { return m_processModel; }
    models::TimeSeriesModel* seriesModel() const;
    monitor::MonitorCharts* timeline() const { return m_charts; }
    charts::LineChart* throughputChart() const;
    charts::LineChart* responseChart() const;
    // The tabs after Timeline are built when first shown (or asked for here).
    monitor::GilPanel* gilPanel();
    monitor::HeatmapPanel* heatmapPanel();
    monitor::DiagnosisPanel* diagnosisPanel();
    monitor::StacksPanel* stacksPanel();
    QTableView* processTable() const { return m_table; }

Q_SIGNALS:
    void variantProposed(const wsgi::studio::VariantProposal& proposal);
    void updateIntervalChosen(int milliseconds);
    void recordingOpened(const QString& path, int samples);
    void recordingFailed(const QString& error);

private:
    QWidget* buildToolbar();
    void onStatus(const EngineStatus& status);
    void onAppended(double time);
    void updateGroups();
    void setView(const monitor::MonitorView& view);
    void updateTable();
    void pushViewToShownTab();
    QWidget* tabHolder(int index) const; // the tab's page, the panel inside it once built
    void updateBanner();
    void updateSummary();
    void showEvent(const EngineEvent& event);
    void showRecording(Recording recording, const QString& path);
    void chooseRecordingToOpen();
    void chooseRecordingToSave();
    void copyMarkdown();

    EngineSession* m_session = nullptr;
    TelemetryHistory* m_history = nullptr;
    monitor::MonitorView m_view;
    bool m_reviewing = false;
    bool m_tableHasPastStatus = false; // the table holds a paused/recorded status, not the newest
    QString m_recordingPath;
    QString m_recordingError;
    EngineStatus m_recordingStatus;
    TelemetryRecorder* m_recorder = nullptr;

    models::ProcessTableModel* m_processModel = nullptr;
    QSortFilterProxyModel* m_sortedProcesses = nullptr;
    monitor::MonitorCharts* m_charts = nullptr;
    monitor::GilPanel* m_gil = nullptr;
    monitor::HeatmapPanel* m_heatmap = nullptr;
    monitor::DiagnosisPanel* m_diagnosis = nullptr;
    monitor::StacksPanel* m_stacks = nullptr;
    double m_engineCores = 0; // the engine host's cores, for a diagnosis built later

    QComboBox* m_groupBox = nullptr;
    QComboBox* m_windowBox = nullptr;
    QComboBox* m_updateBox = nullptr;
    QToolButton* m_pauseButton = nullptr;
    QToolButton* m_liveButton = nullptr;
    QToolButton* m_recordButton = nullptr;
    QAction* m_pauseAction = nullptr;
    QLabel* m_banner = nullptr;
    QSlider* m_scrub = nullptr;
    QLabel* m_summary = nullptr;
    QSplitter* m_splitter = nullptr;
    QTabWidget* m_tabs = nullptr;
    QTableView* m_table = nullptr;
};

} // namespace wsgi::studio::pages
