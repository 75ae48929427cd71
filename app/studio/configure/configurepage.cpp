#include "configure/configurepage.h"

#include "configure/daemongroupsmodel.h"
#include "configure/findingsmodel.h"
#include "configure/interpreteroptionsmodel.h"
#include "configure/issuesdock.h"
#include "configure/mountsmodel.h"
#include "configure/presets.h"
#include "configure/previewwidget.h"
#include "configure/toplevelform.h"
#include "session/configdocument.h"
#include "session/enginesession.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

QTableView* makeTable(QWidget* parent, const QString& name, QAbstractItemModel* model)
{
    auto* view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                          QAbstractItemView::AnyKeyPressed);
    view->setTabKeyNavigation(false); // Tab leaves the table: the page stays keyboard-navigable
    return view;
}

QPushButton* makeButton(QWidget* parent, const QString& text, const QString& name, const QString& tip)
{
    auto* b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setToolTip(tip);
    return b;
}

} // namespace

ConfigurePage::ConfigurePage(ConfigDocument* document, EngineSession* session, QWidget* parent)
    : QWidget(parent), m_document(document), m_session(session)
{
    setObjectName(u"configurePage"_s);
    m_groups = new DaemonGroupsModel(document, this);
    m_mounts = new MountsModel(document, this);
    m_containers = new InterpreterOptionsModel(document, this);
    m_findings = new FindingsModel(this);

    // An inner main window, so the Issues dock can be moved and floated within the page.
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildBanner());
    m_inner = new QMainWindow(this);
    m_inner->setObjectName(u"configureInner"_s);
    m_inner->setWindowFlags(Qt::Widget);
    layout->addWidget(m_inner);

    auto* splitter = new QSplitter(Qt::Horizontal, m_inner);
    splitter->setObjectName(u"configureSplitter"_s);
    splitter->addWidget(buildGroupsPanel());
    splitter->addWidget(buildEditorTabs());
    splitter->addWidget(buildPreviewPanel());
    // The preview gets the most room: its lines are the engine's text and are read whole.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 4);
    splitter->setSizes({210, 430, 620});
    m_inner->setCentralWidget(splitter);
    m_issues = new IssuesDock(m_findings, m_inner);
    m_inner->addDockWidget(Qt::BottomDockWidgetArea, m_issues);
    // The editors need the height more; with no findings the dock is one line.
    m_inner->resizeDocks({m_issues},
                         {m_issues->view()->isHidden() ? m_issues->minimumSizeHint().height() : 170},
                         Qt::Vertical);

    buildActions();

    connect(document, &ConfigDocument::modelChanged, this, &ConfigurePage::onModelChanged);
    connect(document, &ConfigDocument::analysisAvailable, this, &ConfigurePage::onAnalysis);
    connect(document, &ConfigDocument::undoStateChanged, this, &ConfigurePage::updateUndoActions);
    connect(document, &ConfigDocument::recoveryAvailable, this, &ConfigurePage::showRecoveryBanner);
    connect(m_form, &OptionForm::optionFocused, this, [this](const QString& group, const QString& option) {
        if (const int line = m_fieldMap.lineOf(group, option))
            m_preview->showLine(line);
    });
    connect(m_form, &OptionForm::valueRejected, this, [this](const QString& option, const QString& error) {
        setStatus(tr("%1 not applied: %2").arg(option, error), true);
    });
    connect(m_topLevel, &TopLevelForm::directiveFocused, this, [this](const QString& name) {
        if (const int line = m_fieldMap.lineOfDirective(name))
            m_preview->showLine(line);
    });
    connect(m_preview, &PreviewWidget::lineActivated, this,
            [this](int line, const QString& word) { goToField(m_fieldMap.at(line, word)); });
    connect(m_issues, &IssuesDock::findingActivated, this, &ConfigurePage::goToFinding);
    connect(m_issues, &IssuesDock::showLineRequested, m_preview, &PreviewWidget::showLine);
    connect(m_issues, &IssuesDock::currentFindingChanged, this, &ConfigurePage::updateQuickFix);
    connect(m_issues, &IssuesDock::quickFixRequested, this, [this](int row) {
        if (const auto fix = quickFixFor(m_findings->entryAt(row), m_document->model()))
            m_document->replaceModel(fix->label, fix->model);
    });
    connect(m_mounts, &MountsModel::editRejected, this,
            [this](const QString& e) { setStatus(tr("Not applied: %1").arg(e), true); });
    connect(m_containers, &InterpreterOptionsModel::editRejected, this,
            [this](const QString& e) { setStatus(tr("Not applied: %1").arg(e), true); });
    if (session)
        connect(session, &EngineSession::stateChanged, this, &ConfigurePage::onSessionState);

    onModelChanged();
    onSessionState();
    if (m_document->findingsRevision() == m_document->revision())
        onAnalysis(m_document->revision());
    else
        m_document->analyseNow();
}

