#include "session/configdocument.h"

#include "apache-config/daemonoptions.h"
#include "apache-config/directivetree.h"
#include "apache-config/documentexport.h"
#include "apache-config/engineconfig.h"
#include "apache-config/findingsink.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPromise>
#include <QSaveFile>
#include <QStandardPaths>
#include <QThread>
#include <QThreadPool>

#include <set>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

std::string str(const QString& s)
{
    return s.toStdString();
}

QString qstr(const std::string& s)
{
    return QString::fromStdString(s);
}

// A file that cannot be read as Apache syntax at all: its model would be empty or partial, so the
// text itself is what the document holds.
bool isFatal(const config::Finding& f)
{
    return f.severity == config::Severity::Error &&
           (f.code == config::codes::Syntax || f.code == config::codes::Io ||
            f.code == config::codes::Include || f.code == config::codes::IncludeCycle);
}

QString fileNameFor(const QString& path)
{
    return path.isEmpty() ? QDir::current().absoluteFilePath(u"untitled.conf"_s) : path;
}

} // namespace

QString ConfigDocument::defaultText()
{
    return u"# A new configuration: one daemon group serving the demo application.\n"
           "Listen 127.0.0.1:8080\n"
           "\n"
           "WSGIRestrictEmbedded On\n"
           "WSGIDaemonProcess app processes=2 threads=5 display-name='%{GROUP}'\n"
           "WSGIScriptAlias / ../apps/workload.py process-group=app application-group=%{GLOBAL}\n"_s;
}

ConfigDocument::ConfigDocument(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<std::vector<config::Finding>>();
    qRegisterMetaType<config::Dialect>();
    m_analysisTimer.setSingleShot(true);
    connect(&m_analysisTimer, &QTimer::timeout, this, &ConfigDocument::analyseNow);
    m_recoveryTimer.setSingleShot(true);
    m_recoveryTimer.setInterval(2000);
    connect(&m_recoveryTimer, &QTimer::timeout, this, &ConfigDocument::writeRecoveryNow);
    m_current.source = readSource(defaultText(), {});
    m_current.model = m_current.source->imported.model;
}

ConfigDocument::~ConfigDocument()
{
    // A document closed with unsaved changes keeps its recovery file; a clean one has none.
    if (isDirty())
        writeRecoveryNow();
    for (auto& job : m_jobs)
        job->waitForFinished();
}

std::shared_ptr<const ConfigDocument::Source> ConfigDocument::readSource(const QString& text,
                                                                         const QString& path)
{
    auto source = std::make_shared<Source>();
    source->text = text;
    config::ImportOptions options;
    options.dialect = config::Dialect::Engine; // the most permissive: python= and every 6.0 feature are model
    source->imported = config::importConfig(str(text), str(fileNameFor(path)), options);
    for (const config::Finding& f : source->imported.findings)
        source->broken = source->broken || isFatal(f);
    return source;
}

QString ConfigDocument::renderEngineText(const Source& source, const config::WsgiModel& model)
{
    if (source.broken)
        return source.text;
    config::RenderOptions options;
    options.target = config::Dialect::Engine;
    options.comments = false; // the engine's text stays the user's text plus the edited lines
    config::DocumentExport out = config::exportDocument(source.imported, model, options);
    return out.configFiles.empty() ? source.text : qstr(out.configFiles.front().content);
}

DocumentAnalysis ConfigDocument::analyse(const Source& source, const config::WsgiModel& model,
                                         const QString& path, quint64 revision)
{
    DocumentAnalysis out;
    out.revision = revision;
    const std::string fileName = str(fileNameFor(path));
    const QString engineText = renderEngineText(source, model);
    out.texts.push_back({config::Dialect::Engine, engineText, {}, {}});
    if (source.broken) {
        out.findings = source.imported.findings;
        return out;
    }
    // The engine's own rules (what a reload would say), then mod_wsgi 6's whole-configuration rules
    // (GIL modes per group runtime, MPM corrections, sizing); the same finding from both is shown once.
    std::set<std::tuple<int, std::string, std::string>> seen;
    auto add = [&](const config::Finding& f) {
        if (seen.insert({f.where.line, f.code, f.message}).second)
            out.findings.push_back(f);
    };
    for (const config::Finding& f : config::parseEngineConfig(str(engineText), fileName).findings)
        add(f);
    config::ImportOptions options;
    options.dialect = config::Dialect::Engine;
    for (const config::Finding& f : config::importConfig(str(engineText), fileName, options).findings)
        add(f);
    std::stable_sort(
        out.findings.begin(), out.findings.end(),
        [](const config::Finding& a, const config::Finding& b) { return a.where.line < b.where.line; });

    for (config::Dialect target : {config::Dialect::ModWsgi6, config::Dialect::ModWsgi4}) {
        config::RenderOptions render;
        render.target = target;
        render.fileNames = source.imported.fileNames();
        render.engineRelativePaths = true; // read under the engine's rules
        config::RenderResult r = config::renderSnippet(model, render);
        out.texts.push_back({target, qstr(r.text), std::move(r.files), std::move(r.findings)});
    }
    return out;
}

