#include "studio/mainwindow.h"

#include "session/configdocument.h"
#include "session/settings.h"
#include "session/telemetryhistory.h"
#include "studio/benchmark/benchmarkpage.h"
#include "studio/models/logmodel.h"
#include "studio/monitor/monitorpage.h"
#include "studio/pages/connectpage.h"
#include "studio/widgets/enginestatusbar.h"
#include "studio/widgets/logview.h"
#include "studio/widgets/messagebanner.h"

#ifdef WSGI_STUDIO_HAVE_CONFIGURE_PAGE
#include "studio/configure/configurepage.h"
#include "studio/configure/issuesdock.h"
#include "studio/configure/optionform.h"
#endif
#ifdef WSGI_STUDIO_HAVE_APACHE_PAGE
#include "studio/apache/apachepage.h"
#endif

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace wsgi::studio {

using widgets::EngineStatusBar;
using widgets::MessageBanner;

namespace {

QWidget* missingPage(const QString& name, QWidget* parent)
{
    auto* label = new QLabel(MainWindow::tr("The %1 page is not part of this build.").arg(name), parent);
    label->setAlignment(Qt::AlignCenter);
    return label;
}

} // namespace

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
    if (options.attach) {
        attach(*options.attach);
    } else if (options.startEngine) {
        startEngine();
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::buildPages()
{
    m_connect = new pages::ConnectPage(m_session, this);
    m_connect->setEngineActions(action(QStringLiteral("actionStart")), action(QStringLiteral("actionStop")),
                                action(QStringLiteral("actionRestart")));
    m_connect->setOpenAction(action(QStringLiteral("actionOpen")));
    connect(m_connect, &pages::ConnectPage::openRequested, this, [this](const QString& path) {
        if (maybeSave()) {
            openFile(path);
        }
    });
    connect(m_connect, &pages::ConnectPage::attachRequested, this, &MainWindow::attach);

#ifdef WSGI_STUDIO_HAVE_CONFIGURE_PAGE
    auto* configure = new ConfigurePage(m_document, m_session, this);
    m_configure = configure;
    connect(configure, &ConfigurePage::applied, this, [this](quint64, qint64 generation) {
        m_appliedGeneration = generation;
        m_statusBar->setConfigGeneration(generation, true);
    });
    connect(configure, &ConfigurePage::applyFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Not applied: %1").arg(message), 10000);
    });
    // The runtimes the Connect page discovered are the choices for a group's python=.
    connect(m_connect, &pages::ConnectPage::runtimesDiscovered, configure,
            [configure](const QList<RuntimeInfo>& runtimes) {
                QList<RuntimeChoice> choices;
                for (const RuntimeInfo& r : runtimes) {
                    choices.append({r.name, r.summary(), r.freeThreaded, r.perInterpreterGilPossible});
                }
                configure->setRuntimes(choices);
            });
#else
    m_configure = missingPage(tr("Configure"), this);
#endif
    m_monitor = new pages::MonitorPage(m_session, m_history, this);
    m_monitor->setUpdateInterval(m_options.telemetryIntervalMs > 0
                                     ? m_options.telemetryIntervalMs
                                     : m_settings->get(Settings::Key::TelemetryIntervalMs).toInt());
    connect(m_monitor, &pages::MonitorPage::updateIntervalChosen, this,
            [this](int ms) { m_settings->set(Settings::Key::TelemetryIntervalMs, ms); });
    m_benchmark = new pages::BenchmarkPage(this);
    m_benchmark->setDocument(m_document);
    // The Monitor page's diagnosis proposes a variant: it lands on the Benchmark page, ready to run.
    connect(m_monitor, &pages::MonitorPage::variantProposed, this, [this](const VariantProposal& proposal) {
        m_benchmark->addProposedVariant(proposal);
        showPage(Page::Benchmark);
    });
    // A benchmarked variant becomes the document as one undo step, for the Configure and Apache pages.
    connect(m_benchmark, &pages::BenchmarkPage::useConfigurationRequested, this, [this](const QString& text) {
        m_document->setText(text, tr("Use benchmarked configuration"));
        statusBar()->showMessage(tr("The benchmarked configuration is now the document (Undo restores it)."),
                                 8000);
    });
#ifdef WSGI_STUDIO_HAVE_APACHE_PAGE
    m_apache = new ApachePage(m_document, m_session, this);
#else
    m_apache = missingPage(tr("Apache"), this);
#endif
    m_pages = {m_connect, m_configure, m_monitor, m_benchmark, m_apache};

    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("pageStack"));
    m_pageList = new QListWidget(this);
    m_pageList->setObjectName(QStringLiteral("pageList"));
    const QStringList titles = {tr("Start / Connect"), tr("Configure"), tr("Monitor"), tr("Benchmark"),
                                tr("Apache")};
    for (int i = 0; i < int(Page::Count); ++i) {
        auto* item = new QListWidgetItem(titles[i], m_pageList);
        item->setToolTip(tr("%1 (Ctrl+%2)").arg(titles[i]).arg(i + 1));
        item->setSizeHint(QSize(0, m_pageList->fontMetrics().height() * 2 + 4));
        // A page scrolls rather than forcing its minimum size on the window (small screens, HiDPI).
        auto* scroll = new QScrollArea(m_stack);
        scroll->setObjectName(pageName(Page(i)) + QStringLiteral("Scroll"));
        scroll->setWidget(m_pages[i]);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        m_stack->addWidget(scroll);
    }
    m_pageList->setMinimumWidth(m_pageList->fontMetrics().horizontalAdvance(titles[0]) + 40);
    m_pageList->setMaximumWidth(260);
    m_pageList->setFrameShape(QFrame::NoFrame);
    connect(m_pageList, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_pageList->setCurrentRow(0);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(m_pageList);
    m_splitter->addWidget(m_stack);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setCollapsible(1, false);
    m_splitter->setSizes({m_pageList->minimumWidth(), 1000});

    m_banner = new MessageBanner(this);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_statusBar = new EngineStatusBar(this);
    m_statusBar->setObjectName(QStringLiteral("engineStatusBar"));
    statusBar()->addPermanentWidget(m_statusBar);
    statusBar()->setSizeGripEnabled(true);
}

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

QWidget* MainWindow::pageWidget(Page page) const
{
    const int index = int(page);
    return index >= 0 && index < m_pages.size() ? m_pages[index] : nullptr;
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
        m_connect->setDocumentPath(path);
        updateTitle();
    });
}

void MainWindow::startEngine()
{
    if (m_session->state() != EngineSession::State::Idle &&
        m_session->state() != EngineSession::State::Lost) {
        return;
    }
    m_banner->dismiss();
    EngineSession::LocalOptions options;
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
    m_banner->dismiss();
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
