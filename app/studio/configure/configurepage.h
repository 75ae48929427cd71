#pragma once
// The Configure page: daemon groups (add, duplicate, rename, remove, presets), every WSGIDaemonProcess
// option of the selected group, mounts, <WSGIInterpreterOptions> containers and the top-level
// directives; findings beside their fields and in the Issues dock; the live preview of the exact
// engine text with a diff against what the engine runs now; Apply (validate, then reload).
//
// Pages write only through ConfigDocument and EngineSession. Actions other code may put in menus
// (objectName, shortcut): configureApply Ctrl+Return, configureUndo Ctrl+Z, configureRedo Ctrl+Shift+Z,
// configureNextFinding F6, configurePreviousFinding Shift+F6. Their shortcuts work while the focus is
// inside the page (Qt::WidgetWithChildrenShortcut), so a window that adds these same actions to its
// menus gets no ambiguous shortcuts.

#include "configure/fieldmap.h"
#include "configure/optionform.h"

#include <QList>
#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QMainWindow;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
QT_END_NAMESPACE

namespace wsgi::studio {

class ConfigDocument;
class DaemonGroupsModel;
class EngineSession;
class FindingsModel;
class InterpreterOptionsModel;
class IssuesDock;
class MountsModel;
class PreviewWidget;
class TopLevelForm;
struct ReloadOutcome;

class ConfigurePage : public QWidget
{
    Q_OBJECT
public:
    ConfigurePage(ConfigDocument* document, EngineSession* session, QWidget* parent = nullptr);
    ~ConfigurePage() override;

    QList<QAction*> pageActions() const; // all five
    QList<QAction*>
    editActions() const; // apply, next and previous finding (undo/redo have their own getters)
    QAction* applyAction() const { return m_applyAction; }
    QAction* undoAction() const { return m_undoAction; }
    QAction* redoAction() const { return m_redoAction; }
    QAction* nextFindingAction() const { return m_nextAction; }
    QAction* previousFindingAction() const { return m_previousAction; }

    void setRuntimes(const QList<RuntimeChoice>& runtimes);
    // "Unsaved changes were recovered": shown when the document reports a recovery file (also by a
    // window that built this page after the document was opened).
    void showRecoveryBanner();
    // The text the engine runs now (for the diff); set on Ready from the document when not told.
    void setRunningText(const QString& text);
    QString runningText() const { return m_runningText; }
    void selectGroup(const QString& group);
    QString selectedGroup() const;
    bool applyPreset(const QString& presetId); // to the selected group, as one undo step
    QString presetNote() const;
    quint64 appliedRevision() const { return m_appliedRevision; }
    QString applyStatus() const;

    OptionForm* optionForm() const { return m_form; }
    TopLevelForm* topLevelForm() const { return m_topLevel; }
    PreviewWidget* preview() const { return m_preview; }
    IssuesDock* issuesDock() const { return m_issues; }
    FindingsModel* findingsModel() const { return m_findings; }

public slots:
    void apply();

signals:
    // After the engine accepted the document at `revision` (the status bar marks it).
    void applied(quint64 revision, qint64 generation);
    void applyFailed(const QString& message);

private:
    void buildActions();
    QWidget* buildGroupsPanel();
    QWidget* buildEditorTabs();
    QWidget* buildPreviewPanel();
    QWidget* buildBanner();
    void onModelChanged();
    void onAnalysis(quint64 revision);
    void onSessionState();
    void continueApply();
    void onReloaded(const ReloadOutcome& outcome, const QString& text, quint64 revision);
    void goToField(const FieldRef& ref);
    void goToFinding(int row);
    void updateQuickFix(int row);
    void updatePresetNote();
    void setStatus(const QString& text, bool error);
    void updateUndoActions();

    ConfigDocument* m_document;
    QPointer<EngineSession> m_session;
    QMainWindow* m_inner = nullptr;
    DaemonGroupsModel* m_groups = nullptr;
    MountsModel* m_mounts = nullptr;
    InterpreterOptionsModel* m_containers = nullptr;
    FindingsModel* m_findings = nullptr;
    QTableView* m_groupsView = nullptr;
    QTableView* m_mountsView = nullptr;
    QTableView* m_containersView = nullptr;
    QTabWidget* m_tabs = nullptr;
    OptionForm* m_form = nullptr;
    TopLevelForm* m_topLevel = nullptr;
    PreviewWidget* m_preview = nullptr;
    IssuesDock* m_issues = nullptr;
    QCheckBox* m_changedOnly = nullptr;
    QComboBox* m_presetBox = nullptr;
    QLabel* m_presetNote = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_banner = nullptr;
    QWidget* m_bannerBox = nullptr;
    QPushButton* m_restoreButton = nullptr;
    QPushButton* m_discardButton = nullptr;
    QPlainTextEdit* m_textEdit = nullptr;
    QAction* m_applyAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QAction* m_nextAction = nullptr;
    QAction* m_previousAction = nullptr;

    FieldMap m_fieldMap;
    QList<RuntimeChoice> m_runtimes;
    QString m_runningText;
    QString m_activePreset;
    QString m_presetGroup;
    quint64 m_appliedRevision = 0;
    bool m_applyPending = false;
    bool m_reloadInFlight = false;
    std::vector<FindingEntry> m_engineFindings; // from the last rejected reload
};

} // namespace wsgi::studio