ConfigurePage::~ConfigurePage() = default;

void ConfigurePage::showRecoveryBanner()
{
    m_banner->setText(tr("Unsaved changes to this file were recovered from the last session."));
    m_restoreButton->show();
    m_discardButton->show();
    m_bannerBox->show();
}

QWidget* ConfigurePage::buildBanner()
{
    m_bannerBox = new QWidget(this);
    m_bannerBox->setObjectName(u"configureBanner"_s);
    m_bannerBox->setAutoFillBackground(true);
    QPalette p = m_bannerBox->palette();
    p.setColor(QPalette::Window,
               p.color(QPalette::Window).lightness() < 128 ? QColor("#4a3b12") : QColor("#fff3cd"));
    m_bannerBox->setPalette(p);
    auto* row = new QHBoxLayout(m_bannerBox);
    m_banner = new QLabel(m_bannerBox);
    m_banner->setWordWrap(true);
    m_restoreButton = makeButton(m_bannerBox, tr("Restore"), u"restoreRecovery"_s,
                                 tr("Load the recovered text as an undoable edit"));
    m_discardButton =
        makeButton(m_bannerBox, tr("Discard"), u"discardRecovery"_s, tr("Delete the recovered text"));
    row->addWidget(m_banner, 1);
    row->addWidget(m_restoreButton);
    row->addWidget(m_discardButton);
    connect(m_restoreButton, &QPushButton::clicked, this, [this] {
        m_document->restoreRecovery();
        m_bannerBox->hide();
    });
    connect(m_discardButton, &QPushButton::clicked, this, [this] {
        m_document->discardRecovery();
        m_bannerBox->hide();
    });
    m_bannerBox->hide();
    return m_bannerBox;
}

