#include "studio/monitor/monitorpage.h"

#include "session/format.h"
#include "session/telemetryrecording.h"
#include "studio/charts/linechart.h"
#include "studio/models/processtablemodel.h"
#include "studio/models/timeseriesmodel.h"
#include "studio/monitor/diagnosispanel.h"
#include "studio/monitor/gilpanel.h"
#include "studio/monitor/heatmappanel.h"
#include "studio/monitor/monitorcharts.h"
#include "studio/monitor/stackspanel.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace wsgi::studio::pages {

using monitor::MonitorView;

namespace {

// The scrub slider counts quarter seconds from the oldest interval held.
constexpr double kScrubStepsPerSecond = 4;

} // namespace

MonitorPage::MonitorPage(EngineSession* session, TelemetryHistory* history, QWidget* parent)
    : QWidget(parent), m_session(session), m_history(history)
{
    setObjectName(QStringLiteral("monitorPage"));
    m_view.windowSeconds = kDefaultChartWindowSeconds;
    m_recorder = new TelemetryRecorder(this);
    connect(m_recorder, &TelemetryRecorder::failed, this, [this](const QString& error) {
        m_recordingError = error;
        updateBanner();
        Q_EMIT recordingFailed(error);
    });

    m_processModel = new models::ProcessTableModel(this);
    m_sortedProcesses = new QSortFilterProxyModel(this);
    m_sortedProcesses->setSourceModel(m_processModel);
    m_sortedProcesses->setSortRole(models::ProcessTableModel::SortRole);
    // Sorted once per header click, not again on every update: rows stay where the user saw them.
    m_sortedProcesses->setDynamicSortFilter(false);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("processTable"));
    m_table->setModel(m_sortedProcesses);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    // Fitted to contents when rows come and every few seconds, not on every update: ResizeToContents
    // lays out the text of every cell at each of the 4 updates a second.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    auto* fitColumns = new QTimer(this);
    fitColumns->setInterval(3000);
    connect(fitColumns, &QTimer::timeout, m_table, [this] {
        if (m_table->isVisible())
            m_table->resizeColumnsToContents();
    });
    fitColumns->start();
    auto* fitColumnsSoon = new QTimer(this);
    fitColumnsSoon->setSingleShot(true);
    fitColumnsSoon->setInterval(0);
    connect(fitColumnsSoon, &QTimer::timeout, m_table, &QTableView::resizeColumnsToContents);
    connect(m_processModel, &QAbstractItemModel::rowsInserted, fitColumnsSoon, qOverload<>(&QTimer::start));
    connect(m_processModel, &QAbstractItemModel::modelReset, fitColumnsSoon, qOverload<>(&QTimer::start));
    // Columns as wide as their contents: a stretched last column spreads a one-digit count over
    // half the window.
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // the engine's order until a header is clicked
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    setGroup(m_processModel->groupAt(m_sortedProcesses->mapToSource(current).row()));
            });

    m_charts = new monitor::MonitorCharts(history, this);
    connect(m_charts, &monitor::MonitorCharts::eventChosen, this, &MonitorPage::showEvent);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("monitorTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_charts, tr("&Timeline"));
    // The other tabs' panels are built when first shown: the window opens on the timeline sooner.
    for (const QString& title : {tr("&GIL wait"), tr("H&eatmap"), tr("&Diagnosis"), tr("&Stacks")}) {
        auto* holder = new QWidget(m_tabs);
        auto* holderLayout = new QVBoxLayout(holder);
        holderLayout->setContentsMargins(0, 0, 0, 0);
        m_tabs->addTab(holder, title);
    }
    connect(m_tabs, &QTabWidget::currentChanged, this, &MonitorPage::pushViewToShownTab);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("monitorSplitter"));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_tabs);
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
        int chrome = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth() + 2;
        // A table wider than the page scrolls sideways: its scroll bar must not hide a row.
        if (m_table->horizontalHeader()->length() > m_table->viewport()->width())
            chrome += m_table->horizontalScrollBar()->sizeHint().height();
        const int wasMax = m_table->maximumHeight();
        const int fit = chrome + rows * rowHeight;
        m_table->setMinimumHeight(chrome + std::min(rows, 2) * rowHeight);
        m_table->setMaximumHeight(fit);
        const QList<int> sizes = m_splitter->sizes();
        if (sizes.size() == 2 && sizes[0] + sizes[1] > fit && (sizes[0] > fit || sizes[0] >= wasMax))
            m_splitter->setSizes({fit, sizes[0] + sizes[1] - fit});
    };
    // Once per turn of the event loop: fitting columns to their contents resizes every section,
    // and fitting the table on each of those measured the whole header again (16 rows x 25
    // columns cost tens of milliseconds when the engine's processes first appeared).
    auto* fitTableSoon = new QTimer(this);
    fitTableSoon->setSingleShot(true);
    fitTableSoon->setInterval(0);
    connect(fitTableSoon, &QTimer::timeout, this, fitTable);
    const auto scheduleFit = [fitTableSoon] { fitTableSoon->start(); };
    connect(m_processModel, &QAbstractItemModel::rowsInserted, this, scheduleFit);
    connect(m_processModel, &QAbstractItemModel::rowsRemoved, this, scheduleFit);
    connect(m_processModel, &QAbstractItemModel::modelReset, this, scheduleFit);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, scheduleFit);
    fitTable();
    m_splitter->setSizes({m_table->maximumHeight(), 10000});

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("monitorBanner"));
    m_banner->setAutoFillBackground(true);
    m_banner->setBackgroundRole(QPalette::Highlight);
    m_banner->setForegroundRole(QPalette::HighlightedText);
    m_banner->setContentsMargins(8, 3, 8, 3);
    m_banner->hide();
    m_scrub = new QSlider(Qt::Horizontal, this);
    m_scrub->setObjectName(QStringLiteral("monitorScrub"));
    m_scrub->setToolTip(tr("Scroll back through the history: every view shows the instant chosen"));
    m_scrub->setRange(0, 0);
    connect(m_scrub, &QSlider::valueChanged, this,
            [this](int value) { scrubTo(m_history->firstTime() + value / kScrubStepsPerSecond); });

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("monitorSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setText(tr("No telemetry yet: start or attach an engine (Engine menu)."));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(4);
    layout->addWidget(buildToolbar());
    layout->addWidget(m_banner);
    layout->addWidget(m_scrub);
    layout->addWidget(m_summary);
    layout->addWidget(m_splitter, 1);

    connect(session, &EngineSession::statusAvailable, this, &MonitorPage::onStatus);
    connect(session->client(), &ControlClient::eventAvailable, m_recorder, &TelemetryRecorder::write);
    connect(history, &TelemetryHistory::appended, this, &MonitorPage::onAppended);
    setView(m_view);
}