// ---- file ------------------------------------------------------------------------------------------

bool ConfigDocument::open(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"cannot open "_s + path + u": "_s + file.errorString();
        return false;
    }
    const QString text = QString::fromUtf8(file.readAll());
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_path = absolute;
    State state{readSource(text, absolute), {}};
    state.model = state.source->imported.model;
    reset(std::move(state));
    emit pathChanged(m_path);
    if (hasRecovery())
        emit recoveryAvailable(recoveryPath());
    return true;
}

void ConfigDocument::setNew(const QString& text)
{
    m_path.clear();
    State state{readSource(text, {}), {}};
    state.model = state.source->imported.model;
    reset(std::move(state));
    emit pathChanged(m_path);
}

void ConfigDocument::reset(State state)
{
    const bool wasDirty = isDirty();
    m_steps.clear();
    m_undoIndex = m_cleanIndex = 0;
    m_current = std::move(state);
    ++m_revision;
    emit modelChanged(m_revision);
    emit undoStateChanged();
    if (wasDirty)
        emit dirtyChanged(false);
    scheduleAnalysis();
}

bool ConfigDocument::writeText(const QString& path, const QString& text, QString* error)
{
    QSaveFile file(path);
    const QByteArray bytes = text.toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = u"cannot write "_s + path + u": "_s + file.errorString();
        return false;
    }
    return true;
}

bool ConfigDocument::save(QString* error)
{
    if (m_path.isEmpty()) {
        if (error)
            *error = u"the document has no file yet: use Save As"_s;
        return false;
    }
    return saveAs(m_path, error);
}

bool ConfigDocument::saveAs(const QString& path, QString* error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QString oldRecovery = recoveryPath();
    if (!writeText(absolute, text(), error))
        return false; // the document, its path and its dirty flag stay as they were
    QFile::remove(oldRecovery);
    const bool moved = absolute != m_path;
    m_path = absolute;
    const bool wasDirty = isDirty();
    m_cleanIndex = m_undoIndex;
    if (moved)
        emit pathChanged(m_path);
    if (wasDirty)
        emit dirtyChanged(false);
    return true;
}

bool ConfigDocument::isBroken() const
{
    return m_current.source->broken;
}

// ---- recovery ----------------------------------------------------------------------------------

QString ConfigDocument::recoveryPathFor(const QString& documentPath)
{
    const QByteArray key = documentPath.isEmpty() ? QByteArray("untitled") : documentPath.toUtf8();
    const QString name =
        QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex().left(16));
    return (documentPath.isEmpty() ? u"untitled"_s : QFileInfo(documentPath).completeBaseName()) + u'-' +
           name + u".recovery.conf"_s;
}

void ConfigDocument::setRecoveryDirectory(const QString& directory)
{
    m_recoveryDirectory = directory;
}

QString ConfigDocument::recoveryPath() const
{
    QString dir = m_recoveryDirectory;
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + u"/recovery"_s;
    return dir + u'/' + recoveryPathFor(m_path);
}

bool ConfigDocument::hasRecovery() const
{
    const QFileInfo recovery(recoveryPath());
    if (!recovery.exists())
        return false;
    QFile file(recovery.filePath());
    return file.open(QIODevice::ReadOnly) && QString::fromUtf8(file.readAll()) != text();
}

bool ConfigDocument::restoreRecovery()
{
    QFile file(recoveryPath());
    if (!file.open(QIODevice::ReadOnly))
        return false;
    return setText(QString::fromUtf8(file.readAll()), tr("Restore unsaved changes"));
}

void ConfigDocument::discardRecovery()
{
    QFile::remove(recoveryPath());
}

void ConfigDocument::writeRecoveryNow()
{
    m_recoveryTimer.stop();
    if (!isDirty())
        return;
    const QString path = recoveryPath();
    QDir().mkpath(QFileInfo(path).absolutePath());
    writeText(path, text(), nullptr);
}

// ---- what the document says ----------------------------------------------------------------------

QString ConfigDocument::text() const
{
    return renderEngineText(*m_current.source, m_current.model);
}

std::optional<RenderedText> ConfigDocument::rendered(config::Dialect dialect) const
{
    for (const RenderedText& r : m_rendered)
        if (r.dialect == dialect)
            return r;
    return std::nullopt;
}

const config::DaemonProcess* ConfigDocument::daemon(const QString& name) const
{
    return m_current.model.findDaemon(str(name));
}

QStringList ConfigDocument::groupNames() const
{
    QStringList names;
    for (const config::DaemonProcess* d : m_current.model.allDaemons())
        names << qstr(d->name);
    return names;
}

QString ConfigDocument::checkDaemonOption(const QString& option, const QString& value)
{
    if (!config::findDaemonOption(str(option)))
        return u"'"_s + option + u"' is not a WSGIDaemonProcess option"_s;
    const std::string line =
        "WSGIDaemonProcess check " + str(option) + "=" + config::quoteConfigWord(str(value));
    const config::DirectiveTree tree = config::parseDirectiveTree(line, "check");
    if (tree.nodes.empty() || !tree.ok())
        return u"the value cannot be written on a config line"_s;
    std::vector<config::Finding> findings;
    config::FindingSink sink(findings, "check");
    config::parseDaemonProcess(tree.nodes.front(), sink, config::Dialect::Engine);
    for (const config::Finding& f : findings)
        if (f.severity == config::Severity::Error)
            return qstr(f.message) + (f.suggestion.empty() ? QString() : u" ("_s + qstr(f.suggestion) + u')');
    return {};
}