QWidget* ConfigurePage::buildGroupsPanel()
{
    auto* panel = new QWidget(this);
    auto* v = new QVBoxLayout(panel);
    v->setContentsMargins(6, 6, 0, 6);
    auto* title = new QLabel(tr("<b>Daemon groups</b>"), panel);
    v->addWidget(title);
    m_groupsView = makeTable(panel, u"groupsView"_s, m_groups);
    m_groupsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_groupsView->horizontalHeader()->setStretchLastSection(false);
    m_groupsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_groupsView->horizontalHeader()->setSectionResizeMode(DaemonGroupsModel::NameColumn,
                                                           QHeaderView::Stretch);
    m_groupsView->setColumnHidden(DaemonGroupsModel::RuntimeColumn, false);
    title->setBuddy(m_groupsView);
    v->addWidget(m_groupsView, 1);
    connect(m_groupsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                m_form->setGroup(m_groups->groupAt(current.row()));
                updatePresetNote();
            });
    connect(m_groups, &QAbstractItemModel::modelReset, this, [this] {
        // Keep the selection on the same group (or the first) across a reset.
        const QString keep = m_form->group();
        selectGroup(m_groups->rowOf(keep) >= 0 ? keep : m_groups->groupAt(0));
    });

    auto* buttons = new QGridLayout;
    auto* add = makeButton(panel, tr("&Add…"), u"addGroup"_s, tr("Add a daemon group"));
    auto* duplicate = makeButton(panel, tr("D&uplicate"), u"duplicateGroup"_s,
                                 tr("Copy the selected group with all its options"));
    auto* rename = makeButton(panel, tr("Re&name…"), u"renameGroup"_s,
                              tr("Rename the group; mounts and containers follow"));
    auto* remove =
        makeButton(panel, tr("Remo&ve"), u"removeGroup"_s, tr("Remove the group (undo brings it back)"));
    buttons->addWidget(add, 0, 0);
    buttons->addWidget(duplicate, 0, 1);
    buttons->addWidget(rename, 1, 0);
    buttons->addWidget(remove, 1, 1);
    v->addLayout(buttons);
    auto report = [this](bool ok, const QString& error) {
        if (!ok && !error.isEmpty())
            setStatus(error, true);
    };
    connect(add, &QPushButton::clicked, this, [this, report] {
        bool ok = false;
        const QString name =
            QInputDialog::getText(this, tr("Add daemon group"), tr("Name:"), QLineEdit::Normal, {}, &ok);
        QString error;
        if (ok && !name.isEmpty()) {
            report(m_document->addGroup(name.trimmed(), &error), error);
            selectGroup(name.trimmed());
        }
    });
    connect(duplicate, &QPushButton::clicked, this, [this, report] {
        const QString from = selectedGroup();
        QString name = from + u"-copy"_s;
        for (int i = 2; m_document->daemon(name); ++i)
            name = from + u"-copy"_s + QString::number(i);
        QString error;
        report(m_document->duplicateGroup(from, name, &error), error);
        selectGroup(name);
    });
    connect(rename, &QPushButton::clicked, this, [this, report] {
        const QString from = selectedGroup();
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Rename daemon group"), tr("New name:"),
                                                   QLineEdit::Normal, from, &ok);
        QString error;
        if (ok && !name.isEmpty() && name != from) {
            report(m_document->renameGroup(from, name.trimmed(), &error), error);
            selectGroup(name.trimmed());
        }
    });
    connect(remove, &QPushButton::clicked, this, [this, report] {
        QString error;
        report(m_document->removeGroup(selectedGroup(), &error), error);
    });

    auto* presetTitle = new QLabel(tr("<b>Preset</b> (for the selected group)"), panel);
    v->addWidget(presetTitle);
    m_presetBox = new QComboBox(panel);
    m_presetBox->setObjectName(u"presetBox"_s);
    // Long preset names must not widen the panel: the popup shows them in full.
    m_presetBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presetBox->setMinimumContentsLength(14);
    for (const Preset& p : presets()) {
        m_presetBox->addItem(p.name, p.id);
        m_presetBox->setItemData(m_presetBox->count() - 1, p.description, Qt::ToolTipRole);
    }
    presetTitle->setBuddy(m_presetBox);
    auto* applyPresetButton = makeButton(panel, tr("Use &preset"), u"applyPreset"_s,
                                         tr("Set the group's options to the preset (one undo step)"));
    auto* presetRow = new QHBoxLayout;
    presetRow->addWidget(m_presetBox, 1);
    presetRow->addWidget(applyPresetButton);
    v->addLayout(presetRow);
    m_presetNote = new QLabel(panel);
    m_presetNote->setObjectName(u"presetNote"_s);
    m_presetNote->setWordWrap(true);
    v->addWidget(m_presetNote);
    connect(applyPresetButton, &QPushButton::clicked, this,
            [this] { applyPreset(m_presetBox->currentData().toString()); });
    connect(m_presetBox, &QComboBox::currentIndexChanged, this, [this] {
        if (m_activePreset.isEmpty())
            m_presetNote->setText(m_presetBox->currentData(Qt::ToolTipRole).toString());
    });
    m_presetNote->setText(m_presetBox->currentData(Qt::ToolTipRole).toString());
    return panel;
}

