#pragma once
// The live preview of the exact text the engine will run (syntax highlighted, lines changed since the
// file was opened marked, lines with findings underlined), and a diff against the text the engine runs
// now. Clicking a line (or Return on it) reports the line and the word under the cursor, so the page
// can select that field.

#include <QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QPlainTextEdit;
class QTabWidget;
QT_END_NAMESPACE

namespace wsgi::studio {

struct FindingEntry;

class PreviewWidget : public QWidget
{
    Q_OBJECT
public:
    explicit PreviewWidget(QWidget* parent = nullptr);

    // The engine text, the text it is compared with for "changed" marks, and the running engine's.
    void setTexts(const QString& text, const QString& baseText, const QString& runningText);
    void setFindings(const std::vector<FindingEntry>& entries);
    // Lines the engine itself rejected on the last Apply (shown until the next Apply or edit).
    void setEngineErrors(const QList<QPair<int, QString>>& lines);
    void showLine(int line); // scrolls to and selects the line
    QString text() const;
    QString diffText() const;
    QList<int> changedLines() const { return m_changed; }
    QPlainTextEdit* editor() const { return m_text; }

signals:
    void lineActivated(int line, const QString& word);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void updateSelections();
    void activateCursorLine();

    QTabWidget* m_tabs;
    QPlainTextEdit* m_text;
    QPlainTextEdit* m_diff;
    QLabel* m_diffSummary;
    QList<int> m_changed;
    QList<QPair<int, int>> m_findingLines; // line, severity
    QList<QPair<int, QString>> m_engineErrors;
    int m_selectedLine = 0;
};

} // namespace wsgi::studio