// ---- undo ------------------------------------------------------------------------------------------

QString ConfigDocument::undoText() const
{
    return canUndo() ? m_steps[m_undoIndex - 1].name : QString();
}

QString ConfigDocument::redoText() const
{
    return canRedo() ? m_steps[m_undoIndex].name : QString();
}

void ConfigDocument::undo()
{
    if (!canUndo())
        return;
    const bool wasDirty = isDirty();
    --m_undoIndex;
    setState(m_steps[m_undoIndex].before, wasDirty);
}

void ConfigDocument::redo()
{
    if (!canRedo())
        return;
    const bool wasDirty = isDirty();
    ++m_undoIndex;
    setState(m_steps[m_undoIndex - 1].after, wasDirty);
}

void ConfigDocument::push(const QString& name, State after)
{
    // A new step after an undo drops the redo branch; a clean point on it can no longer be reached.
    if (m_cleanIndex > m_undoIndex)
        m_cleanIndex = std::size_t(-1);
    const bool wasDirty = isDirty();
    m_steps.resize(m_undoIndex);
    m_steps.push_back({name, m_current, after});
    ++m_undoIndex;
    setState(std::move(after), wasDirty);
}

void ConfigDocument::setState(State state, bool wasDirty)
{
    m_current = std::move(state);
    ++m_revision;
    emit modelChanged(m_revision);
    emit undoStateChanged();
    // Both ways: an undo back to the saved state is clean again.
    if (wasDirty != isDirty())
        emit dirtyChanged(isDirty());
    m_recoveryTimer.start();
    scheduleAnalysis();
}

bool ConfigDocument::edit(const QString& name,
                          const std::function<bool(config::WsgiModel&, QString&)>& change, QString* error)
{
    QString why;
    if (isBroken()) {
        why = u"the configuration does not parse; fix its text first"_s;
    } else {
        config::WsgiModel model = m_current.model;
        if (change(model, why)) {
            if (model == m_current.model)
                return true; // nothing to undo
            push(name, {m_current.source, std::move(model)});
            return true;
        }
    }
    if (error)
        *error = why;
    return false;
}

// ---- analysis --------------------------------------------------------------------------------------

void ConfigDocument::scheduleAnalysis()
{
    m_analysisTimer.start(m_analysisDelay);
}

bool ConfigDocument::analysisRunning() const
{
    // A job counts until its result has been handled here: a future that has finished on its worker
    // thread still has its finished signal queued for this thread, and until that is delivered its
    // findings (or its being dropped as stale) are not visible yet.
    return !m_jobs.empty() || m_analysisTimer.isActive();
}

void ConfigDocument::analyseNow()
{
    m_analysisTimer.stop();
    auto promise = std::make_shared<QPromise<DocumentAnalysis>>();
    auto watcher = std::make_unique<QFutureWatcher<DocumentAnalysis>>();
    connect(watcher.get(), &QFutureWatcherBase::finished, this, &ConfigDocument::onAnalysisFinished);
    watcher->setFuture(promise->future());
    m_jobs.push_back(std::move(watcher));
    // Copies: the job must not see later edits. The source is shared and immutable.
    QThreadPool::globalInstance()->start([promise, source = m_current.source, model = m_current.model,
                                          path = m_path, revision = m_revision, cost = m_analysisCost] {
        promise->start();
        const auto started = std::chrono::steady_clock::now();
        DocumentAnalysis result = analyse(*source, model, path, revision);
        const auto spent = std::chrono::steady_clock::now() - started;
        if (spent < cost)
            QThread::msleep(static_cast<unsigned long>(
                std::chrono::duration_cast<std::chrono::milliseconds>(cost - spent).count()));
        promise->addResult(std::move(result));
        promise->finish();
    });
}

void ConfigDocument::onAnalysisFinished()
{
    auto* watcher = static_cast<QFutureWatcher<DocumentAnalysis>*>(sender());
    std::optional<DocumentAnalysis> result;
    if (watcher->future().resultCount() > 0)
        result = watcher->future().result();
    std::erase_if(m_jobs, [&](auto& job) {
        if (job.get() != watcher)
            return false;
        job.release()->deleteLater(); // we are inside its signal
        return true;
    });
    if (!result)
        return;
    if (result->revision != m_revision) {
        ++m_staleDropped; // the document moved on; a newer job is pending or running
        return;
    }
    m_findings = std::move(result->findings);
    m_findingsRevision = result->revision;
    m_rendered = std::move(result->texts);
    emit findingsAvailable(m_findingsRevision, m_findings);
    for (const RenderedText& r : m_rendered)
        emit previewAvailable(m_findingsRevision, r.dialect, r.text);
    emit analysisAvailable(m_findingsRevision);
}

} // namespace wsgi::studio
