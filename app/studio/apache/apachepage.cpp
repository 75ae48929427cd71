#include "apache/apachepage.h"

#include "apache-config/apachecheck.h"
#include "apache/importdialog.h"
#include "apache/mpmform.h"
#include "apache/mpmsimmodel.h"
#include "apache/provenance.h"
#include "charts/linechart.h"
#include "configure/confighighlighter.h"
#include "session/configdocument.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>

#ifndef WSGI_STUDIO_VERSION
#define WSGI_STUDIO_VERSION "dev"
#endif

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

struct LoadPreset
{
    const char* name;
    const char* profile;
    const char* help;
};

// Concurrent requests over time ("SECOND:REQUESTS", linear in between).
const LoadPreset kLoadPresets[] = {
    {"Idle", "0:0", "No requests: watch MaxSpareThreads stop the processes StartServers made"},
    {"Steady 100", "0:100", "A constant 100 requests in flight"},
    {"Ramp to 300", "0:0,60:300", "Load growing steadily for a minute"},
    {"Spike", "0:0,10:0,12:350,25:350,27:0,60:0", "A sudden burst of 350 for 15 seconds"},
    {"Seed: quiet site, StartServers 10", "0:20",
     "The MPM seed's case: StartServers 10 with MaxSpareThreads 75 under little load; the extra processes "
     "are "
     "stopped one per second"},
    {"Seed: nominal load (15 children)", "0:0,5:360,60:360",
     "The seed's nominal load that ends with 15 worker processes"},
};

std::string profileText(const QString& text)
{
    return text.trimmed().toStdString();
}

} // namespace

ApachePage::ApachePage(ConfigDocument* document, EngineSession* session, QWidget* parent)
    : QWidget(parent), m_document(document), m_session(session)
{
    setObjectName(u"apachePage"_s);
    auto* layout = new QHBoxLayout(this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(u"apacheSplitter"_s);
    splitter->addWidget(buildExportPanel());
    splitter->addWidget(buildMpmPanel());
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({520, 620});
    layout->addWidget(splitter);
    connect(document, &ConfigDocument::analysisAvailable, this, &ApachePage::refreshExport);
    connect(m_mpm, &MpmForm::settingsChanged, this, &ApachePage::simulate);
    refreshExport();
    simulate();
}

ApachePage::~ApachePage() = default;

QWidget* ApachePage::buildExportPanel()
{
    auto* box = new QGroupBox(tr("Export"), this);
    auto* v = new QVBoxLayout(box);
    auto* row = new QHBoxLayout;
    m_target = new QComboBox(box);
    m_target->setObjectName(u"exportTarget"_s);
    m_target->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_target->addItem(targetTitle(config::Dialect::ModWsgi6), int(config::Dialect::ModWsgi6));
    m_target->addItem(targetTitle(config::Dialect::ModWsgi4), int(config::Dialect::ModWsgi4));
    auto* targetLabel = new QLabel(tr("&Target"), box);
    targetLabel->setBuddy(m_target);
    row->addWidget(targetLabel);
    row->addWidget(m_target);
    row->addStretch();
    v->addLayout(row);
    row = new QHBoxLayout; // the actions on a row of their own keep the panel narrow
    auto* copy = new QPushButton(tr("&Copy"), box);
    copy->setObjectName(u"copyExport"_s);
    auto* save = new QPushButton(tr("Sa&ve…"), box);
    save->setObjectName(u"saveExport"_s);
    m_checkButton = new QPushButton(tr("C&heck with Apache"), box);
    m_checkButton->setObjectName(u"checkWithApache"_s);
    m_checkButton->setToolTip(tr("Runs the real apache2 -t on this text in a private ServerRoot"));
    auto* import = new QPushButton(tr("&Import httpd.conf…"), box);
    import->setObjectName(u"importHttpdConf"_s);
    row->addWidget(copy);
    row->addWidget(save);
    row->addWidget(m_checkButton);
    row->addWidget(import);
    row->addStretch();
    v->addLayout(row);
    m_text = new QPlainTextEdit(box);
    m_text->setObjectName(u"exportText"_s);
    m_text->setReadOnly(true);
    // Wrapped at the panel's edge: the exported comments are long and are meant to be read; Copy and
    // Save take the text as written.
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_text->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new ConfigHighlighter(m_text->document());
    v->addWidget(m_text, 3);
    m_findings = new QListWidget(box);
    m_findings->setObjectName(u"exportFindings"_s);
    m_findings->setWordWrap(true);
    v->addWidget(m_findings, 0);
    m_checkLabel = new QLabel(tr("Not checked with Apache yet."), box);
    m_checkLabel->setObjectName(u"checkResult"_s);
    m_checkLabel->setWordWrap(true);
    v->addWidget(m_checkLabel);
    m_checkOutput = new QPlainTextEdit(box);
    m_checkOutput->setObjectName(u"checkOutput"_s);
    m_checkOutput->setReadOnly(true);
    m_checkOutput->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_checkOutput->setMaximumHeight(90);
    m_checkOutput->hide();
    v->addWidget(m_checkOutput);
    connect(m_target, &QComboBox::currentIndexChanged, this, &ApachePage::refreshExport);
    connect(copy, &QPushButton::clicked, this, &ApachePage::copyExport);
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the Apache configuration"),
                                                          QDir::home().filePath(u"wsgi-studio.conf"_s),
                                                          tr("Apache configuration (*.conf)"));
        QString error;
        if (!path.isEmpty() && !saveTo(path, &error))
            m_checkLabel->setText(error);
    });
    connect(m_checkButton, &QPushButton::clicked, this, &ApachePage::checkWithApache);
    connect(import, &QPushButton::clicked, this, &ApachePage::importHttpdConf);
    return box;
}