MonitorPage::~MonitorPage() = default;

QWidget* MonitorPage::buildToolbar()
{
    auto* bar = new QWidget(this);
    m_groupBox = new QComboBox(bar);
    m_groupBox->setObjectName(QStringLiteral("monitorGroup"));
    m_groupBox->setToolTip(tr("The daemon group every view shows"));
    m_groupBox->addItem(tr("All groups"), QString());
    m_groupBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_groupBox, &QComboBox::currentIndexChanged, this, [this] {
        MonitorView v = m_view;
        v.group = group();
        setView(v);
    });
    auto* groupLabel = new QLabel(tr("&Group:"), bar);
    groupLabel->setBuddy(m_groupBox);

    m_windowBox = new QComboBox(bar);
    m_windowBox->setObjectName(QStringLiteral("monitorWindow"));
    m_windowBox->setToolTip(tr("The time every view spans; older data scrolls off to the left"));
    for (const int seconds : {10, 30, 60, 120, 300, 600})
        m_windowBox->addItem(seconds < 60 ? tr("%1 s").arg(seconds) : tr("%1 min").arg(seconds / 60),
                             seconds);
    m_windowBox->setCurrentIndex(m_windowBox->findData(int(kDefaultChartWindowSeconds)));
    connect(m_windowBox, &QComboBox::currentIndexChanged, this, [this] {
        MonitorView v = m_view;
        v.windowSeconds = chartWindow();
        setView(v);
    });
    auto* windowLabel = new QLabel(tr("&Window:"), bar);
    windowLabel->setBuddy(m_windowBox);

    m_updateBox = new QComboBox(bar);
    m_updateBox->setObjectName(QStringLiteral("monitorUpdate"));
    m_updateBox->setToolTip(tr("How often the engine sends telemetry (and the views redraw)"));
    for (const int ms : {250, 500, 1000, 2000})
        m_updateBox->addItem(ms < 1000 ? tr("%1 ms").arg(ms) : tr("%1 s").arg(ms / 1000), ms);
    m_updateBox->setCurrentIndex(m_updateBox->findData(1000));
    connect(m_updateBox, &QComboBox::activated, this, [this] {
        const int ms = m_updateBox->currentData().toInt();
        m_session->setTelemetryInterval(ms);
        Q_EMIT updateIntervalChosen(ms);
    });
    auto* updateLabel = new QLabel(tr("&Update:"), bar);
    updateLabel->setBuddy(m_updateBox);

    m_pauseAction = new QAction(tr("Pause"), this);
    m_pauseAction->setObjectName(QStringLiteral("actionMonitorPause"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(Qt::Key_Space);
    m_pauseAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_pauseAction->setToolTip(tr("Freeze every view at this instant; telemetry keeps arriving (Space)"));
    connect(m_pauseAction, &QAction::triggered, this, [this](bool on) { setPaused(on); });
    addAction(m_pauseAction);
    m_pauseButton = new QToolButton(bar);
    m_pauseButton->setDefaultAction(m_pauseAction);
    m_pauseButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_liveButton = new QToolButton(bar);
    m_liveButton->setObjectName(QStringLiteral("monitorLive"));
    m_liveButton->setText(tr("Live"));
    m_liveButton->setToolTip(tr("Back to the newest data of the engine"));
    connect(m_liveButton, &QToolButton::clicked, this, &MonitorPage::goLive);

    m_recordButton = new QToolButton(bar);
    m_recordButton->setObjectName(QStringLiteral("monitorRecord"));
    m_recordButton->setText(tr("Record..."));
    m_recordButton->setToolTip(tr("Record the telemetry stream to a file to review or share later"));
    connect(m_recordButton, &QToolButton::clicked, this, [this] {
        if (isRecording())
            stopRecording();
        else
            chooseRecordingToSave();
    });
    auto* open = new QToolButton(bar);
    open->setObjectName(QStringLiteral("monitorOpenRecording"));
    open->setText(tr("Open recording..."));
    connect(open, &QToolButton::clicked, this, &MonitorPage::chooseRecordingToOpen);
    auto* copy = new QToolButton(bar);
    copy->setObjectName(QStringLiteral("monitorCopyMarkdown"));
    copy->setText(tr("Copy as Markdown"));
    copy->setToolTip(tr("The figures shown now, as a Markdown table for an issue or a chat"));
    connect(copy, &QToolButton::clicked, this, &MonitorPage::copyMarkdown);

    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(groupLabel);
    row->addWidget(m_groupBox);
    row->addSpacing(12);
    row->addWidget(windowLabel);
    row->addWidget(m_windowBox);
    row->addSpacing(12);
    row->addWidget(updateLabel);
    row->addWidget(m_updateBox);
    row->addSpacing(12);
    row->addWidget(m_pauseButton);
    row->addWidget(m_liveButton);
    row->addStretch(1);
    row->addWidget(m_recordButton);
    row->addWidget(open);
    row->addWidget(copy);
    return bar;
}

void MonitorPage::setUpdateInterval(int milliseconds)
{
    int best = 0;
    for (int i = 0; i < m_updateBox->count(); ++i) {
        if (std::abs(m_updateBox->itemData(i).toInt() - milliseconds) <
            std::abs(m_updateBox->itemData(best).toInt() - milliseconds))
            best = i;
    }
    m_updateBox->setCurrentIndex(best);
}

QString MonitorPage::group() const
{
    return m_groupBox->currentData().toString();
}

void MonitorPage::setGroup(const QString& group)
{
    const int index = m_groupBox->findData(group);
    if (index >= 0)
        m_groupBox->setCurrentIndex(index);
}

void MonitorPage::setChartWindow(double seconds)
{
    int best = 0;
    for (int i = 0; i < m_windowBox->count(); ++i) {
        if (std::abs(m_windowBox->itemData(i).toDouble() - seconds) <
            std::abs(m_windowBox->itemData(best).toDouble() - seconds))
            best = i;
    }
    m_windowBox->setCurrentIndex(best);
}

double MonitorPage::chartWindow() const
{
    return m_windowBox->currentData().toDouble();
}

models::TimeSeriesModel* MonitorPage::seriesModel() const
{
    return m_charts->seriesModel();
}

charts::LineChart* MonitorPage::throughputChart() const
{
    return m_charts->chart(QStringLiteral("throughputChart"));
}

charts::LineChart* MonitorPage::responseChart() const
{
    return m_charts->chart(QStringLiteral("responseChart"));
}

QByteArray MonitorPage::saveLayout() const
{
    return m_splitter->saveState();
}

bool MonitorPage::restoreLayout(const QByteArray& state)
{
    return m_splitter->restoreState(state);
}

void MonitorPage::setView(const MonitorView& view)
{
    m_view = view;
    if (m_view.live)
        m_view.end = m_history->lastTime();
    pushViewToShownTab();
    updateTable();
    updateBanner();
    updateSummary();
}

void MonitorPage::pushViewToShownTab()
{
    // Only the tab on screen follows every interval: the others compute when they are shown (with
    // the same view, so a pause still holds them at one instant). At 4 Hz with 16 processes a
    // hidden heatmap or diagnosis recomputing each time is most of the page's CPU.
    switch (m_tabs->currentIndex()) {
    case 0:
        m_charts->showView(m_view);
        break;
    case 1:
        gilPanel()->showView(m_view);
        break;
    case 2:
        heatmapPanel()->showView(m_view);
        break;
    case 3:
        diagnosisPanel()->showView(m_view);
        break;
    case 4:
        stacksPanel()->showView(m_view);
        break;
    default:
        break;
    }
}

QWidget* MonitorPage::tabHolder(int index) const
{
    return m_tabs->widget(index);
}

namespace {

// A tab's panel, built into its holder the first time it is asked for.
template <typename Panel, typename Make> Panel* builtInTab(Panel*& panel, QWidget* holder, Make make)
{
    if (!panel) {
        panel = make(holder);
        holder->layout()->addWidget(panel);
        panel->show(); // at once: a widget added to a shown parent would only show a turn later
    }
    return panel;
}

} // namespace

monitor::GilPanel* MonitorPage::gilPanel()
{
    return builtInTab(m_gil, tabHolder(1), [this](QWidget* holder) {
        return new monitor::GilPanel(m_history, m_session, holder);
    });
}

monitor::HeatmapPanel* MonitorPage::heatmapPanel()
{
    return builtInTab(m_heatmap, tabHolder(2),
                      [this](QWidget* holder) { return new monitor::HeatmapPanel(m_history, holder); });
}

monitor::DiagnosisPanel* MonitorPage::diagnosisPanel()
{
    return builtInTab(m_diagnosis, tabHolder(3), [this](QWidget* holder) {
        auto* panel = new monitor::DiagnosisPanel(m_history, m_engineCores, holder);
        connect(panel, &monitor::DiagnosisPanel::variantProposed, this, &MonitorPage::variantProposed);
        return panel;
    });
}

monitor::StacksPanel* MonitorPage::stacksPanel()
{
    return builtInTab(m_stacks, tabHolder(4), [this](QWidget* holder) {
        return new monitor::StacksPanel(m_history, m_session, holder);
    });
}

void MonitorPage::setPaused(bool paused)
{
    if (m_reviewing)
        return; // a recording is never live: the slider moves it
    if (paused == isPaused())
        return;
    MonitorView v = m_view;
    v.live = !paused;
    // The instant every view freezes at: the newest interval they all show now.
    v.end = m_history->lastTime();
    setView(v);
}

void MonitorPage::goLive()
{
    if (m_reviewing) {
        // Back to the engine: the recording's figures make way for live ones.
        m_reviewing = false;
        m_recordingPath.clear();
        m_history->clear();
        m_processModel->clear();
        m_charts->seriesModel()->resetOrigin();
    }
    MonitorView v = m_view;
    v.live = true;
    setView(v);
}

void MonitorPage::scrubTo(double unixSeconds)
{
    if (m_history->intervalCount() == 0)
        return;
    MonitorView v = m_view;
    v.end = std::clamp(unixSeconds, m_history->firstTime(), m_history->lastTime());
    // At the newest instant a live page stays live; anywhere else it is paused there.
    v.live = !m_reviewing && v.end >= m_history->lastTime() && m_view.live;
    setView(v);
}

void MonitorPage::acceptLiveSample(const TelemetrySample& sample)
{
    if (!m_reviewing)
        m_history->append(sample);
}

void MonitorPage::onAppended(double time)
{
    if (m_view.live) {
        MonitorView v = m_view;
        v.end = time;
        setView(v);
    } else {
        updateBanner(); // "N s behind live" grows; nothing else moves
    }
    updateGroups();
}

void MonitorPage::onStatus(const EngineStatus& status)
{
    if (m_reviewing)
        return;
    if (m_view.live)
        m_processModel->setStatus(status);
    // The engine's host, which for an attached engine is not this machine.
    if (status.engine.cores > 0) {
        m_engineCores = status.engine.cores;
        if (m_diagnosis)
            m_diagnosis->setMachineCores(m_engineCores);
    }
    // Paused: the table keeps the instant shown; the newest status is applied on resuming.
    updateGroups();
}

void MonitorPage::updateTable()
{
    if (m_history->intervalCount() == 0)
        return;
    // The figures of the instant shown: the newest while live, the one under `end` otherwise.
    if (!m_view.live) {
        // A status describes now, not the instant shown: its running counters would make a paused
        // table tick and a recording disagree with what was seen live. Counts come from the samples.
        EngineStatus status = m_reviewing ? m_recordingStatus : m_session->lastStatus();
        for (GroupStatus& g : status.groups) {
            for (ProcessStatus& p : g.processes) {
                p.requests = 0;
                p.activeRequests = 0;
                p.uptimeSeconds = 0;
            }
        }
        m_processModel->setStatus(status);
        m_tableHasPastStatus = true;
    } else if (m_tableHasPastStatus) {
        // Back to live: the newest status again (onStatus keeps it current from here on).
        m_processModel->setStatus(m_session->lastStatus());
        m_tableHasPastStatus = false;
    }
    m_processModel->setSample(m_history->sampleAt(m_view.end));
}

void MonitorPage::updateBanner()
{
    m_pauseAction->setChecked(isPaused());
    m_liveButton->setEnabled(!m_view.live || m_reviewing);
    m_recordButton->setText(isRecording() ? tr("Stop recording") : tr("Record..."));
    // Touched only when something changed: a label's setText relayouts the page, 4 times a second.
    const QString text = bannerText();
    if (m_banner->isHidden() != text.isEmpty())
        m_banner->setHidden(text.isEmpty());
    if (m_banner->text() != text)
        m_banner->setText(text);
    const QSignalBlocker blocker(m_scrub);
    const int steps =
        m_history->intervalCount() == 0
            ? 0
            : int(std::lround((m_history->lastTime() - m_history->firstTime()) * kScrubStepsPerSecond));
    m_scrub->setRange(0, steps);
    m_scrub->setValue(
        m_view.live ? steps : int(std::lround((m_view.end - m_history->firstTime()) * kScrubStepsPerSecond)));
    m_scrub->setEnabled(steps > 0);
}

QString MonitorPage::bannerText() const
{
    QString text;
    const QString at =
        QDateTime::fromMSecsSinceEpoch(qint64(m_view.end * 1000)).toString(QStringLiteral("HH:mm:ss"));
    if (m_reviewing) {
        text = tr("Recording %1 · showing %2 · %3 s of %4 s")
                   .arg(m_recordingPath, at)
                   .arg(m_view.end - m_history->firstTime(), 0, 'f', 0)
                   .arg(m_history->lastTime() - m_history->firstTime(), 0, 'f', 0);
    } else if (!m_view.live) {
        text = tr("Paused · %1 s behind live · showing %2 · Space or Live resumes")
                   .arg(std::max(0.0, m_history->lastTime() - m_view.end), 0, 'f', 0)
                   .arg(at);
    }
    if (isRecording()) {
        const QString rec =
            tr("● Recording to %1 (%2 samples)").arg(m_recorder->path()).arg(m_recorder->samplesWritten());
        text = text.isEmpty() ? rec : text + QStringLiteral("   ") + rec;
    }
    if (!m_recordingError.isEmpty())
        text = text.isEmpty() ? m_recordingError : text + QStringLiteral("   ") + m_recordingError;
    return text;
}

void MonitorPage::updateSummary()
{
    if (m_history->intervalCount() == 0)
        return;
    const ProcessTotals totals = m_processModel->totals();
    QString summary = tr("%1 · %2 of %3 threads busy · %4 requests/s (%5 rpm) · CPU %6 cores · RSS %7")
                          .arg(formatCount(totals.processes, tr("process"), tr("processes")))
                          .arg(totals.activeThreads)
                          .arg(totals.threads)
                          .arg(totals.requestsPerMinute / 60, 0, 'f', 1)
                          .arg(formatRpm(totals.requestsPerMinute))
                          .arg(totals.cpuCores, 0, 'f', 2)
                          .arg(formatBytes(double(totals.memoryRss)));
    if (totals.queued > 0)
        summary += tr(" · %1 queued").arg(totals.queued);
    if (m_summary->text() != summary)
        m_summary->setText(summary);
}

void MonitorPage::updateGroups()
{
    QStringList groups = m_history->groups();
    const EngineStatus& status = m_reviewing ? m_recordingStatus : m_session->lastStatus();
    for (const GroupStatus& g : status.groups) {
        const QString name = QString::fromStdString(g.name);
        if (!groups.contains(name))
            groups << name;
    }
    for (const QString& name : std::as_const(groups)) {
        if (m_groupBox->findData(name) < 0)
            m_groupBox->addItem(name, name);
    }
}

void MonitorPage::showEvent(const EngineEvent& event)
{
    // What was logged with a restart (the stacks of a timeout, a crash's last words), readable and
    // copyable; a dialog per click, not modal, so the charts stay usable beside it.
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("monitorEventDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString when =
        QDateTime::fromMSecsSinceEpoch(qint64(event.time * 1000)).toString(QStringLiteral("HH:mm:ss.zzz"));
    QString title;
    if (event.kind == EngineEvent::Kind::Reload)
        title = tr("Configuration generation %1 applied at %2").arg(event.generation).arg(when);
    else
        title = tr("%1 #%2 (pid %3): %4 at %5")
                    .arg(QString::fromStdString(event.group))
                    .arg(event.process)
                    .arg(event.pid)
                    .arg(QString::fromStdString(event.reason.empty() ? std::string("restart") : event.reason),
                         when);
    dialog->setWindowTitle(title);
    auto* heading = new QLabel(dialog);
    heading->setWordWrap(true);
    heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QString text = title;
    if (!event.detail.empty())
        text += QLatin1Char('\n') + QString::fromStdString(event.detail);
    if (event.requestsLost > 0)
        text += QLatin1Char('\n') + tr("%1 in flight lost their response")
                                        .arg(formatCount(event.requestsLost, tr("request"), tr("requests")));
    heading->setText(text);
    auto* log = new QPlainTextEdit(dialog);
    log->setObjectName(QStringLiteral("monitorEventLog"));
    log->setReadOnly(true);
    log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    log->setPlainText(event.log.empty() ? tr("(nothing was logged with this event)")
                                        : QString::fromStdString(event.log));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(heading);
    layout->addWidget(log, 1);
    layout->addWidget(buttons);
    dialog->resize(720, 420);
    dialog->show();
}

} // namespace wsgi::studio::pages
