#include "apache/importdialog.h"

#include "apache-config/renderer.h"
#include "session/configdocument.h"
#include "session/format.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

bool startsWithWsgi(const std::string& name)
{
    return name.size() >= 4 &&
           QString::fromStdString(name.substr(0, 4)).compare(u"WSGI"_s, Qt::CaseInsensitive) == 0;
}

bool isStructural(const std::string& name)
{
    static const QStringList names = {u"IfModule"_s,    u"IfDefine"_s,  u"IfVersion"_s,
                                      u"IfDirective"_s, u"IfFile"_s,    u"IfSection"_s,
                                      u"VirtualHost"_s, u"Include"_s,   u"IncludeOptional"_s,
                                      u"ServerName"_s,  u"ServerRoot"_s};
    return names.contains(QString::fromStdString(name), Qt::CaseInsensitive);
}

void walk(const std::vector<config::ConfigNode>& nodes, const QString& file, bool modelled,
          std::vector<SkippedLine>& out)
{
    for (const config::ConfigNode& n : nodes) {
        if (n.kind == config::NodeKind::Comment || n.kind == config::NodeKind::Blank)
            continue;
        const QString text = QString::fromStdString(n.text).trimmed().section(u'\n', 0, 0);
        if (n.kind == config::NodeKind::Invalid) {
            out.push_back({file, n.where.line, text, QObject::tr("not valid Apache syntax")});
            continue;
        }
        const bool known = startsWithWsgi(n.name) || config::isMpmDirective(n.name) || isStructural(n.name);
        if (n.isSection()) {
            // Path scopes (<Directory>, <Location>, ...) are not modelled; their content is not either.
            const bool entered = known && modelled;
            if (!entered)
                out.push_back({file, n.where.line, text, QObject::tr("section not modelled")});
            walk(n.children, file, entered, out);
            continue;
        }
        if (!known || !modelled)
            out.push_back({file, n.where.line, text,
                           modelled ? QObject::tr("not a WSGI or MPM directive")
                                    : QObject::tr("inside a section that is not modelled")});
    }
}

} // namespace

std::vector<SkippedLine> notImportedLines(const config::ImportedConfig& imported)
{
    std::vector<SkippedLine> out;
    for (const config::SourceFile& f : imported.files)
        walk(f.tree.nodes, QString::fromStdString(f.path), true, out);
    return out;
}

ImportDialog::ImportDialog(ConfigDocument* document, QWidget* parent) : QDialog(parent), m_document(document)
{
    setObjectName(u"importDialog"_s);
    setWindowTitle(tr("Import httpd.conf"));
    resize(900, 620);
    auto* v = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_path = new QLineEdit(this);
    m_path->setObjectName(u"importPath"_s);
    m_path->setPlaceholderText(tr("/etc/apache2/apache2.conf"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    auto* read = new QPushButton(tr("&Read"), this);
    row->addWidget(new QLabel(tr("File:"), this));
    row->addWidget(m_path, 1);
    row->addWidget(browse);
    row->addWidget(read);
    v->addLayout(row);
    m_summary =
        new QLabel(tr("Pick a file: it and everything it Includes are read; nothing is changed."), this);
    m_summary->setObjectName(u"importSummary"_s);
    m_summary->setWordWrap(true);
    v->addWidget(m_summary);
    auto* split = new QSplitter(Qt::Vertical, this);
    m_preview = new QPlainTextEdit(split);
    m_preview->setObjectName(u"importPreview"_s);
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_skipped = new QTableWidget(0, 4, split);
    m_skipped->setObjectName(u"importSkipped"_s);
    m_skipped->setHorizontalHeaderLabels({tr("File"), tr("Line"), tr("Not imported"), tr("Why")});
    m_skipped->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_skipped->verticalHeader()->hide();
    m_skipped->setEditTriggers(QAbstractItemView::NoEditTriggers);
    split->addWidget(m_preview);
    split->addWidget(m_skipped);
    v->addWidget(split, 1);
    auto* buttons = new QDialogButtonBox(this);
    m_replace =
        buttons->addButton(tr("Re&place the document's groups and mounts"), QDialogButtonBox::AcceptRole);
    m_replace->setObjectName(u"importReplace"_s);
    m_merge = buttons->addButton(tr("&Merge into the document"), QDialogButtonBox::AcceptRole);
    m_merge->setObjectName(u"importMerge"_s);
    buttons->addButton(QDialogButtonBox::Cancel);
    m_replace->setEnabled(false);
    m_merge->setEnabled(false);
    v->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_replace, &QPushButton::clicked, this, [this] {
        if (importInto(false))
            accept();
    });
    connect(m_merge, &QPushButton::clicked, this, [this] {
        if (importInto(true))
            accept();
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Import httpd.conf"), m_path->text(),
                                                          tr("Apache configuration (*.conf);;All files (*)"));
        if (!file.isEmpty())
            load(file);
    });
    connect(read, &QPushButton::clicked, this, [this] { load(m_path->text().trimmed()); });
    connect(m_path, &QLineEdit::returnPressed, this, [this] { load(m_path->text().trimmed()); });
}

