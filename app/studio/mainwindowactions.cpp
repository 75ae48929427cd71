// The window's actions and menus, files, settings and the Help dialogs.
#include "studio/mainwindow.h"

#include "session/configdocument.h"
#include "session/settings.h"
#include "studio/monitor/monitorpage.h"
#include "studio/pages/connectpage.h"
#include "studio/widgets/messagebanner.h"
#include "studio/widgets/palettes.h"
#include "studio/widgets/shortcutsdialog.h"

#ifdef WSGI_STUDIO_HAVE_CONFIGURE_PAGE
#include "studio/configure/configurepage.h"
#include "studio/configure/issuesdock.h"
#endif

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDataStream>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>

namespace wsgi::studio {

QAction* MainWindow::makeAction(const char* objectName, const QString& text, const QKeySequence& shortcut,
                                const QString& tip)
{
    auto* action = new QAction(text, this);
    action->setObjectName(QLatin1String(objectName));
    if (!shortcut.isEmpty()) {
        action->setShortcut(shortcut);
    }
    action->setStatusTip(tip);
    action->setToolTip(tip.isEmpty() ? QString(text).remove(QLatin1Char('&')) : tip);
    addAction(action); // shortcuts work whichever page has focus
    return action;
}

void MainWindow::buildActions()
{
    connect(makeAction("actionOpen", tr("&Open…"), QKeySequence::Open, tr("Open a configuration file")),
            &QAction::triggered, this, &MainWindow::openDialog);
    connect(makeAction("actionSave", tr("&Save"), QKeySequence::Save, tr("Save the configuration")),
            &QAction::triggered, this, &MainWindow::save);
    connect(makeAction("actionSaveAs", tr("Save &As…"), QKeySequence::SaveAs, tr("Save under another name")),
            &QAction::triggered, this, &MainWindow::saveAs);
    auto* quit = makeAction("actionQuit", tr("&Quit"), QKeySequence::Quit, tr("Close the studio"));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    connect(makeAction("actionStart", tr("&Start engine"), QKeySequence(Qt::Key_F5),
                       tr("Start a local engine on the current configuration")),
            &QAction::triggered, this, &MainWindow::startEngine);
    connect(makeAction("actionStop", tr("S&top engine"), QKeySequence(Qt::SHIFT | Qt::Key_F5),
                       tr("Stop the local engine, or leave an attached one")),
            &QAction::triggered, m_session, &EngineSession::stop);
    connect(makeAction("actionRestart", tr("&Restart engine"),
                       QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F5),
                       tr("Stop and start the engine again with the same options")),
            &QAction::triggered, this, [this] {
                m_banner->dismiss();
                m_session->restart();
            });
    connect(makeAction("actionAttach", tr("&Attach to running engine…"),
                       QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                       tr("Attach to an engine by control address and token file")),
            &QAction::triggered, this, [this] {
                showPage(Page::Connect);
                if (auto* field = connectPage()->findChild<QWidget*>(QStringLiteral("attachAddress"))) {
                    field->setFocus();
                }
            });

    for (int i = 0; i < int(Page::Count); ++i) {
        auto* go = makeAction(qPrintable(QStringLiteral("actionPage") + QString::number(i + 1)), QString(),
                              QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(go, &QAction::triggered, this, [this, i] { showPage(Page(i)); });
    }
    connect(makeAction("actionAbout", tr("&About WSGI Tuning Studio"), {}), &QAction::triggered, this,
            &MainWindow::showAbout);
    connect(makeAction("actionShortcuts", tr("&Keyboard shortcuts"), QKeySequence(Qt::CTRL | Qt::Key_Slash)),
            &QAction::triggered, this, &MainWindow::showShortcuts);
}

void MainWindow::buildMenus()
{
    const QStringList pageTitles = {tr("Start / Connect"), tr("Configure"), tr("Monitor"), tr("Benchmark"),
                                    tr("Apache")};
    for (int i = 0; i < int(Page::Count); ++i) {
        action(QStringLiteral("actionPage") + QString::number(i + 1))->setText(pageTitles[i]);
    }

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(action(QStringLiteral("actionOpen")));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("menuRecent"));
    file->addSeparator();
    file->addAction(action(QStringLiteral("actionSave")));
    file->addAction(action(QStringLiteral("actionSaveAs")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("actionQuit")));

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    m_editMenu = edit;
#ifndef WSGI_STUDIO_HAVE_CONFIGURE_PAGE
    auto* undo = makeAction("actionUndo", tr("&Undo"), QKeySequence::Undo);
    auto* redo = makeAction("actionRedo", tr("&Redo"), QKeySequence::Redo);
    connect(undo, &QAction::triggered, m_document, &ConfigDocument::undo);
    connect(redo, &QAction::triggered, m_document, &ConfigDocument::redo);
    const auto updateUndo = [this, undo, redo] {
        undo->setEnabled(m_document->canUndo());
        undo->setText(m_document->canUndo() ? tr("&Undo %1").arg(m_document->undoText()) : tr("&Undo"));
        redo->setEnabled(m_document->canRedo());
        redo->setText(m_document->canRedo() ? tr("&Redo %1").arg(m_document->redoText()) : tr("&Redo"));
    };
    connect(m_document, &ConfigDocument::undoStateChanged, this, updateUndo);
    updateUndo();
    edit->addAction(undo);
    edit->addAction(redo);
#endif

