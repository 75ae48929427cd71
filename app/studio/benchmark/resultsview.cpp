#include "studio/benchmark/resultsview.h"

#include "session/abexport.h"
#include "session/abresultjson.h"
#include "session/abtable.h"
#include "session/format.h"
#include "studio/charts/abbarchart.h"
#include "studio/charts/linechart.h"
#include "studio/models/abattributionmodel.h"
#include "studio/models/ablatencymodel.h"
#include "studio/models/abresultmodel.h"

#include <QBuffer>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

namespace wsgi::studio::pages {

namespace {

QTableView* makeTable(QAbstractItemModel* model, const QString& name, QWidget* parent)
{
    auto* table = new QTableView(parent);
    table->setObjectName(name);
    table->setModel(model);
    table->verticalHeader()->hide();
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    // Wide tables scroll inside the page instead of widening it past the window.
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    table->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    return table;
}

// A table exactly as tall as its rows (at most `maxRows`): the results read as a block, not a box
// with empty space under two rows.
void fitRows(QTableView* table, int maxRows)
{
    const int rows = std::min(table->model()->rowCount(), maxRows);
    // The horizontal scroll bar, when the columns are wider than the view, must not hide a row.
    const int height =
        table->horizontalHeader()->sizeHint().height() + table->horizontalScrollBar()->sizeHint().height() +
        table->verticalHeader()->defaultSectionSize() * std::max(rows, 1) + 2 * table->frameWidth() + 2;
    table->setFixedHeight(height);
}

bool writeFile(const QString& path, const QByteArray& bytes, QString& error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QByteArray pngOf(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

} // namespace

ResultsView::ResultsView(QWidget* parent) : QWidget(parent)
{
    m_model = new models::AbResultModel(this);
    m_attribution = new models::AbAttributionModel(this);
    m_latency = new models::AbLatencyModel(this);

    m_headline = new QLabel(tr("No result yet: run a plan, or open one from the history."), this);
    m_headline->setObjectName(QStringLiteral("resultHeadline"));
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table = makeTable(m_model, QStringLiteral("resultTable"), this);
    m_apacheModel = new models::AbResultModel(this);
    m_apacheTitle =
        new QLabel(tr("<b>The same variants on Apache + mod_wsgi</b> (no engine telemetry: CPU and RSS "
                      "of its process tree only)"),
                   this);
    m_apacheTable = makeTable(m_apacheModel, QStringLiteral("apacheTable"), this);
    m_carryOver = new QLabel(this);
    m_carryOver->setObjectName(QStringLiteral("carryOver"));
    m_carryOver->setWordWrap(true);
    m_carryOver->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_attributionTable = makeTable(m_attribution, QStringLiteral("attributionTable"), this);

    m_bars = new charts::AbBarChart(this);
    m_bars->setObjectName(QStringLiteral("resultBars"));
    m_bars->setTitle(tr("Throughput (rpm): median, min\u2013max, each repeat"));
    m_bars->setModel(m_model, {models::AbResultModel::MedianRpmRole, models::AbResultModel::MinRpmRole,
                               models::AbResultModel::MaxRpmRole, models::AbResultModel::RepeatRpmsRole,
                               models::AbResultModel::LimitRpmRole});
    m_latencyChart = new charts::LineChart(this);
    m_latencyChart->setObjectName(QStringLiteral("latencyChart"));
    m_latencyChart->setTitle(tr("Client latency distribution"));
    m_latencyChart->setAxisTitles(tr("nines (1 = p90, 2 = p99, 3 = p99.9)"), tr("ms"));
    m_latencyChart->setEmptyText(tr("No latency histograms in this result"));
    m_latencyChart->setLegendVisible(true);
    connect(m_latency, &QAbstractItemModel::modelReset, this,
            [this] { m_latencyChart->setModel(m_latency, 0, m_latency->variantColumns()); });

    m_notes = new QLabel(this);
    m_notes->setObjectName(QStringLiteral("resultNotes"));
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_exportRow = new QWidget(this);
    auto* exports = new QHBoxLayout(m_exportRow);
    exports->setContentsMargins(0, 0, 0, 0);
    auto* exportButton = new QPushButton(tr("&Export"), m_exportRow);
    exportButton->setObjectName(QStringLiteral("exportResult"));
    auto* menu = new QMenu(exportButton);
    const std::pair<Format, QString> formats[] = {{Format::Markdown, tr("Markdown table\u2026")},
                                                  {Format::Csv, tr("CSV\u2026")},
                                                  {Format::Json, tr("JSON result document\u2026")},
                                                  {Format::Png, tr("PNG of the charts\u2026")},
                                                  {Format::Html, tr("HTML report\u2026")}};
    for (const auto& [format, label] : formats) {
        QAction* action = menu->addAction(label);
        action->setObjectName(QStringLiteral("export_") + suffix(format));
        connect(action, &QAction::triggered, this, [this, format = format] { exportWithDialog(format); });
    }
    exportButton->setMenu(menu);
    exports->addWidget(exportButton);
    m_useVariant = new QComboBox(m_exportRow);
    m_useVariant->setObjectName(QStringLiteral("useVariant"));
    m_use = new QPushButton(tr("&Use this configuration"), m_exportRow);
    m_use->setObjectName(QStringLiteral("useConfiguration"));
    m_use->setToolTip(tr("Make the chosen variant the current document (one undo step) for the Configure and "
                         "Apache pages"));
    connect(m_use, &QPushButton::clicked, this, [this] {
        const QString text = configurationFor(m_useVariant->currentText());
        if (!text.isEmpty())
            Q_EMIT useConfigurationRequested(text);
    });

    auto* charts = new QHBoxLayout;
    charts->addWidget(m_bars, 1);
    charts->addWidget(m_latencyChart, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addWidget(m_table);
    layout->addWidget(m_apacheTitle);
    layout->addWidget(m_apacheTable);
    layout->addWidget(m_carryOver);
    layout->addWidget(m_attributionTable);
    layout->addLayout(charts, 1);
    layout->addWidget(m_notes);
    exports->addSpacing(12);
    exports->addWidget(m_useVariant);
    exports->addWidget(m_use);
    exports->addStretch(1);
    layout->addWidget(m_exportRow);
    clear();
}

void ResultsView::setResult(const AbResult& result, const AbSummary& summary,
                            const QMap<QString, QString>& documentTexts)
{
    m_documentTexts = documentTexts;
    m_fullResult = result;
    m_fullSummary = summary;
    const std::vector<ServerKind> servers = serversOf(result);
    const ServerPart first = serverPart(result, summary, servers.front());
    m_model->setResult(first.result, first.summary);
    const bool apache = servers.size() > 1 && result.plan.runsOn(ServerKind::Apache);
    if (apache) {
        const ServerPart part = serverPart(result, summary, ServerKind::Apache);
        m_apacheModel->setResult(part.result, part.summary, abTableRows(result, summary, ServerKind::Apache));
        fitRows(m_apacheTable, 12);
    } else {
        m_apacheModel->clear();
    }
    m_apacheTitle->setVisible(apache);
    m_apacheTable->setVisible(apache);
    m_carryOver->setVisible(summary.carryOver.has_value());
    if (summary.carryOver) {
        QString html = QStringLiteral("<b>Does it carry over to Apache?</b> ") +
                       summary.carryOver->verdict.toHtmlEscaped() +
                       QStringLiteral("<table cellspacing=0 cellpadding=3 border=1>");
        const auto rows = abCarryOverRows(*summary.carryOver);
        for (size_t r = 0; r < rows.size(); ++r) {
            html += QStringLiteral("<tr>");
            for (const QString& cell : rows[r])
                html += (r == 0 ? QStringLiteral("<th>") : QStringLiteral("<td>")) + cell.toHtmlEscaped();
            html += QStringLiteral("</tr>");
        }
        m_carryOver->setText(html + QStringLiteral("</table>"));
    }
    m_attribution->setResult(result);
    m_latency->setResult(result);
    fitRows(m_table, 12);
    fitRows(m_attributionTable, 12);
    m_useVariant->clear();
    for (const AbVariantSummary& s : first.summary.variants)
        m_useVariant->addItem(s.name);
    // The fastest completed variant is the one most people want to take.
    int best = -1;
    for (int i = 0; i < int(first.summary.variants.size()); ++i)
        if (first.summary.variants[size_t(i)].rpm &&
            (best < 0 || first.summary.variants[size_t(i)].rpm->median >
                             first.summary.variants[size_t(best)].rpm->median))
            best = i;
    if (best >= 0)
        m_useVariant->setCurrentIndex(best);
    m_exportRow->setEnabled(true);
    m_use->setEnabled(true);
    updateTexts();
}

void ResultsView::clear()
{
    m_model->clear();
    m_apacheModel->clear();
    m_apacheTitle->hide();
    m_apacheTable->hide();
    m_carryOver->hide();
    m_fullResult = {};
    m_fullSummary = {};
    m_attribution->clear();
    m_latency->clear();
    m_documentTexts.clear();
    m_useVariant->clear();
    m_exportRow->setEnabled(false);
    m_use->setEnabled(false);
    m_headline->setText(tr("No result yet: run a plan, or open one from the history."));
    m_notes->clear();
}

bool ResultsView::hasResult() const
{
    return !m_model->isEmpty();
}

const AbResult& ResultsView::result() const
{
    return m_fullResult;
}

const AbSummary& ResultsView::summary() const
{
    return m_fullSummary;
}

QString ResultsView::carryOverText() const
{
    return m_fullSummary.carryOver ? m_fullSummary.carryOver->verdict : QString();
}

void ResultsView::setCompact(bool compact)
{
    m_latencyChart->setVisible(!compact);
    m_attributionTable->setVisible(!compact);
}

QString ResultsView::headline() const
{
    return m_headline->text();
}

void ResultsView::updateTexts()
{
    const AbResult& r = result();
    const AbSummary& s = summary();
    QStringList verdicts;
    for (const AbVariantSummary& v : s.variants)
        if (!v.verdict.isEmpty())
            verdicts << v.verdict.toHtmlEscaped();
    QString head = r.cancelled ? tr("<b>Cancelled</b>: the repeats that completed are kept. ") : QString();
    const std::vector<ServerKind> servers = serversOf(r);
    if (servers.size() > 1) {
        // Each server counted on its own: "4 of 4" would hide that Apache ran only one of two.
        QStringList counts;
        for (const ServerKind server : servers) {
            const ServerPart part = serverPart(r, s, server);
            counts << tr("%1 of %2 completed on %3")
                          .arg(part.summary.succeeded)
                          .arg(formatCount(qint64(part.summary.variants.size()), tr("variant"),
                                           tr("variants")))
                          .arg(serverKindTitle(server));
        }
        head += tr("%1, %2 each, started %3.")
                    .arg(counts.join(QStringLiteral(", ")))
                    .arg(formatCount(r.plan.repeats, tr("repeat"), tr("repeats")))
                    .arg(r.startedAt.toLocalTime().toString(Qt::ISODate));
    } else {
        head += tr("%1 of %2 completed, %3 each, started %4.")
                    .arg(s.succeeded)
                    .arg(formatCount(qint64(s.variants.size()), tr("variant"), tr("variants")))
                    .arg(formatCount(r.plan.repeats, tr("repeat"), tr("repeats")))
                    .arg(r.startedAt.toLocalTime().toString(Qt::ISODate));
    }
    if (!verdicts.isEmpty())
        head += QStringLiteral("<br><b>") + verdicts.join(QStringLiteral("<br>")) + QStringLiteral("</b>");
    m_headline->setText(head);
    QStringList notes;
    for (const AbVariantResult& v : r.variants) {
        if (v.status == AbVariantResult::Status::Failed)
            notes << tr("%1 failed in round %2: %3")
                         .arg(resultLabel(v))
                         .arg(v.failedInRound)
                         .arg(v.failure.section(QLatin1Char('\n'), 0, 1));
        for (const AbRepeat& rep : v.repeats)
            for (const QString& note : rep.notes)
                notes << tr("%1, repeat %2: %3").arg(resultLabel(v)).arg(rep.round).arg(note);
    }
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
}

QString ResultsView::suffix(Format format)
{
    switch (format) {
    case Format::Markdown:
        return QStringLiteral("md");
    case Format::Csv:
        return QStringLiteral("csv");
    case Format::Json:
        return QStringLiteral("json");
    case Format::Png:
        return QStringLiteral("png");
    case Format::Html:
        return QStringLiteral("html");
    }
    return {};
}

QImage ResultsView::chartsImage() const
{
    const QPixmap bars = m_bars->grab();
    const QPixmap latency = m_latencyChart->isVisible() ? m_latencyChart->grab() : QPixmap();
    QImage image(bars.width() + latency.width(), std::max(bars.height(), latency.height()),
                 QImage::Format_RGB32);
    image.fill(palette().color(QPalette::Base));
    QPainter p(&image);
    p.drawPixmap(0, 0, bars);
    if (!latency.isNull())
        p.drawPixmap(bars.width(), 0, latency);
    return image;
}

bool ResultsView::exportTo(Format format, const QString& path, QString& error) const
{
    if (!hasResult()) {
        error = tr("there is no result to export");
        return false;
    }
    const AbResult& r = result();
    const AbSummary& s = summary();
    switch (format) {
    case Format::Markdown:
        return writeFile(path, abMarkdown(r, s).toUtf8(), error);
    case Format::Csv:
        return writeFile(path, abCsv(r, s).toUtf8(), error);
    case Format::Json:
        return writeFile(path, QJsonDocument(abResultToJson(r, s)).toJson(QJsonDocument::Indented), error);
    case Format::Png: {
        const QImage image = chartsImage();
        if (image.isNull() || !image.save(path, "PNG")) {
            error = tr("cannot write %1").arg(path);
            return false;
        }
        return true;
    }
    case Format::Html: {
        std::vector<ReportFigure> figures;
        if (m_latency->rowCount() > 0)
            figures.push_back({tr("Client latency distribution"), pngOf(m_latencyChart->grab().toImage())});
        return writeFile(path, abHtml(r, s, figures).toUtf8(), error);
    }
    }
    return false;
}

void ResultsView::exportWithDialog(Format format)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString stem =
        QStringLiteral("ab-%1.%2")
            .arg(result().startedAt.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss")), suffix(format));
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export result"), dir + QLatin1Char('/') + stem);
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(format, path, error))
        QMessageBox::warning(this, tr("Export"), error);
}

QString ResultsView::configurationFor(const QString& variant) const
{
    if (const auto it = m_documentTexts.find(variant); it != m_documentTexts.end())
        return *it;
    for (const AbVariantResult& v : result().variants)
        if (v.variant.name == variant)
            return v.variant.configText;
    return {};
}

} // namespace wsgi::studio::pages
