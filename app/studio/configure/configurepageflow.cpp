// ConfigurePage: following the document (findings, preview, presets), navigation between findings,
// fields and preview lines, and Apply.

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
#include "session/format.h"

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

void ConfigurePage::onModelChanged()
{
    if (!m_textEdit->hasFocus())
        m_textEdit->setPlainText(m_document->text());
    m_engineFindings.clear(); // an edit supersedes what the engine said about the old text
    if (m_document->isBroken()) {
        m_banner->setText(
            tr("This file does not parse. Its text is kept exactly as written; fix it on the Text "
               "tab (the Issues list says where). Nothing is lost or rewritten."));
        m_restoreButton->hide();
        m_discardButton->hide();
        m_bannerBox->show();
        m_tabs->setCurrentIndex(m_tabs->count() - 1);
    } else if (!m_restoreButton->isVisible()) {
        m_bannerBox->hide();
    }
    if (selectedGroup().isEmpty() && m_groups->rowCount() > 0)
        selectGroup(m_groups->groupAt(0));
    updatePresetNote();
}

void ConfigurePage::onAnalysis(quint64 revision)
{
    if (revision != m_document->revision())
        return;
    const std::optional<RenderedText> engine = m_document->rendered(config::Dialect::Engine);
    const QString text = engine ? engine->text : m_document->text();
    m_fieldMap = FieldMap(text);
    std::vector<FindingEntry> entries = m_fieldMap.entries(m_document->findings());
    entries.insert(entries.end(), m_engineFindings.begin(), m_engineFindings.end());
    m_findings->setFindings(entries);
    m_form->setFindings(entries);
    m_topLevel->setFindings(entries);
    m_preview->setTexts(text, m_document->sourceText(), m_runningText);
    m_preview->setFindings(entries);
    if (m_applyPending) {
        m_applyPending = false;
        continueApply();
    }
}

void ConfigurePage::onSessionState()
{
    const bool ready = m_session && m_session->state() == EngineSession::State::Ready;
    m_applyAction->setEnabled(true); // Apply explains itself when there is no engine
    if (!m_session)
        return;
    m_topLevel->setDispatchMode(m_session->dispatchMode());
    if (ready && m_runningText.isEmpty()) {
        // What the engine was started on; an attached engine's text is not known until an Apply.
        QString running;
        if (m_session->isLocal()) {
            const EngineSession::LocalOptions& local = m_session->localOptions();
            running = local.configText;
            if (running.isEmpty() && !local.configFile.isEmpty()) {
                QFile file(local.configFile);
                if (file.open(QIODevice::ReadOnly))
                    running = QString::fromUtf8(file.readAll());
            }
        }
        setRunningText(running);
    }
    if (!ready && m_session->state() == EngineSession::State::Idle)
        setRunningText({});
}

void ConfigurePage::setRunningText(const QString& text)
{
    m_runningText = text;
    m_preview->setTexts(m_document->text(), m_document->sourceText(), m_runningText);
}

QString ConfigurePage::applyStatus() const
{
    return m_status->text();
}

void ConfigurePage::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? u"color: #c0392b;"_s : QString());
}

void ConfigurePage::apply()
{
    if (m_reloadInFlight)
        return;
    if (!m_session || m_session->state() != EngineSession::State::Ready) {
        const QString state = m_session ? EngineSession::stateName(m_session->state()) : tr("none");
        setStatus(tr("No engine to apply to (engine: %1). Start or attach one on the Start page.").arg(state),
                  true);
        emit applyFailed(m_status->text());
        return;
    }
    // Validate first: the findings must be those of this very revision.
    if (m_document->findingsRevision() != m_document->revision()) {
        m_applyPending = true;
        setStatus(tr("Validating…"), false);
        m_document->analyseNow();
        return;
    }
    continueApply();
}

void ConfigurePage::continueApply()
{
    int errors = 0;
    for (const config::Finding& f : m_document->findings())
        errors += f.severity == config::Severity::Error ? 1 : 0;
    if (errors > 0) {
        setStatus(tr("Not applied: %1 in the configuration; F6 goes to each.")
                      .arg(formatCount(errors, tr("error"), tr("errors"))),
                  true);
        m_issues->filter()->setSeverityShown(config::Severity::Error, true);
        m_issues->next();
        emit applyFailed(m_status->text());
        return;
    }
    const QString text = m_document->text();
    const quint64 revision = m_document->revision();
    m_reloadInFlight = true;
    setStatus(tr("Applying revision %1…").arg(revision), false);
    QPointer<ConfigurePage> self(this);
    m_session->reload(text, [self, text, revision](const ReloadOutcome& outcome) {
        if (self)
            self->onReloaded(outcome, text, revision);
    });
}