    QMenu* engine = menuBar()->addMenu(tr("E&ngine"));
    for (const char* name : {"actionStart", "actionStop", "actionRestart"}) {
        engine->addAction(action(QLatin1String(name)));
    }
    engine->addSeparator();
    engine->addAction(action(QStringLiteral("actionAttach")));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu* pagesMenu = m_viewMenu->addMenu(tr("&Pages"));
    for (int i = 0; i < int(Page::Count); ++i) {
        pagesMenu->addAction(action(QStringLiteral("actionPage") + QString::number(i + 1)));
    }
    m_viewMenu->addSeparator();
    QAction* toggleLog = m_logDock->toggleViewAction();
    toggleLog->setShortcut(QKeySequence(Qt::ALT | Qt::Key_L));
    toggleLog->setObjectName(QStringLiteral("actionToggleLog"));
    m_viewMenu->addAction(toggleLog);
    m_afterLogToggle = m_viewMenu->addSeparator();
    QMenu* paletteMenu = m_viewMenu->addMenu(tr("&Colours"));
    m_paletteGroup = new QActionGroup(this);
    const std::pair<widgets::PaletteChoice, QString> choices[] = {
        {widgets::PaletteChoice::System, tr("&System")},
        {widgets::PaletteChoice::Light, tr("&Light")},
        {widgets::PaletteChoice::Dark, tr("&Dark")},
    };
    for (const auto& [choice, text] : choices) {
        QAction* a = paletteMenu->addAction(text);
        a->setCheckable(true);
        a->setData(widgets::paletteChoiceName(choice));
        a->setObjectName(QStringLiteral("actionPalette_") + widgets::paletteChoiceName(choice));
        m_paletteGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, choice] { setPaletteChoice(choice); });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action(QStringLiteral("actionShortcuts")));
    help->addAction(action(QStringLiteral("actionAbout")));
    addConfigureMenus();
}

void MainWindow::addConfigureMenus()
{
#ifdef WSGI_STUDIO_HAVE_CONFIGURE_PAGE
    auto* configure = qobject_cast<ConfigurePage*>(m_configure);
    // Once both exist: the page may be built before the menus (all pages at once) or after them.
    if (!configure || !m_editMenu || m_configureMenusAdded)
        return;
    m_configureMenusAdded = true;
    m_editMenu->addAction(configure->undoAction());
    m_editMenu->addAction(configure->redoAction());
    m_editMenu->addSeparator();
    for (QAction* a : configure->editActions()) {
        m_editMenu->addAction(a);
    }
    QAction* toggleIssues = configure->issuesDock()->toggleViewAction();
    toggleIssues->setText(tr("Issues (Configure)"));
    m_viewMenu->insertAction(m_afterLogToggle, toggleIssues);
#endif
}

bool MainWindow::openFile(const QString& path)
{
    QString error;
    if (!m_document->open(path, &error)) {
        m_banner->setActions({});
        m_banner->showMessage(widgets::MessageBanner::Kind::Warning, tr("Could not open %1").arg(path),
                              error);
        m_settings->removeRecentFile(path);
        updateRecentMenu();
        return false;
    }
    addRecentFile(path);
    if (m_connect)
        m_connect->setDocumentPath(m_document->path());
    if (m_document->isBroken()) {
        // The text is kept as it was; Configure lists what is wrong with it.
        statusBar()->showMessage(tr("%1 does not parse: its findings are on the Configure page").arg(path),
                                 10000);
    }
    updateTitle();
    return true;
}

void MainWindow::openDialog()
{
    if (!maybeSave()) {
        return;
    }
    const QString start = m_settings->get(Settings::Key::LastConfigDirectory).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open configuration"), start,
                                                      tr("Configurations (*.conf);;All files (*)"));
    if (path.isEmpty()) {
        return;
    }
    m_settings->set(Settings::Key::LastConfigDirectory, QFileInfo(path).absolutePath());
    openFile(path);
}

bool MainWindow::save()
{
    if (m_document->path().isEmpty()) {
        return saveAs();
    }
    QString error;
    if (!m_document->save(&error)) {
        QMessageBox::warning(this, tr("Save failed"), error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(m_document->path()), 4000);
    return true;
}

bool MainWindow::saveAs()
{
    const QString start = m_document->path().isEmpty()
                              ? m_settings->get(Settings::Key::LastConfigDirectory).toString()
                              : m_document->path();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save configuration as"), start,
                                                      tr("Configurations (*.conf);;All files (*)"));
    if (path.isEmpty()) {
        return false;
    }
    QString error;
    if (!m_document->saveAs(path, &error)) {
        QMessageBox::warning(this, tr("Save failed"), error);
        return false;
    }
    m_settings->set(Settings::Key::LastConfigDirectory, QFileInfo(path).absolutePath());
    addRecentFile(path);
    return true;
}

