// The window's pages: the page list and stack, each page built and wired by its own function, and
// (with Options::deferPages) the pages not shown first built after the window has shown its first
// page, one per turn of the event loop, or at once when something asks for one.
#include "studio/mainwindow.h"

#include "session/configdocument.h"
#include "session/settings.h"
#include "studio/benchmark/benchmarkpage.h"
#include "studio/monitor/monitorpage.h"
#include "studio/pages/connectpage.h"
#include "studio/widgets/enginestatusbar.h"
#include "studio/widgets/messagebanner.h"

#ifdef WSGI_STUDIO_HAVE_CONFIGURE_PAGE
#include "studio/configure/configurepage.h"
#include "studio/configure/issuesdock.h"
#endif
#ifdef WSGI_STUDIO_HAVE_APACHE_PAGE
#include "studio/apache/apachepage.h"
#endif

#include <QAction>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QScrollArea>
#include <QShowEvent>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>

namespace wsgi::studio {

namespace {

// After the first page has painted and the engine's first figures have had their turn: the rest
// of the window is built while the user reads it.
constexpr int kDeferredPagesDelayMs = 300;

// Unused when every page library is built (both are, in this tree).
[[maybe_unused]] QWidget* missingPage(const QString& name, QWidget* parent)
{
    auto* label = new QLabel(MainWindow::tr("The %1 page is not part of this build.").arg(name), parent);
    label->setAlignment(Qt::AlignCenter);
    return label;
}

} // namespace

MainWindow::Page MainWindow::initialPage() const
{
    // The page asked for (--page), else the last one used (an unknown name counts as none).
    for (const QString& name : {m_options.firstPage, m_settings->get(Settings::Key::LastPage).toString()}) {
        for (int i = 0; i < int(Page::Count); ++i) {
            if (!name.isEmpty() && pageName(Page(i)) == name)
                return Page(i);
        }
    }
    return Page::Connect;
}

void MainWindow::buildPages()
{
    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("pageStack"));
    m_pageList = new QListWidget(this);
    m_pageList->setObjectName(QStringLiteral("pageList"));
    const QStringList titles = {tr("Start / Connect"), tr("Configure"), tr("Monitor"), tr("Benchmark"),
                                tr("Apache")};
    m_pages.fill(nullptr, int(Page::Count));
    for (int i = 0; i < int(Page::Count); ++i) {
        auto* item = new QListWidgetItem(titles[i], m_pageList);
        item->setToolTip(tr("%1 (Ctrl+%2)").arg(titles[i]).arg(i + 1));
        item->setSizeHint(QSize(0, m_pageList->fontMetrics().height() * 2 + 4));
        // A page scrolls rather than forcing its minimum size on the window (small screens, HiDPI).
        auto* scroll = new QScrollArea(m_stack);
        scroll->setObjectName(pageName(Page(i)) + QStringLiteral("Scroll"));
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        m_stack->addWidget(scroll);
        m_scrolls << scroll;
    }
    m_pageList->setMinimumWidth(m_pageList->fontMetrics().horizontalAdvance(titles[0]) + 40);
    m_pageList->setMaximumWidth(260);
    m_pageList->setFrameShape(QFrame::NoFrame);
    connect(m_pageList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        ensurePage(Page(row)); // a page not built yet is built when it is chosen
        m_stack->setCurrentIndex(row);
    });

    // The Monitor page is always there: it holds the live history every other view reads.
    ensurePage(Page::Monitor);
    if (m_options.deferPages) {
        ensurePage(initialPage());
    } else {
        for (int i = 0; i < int(Page::Count); ++i)
            ensurePage(Page(i));
    }
    m_pageList->setCurrentRow(int(initialPage()));

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(m_pageList);
    m_splitter->addWidget(m_stack);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setCollapsible(1, false);
    m_splitter->setSizes({m_pageList->minimumWidth(), 1000});

    m_banner = new widgets::MessageBanner(this);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_statusBar = new widgets::EngineStatusBar(this);
    m_statusBar->setObjectName(QStringLiteral("engineStatusBar"));
    statusBar()->addPermanentWidget(m_statusBar);
    statusBar()->setSizeGripEnabled(true);
}

bool MainWindow::isPageBuilt(Page page) const
{
    const int index = int(page);
    return index >= 0 && index < m_pages.size() && m_pages[index] != nullptr;
}