QWidget* ApachePage::buildMpmPanel()
{
    auto* panel = new QWidget(this);
    auto* v = new QVBoxLayout(panel);
    v->setContentsMargins(0, 0, 0, 0);
    auto* mpmBox = new QGroupBox(tr("MPM settings (worker/event)"), panel);
    auto* mv = new QVBoxLayout(mpmBox);
    m_mpm = new MpmForm(m_document, mpmBox);
    mv->addWidget(m_mpm);
    v->addWidget(mpmBox);

    auto* simBox = new QGroupBox(tr("Maintenance simulator: what httpd does each second"), panel);
    auto* sv = new QVBoxLayout(simBox);
    auto* row = new QHBoxLayout;
    m_loadPreset = new QComboBox(simBox);
    m_loadPreset->setObjectName(u"loadPreset"_s);
    m_loadPreset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_loadPreset->setMinimumContentsLength(12);
    for (const LoadPreset& p : kLoadPresets) {
        m_loadPreset->addItem(QString::fromLatin1(p.name), QString::fromLatin1(p.profile));
        m_loadPreset->setItemData(m_loadPreset->count() - 1, QString::fromLatin1(p.help), Qt::ToolTipRole);
    }
    // The spike shows both halves of the maintenance: forking at a doubling rate, then stopping one a second.
    m_loadPreset->setCurrentIndex(3);
    m_loadText = new QLineEdit(QString::fromLatin1(kLoadPresets[3].profile), simBox);
    m_loadText->setObjectName(u"loadProfile"_s);
    m_loadText->setToolTip(tr(
        "Concurrent requests over time: SECOND:REQUESTS points, linear in between, e.g. 0:0,10:200,60:50"));
    m_duration = new QSpinBox(simBox);
    m_duration->setObjectName(u"simDuration"_s);
    m_duration->setRange(5, 3600);
    m_duration->setValue(60);
    m_duration->setSuffix(tr(" s"));
    auto* loadLabel = new QLabel(tr("&Load"), simBox);
    loadLabel->setBuddy(m_loadPreset);
    row->addWidget(loadLabel);
    row->addWidget(m_loadPreset);
    row->addWidget(m_loadText, 1);
    row->addWidget(m_duration);
    sv->addLayout(row);
    m_loadError = new QLabel(simBox);
    m_loadError->setStyleSheet(u"color: #c0392b;"_s);
    m_loadError->hide();
    sv->addWidget(m_loadError);
    m_simModel = new MpmSimModel(this);
    m_processChart = new charts::LineChart(simBox);
    m_processChart->setObjectName(u"simProcessChart"_s);
    m_processChart->setTitle(tr("Child processes"));
    m_processChart->setAxisTitles(tr("time (s)"), tr("processes"));
    m_processChart->setModel(m_simModel, MpmSimModel::SecondColumn, {MpmSimModel::ProcessesColumn});
    m_threadChart = new charts::LineChart(simBox);
    m_threadChart->setObjectName(u"simThreadChart"_s);
    m_threadChart->setTitle(tr("Threads and load"));
    m_threadChart->setAxisTitles(tr("time (s)"), tr("threads / requests"));
    m_threadChart->setModel(m_simModel, MpmSimModel::SecondColumn,
                            {MpmSimModel::BusyColumn, MpmSimModel::IdleColumn, MpmSimModel::LoadColumn});
    m_processChart->setMinimumHeight(150);
    m_threadChart->setMinimumHeight(170);
    sv->addWidget(m_processChart, 2);
    sv->addWidget(m_threadChart, 3);
    m_simEvents = new QLabel(simBox);
    m_simEvents->setObjectName(u"simEvents"_s);
    m_simEvents->setWordWrap(true);
    sv->addWidget(m_simEvents);
    v->addWidget(simBox, 1);
    connect(m_loadPreset, &QComboBox::activated, this, [this] {
        m_loadText->setText(m_loadPreset->currentData().toString());
        simulate();
    });
    connect(m_loadText, &QLineEdit::editingFinished, this, &ApachePage::simulate);
    connect(m_duration, &QSpinBox::valueChanged, this, &ApachePage::simulate);
    return panel;
}

