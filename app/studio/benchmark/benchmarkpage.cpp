#include "studio/benchmark/benchmarkpage.h"

#include "session/abrun.h"
#include "session/configdocument.h"
#include "session/enginelauncher.h"
#include "session/format.h"
#include "session/variantbuilder.h"
#include "studio/benchmark/historypanel.h"
#include "studio/benchmark/loadsettingsform.h"
#include "studio/benchmark/resultsview.h"
#include "studio/benchmark/runprogress.h"
#include "studio/benchmark/sweepbuilder.h"
#include "studio/benchmark/variantlist.h"

#include <QAction>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace wsgi::studio::pages {

namespace {

// The name the document itself gets as a variant: the usual baseline.
QString baseVariantName()
{
    return BenchmarkPage::tr("current");
}

QWidget* titled(const QString& title, QWidget* content, QWidget* parent)
{
    auto* box = new QGroupBox(title, parent);
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(content);
    return box;
}

} // namespace

BenchmarkPage::BenchmarkPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("benchmarkPage"));
    qRegisterMetaType<AbProgress>();

    m_variants = new VariantList(this);
    m_load = new LoadSettingsForm(this);
    m_progress = new RunProgress(this);
    m_results = new ResultsView(this);
    m_results->setObjectName(QStringLiteral("results"));
    m_compareLeft = new ResultsView(this);
    m_compareLeft->setObjectName(QStringLiteral("compareLeft"));
    m_compareLeft->setCompact(true);
    m_compareRight = new ResultsView(this);
    m_compareRight->setObjectName(QStringLiteral("compareRight"));
    m_compareRight->setCompact(true);
    m_history = new HistoryPanel(this);

    m_run = new QPushButton(tr("&Run plan"), this);
    m_run->setObjectName(QStringLiteral("runPlan"));
    m_run->setToolTip(tr("Run the variants, alternated, each repeat in a fresh engine (Ctrl+R)"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelRun"));
    m_cancel->setToolTip(tr("Stop now; the repeats that completed are kept (Esc)"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("benchmarkStatus"));
    m_status->setWordWrap(true);

    auto* runButtons = new QHBoxLayout;
    runButtons->addWidget(m_run);
    runButtons->addWidget(m_cancel);
    runButtons->addStretch(1);

    auto* left = new QWidget(this);
    left->setMaximumWidth(460); // beyond that the form only spreads out; the results need the width
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(titled(tr("Variants"), m_variants, left), 3);
    leftLayout->addWidget(titled(tr("Load and plan"), m_load, left), 0);
    leftLayout->addLayout(runButtons);
    leftLayout->addWidget(m_status);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("benchmarkTabs"));
    m_tabs->addTab(m_progress, tr("Progress"));
    m_tabs->addTab(m_results, tr("Results"));
    auto* compare = new QSplitter(Qt::Horizontal, this);
    compare->addWidget(m_compareLeft);
    compare->addWidget(m_compareRight);
    m_tabs->addTab(compare, tr("Side by side"));
    m_tabs->addTab(m_history, tr("History"));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);
    splitter->setSizes({380, 1000}); // the form stays compact; the results get the room
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(splitter);

    auto* runAction = new QAction(tr("Run plan"), this);
    runAction->setObjectName(QStringLiteral("actionRunPlan"));
    runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    runAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(runAction, &QAction::triggered, this, [this] { run(); });
    auto* cancelAction = new QAction(tr("Cancel run"), this);
    cancelAction->setObjectName(QStringLiteral("actionCancelRun"));
    cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    cancelAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(cancelAction, &QAction::triggered, this, &BenchmarkPage::cancel);
    addAction(runAction);
    addAction(cancelAction);

    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this, &BenchmarkPage::cancel);
    connect(m_variants, &VariantList::changed, this, [this] {
        m_load->setVariantCount(m_variants->count());
        updateActions();
    });
    connect(m_variants, &VariantList::sweepRequested, this, [this] {
        SweepBuilder dialog({}, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        QString error;
        const auto grid = dialog.grid(error);
        const auto drafts =
            grid ? sweepDrafts(m_variants->baseText(), m_variants->documentPath(), *grid, {}, error)
                 : std::vector<VariantDraft>{};
        if (drafts.empty()) {
            setStatus(error, true);
            return;
        }
        for (const VariantDraft& d : drafts)
            m_variants->addDraft(d);
        setStatus(tr("Added %1 as variants.")
                      .arg(formatCount(qint64(drafts.size()), tr("sweep cell"), tr("sweep cells"))));
    });
    for (ResultsView* view : {m_results, m_compareLeft, m_compareRight})
        connect(view, &ResultsView::useConfigurationRequested, this,
                &BenchmarkPage::useConfigurationRequested);
    connect(m_history, &HistoryPanel::opened, this, &BenchmarkPage::showDocument);
    connect(m_history, &HistoryPanel::compareRequested, this,
            [this](const AbDocument& a, const AbDocument& b) {
                m_compareLeft->setResult(a.result, a.summary);
                m_compareRight->setResult(b.result, b.summary);
                showTab(Tab::Compare);
            });
    connect(m_history, &HistoryPanel::rerunRequested, this, &BenchmarkPage::runPlan);

    // The document as it is, the baseline most comparisons want.
    VariantDraft base;
    base.name = baseVariantName();
    base.reason = tr("the document as it is");
    m_variants->addDraft(base);
    m_history->refresh();
    updateActions();
}