void ConfigurePage::onReloaded(const ReloadOutcome& outcome, const QString& text, quint64 revision)
{
    m_reloadInFlight = false;
    if (outcome.ok) {
        m_appliedRevision = revision;
        m_engineFindings.clear();
        setRunningText(text);
        m_preview->setEngineErrors({});
        setStatus(
            tr("Applied revision %1: the engine runs generation %2.").arg(revision).arg(outcome.generation),
            false);
        emit applied(revision, outcome.generation);
        return;
    }
    // Rejected: the engine runs what it ran; its own words go to the line they name.
    QList<QPair<int, QString>> lines;
    m_engineFindings.clear();
    for (const EngineFinding& f : outcome.findings) {
        config::Finding finding;
        finding.severity = f.severity == u"warning"_s ? config::Severity::Warning
                           : f.severity == u"note"_s  ? config::Severity::Note
                                                      : config::Severity::Error;
        finding.code = QString(u"engine "_s + f.code).trimmed().toStdString();
        finding.where = {f.file.toStdString(), f.line};
        finding.message = f.message.toStdString();
        finding.suggestion = f.hint.toStdString();
        FindingEntry e{finding, {}, {}, {}, f.line};
        const FieldRef ref = m_fieldMap.at(f.line);
        e.group = ref.group;
        e.directive = ref.directive;
        m_engineFindings.push_back(e);
        if (f.line > 0)
            lines << qMakePair(f.line, f.message);
    }
    if (lines.isEmpty() && outcome.line > 0)
        lines << qMakePair(outcome.line, outcome.message);
    setStatus(tr("The engine rejected revision %1 and still runs generation %2: %3")
                  .arg(revision)
                  .arg(outcome.generation)
                  .arg(outcome.message),
              true);
    onAnalysis(m_document->revision()); // shows the engine's findings in the Issues list
    m_preview->setEngineErrors(lines);
    emit applyFailed(outcome.message);
}

void ConfigurePage::goToField(const FieldRef& ref)
{
    switch (ref.kind) {
    case FieldRef::Kind::Group:
        selectGroup(ref.group);
        m_tabs->setCurrentIndex(0);
        if (!ref.option.isEmpty())
            m_form->focusOption(ref.option);
        else
            m_groupsView->setFocus();
        break;
    case FieldRef::Kind::Mount:
        m_tabs->setCurrentIndex(1);
        m_mountsView->setCurrentIndex(m_mountsView->model()->index(ref.index, 0));
        m_mountsView->setFocus();
        break;
    case FieldRef::Kind::Container:
        m_tabs->setCurrentIndex(2);
        m_containersView->setCurrentIndex(m_containersView->model()->index(ref.index, 0));
        m_containersView->setFocus();
        break;
    case FieldRef::Kind::Directive:
        m_tabs->setCurrentIndex(3);
        m_topLevel->focusDirective(ref.directive);
        break;
    case FieldRef::Kind::Mpm:
        setStatus(tr("%1 is an MPM setting: edit it on the Apache page.").arg(ref.directive), false);
        break;
    case FieldRef::Kind::None:
        break;
    }
}

void ConfigurePage::goToFinding(int row)
{
    const FindingEntry& e = m_findings->entryAt(row);
    if (e.line > 0)
        m_preview->showLine(e.line);
    FieldRef ref;
    if (!e.group.isEmpty())
        ref = {FieldRef::Kind::Group, e.group, e.option, {}, -1};
    else if (!e.directive.isEmpty())
        ref = {FieldRef::Kind::Directive, {}, {}, e.directive, -1};
    else
        ref = m_fieldMap.at(e.line);
    goToField(ref);
    updateQuickFix(row);
}

void ConfigurePage::updateQuickFix(int row)
{
    if (row < 0 || row >= m_findings->rowCount()) {
        m_issues->setQuickFixAvailable({});
        return;
    }
    const auto fix = quickFixFor(m_findings->entryAt(row), m_document->model());
    m_issues->setQuickFixAvailable(fix ? fix->label : QString());
}

bool ConfigurePage::applyPreset(const QString& presetId)
{
    const Preset* preset = findPreset(presetId);
    const QString group = selectedGroup();
    if (!preset || group.isEmpty())
        return false;
    QString runtime;
    for (const RuntimeChoice& r : m_runtimes)
        if ((preset->freeThreadedRuntime && r.freeThreaded) ||
            (preset->ownGilRuntime && !preset->freeThreadedRuntime && r.perInterpreterGil &&
             !r.freeThreaded)) {
            runtime = r.name;
            break;
        }
    m_activePreset = presetId;
    m_presetGroup = group;
    m_document->replaceModel(tr("Preset %1 for %2").arg(preset->name, group),
                             wsgi::studio::applyPreset(m_document->model(), *preset, group, runtime));
    if ((preset->freeThreadedRuntime || preset->ownGilRuntime) && runtime.isEmpty())
        setStatus(tr("No discovered runtime suits this preset; pick python= for %1 yourself.").arg(group),
                  true);
    updatePresetNote();
    return true;
}

QString ConfigurePage::presetNote() const
{
    return m_presetNote->text();
}

void ConfigurePage::updatePresetNote()
{
    const Preset* preset = findPreset(m_activePreset);
    if (!preset)
        return;
    const QStringList deviations = presetDeviations(m_document->model(), *preset, m_presetGroup);
    if (deviations.isEmpty())
        m_presetNote->setText(tr("Group %1 follows the preset \"%2\".").arg(m_presetGroup, preset->name));
    else
        m_presetNote->setText(tr("Group %1 has left the preset \"%2\": %3")
                                  .arg(m_presetGroup, preset->name, deviations.join(u", "_s)));
}

} // namespace wsgi::studio