void ApachePage::setTarget(config::Dialect target)
{
    const int i = m_target->findData(int(target));
    if (i >= 0)
        m_target->setCurrentIndex(i);
}

config::Dialect ApachePage::target() const
{
    return config::Dialect(m_target->currentData().toInt());
}

void ApachePage::refreshExport()
{
    const std::optional<RenderedText> r = m_document->rendered(target());
    if (!r) {
        m_text->setPlainText(tr("# Rendering…"));
        return;
    }
    ProvenanceInput in;
    in.studioVersion = QString::fromLatin1(WSGI_STUDIO_VERSION);
    in.when = QDateTime::currentDateTime();
    in.target = target();
    in.documentPath = m_document->path();
    in.revision = m_document->findingsRevision();
    in.findings = r->findings;
    QString text = exportedText(in, r->text);
    for (const config::GeneratedFile& f : r->scripts)
        text += u"\n# ---- "_s + QString::fromStdString(f.path) +
                u" (import script, install it there) ----\n"_s + u"# "_s +
                QString::fromStdString(f.content).trimmed().replace(u'\n', u"\n# "_s) + u'\n';
    const int scroll = m_text->verticalScrollBar() ? m_text->verticalScrollBar()->value() : 0;
    m_text->setPlainText(text);
    m_text->verticalScrollBar()->setValue(scroll);
    m_findings->clear();
    for (const config::Finding& f : r->findings) {
        auto* item = new QListWidgetItem(
            QString::fromStdString(f.message) +
            (f.suggestion.empty() ? QString() : u" → "_s + QString::fromStdString(f.suggestion)));
        item->setIcon(style()->standardIcon(
            f.severity == config::Severity::Error     ? QStyle::SP_MessageBoxCritical
            : f.severity == config::Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                      : QStyle::SP_MessageBoxInformation));
        m_findings->addItem(item);
    }
    if (r->findings.empty())
        m_findings->addItem(tr("Nothing was changed or left out for %1.").arg(targetTitle(target())));
    // About two lines per finding, up to six lines: one note does not take a box of empty rows, and
    // the exported text above gets the height.
    const int lines = std::min(6, 2 * m_findings->count());
    m_findings->setMaximumHeight(lines * m_findings->fontMetrics().lineSpacing() +
                                 2 * m_findings->frameWidth() + 8);
}

