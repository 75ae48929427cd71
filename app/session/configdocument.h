#pragma once
// One configuration being edited: the file it came from (kept as apache-config's ImportedConfig so
// that everything the model does not cover, Listen included, is written back byte for byte), the
// WsgiModel being edited, a dirty flag, a revision counter and an undo stack of named steps.
//
// Every change is a named edit operation that stores value snapshots of the model (before, after):
// undo and redo restore a snapshot, so they are exact whatever the operation did. Each change bumps
// the revision; validation findings and the rendered texts (the engine's, mod_wsgi 6.0's and 4.9's)
// are computed off the GUI thread for that revision and delivered only if the document is still at
// it: a stale result is dropped, never shown.
//
// A file that does not parse opens "broken": its text is kept exactly as read, its findings are
// listed, the model is empty and only setText (a whole-text edit) changes it. Saving a broken document
// writes its text back unchanged, so nothing the user wrote is lost.

#include "apache-config/configimport.h"
#include "apache-config/renderer.h"
#include "apache-config/wsgimodel.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace wsgi::studio {

// What one revision renders to for one target.
struct RenderedText
{
    config::Dialect dialect = config::Dialect::Engine;
    QString text;
    std::vector<config::GeneratedFile> scripts; // mod_wsgi 4.9 import scripts
    std::vector<config::Finding> findings;      // changed or dropped for the target
};

// Everything computed off the GUI thread for one revision.
struct DocumentAnalysis
{
    quint64 revision = 0;
    std::vector<config::Finding> findings; // the engine's rules plus mod_wsgi 6's cross-field rules
    std::vector<RenderedText> texts;       // Engine, ModWsgi6, ModWsgi4
};

class ConfigDocument : public QObject
{
    Q_OBJECT

public:
    enum class ImportMode
    {
        Replace, // the WSGI and MPM part of the document becomes the imported one
        Merge,   // imported groups, mounts, containers and directives are added; same names are replaced
    };

    // The text of a new document: the demo's shape (Listen, one group, one mount).
    static QString defaultText();

    explicit ConfigDocument(QObject* parent = nullptr);
    ~ConfigDocument() override;

    // ---- file --------------------------------------------------------------------------------
    bool open(const QString& path, QString* error = nullptr); // false: unreadable, document unchanged
    void setNew(const QString& text = defaultText());         // an untitled document
    bool save(QString* error = nullptr);                      // to path(); false without a path
    bool saveAs(const QString& path, QString* error = nullptr);
    QString path() const { return m_path; }
    bool isDirty() const { return m_undoIndex != m_cleanIndex; }
    quint64 revision() const { return m_revision; }
    bool isBroken() const; // the text does not parse; only setText changes it

    // Recovery: after each change the text is written (debounced) to recoveryPath(); save() and a
    // clean close remove it. open() reports a recovery file newer than the document with
    // recoveryAvailable(); restoreRecovery() loads it as an undoable edit.
    static QString recoveryPathFor(const QString& documentPath);
    void setRecoveryDirectory(const QString& directory); // tests; default: the app's local data dir
    QString recoveryPath() const;
    bool hasRecovery() const;
    bool restoreRecovery();
    void discardRecovery();
    void writeRecoveryNow();

    // ---- what the document says ------------------------------------------------------------
    const config::WsgiModel& model() const { return m_current.model; }
    const config::ImportedConfig& source() const { return m_current.source->imported; }
    QString text() const; // exactly what the engine runs (computed now)
    QString sourceText() const { return m_current.source->text; }               // as opened or last set
    const std::vector<config::Finding>& findings() const { return m_findings; } // of findingsRevision()
    quint64 findingsRevision() const { return m_findingsRevision; }
    std::optional<RenderedText> rendered(config::Dialect dialect) const; // latest delivered
    const config::DaemonProcess* daemon(const QString& name) const;
    QStringList groupNames() const;

    // Whether `value` is acceptable for daemon option `option` (mod_wsgi's own value rules and
    // ranges): empty if it is, else what is wrong. Used before an edit is applied.
    static QString checkDaemonOption(const QString& option, const QString& value);