QWidget* ConfigurePage::buildEditorTabs()
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"configureTabs"_s);

    auto* optionsPage = new QWidget(m_tabs);
    auto* ov = new QVBoxLayout(optionsPage);
    m_changedOnly = new QCheckBox(tr("Show &changed only"), optionsPage);
    m_changedOnly->setObjectName(u"showChangedOnly"_s);
    ov->addWidget(m_changedOnly);
    m_form = new OptionForm(m_document, optionsPage);
    ov->addWidget(m_form, 1);
    connect(m_changedOnly, &QCheckBox::toggled, m_form, &OptionForm::setShowChangedOnly);
    m_tabs->addTab(optionsPage, tr("Daemon &options"));

    auto tablePage = [this](QAbstractItemModel* model, const QString& name, QTableView*& view, auto onAdd,
                            auto onRemove, const QString& help) {
        auto* page = new QWidget(m_tabs);
        auto* v = new QVBoxLayout(page);
        auto* helpLabel = new QLabel(help, page);
        helpLabel->setWordWrap(true);
        v->addWidget(helpLabel);
        view = makeTable(page, name, model);
        view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
        v->addWidget(view, 1);
        auto* row = new QHBoxLayout;
        auto* add = makeButton(page, tr("Add"), name + u"Add"_s, {});
        auto* remove = makeButton(page, tr("Remove"), name + u"Remove"_s, {});
        row->addWidget(add);
        row->addWidget(remove);
        row->addStretch();
        v->addLayout(row);
        connect(add, &QPushButton::clicked, this, onAdd);
        connect(remove, &QPushButton::clicked, this, [this, &view, onRemove] {
            if (view->currentIndex().isValid())
                onRemove(view->currentIndex().row());
        });
        return page;
    };
    m_tabs->addTab(
        tablePage(
            m_mounts, u"mountsView"_s, m_mountsView,
            [this] {
                config::ScriptAlias a;
                a.url = "/app" + std::to_string(m_document->model().server.aliases.size() + 1);
                a.script = m_document->model().server.aliases.empty()
                               ? std::string("app.wsgi")
                               : m_document->model().server.aliases.front().script;
                if (!selectedGroup().isEmpty())
                    a.options.set("process-group", selectedGroup().toStdString());
                QString error;
                if (!m_document->addMount(a, &error))
                    setStatus(error, true);
            },
            [this](int row) { m_document->removeMount(row); },
            tr("WSGIScriptAlias: requests under a URL prefix go to a script, run in a daemon group and "
               "application group. Double-click or F2 to edit a cell.")),
        tr("&Mounts"));
    m_tabs->addTab(
        tablePage(
            m_containers, u"containersView"_s, m_containersView,
            [this] {
                config::InterpreterOptionsBlock b;
                if (!selectedGroup().isEmpty())
                    b.processGroup = selectedGroup().toStdString();
                m_document->addContainer(b);
            },
            [this](int row) { m_document->removeContainer(row); },
            tr("&lt;WSGIInterpreterOptions&gt;: GIL and path settings for the interpreters a selector "
               "picks (mod_wsgi 6.0). Directives are written \"Name value; Name value\".")),
        tr("&Interpreters"));
    auto* scroll = new QScrollArea(m_tabs);
    scroll->setWidgetResizable(true);
    m_topLevel = new TopLevelForm(m_document, scroll);
    scroll->setWidget(m_topLevel);
    m_tabs->addTab(scroll, tr("&Server"));

    auto* textPage = new QWidget(m_tabs);
    auto* tv = new QVBoxLayout(textPage);
    auto* textHelp =
        new QLabel(tr("The configuration as text. \"Use this text\" replaces the document (one undo "
                      "step); a text that does not parse is kept as it is, with its findings."),
                   textPage);
    textHelp->setWordWrap(true);
    tv->addWidget(textHelp);
    m_textEdit = new QPlainTextEdit(textPage);
    m_textEdit->setObjectName(u"configText"_s);
    m_textEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_textEdit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_textEdit->setTabChangesFocus(true);
    tv->addWidget(m_textEdit, 1);
    auto* useText = makeButton(textPage, tr("Use this text"), u"useText"_s, {});
    tv->addWidget(useText, 0, Qt::AlignLeft);
    connect(useText, &QPushButton::clicked, this, [this] {
        if (m_textEdit->toPlainText() != m_document->text())
            m_document->setText(m_textEdit->toPlainText());
    });
    m_tabs->addTab(textPage, tr("&Text"));
    return m_tabs;
}