QString ApachePage::exportText() const
{
    return m_text->toPlainText();
}

QString ApachePage::checkResult() const
{
    return m_checkResult;
}

void ApachePage::copyExport()
{
    QApplication::clipboard()->setText(exportText());
}

bool ApachePage::saveTo(const QString& path, QString* error)
{
    // Rendered again with the import scripts beside the saved file, where WSGIImportScript will name them.
    config::RenderOptions render;
    render.target = target();
    render.fileNames = m_document->source().fileNames();
    render.engineRelativePaths = true;
    render.scriptDirectory = QFileInfo(path).absolutePath().toStdString();
    const config::RenderResult r = config::renderSnippet(m_document->model(), render);
    ProvenanceInput in{QString::fromLatin1(WSGI_STUDIO_VERSION),
                       QDateTime::currentDateTime(),
                       target(),
                       m_document->path(),
                       m_document->revision(),
                       r.findings};
    auto write = [&](const QString& file, const QByteArray& bytes) {
        QSaveFile f(file);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
            if (error)
                *error = tr("cannot write %1: %2").arg(file, f.errorString());
            return false;
        }
        return true;
    };
    if (!write(path, exportedText(in, QString::fromStdString(r.text)).toUtf8()))
        return false;
    for (const config::GeneratedFile& script : r.files)
        if (!write(QString::fromStdString(script.path), QByteArray::fromStdString(script.content)))
            return false;
    return true;
}

void ApachePage::checkWithApache()
{
    const QString text = exportText();
    const config::Dialect dialect = target();
    m_checkButton->setEnabled(false);
    m_checkLabel->setText(tr("Running apache2 -t…"));
    m_check.startJob(
        this, [text, dialect] { return config::checkWithApache(text.toStdString(), dialect); },
        [this](const config::ApacheCheckResult& result) {
            m_checkButton->setEnabled(true);
            m_checkResult = QString::fromStdString(result.message);
            m_checkLabel->setText(
                (result.ok() ? u"✔ "_s : u"✘ "_s) + tr("apache2 -t: %1").arg(m_checkResult) +
                (result.modWsgiVersion.empty()
                     ? QString()
                     : tr(" (mod_wsgi %1)").arg(QString::fromStdString(result.modWsgiVersion))));
            m_checkLabel->setStyleSheet(result.ok() ? QString() : u"color: #c0392b;"_s);
            m_checkOutput->setPlainText(QString::fromStdString(result.output));
            m_checkOutput->setVisible(!result.output.empty());
            emit checkFinished(result.ok(), m_checkResult);
        });
}

void ApachePage::importHttpdConf()
{
    auto* dialog = new ImportDialog(m_document, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void ApachePage::setLoadProfile(const QString& text)
{
    m_loadText->setText(text);
    simulate();
}

void ApachePage::simulate()
{
    std::string error;
    const std::optional<mpm::LoadProfile> load =
        mpm::parseLoadProfile(profileText(m_loadText->text()), error);
    if (!load) {
        m_loadError->setText(tr("Load profile not used: %1").arg(QString::fromStdString(error)));
        m_loadError->show();
        return;
    }
    m_loadError->hide();
    const config::MpmKind kind = m_mpm->kind();
    m_simModel->setSimulation(mpm::simulate(kind, m_mpm->written(), *load, m_duration->value()));
    QStringList events;
    for (const mpm::SecondSample& s : m_simModel->simulation().samples)
        if (!s.event.empty() && events.size() < 4)
            events << tr("%1 s: %2").arg(s.second).arg(QString::fromStdString(s.event));
    m_simEvents->setText(events.isEmpty() ? tr("httpd did nothing but serve.") : events.join(u"; "_s));
}

} // namespace wsgi::studio
