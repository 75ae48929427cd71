#pragma once
// Import an existing httpd.conf (with everything it Includes): read off the GUI thread, a preview of
// the model found in it, every line that was not imported listed with its file and line number, then
// Replace or Merge into the document. The source files are only read, never changed.

#include "apache-config/configimport.h"
#include "session/jobtracker.h"

#include <QDialog>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
QT_END_NAMESPACE

namespace wsgi::studio {

class ConfigDocument;

struct SkippedLine
{
    QString file;
    int line = 0;
    QString text;
    QString why;
};

// Every directive of the tree the model does not hold (comments and blank lines aside).
std::vector<SkippedLine> notImportedLines(const config::ImportedConfig& imported);

class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    ImportDialog(ConfigDocument* document, QWidget* parent = nullptr);

    void load(const QString& path); // starts reading; the preview fills in when done
    bool isLoading() const { return m_jobs.isJobRunning(); }
    QString previewText() const;
    int skippedCount() const;
    bool importInto(bool merge); // what Replace/Merge do

signals:
    void loaded();

private:
    void onLoaded(std::shared_ptr<const config::ImportedConfig> imported);

    ConfigDocument* m_document;
    QLineEdit* m_path;
    QLabel* m_summary;
    QPlainTextEdit* m_preview;
    QTableWidget* m_skipped;
    QPushButton* m_replace;
    QPushButton* m_merge;
    std::shared_ptr<const config::ImportedConfig> m_imported;
    JobTracker m_jobs;
};

} // namespace wsgi::studio