QWidget* MainWindow::ensurePage(Page page)
{
    const int index = int(page);
    if (index < 0 || index >= int(Page::Count))
        return nullptr;
    if (m_pages[index])
        return m_pages[index];
    QWidget* built = nullptr;
    switch (page) {
    case Page::Connect:
        built = buildConnectPage();
        break;
    case Page::Configure:
        built = buildConfigurePage();
        break;
    case Page::Monitor:
        built = buildMonitorPage();
        break;
    case Page::Benchmark:
        built = buildBenchmarkPage();
        break;
    case Page::Apache:
#ifdef WSGI_STUDIO_HAVE_APACHE_PAGE
        m_apache = new ApachePage(m_document, m_session, this);
#else
        m_apache = missingPage(tr("Apache"), this);
#endif
        built = m_apache;
        break;
    case Page::Count:
        break;
    }
    m_pages[index] = built;
    m_scrolls[index]->setWidget(built);
    return built;
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (!m_options.deferPages || m_deferredStarted)
        return;
    m_deferredStarted = true;
    QTimer::singleShot(kDeferredPagesDelayMs, this, &MainWindow::buildNextDeferredPage);
}

void MainWindow::buildNextDeferredPage()
{
    for (int i = 0; i < int(Page::Count); ++i) {
        if (!m_pages[i]) {
            ensurePage(Page(i));
            // One page per turn: telemetry and input are handled between them.
            QTimer::singleShot(0, this, &MainWindow::buildNextDeferredPage);
            return;
        }
    }
}

pages::ConnectPage* MainWindow::connectPage()
{
    ensurePage(Page::Connect);
    return m_connect;
}

QWidget* MainWindow::pageWidget(Page page)
{
    return ensurePage(page);
}

QWidget* MainWindow::buildConnectPage()
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
    // The runtimes it discovers are the choices for a group's python= on the Configure page,
    // which may be built before or after it.
    connect(m_connect, &pages::ConnectPage::runtimesDiscovered, this,
            [this](const QList<RuntimeInfo>& runtimes) {
                m_runtimes = runtimes;
                giveRuntimesToConfigure();
            });
    m_connect->setDocumentPath(m_document->path());
    m_connect->setRecentFiles(m_settings->recentFiles());
    m_connect->setAttachFields(m_settings->get(Settings::Key::LastAttachEndpoint).toString(),
                               m_settings->get(Settings::Key::LastAttachTokenFile).toString());
    return m_connect;
}

QWidget* MainWindow::buildConfigurePage()
{
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
    giveRuntimesToConfigure();
    if (m_recoveryPending)
        configure->showRecoveryBanner();
    addConfigureMenus();
#else
    m_configure = missingPage(tr("Configure"), this);
#endif
    return m_configure;
}

void MainWindow::giveRuntimesToConfigure()
{
#ifdef WSGI_STUDIO_HAVE_CONFIGURE_PAGE
    auto* configure = qobject_cast<ConfigurePage*>(m_configure);
    if (!configure || m_runtimes.isEmpty())
        return;
    QList<RuntimeChoice> choices;
    for (const RuntimeInfo& r : std::as_const(m_runtimes)) {
        choices.append({r.name, r.summary(), r.freeThreaded, r.perInterpreterGilPossible});
    }
    configure->setRuntimes(choices);
#endif
}

QWidget* MainWindow::buildMonitorPage()
{
    m_monitor = new pages::MonitorPage(m_session, m_history, this);
    m_monitor->setUpdateInterval(m_options.telemetryIntervalMs > 0
                                     ? m_options.telemetryIntervalMs
                                     : m_settings->get(Settings::Key::TelemetryIntervalMs).toInt());
    connect(m_monitor, &pages::MonitorPage::updateIntervalChosen, this,
            [this](int ms) { m_settings->set(Settings::Key::TelemetryIntervalMs, ms); });
    // The diagnosis proposes a variant: it lands on the Benchmark page, ready to run.
    connect(m_monitor, &pages::MonitorPage::variantProposed, this, [this](const VariantProposal& proposal) {
        ensurePage(Page::Benchmark);
        m_benchmark->addProposedVariant(proposal);
        showPage(Page::Benchmark);
    });
    return m_monitor;
}

QWidget* MainWindow::buildBenchmarkPage()
{
    m_benchmark = new pages::BenchmarkPage(this);
    m_benchmark->setDocument(m_document);
    m_benchmark->setSettings(m_settings); // the load form as it was left
    // A benchmarked variant becomes the document as one undo step, for the Configure and Apache pages.
    connect(m_benchmark, &pages::BenchmarkPage::useConfigurationRequested, this, [this](const QString& text) {
        m_document->setText(text, tr("Use benchmarked configuration"));
        statusBar()->showMessage(tr("The benchmarked configuration is now the document (Undo restores it)."),
                                 8000);
    });
    return m_benchmark;
}

} // namespace wsgi::studio