BenchmarkPage::~BenchmarkPage()
{
    delete m_abRun; // stops its engine and joins its load thread
}

void BenchmarkPage::setDocument(ConfigDocument* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    if (document)
        connect(document, &ConfigDocument::modelChanged, this, &BenchmarkPage::onDocumentChanged);
    onDocumentChanged();
}

void BenchmarkPage::setHistoryDirectory(const QString& directory)
{
    m_history->setDirectory(directory);
}

void BenchmarkPage::setEnginePath(const QString& path)
{
    m_enginePath = path;
}

void BenchmarkPage::setSettings(Settings* settings)
{
    m_load->setSettings(settings);
}

bool BenchmarkPage::isRunning() const
{
    return m_abRun && !m_abRun->isFinished();
}

void BenchmarkPage::onDocumentChanged()
{
    if (!m_document)
        return;
    m_variants->setBase(m_document->text(), m_document->path());
}

void BenchmarkPage::addProposedVariant(const VariantProposal& proposal)
{
    // A proposal is compared with what runs now: the document as it is comes first.
    const auto& drafts = m_variants->drafts();
    if (std::none_of(drafts.begin(), drafts.end(), [](const VariantDraft& d) { return d.changes.empty(); })) {
        VariantDraft base;
        base.name = baseVariantName();
        base.reason = tr("the document as it is");
        m_variants->addDraft(base);
    }
    VariantDraft draft;
    draft.name = proposal.name;
    draft.reason = proposal.reason;
    draft.changes = proposal.changes;
    const QString name = m_variants->addDraft(draft);
    QString error;
    if (!applyChanges(m_variants->baseText(), m_variants->documentPath(), proposal.changes, error))
        setStatus(tr("Proposal '%1' does not apply to the current document: %2").arg(name, error), true);
    else
        setStatus(
            tr("Added the proposal '%1' as a variant%2")
                .arg(name, proposal.reason.isEmpty() ? QString() : QStringLiteral(": ") + proposal.reason));
}

std::optional<AbPlan> BenchmarkPage::buildPlan(QString& error) const
{
    if (m_variants->count() == 0) {
        error = tr("Add at least one variant.");
        return std::nullopt;
    }
    AbPlan plan = m_load->plan();
    const QString base = m_variants->baseText();
    const QString path = m_variants->documentPath();
    plan.appPath = rootScriptOf(base, path);
    if (plan.appPath.isEmpty()) {
        error = tr("The configuration mounts nothing at / (WSGIScriptAlias /): there is no app to load.");
        return std::nullopt;
    }
    plan.kind = std::any_of(m_variants->drafts().begin(), m_variants->drafts().end(),
                            [](const VariantDraft& d) { return d.reason == QLatin1String("sweep cell"); })
                    ? QStringLiteral("sweep")
                    : QStringLiteral("ab");
    for (const VariantDraft& d : m_variants->drafts()) {
        QString why;
        const auto text = applyChanges(base, path, d.changes, why);
        if (!text) {
            error = tr("Variant '%1': %2").arg(d.name, why);
            return std::nullopt;
        }
        auto variant = abVariantFor(d.name, *text, path, why);
        if (!variant) {
            error = why;
            return std::nullopt;
        }
        plan.variants.push_back(std::move(*variant));
    }
    if (!checkVariantNames(plan.variants, error))
        return std::nullopt;
    plan.enginePath = m_enginePath.isEmpty() ? EngineLauncher::defaultEnginePath() : m_enginePath;
    if (m_adjust)
        m_adjust(plan);
    return plan;
}

