#pragma once
// The studio's window: wiring only. It owns the document, the engine session and the telemetry
// history, puts the pages in a stack with a page list (Ctrl+1..5), and connects what one part emits
// to what another does; pages never call each other. A status bar shows the engine, a dock its log,
// a banner a lost engine with its last log lines and a Restart action. Geometry, splitter and dock
// state are saved with a layout version, so a changed layout never restores garbage.

#include "session/enginesession.h"
#include "session/runtimes.h"

#include <QMainWindow>
#include <QPointer>

#include <optional>

QT_BEGIN_NAMESPACE
class QAction;
class QActionGroup;
class QDockWidget;
class QListWidget;
class QScrollArea;
class QMenu;
class QSplitter;
class QStackedWidget;
QT_END_NAMESPACE

namespace wsgi::studio {

class ConfigDocument;
class Settings;
class TelemetryHistory;

namespace models {
class LogModel;
}
namespace pages {
class BenchmarkPage;
class ConnectPage;
class MonitorPage;
} // namespace pages
namespace widgets {
class EngineStatusBar;
class LogView;
class MessageBanner;
enum class PaletteChoice;
} // namespace widgets

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // Pages in the order of the page list and of Ctrl+1..5.
    enum class Page
    {
        Connect,
        Configure,
        Monitor,
        Benchmark,
        Apache,
        Count
    };
    static constexpr int kLayoutVersion = 1; // bump when docks or splitters change
    static QString pageName(Page page);      // "connect", "configure", ...: file names, settings

    struct Options
    {
        QString configFile;      // opened at start; empty: the demo configuration
        bool startEngine = true; // start a local engine on it at once
        bool restoreLayout = true;
        QStringList engineArguments; // extra wsgi-engine arguments (e.g. --listen 127.0.0.1:0)
        int telemetryIntervalMs = 0; // 0: the settings' value
        QString settingsFile;        // empty: the user's settings; tests use a file of their own
        // Attach to this running engine at start instead of starting one (wsgi-studio --attach).
        std::optional<EngineSession::AttachOptions> attach;
        int historyIntervals = 0; // 0: TelemetryHistory's 10 minutes at 4 Hz
        QString firstPage;        // pageName() of the page shown first; empty: the last one used
        // Build only the Monitor page and the first page before the window shows; the others
        // follow one per turn of the event loop (or at once when asked for). wsgi-studio does;
        // tests that look inside every page at once build them all.
        bool deferPages = false;
    };

    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    static QString demoConfigPath(); // resources/configs/demo.conf of this build's source tree

    EngineSession* session() const { return m_session; }
    ConfigDocument* document() const { return m_document; }
    TelemetryHistory* history() const { return m_history; }
    models::LogModel* logModel() const { return m_logModel; }
    widgets::EngineStatusBar* engineStatusBar() const { return m_statusBar; }
    widgets::MessageBanner* banner() const { return m_banner; }
    pages::MonitorPage* monitorPage() const { return m_monitor; }
    pages::ConnectPage* connectPage(); // built now if it was not yet
    QWidget* pageWidget(Page page);    // built now if it was not yet
    bool isPageBuilt(Page page) const;

    Page currentPage() const;
    void showPage(Page page);
    QAction* action(const QString& objectName) const; // "actionStart", "actionRestart", ...

    void startEngine();
    bool openFile(const QString& path);
    void setPaletteChoice(widgets::PaletteChoice choice);

    // What to do with unsaved changes; the window asks with a Save / Discard / Cancel box unless a
    // test set an answer.
    enum class UnsavedAnswer
    {
        Ask,
        Save,
        Discard,
        Cancel
    };
    void setUnsavedAnswerForTesting(UnsavedAnswer answer) { m_unsavedAnswer = answer; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    // mainwindowpages.cpp: the page list and stack, and each page's construction and wiring.
    void buildPages();
    Page initialPage() const;
    QWidget* ensurePage(Page page);
    void buildNextDeferredPage();
    QWidget* buildConnectPage();
    QWidget* buildConfigurePage();
    QWidget* buildMonitorPage();
    QWidget* buildBenchmarkPage();
    void giveRuntimesToConfigure();

    // mainwindow.cpp: docks, the engine's state.
    void buildDocks();
    void connectSession();
    void onStateChanged(EngineSession::State state);
    void onStatus();
    void onLost(const QString& reason, const QStringList& lastLines);
    void onFailed(const QString& reason);
    void updateEngineActions();
    void updateTitle();

    // mainwindowactions.cpp: menus, files, settings.
    void buildActions();
    void buildMenus();
    void addConfigureMenus(); // the Configure page's undo and edit actions, once it is built
    QAction* makeAction(const char* objectName, const QString& text, const QKeySequence& shortcut,
                        const QString& tip = {});
    void openDialog();
    bool save();
    bool saveAs();
    void attach(const EngineSession::AttachOptions& options);
    void addRecentFile(const QString& path);
    void updateRecentMenu();
    bool maybeSave();
    void loadSettings();
    void saveSettings() const;
    void showAbout();
    void showShortcuts();

    Options m_options;
    Settings* m_settings = nullptr;
    ConfigDocument* m_document = nullptr;
    EngineSession* m_session = nullptr;
    TelemetryHistory* m_history = nullptr;
    models::LogModel* m_logModel = nullptr;

    QListWidget* m_pageList = nullptr;
    QStackedWidget* m_stack = nullptr;
    QSplitter* m_splitter = nullptr;
    widgets::MessageBanner* m_banner = nullptr;
    widgets::EngineStatusBar* m_statusBar = nullptr;
    widgets::LogView* m_logView = nullptr;
    QDockWidget* m_logDock = nullptr;
    QList<QWidget*> m_pages; // by Page; nullptr until built
    QList<QScrollArea*> m_scrolls;
    bool m_deferredStarted = false;
    bool m_recoveryPending = false; // the document reported a recovery before Configure was built
    bool m_configureMenusAdded = false;
    QList<RuntimeInfo> m_runtimes; // as the Connect page discovered them
    pages::ConnectPage* m_connect = nullptr;
    pages::MonitorPage* m_monitor = nullptr;
    pages::BenchmarkPage* m_benchmark = nullptr;
    QWidget* m_configure = nullptr;
    QWidget* m_apache = nullptr;

    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_editMenu = nullptr;
    QAction* m_afterLogToggle = nullptr; // the View menu's separator the issues toggle goes before
    QActionGroup* m_paletteGroup = nullptr;
    int64_t m_appliedGeneration = 0; // the generation a reload from this window made current
    UnsavedAnswer m_unsavedAnswer = UnsavedAnswer::Ask;
};

} // namespace wsgi::studio
