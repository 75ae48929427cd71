#pragma once
// The Issues dock: the document's findings with a severity filter, next/previous (the page's F6 and
// Shift+F6 actions), jump to the field, show the line in the preview, the fix in one line and a quick
// fix where one exists.

#include <QDockWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QPushButton;
class QTableView;
QT_END_NAMESPACE

namespace wsgi::studio {

class FindingsFilterModel;
class FindingsModel;
struct FindingEntry;

class IssuesDock : public QDockWidget
{
    Q_OBJECT
public:
    IssuesDock(FindingsModel* model, QWidget* parent = nullptr);

    void next();                                     // selects and activates the next visible finding (wraps)
    void previous();                                 // the previous one (wraps)
    int currentRow() const;                          // in the source model, -1 when none
    void setQuickFixAvailable(const QString& label); // "" hides the button
    QTableView* view() const { return m_view; }
    FindingsFilterModel* filter() const { return m_filter; }

signals:
    void findingActivated(int sourceRow); // go to its field
    void showLineRequested(int line);
    void quickFixRequested(int sourceRow);
    void currentFindingChanged(int sourceRow);

private:
    void step(int delta);
    void updateCounts();

    FindingsModel* m_model;
    FindingsFilterModel* m_filter;
    QTableView* m_view;
    QCheckBox* m_errors;
    QCheckBox* m_warnings;
    QCheckBox* m_notes;
    QLabel* m_fixLine;
    QPushButton* m_quickFix;
    QPushButton* m_showLine;
    int m_listHeight = 0; // the dock's height while it lists findings, kept while it shows none
};

} // namespace wsgi::studio
