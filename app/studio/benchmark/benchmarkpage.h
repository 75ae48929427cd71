#pragma once
// The Benchmark page: A/B runs and sweeps of the current configuration, in the window. On the left
// the next run is built: variants (copies of the document with named changes, each shown as a diff;
// a sweep grid; the Monitor page's proposals), the load and the plan with its estimated time. On the
// right: the run's progress with a live chart, the results, two results side by side, and the history
// of every run saved in the user's data directory.
//
// Each run is an AbRun on the GUI thread (its load generator on a thread of its own): fresh engine per
// repeat, variants alternated, cancel keeps what completed. The finished result is saved to the
// history and shown; "Use this configuration" hands a variant's text to the main window.

#include "session/abresult.h"
#include "session/variantproposal.h"

#include <QMap>
#include <QPointer>
#include <QWidget>

#include <functional>

QT_BEGIN_NAMESPACE
class QLabel;
class QPushButton;
class QTabWidget;
QT_END_NAMESPACE

namespace wsgi::studio {
class AbRun;
class ConfigDocument;
class Settings;
struct AbDocument;
} // namespace wsgi::studio

namespace wsgi::studio::pages {

class HistoryPanel;
class LoadSettingsForm;
class ResultsView;
class RunProgress;
class VariantList;

class BenchmarkPage : public QWidget
{
    Q_OBJECT
public:
    enum class Tab
    {
        Progress,
        Results,
        Compare,
        History
    };

    explicit BenchmarkPage(QWidget* parent = nullptr);
    ~BenchmarkPage() override;

    // The document variants are copies of (followed as it changes).
    void setDocument(ConfigDocument* document);
    // Where runs are saved and listed (default: BenchmarkHistory's, in the user's data directory).
    void setHistoryDirectory(const QString& directory);
    void setEnginePath(const QString& path); // default: EngineLauncher::defaultEnginePath()
    // The studio's settings: the load form restores its last values from them and keeps them there.
    void setSettings(Settings* settings);
    // Tests shorten what a user never needs to (readiness and start timeouts, telemetry interval).
    void setPlanAdjustment(std::function<void(AbPlan&)> adjust) { m_adjust = std::move(adjust); }

    bool isRunning() const;
    // The plan the form and the variants describe; empty with `error` saying what is missing or wrong.
    std::optional<AbPlan> buildPlan(QString& error) const;
    QString lastSavedPath() const { return m_lastSaved; }
    QString statusText() const;
    void showTab(Tab tab);
    Tab currentTab() const;

    VariantList* variants() const { return m_variants; }
    LoadSettingsForm* loadForm() const { return m_load; }
    RunProgress* progress() const { return m_progress; }
    ResultsView* results() const { return m_results; }
    ResultsView* compareLeft() const { return m_compareLeft; }
    ResultsView* compareRight() const { return m_compareRight; }
    HistoryPanel* history() const { return m_history; }

public Q_SLOTS:
    void addProposedVariant(const wsgi::studio::VariantProposal& proposal);
    bool run();
    bool runPlan(const wsgi::studio::AbPlan& plan); // a rerun: exactly this plan
    void cancel();

Q_SIGNALS:
    void useConfigurationRequested(const QString& apacheText);
    void runStarted();
    void runFinished(bool cancelled);

private:
    void onDocumentChanged();
    void onRunFinished();
    void showDocument(const AbDocument& document, const QString& path);
    void updateActions();
    void setStatus(const QString& text, bool error = false);

    QPointer<ConfigDocument> m_document;
    VariantList* m_variants = nullptr;
    LoadSettingsForm* m_load = nullptr;
    RunProgress* m_progress = nullptr;
    ResultsView* m_results = nullptr;
    ResultsView* m_compareLeft = nullptr;
    ResultsView* m_compareRight = nullptr;
    HistoryPanel* m_history = nullptr;
    QTabWidget* m_tabs = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QLabel* m_status = nullptr;
    AbRun* m_abRun = nullptr;
    QMap<QString, QString> m_runDocumentTexts; // of the run in progress, by variant name
    QString m_enginePath;
    QString m_lastSaved;
    std::function<void(AbPlan&)> m_adjust;
};

} // namespace wsgi::studio::pages
