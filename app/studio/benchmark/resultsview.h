#pragma once
// One A/B result: the seeds' table with medians, spread and the ratio to the baseline with its
// interval; the verdict words; client p50/p99 beside the server's queue/app/GIL p95; throughput bars
// with whiskers, every repeat as a dot and the physical limit as a line; the variants' latency
// distributions overlaid; the notes. Exports it (Markdown, CSV, JSON, PNG, HTML) and offers a variant's
// configuration to the rest of the studio.

#include "session/abresult.h"

#include <QMap>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QPushButton;
class QTableView;
QT_END_NAMESPACE

namespace wsgi::studio::charts {
class AbBarChart;
class LineChart;
} // namespace wsgi::studio::charts
namespace wsgi::studio::models {
class AbAttributionModel;
class AbLatencyModel;
class AbResultModel;
} // namespace wsgi::studio::models

namespace wsgi::studio::pages {

class ResultsView : public QWidget
{
    Q_OBJECT
public:
    enum class Format
    {
        Markdown,
        Csv,
        Json,
        Png,
        Html
    };

    explicit ResultsView(QWidget* parent = nullptr);

    // `documentTexts`: variant name -> the document text it was made from (relative paths as written);
    // a variant without one offers the text the engine ran.
    void setResult(const AbResult& result, const AbSummary& summary,
                   const QMap<QString, QString>& documentTexts = {});
    void clear();
    bool hasResult() const;
    const AbResult& result() const;
    const AbSummary& summary() const;
    void setCompact(bool compact); // side by side: the charts stacked, fewer buttons

    bool exportTo(Format format, const QString& path, QString& error) const;
    static QString suffix(Format format); // "md", "csv", ...
    QImage chartsImage() const;           // the bars and the latency overlay, as the PNG export writes

    QString configurationFor(const QString& variant) const;
    models::AbResultModel* resultModel() const { return m_model; }
    models::AbResultModel* apacheModel() const { return m_apacheModel; }
    QString carryOverText() const;
    models::AbAttributionModel* attributionModel() const { return m_attribution; }
    charts::AbBarChart* barChart() const { return m_bars; }
    QString headline() const;

Q_SIGNALS:
    void useConfigurationRequested(const QString& apacheText);

private:
    void updateTexts();
    void exportWithDialog(Format format);

    models::AbResultModel* m_model = nullptr;       // the first server's (usually the engine's)
    models::AbResultModel* m_apacheModel = nullptr; // Apache's, when the plan verified on it
    QTableView* m_apacheTable = nullptr;
    QLabel* m_apacheTitle = nullptr;
    QLabel* m_carryOver = nullptr;
    AbResult m_fullResult;
    AbSummary m_fullSummary;
    models::AbAttributionModel* m_attribution = nullptr;
    models::AbLatencyModel* m_latency = nullptr;
    QTableView* m_table = nullptr;
    QTableView* m_attributionTable = nullptr;
    charts::AbBarChart* m_bars = nullptr;
    charts::LineChart* m_latencyChart = nullptr;
    QLabel* m_headline = nullptr;
    QLabel* m_notes = nullptr;
    QComboBox* m_useVariant = nullptr;
    QPushButton* m_use = nullptr;
    QWidget* m_exportRow = nullptr;
    QMap<QString, QString> m_documentTexts;
};

} // namespace wsgi::studio::pages
