#pragma once
// The runs saved in the user's data directory, newest first: open one, open two side by side, rerun
// one with identical settings (its plan, variants' texts included), or open any result document from
// disk (`wsgi-studio-cli ab -o` output too).

#include "session/benchmarkhistory.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QPushButton;
class QTableView;
QT_END_NAMESPACE

namespace wsgi::studio::models {
class BenchHistoryModel;
}

namespace wsgi::studio::pages {

class HistoryPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryPanel(QWidget* parent = nullptr);

    void setDirectory(const QString& directory);
    const BenchmarkHistory& history() const { return m_history; }
    void refresh();
    models::BenchHistoryModel* model() const { return m_model; }
    void select(const QList<int>& rows);

    // Opens a document and emits opened; false (and a message shown in the panel) when it is not one.
    bool openPath(const QString& path);

Q_SIGNALS:
    void opened(const wsgi::studio::AbDocument& document, const QString& path);
    void compareRequested(const wsgi::studio::AbDocument& left, const wsgi::studio::AbDocument& right);
    void rerunRequested(const wsgi::studio::AbPlan& plan);

private:
    QList<int> selectedRows() const;
    void updateButtons();

    BenchmarkHistory m_history;
    models::BenchHistoryModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_compare = nullptr;
    QPushButton* m_rerun = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace wsgi::studio::pages