bool BenchmarkPage::run()
{
    QString error;
    const auto plan = buildPlan(error);
    if (!plan) {
        setStatus(error, true);
        return false;
    }
    m_runDocumentTexts.clear();
    for (const VariantDraft& d : m_variants->drafts()) {
        QString why;
        if (const auto text =
                applyChanges(m_variants->baseText(), m_variants->documentPath(), d.changes, why))
            m_runDocumentTexts.insert(d.name, *text);
    }
    return runPlan(*plan);
}

bool BenchmarkPage::runPlan(const AbPlan& given)
{
    if (isRunning()) {
        setStatus(tr("A run is in progress: cancel it first."), true);
        return false;
    }
    AbPlan plan = given;
    if (plan.variants.empty()) {
        setStatus(tr("The plan has no variants."), true);
        return false;
    }
    if (!m_enginePath.isEmpty())
        plan.enginePath = m_enginePath;
    else if (plan.enginePath.isEmpty() || !QFileInfo(plan.enginePath).isExecutable())
        plan.enginePath = EngineLauncher::defaultEnginePath(); // a document from another machine
    if (sender() == m_history) {
        m_runDocumentTexts.clear();
        m_load->setPlan(plan);
        if (m_adjust)
            m_adjust(plan);
    }
    if (m_abRun) {
        m_abRun->deleteLater();
        m_abRun = nullptr;
    }
    m_abRun = new AbRun(plan, this);
    m_abRun->setToolVersion(QStringLiteral("wsgi-studio"));
    const int runs = int(plan.variants.size()) * plan.repeats * int(std::max<size_t>(1, plan.servers.size()));
    m_progress->start(runs);
    connect(m_abRun, &AbRun::progressChanged, m_progress, &RunProgress::setProgress);
    connect(m_abRun, &AbRun::variantFailed, this, [this](int index, const QString& reason) {
        m_progress->addFailure(m_abRun->result().variants[size_t(index)].variant.name, reason);
    });
    connect(m_abRun, &AbRun::repeatFinished, this, [this] {
        // The table fills in as repeats complete: a long plan shows its shape early.
        m_results->setResult(m_abRun->result(), summarizeAbResult(m_abRun->result()), m_runDocumentTexts);
    });
    connect(m_abRun, &AbRun::finished, this, &BenchmarkPage::onRunFinished);
    m_results->clear();
    showTab(Tab::Progress);
    setStatus(tr("Running %1\u2026").arg(formatCount(runs, tr("repeat"), tr("repeats"))));
    m_abRun->start();
    updateActions();
    Q_EMIT runStarted();
    return true;
}

void BenchmarkPage::cancel()
{
    if (!isRunning())
        return;
    setStatus(tr("Cancelling: the repeats that completed are kept\u2026"));
    m_abRun->cancel();
}

void BenchmarkPage::onRunFinished()
{
    const AbResult& result = m_abRun->result();
    const AbSummary summary = summarizeAbResult(result);
    int repeats = 0;
    for (const AbVariantResult& v : result.variants)
        repeats += int(v.repeats.size());
    m_progress->setFinished(result.cancelled, repeats);
    m_results->setResult(result, summary, m_runDocumentTexts);
    if (repeats > 0) {
        QString error;
        m_lastSaved = m_history->history().save(result, summary, error);
        setStatus(m_lastSaved.isEmpty()
                      ? tr("Not saved to the history: %1").arg(error)
                      : tr("%1; saved as %2")
                            .arg(result.cancelled ? tr("Cancelled, completed repeats kept") : tr("Finished"),
                                 m_lastSaved),
                  m_lastSaved.isEmpty());
        m_history->refresh();
        showTab(Tab::Results);
    } else {
        setStatus(result.cancelled ? tr("Cancelled before any repeat completed.")
                                   : tr("No repeat completed."),
                  !result.cancelled);
    }
    updateActions();
    Q_EMIT runFinished(result.cancelled);
}

void BenchmarkPage::showDocument(const AbDocument& document, const QString& path)
{
    m_results->setResult(document.result, document.summary);
    setStatus(tr("Opened %1").arg(path));
    showTab(Tab::Results);
}

void BenchmarkPage::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

BenchmarkPage::Tab BenchmarkPage::currentTab() const
{
    return Tab(m_tabs->currentIndex());
}

QString BenchmarkPage::statusText() const
{
    return m_status->text();
}

void BenchmarkPage::updateActions()
{
    const bool running = isRunning();
    m_run->setEnabled(!running && m_variants->count() > 0);
    m_cancel->setEnabled(running);
}

void BenchmarkPage::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b") : QString());
}

} // namespace wsgi::studio::pages