    // ---- named edit operations (false + error: nothing changed) ----------------------------
    bool addGroup(const QString& name, QString* error = nullptr);
    bool duplicateGroup(const QString& name, const QString& newName, QString* error = nullptr);
    bool renameGroup(const QString& name, const QString& newName, QString* error = nullptr);
    bool removeGroup(const QString& name, QString* error = nullptr);
    bool setDaemonOption(const QString& group, const QString& option, const QString& value,
                         QString* error = nullptr);
    bool clearDaemonOption(const QString& group, const QString& option, QString* error = nullptr);
    bool addMount(const config::ScriptAlias& mount, QString* error = nullptr);
    bool setMount(int index, const config::ScriptAlias& mount, QString* error = nullptr);
    bool removeMount(int index, QString* error = nullptr);
    // Top-level directive (WSGISwitchInterval, WSGIPerInterpreterGIL, ...): empty args removes it.
    bool setDirective(const QString& name, const QStringList& args, QString* error = nullptr);
    bool addContainer(const config::InterpreterOptionsBlock& block, QString* error = nullptr);
    bool setContainer(int index, const config::InterpreterOptionsBlock& block, QString* error = nullptr);
    bool removeContainer(int index, QString* error = nullptr);
    // MPM directive at the top level (applies to whichever MPM is loaded); empty value removes it.
    bool setMpmValue(const QString& name, const QString& value, QString* error = nullptr);
    // A whole model at once (presets, quick fixes), as one undo step called `stepName`.
    bool replaceModel(const QString& stepName, const config::WsgiModel& model);
    // The whole text (what a user typed in a text view); a text that does not parse makes the document
    // broken and keeps the text.
    bool setText(const QString& text, const QString& stepName = QStringLiteral("Edit text"));
    // An httpd.conf read elsewhere, into this document.
    bool importModel(const config::ImportedConfig& imported, ImportMode mode, QString* error = nullptr);

    // ---- undo --------------------------------------------------------------------------------
    bool canUndo() const { return m_undoIndex > 0; }
    bool canRedo() const { return m_undoIndex < m_steps.size(); }
    QString undoText() const; // the step's name, "" when there is none
    QString redoText() const;
    void undo();
    void redo();
    int undoCount() const { return int(m_steps.size()); }

    // ---- analysis ----------------------------------------------------------------------------
    // Waits this long after the last change before analysing (coalesces typing). Default 60 ms.
    void setAnalysisDelay(std::chrono::milliseconds delay) { m_analysisDelay = delay; }
    // Makes every analysis job take at least this long (tests of slow validation). Default 0.
    void setAnalysisCostForTesting(std::chrono::milliseconds cost) { m_analysisCost = cost; }
    void analyseNow(); // start a job for the current revision without waiting for the delay
    bool analysisRunning() const;
    int staleResultsDropped() const { return m_staleDropped; }

    // The analysis itself (pure, any thread): what DocumentAnalysis holds for one snapshot.
    struct Source
    {
        QString text;
        config::ImportedConfig imported;
        bool broken = false;
    };
    static DocumentAnalysis analyse(const Source& source, const config::WsgiModel& model, const QString& path,
                                    quint64 revision);
    static std::shared_ptr<const Source> readSource(const QString& text, const QString& path);
    static QString renderEngineText(const Source& source, const config::WsgiModel& model);

signals:
    void modelChanged(quint64 revision); // after every edit, undo, redo, open
    void dirtyChanged(bool dirty);
    void pathChanged(const QString& path);
    void undoStateChanged(); // canUndo/canRedo/undoText/redoText may differ
    void findingsAvailable(quint64 revision, const std::vector<wsgi::config::Finding>& findings);
    void previewAvailable(quint64 revision, wsgi::config::Dialect dialect, const QString& text);
    void analysisAvailable(quint64 revision); // after findings and previews of that revision
    void recoveryAvailable(const QString& recoveryPath);

private:
    struct State
    {
        std::shared_ptr<const Source> source;
        config::WsgiModel model;
    };
    struct Step
    {
        QString name;
        State before;
        State after;
    };

    bool edit(const QString& name, const std::function<bool(config::WsgiModel&, QString&)>& change,
              QString* error);
    void push(const QString& name, State after);
    void setState(State state, bool wasDirty);
    void reset(State state);
    void scheduleAnalysis();
    void onAnalysisFinished();
    bool writeText(const QString& path, const QString& text, QString* error);
    config::DaemonProcess* findDaemon(config::WsgiModel& model, const QString& name);

    State m_current;
    std::vector<Step> m_steps;
    std::size_t m_undoIndex = 0;
    std::size_t m_cleanIndex = 0;
    QString m_path;
    quint64 m_revision = 0;

    std::vector<config::Finding> m_findings;
    quint64 m_findingsRevision = 0;
    std::vector<RenderedText> m_rendered;
    QTimer m_analysisTimer;
    std::chrono::milliseconds m_analysisDelay{60};
    std::chrono::milliseconds m_analysisCost{0};
    std::vector<std::unique_ptr<QFutureWatcher<DocumentAnalysis>>> m_jobs;
    int m_staleDropped = 0;

    QString m_recoveryDirectory;
    QTimer m_recoveryTimer;
};

} // namespace wsgi::studio

Q_DECLARE_METATYPE(std::vector<wsgi::config::Finding>)
Q_DECLARE_METATYPE(wsgi::config::Dialect)
