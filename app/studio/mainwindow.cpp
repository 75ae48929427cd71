#include "studio/mainwindow.h"

#include "session/configdocument.h"
#include "session/settings.h"
#include "session/telemetryhistory.h"
#include "studio/models/logmodel.h"
#include "studio/monitor/monitorpage.h"
#include "studio/pages/connectpage.h"
#include "studio/widgets/enginestatusbar.h"
#include "studio/widgets/logview.h"
#include "studio/widgets/messagebanner.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>

namespace wsgi::studio {

using widgets::EngineStatusBar;
using widgets::MessageBanner;

QString MainWindow::pageName(Page page)
{
    switch (page) {
    case Page::Connect:
        return QStringLiteral("connect");
    case Page::Configure:
        return QStringLiteral("configure");
    case Page::Monitor:
        return QStringLiteral("monitor");
    case Page::Benchmark:
        return QStringLiteral("benchmark");
    case Page::Apache:
        return QStringLiteral("apache");
    case Page::Count:
        break;
    }
    return {};
}

QString MainWindow::demoConfigPath()
{
    return QStringLiteral(WSGI_SOURCE_DIR "/resources/configs/demo.conf");
}

MainWindow::MainWindow(const Options& options, QWidget* parent) : QMainWindow(parent), m_options(options)
{
    setObjectName(QStringLiteral("mainWindow"));
    m_settings = new Settings(options.settingsFile, this);
    m_document = new ConfigDocument(this);
    m_session = new EngineSession(this);
    m_history = options.historyIntervals > 0 ? new TelemetryHistory(this, options.historyIntervals)
                                             : new TelemetryHistory(this);
    m_logModel = new models::LogModel(this);
    m_logModel->setLimit(EngineSession::kLogLimit);
    const int interval = options.telemetryIntervalMs > 0
                             ? options.telemetryIntervalMs
                             : m_settings->get(Settings::Key::TelemetryIntervalMs).toInt();
    m_session->setTelemetryInterval(std::max(100, interval));
    // Connecting first: the engine's hello and answers wait in the socket while the window is
    // built, instead of the first round trips waiting for it.
    if (options.attach) {
        attach(*options.attach);
    }

    buildActions();
    buildPages();
    buildDocks();
    buildMenus();
    connectSession();
    loadSettings();

    const QString file = options.configFile.isEmpty() ? demoConfigPath() : options.configFile;
    if (!openFile(file)) {
        m_document->setNew();
    }
    updateTitle();
    updateEngineActions();
    if (!options.attach && options.startEngine) {
        startEngine();
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks()
{
    m_logView = new widgets::LogView(this);
    m_logView->setModel(m_logModel);
    m_logDock = new QDockWidget(tr("Engine log"), this);
    m_logDock->setObjectName(QStringLiteral("logDock"));
    m_logDock->setWidget(m_logView);
    m_logDock->setAllowedAreas(Qt::BottomDockWidgetArea | Qt::RightDockWidgetArea | Qt::LeftDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    resizeDocks({m_logDock}, {120}, Qt::Vertical);
}

MainWindow::Page MainWindow::currentPage() const
{
    return Page(std::max(0, m_stack->currentIndex()));
}

void MainWindow::showPage(Page page)
{
    m_pageList->setCurrentRow(int(page));
}

QAction* MainWindow::action(const QString& objectName) const
{
    return findChild<QAction*>(objectName);
}

void MainWindow::connectSession()
{
    connect(m_session, &EngineSession::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_session, &EngineSession::statusAvailable, this, &MainWindow::onStatus);
    // Through the Monitor page: while it reviews a recording, live samples stay out of the history.
    connect(m_session, &EngineSession::telemetryAvailable, m_monitor, &pages::MonitorPage::acceptLiveSample);
    connect(m_session, &EngineSession::logLine, m_logModel, &models::LogModel::appendLine);
    connect(m_session, &EngineSession::lost, this, &MainWindow::onLost);
    connect(m_session, &EngineSession::failed, this, &MainWindow::onFailed);
    connect(m_session, &EngineSession::reloaded, this, [this](int64_t generation) {
        m_appliedGeneration = generation;
        m_statusBar->setConfigGeneration(generation, true);
        statusBar()->showMessage(tr("Configuration applied: the engine runs generation %1").arg(generation),
                                 5000);
    });
    connect(m_document, &ConfigDocument::dirtyChanged, this, &MainWindow::updateTitle);
    connect(m_document, &ConfigDocument::pathChanged, this, [this](const QString& path) {
        if (m_connect)
            m_connect->setDocumentPath(path);
        updateTitle();
    });
    // A Configure page built later shows what it would have heard.
    connect(m_document, &ConfigDocument::recoveryAvailable, this,
            [this] { m_recoveryPending = !m_configure; });
}

void MainWindow::startEngine()
{
    if (m_session->state() != EngineSession::State::Idle &&
        m_session->state() != EngineSession::State::Lost) {
        return;
    }
    m_banner->dismiss();
    EngineSession::LocalOptions options;
    // The window's engine serves where the configuration says (Listen), so what the operator
    // configured is what they can point a browser or a load at; the status bar shows the address.
    options.listen.clear();
    options.extraArguments = m_options.engineArguments;
    const QString path = m_document->path();
    if (!path.isEmpty() && !m_document->isBroken()) {
        // In place, so relative paths in the file resolve against its directory as the engine expects.
        options.configFile = path;
        if (m_document->isDirty()) {
            statusBar()->showMessage(tr("The engine runs the saved file; Apply sends the unsaved changes."),
                                     8000);
        }
    } else {
        options.configText = m_document->text();
        options.configName = QStringLiteral("untitled.conf");
    }
    m_history->clear();
    m_logModel->appendLine(
        tr("— starting a local engine on %1 —").arg(path.isEmpty() ? tr("an untitled config") : path));
    m_session->startLocal(options);
}

void MainWindow::attach(const EngineSession::AttachOptions& options)
{
    if (m_session->state() != EngineSession::State::Idle &&
        m_session->state() != EngineSession::State::Lost) {
        statusBar()->showMessage(tr("Stop the current engine before attaching to another one."), 6000);
        return;
    }
    if (m_banner)
        m_banner->dismiss(); // (none yet when the window attaches as it opens)
    m_history->clear();
    m_settings->set(Settings::Key::LastAttachEndpoint, options.control.toString());
    m_settings->set(Settings::Key::LastAttachTokenFile, options.tokenFile);
    m_session->attach(options);
}

void MainWindow::onStateChanged(EngineSession::State state)
{
    using State = EngineSession::State;
    EngineStatusBar::Health health = EngineStatusBar::Health::Busy;
    switch (state) {
    case State::Idle:
        health = EngineStatusBar::Health::Idle;
        break;
    case State::Ready:
        health = EngineStatusBar::Health::Ready;
        break;
    case State::Lost:
        health = EngineStatusBar::Health::Problem;
        break;
    case State::Starting:
    case State::Connecting:
    case State::Stopping:
        break;
    }
    m_statusBar->setEngineState(EngineSession::stateName(state), health);
    if (state == State::Idle) {
        m_statusBar->clearEngine();
    } else {
        m_statusBar->setPid(m_session->pid());
        m_statusBar->setListen(m_session->listenUrl());
        m_statusBar->setReadySince(m_session->readySince());
    }
    if (state == State::Ready) {
        m_banner->dismiss();
    }
    updateEngineActions();
}

void MainWindow::onStatus()
{
    m_statusBar->setPid(m_session->pid());
    m_statusBar->setListen(m_session->listenUrl());
    const int64_t generation = m_session->generation();
    m_statusBar->setConfigGeneration(generation, generation > 0 && generation == m_appliedGeneration);
}

void MainWindow::onLost(const QString& reason, const QStringList& lastLines)
{
    m_banner->setActions({action(QStringLiteral("actionRestart"))});
    m_banner->showMessage(MessageBanner::Kind::Error, tr("The engine was lost"), reason,
                          lastLines.mid(lastLines.size() - 12));
    updateEngineActions();
}

void MainWindow::onFailed(const QString& reason)
{
    const QStringList lines = m_session->logLines();
    m_banner->setActions({action(QStringLiteral("actionStart"))});
    m_banner->showMessage(MessageBanner::Kind::Error, tr("The engine did not start"), reason,
                          lines.mid(lines.size() - 12));
    updateEngineActions();
}

void MainWindow::updateEngineActions()
{
    using State = EngineSession::State;
    const State state = m_session->state();
    const bool stopped = state == State::Idle || state == State::Lost;
    action(QStringLiteral("actionStart"))->setEnabled(stopped);
    action(QStringLiteral("actionAttach"))->setEnabled(stopped);
    action(QStringLiteral("actionStop"))->setEnabled(!stopped && state != State::Stopping);
    // Restart also brings a lost engine back with the same options.
    action(QStringLiteral("actionRestart"))->setEnabled(state == State::Ready || state == State::Lost);
}

void MainWindow::updateTitle()
{
    const QString path = m_document->path();
    const QString name = path.isEmpty() ? tr("untitled.conf") : QFileInfo(path).fileName();
    setWindowFilePath(path);
    // [*] is where Qt puts the modified mark (a '*', or the platform's own way).
    setWindowTitle(name + QStringLiteral("[*] — WSGI Tuning Studio"));
    setWindowModified(m_document->isDirty());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    saveSettings();
    // A local engine stops with the window (the session's destructor would too, but say it in the log).
    if (m_session->isLocal() && m_session->state() != EngineSession::State::Idle) {
        m_session->stop();
    }
    event->accept();
}

} // namespace wsgi::studio