void ImportDialog::load(const QString& path)
{
    m_path->setText(path);
    m_summary->setText(tr("Reading %1…").arg(path));
    m_replace->setEnabled(false);
    m_merge->setEnabled(false);
    m_jobs.startJob(
        this,
        [path] {
            config::ImportOptions options;
            options.dialect = config::Dialect::Engine;
            return std::make_shared<const config::ImportedConfig>(
                config::importConfigFile(path.toStdString(), options));
        },
        [this](std::shared_ptr<const config::ImportedConfig> imported) { onLoaded(std::move(imported)); });
}

void ImportDialog::onLoaded(std::shared_ptr<const config::ImportedConfig> imported)
{
    m_imported = std::move(imported);
    config::RenderOptions render;
    render.target = config::Dialect::Engine;
    render.comments = false;
    const config::RenderResult r = config::renderSnippet(m_imported->model, render);
    m_preview->setPlainText(r.text.empty() ? tr("# No WSGI or MPM configuration found.")
                                           : QString::fromStdString(r.text));
    const std::vector<SkippedLine> skipped = notImportedLines(*m_imported);
    m_skipped->setRowCount(int(skipped.size()));
    for (int i = 0; i < int(skipped.size()); ++i) {
        const SkippedLine& s = skipped[std::size_t(i)];
        m_skipped->setItem(i, 0, new QTableWidgetItem(s.file));
        m_skipped->setItem(i, 1, new QTableWidgetItem(QString::number(s.line)));
        m_skipped->setItem(i, 2, new QTableWidgetItem(s.text));
        m_skipped->setItem(i, 3, new QTableWidgetItem(s.why));
    }
    int errors = 0;
    QString firstError;
    for (const config::Finding& f : m_imported->findings)
        if (f.severity == config::Severity::Error && errors++ == 0)
            firstError = QString::fromStdString(config::formatFinding(f));
    const auto daemons = m_imported->model.allDaemons().size();
    m_summary->setText(
        tr("%1 read: %2, %3, %4 not imported (listed below; they stay in the source file).")
            .arg(formatCount(qint64(m_imported->files.size()), tr("file"), tr("files")))
            .arg(formatCount(qint64(daemons), tr("daemon group"), tr("daemon groups")))
            .arg(formatCount(qint64(m_imported->model.server.aliases.size()), tr("mount"), tr("mounts")))
            .arg(formatCount(qint64(skipped.size()), tr("line"), tr("lines"))) +
        (errors ? u"\n"_s + tr("%1, the first: ").arg(formatCount(errors, tr("error"), tr("errors"))) +
                      firstError
                : QString()));
    const bool usable = !m_imported->files.empty() && !m_imported->files.front().tree.nodes.empty();
    m_replace->setEnabled(usable);
    m_merge->setEnabled(usable);
    emit loaded();
}

QString ImportDialog::previewText() const
{
    return m_preview->toPlainText();
}

int ImportDialog::skippedCount() const
{
    return m_skipped->rowCount();
}

bool ImportDialog::importInto(bool merge)
{
    if (!m_imported)
        return false;
    QString error;
    if (!m_document->importModel(
            *m_imported, merge ? ConfigDocument::ImportMode::Merge : ConfigDocument::ImportMode::Replace,
            &error)) {
        m_summary->setText(tr("Not imported: %1").arg(error));
        return false;
    }
    return true;
}

} // namespace wsgi::studio