bool MainWindow::maybeSave()
{
    if (!m_document->isDirty()) {
        return true;
    }
    UnsavedAnswer answer = m_unsavedAnswer;
    if (answer == UnsavedAnswer::Ask) {
        QMessageBox box(QMessageBox::Warning, tr("Unsaved changes"),
                        tr("The configuration has changes that are not saved."),
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
        box.setInformativeText(tr("Save them before closing?"));
        box.setDefaultButton(QMessageBox::Save);
        const int result = box.exec();
        answer = result == QMessageBox::Save      ? UnsavedAnswer::Save
                 : result == QMessageBox::Discard ? UnsavedAnswer::Discard
                                                  : UnsavedAnswer::Cancel;
    }
    switch (answer) {
    case UnsavedAnswer::Save:
        return save();
    case UnsavedAnswer::Discard:
        m_document->discardRecovery();
        return true;
    case UnsavedAnswer::Cancel:
    case UnsavedAnswer::Ask:
        break;
    }
    return false;
}

void MainWindow::addRecentFile(const QString& path)
{
    m_settings->addRecentFile(QFileInfo(path).absoluteFilePath());
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    const QStringList recent = m_settings->recentFiles();
    if (m_connect)
        m_connect->setRecentFiles(recent);
    m_recentMenu->clear();
    for (int i = 0; i < recent.size(); ++i) {
        const QString& path = recent[i];
        QAction* a =
            m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()));
        a->setToolTip(path);
        connect(a, &QAction::triggered, this, [this, path] {
            if (maybeSave()) {
                openFile(path);
            }
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::setPaletteChoice(widgets::PaletteChoice choice)
{
    widgets::applyPaletteChoice(choice);
    const QString name = widgets::paletteChoiceName(choice);
    for (QAction* a : m_paletteGroup->actions()) {
        a->setChecked(a->data().toString() == name);
    }
    m_settings->set(Settings::Key::Palette, name);
}

void MainWindow::loadSettings()
{
    updateRecentMenu();
    if (m_connect)
        m_connect->setAttachFields(m_settings->get(Settings::Key::LastAttachEndpoint).toString(),
                                   m_settings->get(Settings::Key::LastAttachTokenFile).toString());
    const QString palette = m_settings->get(Settings::Key::Palette).toString();
    for (QAction* a : m_paletteGroup->actions()) {
        a->setChecked(a->data().toString() == palette);
    }
    if (widgets::paletteChoiceFromName(palette) != widgets::PaletteChoice::System) {
        widgets::applyPaletteChoice(widgets::paletteChoiceFromName(palette));
    }
    if (!m_options.restoreLayout) {
        resize(1280, 800);
        return;
    }
    const QByteArray geometry = m_settings->windowGeometry(kLayoutVersion);
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        resize(1280, 800);
    }
    // The state blob holds the window's dock state and the splitters, in this order.
    QByteArray blob = m_settings->windowState(kLayoutVersion);
    QDataStream in(&blob, QIODevice::ReadOnly);
    QByteArray windowState, mainSplitter, monitorSplitter;
    in >> windowState >> mainSplitter >> monitorSplitter;
    if (in.status() == QDataStream::Ok) {
        restoreState(windowState, kLayoutVersion);
        m_splitter->restoreState(mainSplitter);
        m_monitor->restoreLayout(monitorSplitter);
    }
}

void MainWindow::saveSettings() const
{
    QByteArray blob;
    QDataStream out(&blob, QIODevice::WriteOnly);
    out << saveState(kLayoutVersion) << m_splitter->saveState() << m_monitor->saveLayout();
    m_settings->setWindowLayout(saveGeometry(), blob, kLayoutVersion);
    m_settings->set(Settings::Key::LastPage, pageName(currentPage()));
    m_settings->sync();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About WSGI Tuning Studio"),
        tr("<h3>WSGI Tuning Studio %1</h3>"
           "<p>Runs Python web applications the way Apache mod_wsgi daemon mode does, shows what they "
           "do, and exports the configuration that served them best as an httpd.conf snippet.</p>"
           "<p>Qt %2</p>")
            .arg(QStringLiteral(WSGI_STUDIO_VERSION), QString::fromLatin1(qVersion())));
}

void MainWindow::showShortcuts()
{
    widgets::ShortcutsDialog dialog(this);
    QList<QAction*> all;
    for (QAction* menu : menuBar()->actions()) {
        if (menu->menu()) {
            all << menu->menu()->actions();
            for (QAction* sub : menu->menu()->actions()) {
                if (sub->menu()) {
                    all << sub->menu()->actions();
                }
            }
        }
    }
    all << actions();
    dialog.setActions(all);
    dialog.exec();
}

} // namespace wsgi::studio