QWidget* ConfigurePage::buildPreviewPanel()
{
    auto* panel = new QWidget(this);
    auto* v = new QVBoxLayout(panel);
    v->setContentsMargins(0, 6, 6, 6);
    v->addWidget(new QLabel(tr("<b>Preview</b>: the exact text the engine will run"), panel));
    m_preview = new PreviewWidget(panel);
    v->addWidget(m_preview, 1);
    auto* row = new QHBoxLayout;
    auto* apply = makeButton(panel, tr("Apply to engine"), u"applyButton"_s,
                             tr("Validate, then reload the engine with this text (Ctrl+Return)"));
    row->addWidget(apply);
    m_status = new QLabel(panel);
    m_status->setObjectName(u"applyStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_status, 1);
    v->addLayout(row);
    connect(apply, &QPushButton::clicked, this, &ConfigurePage::apply);
    return panel;
}

void ConfigurePage::buildActions()
{
    auto make = [this](const QString& text, const QString& name, const QKeySequence& key) {
        auto* a = new QAction(text, this);
        a->setObjectName(name);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
        return a;
    };
    m_applyAction = make(tr("Apply to engine"), u"configureApply"_s, QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_undoAction = make(tr("Undo"), u"configureUndo"_s, QKeySequence(Qt::CTRL | Qt::Key_Z));
    m_redoAction = make(tr("Redo"), u"configureRedo"_s, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    m_nextAction = make(tr("Next finding"), u"configureNextFinding"_s, QKeySequence(Qt::Key_F6));
    m_previousAction =
        make(tr("Previous finding"), u"configurePreviousFinding"_s, QKeySequence(Qt::SHIFT | Qt::Key_F6));
    connect(m_applyAction, &QAction::triggered, this, &ConfigurePage::apply);
    connect(m_undoAction, &QAction::triggered, m_document, &ConfigDocument::undo);
    connect(m_redoAction, &QAction::triggered, m_document, &ConfigDocument::redo);
    connect(m_nextAction, &QAction::triggered, m_issues, &IssuesDock::next);
    connect(m_previousAction, &QAction::triggered, m_issues, &IssuesDock::previous);
    updateUndoActions();
}

QList<QAction*> ConfigurePage::pageActions() const
{
    return {m_applyAction, m_undoAction, m_redoAction, m_nextAction, m_previousAction};
}

QList<QAction*> ConfigurePage::editActions() const
{
    return {m_applyAction, m_nextAction, m_previousAction};
}

void ConfigurePage::updateUndoActions()
{
    m_undoAction->setEnabled(m_document->canUndo());
    m_redoAction->setEnabled(m_document->canRedo());
    m_undoAction->setText(m_document->canUndo() ? tr("Undo %1").arg(m_document->undoText()) : tr("Undo"));
    m_redoAction->setText(m_document->canRedo() ? tr("Redo %1").arg(m_document->redoText()) : tr("Redo"));
}

void ConfigurePage::setRuntimes(const QList<RuntimeChoice>& runtimes)
{
    m_runtimes = runtimes;
    m_form->setRuntimes(runtimes);
}

void ConfigurePage::selectGroup(const QString& group)
{
    const int row = m_groups->rowOf(group);
    if (row < 0) {
        m_form->setGroup({});
        return;
    }
    m_groupsView->setCurrentIndex(m_groups->index(row, DaemonGroupsModel::NameColumn));
    m_form->setGroup(group);
}

QString ConfigurePage::selectedGroup() const
{
    return m_form->group();
}

} // namespace wsgi::studio
