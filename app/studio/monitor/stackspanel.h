#pragma once
// Stack dumps of one daemon group on demand: the engine's dump-stacks as a tree of processes, their
// distinct stacks (identical ones grouped with a count) and frames; copy as text for a bug report.
// The request runs off the GUI thread (the control client is asynchronous); the answer lands only
// while this panel lives.

#include "session/stackdump.h"
#include "studio/monitor/monitorview.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QPushButton;
class QTreeView;
QT_END_NAMESPACE

namespace wsgi::studio {
class EngineSession;
}
namespace wsgi::studio::models {
class StackTreeModel;
}

namespace wsgi::studio::monitor {

class StacksPanel : public QWidget
{
    Q_OBJECT
public:
    StacksPanel(TelemetryHistory* history, EngineSession* session, QWidget* parent = nullptr);
    ~StacksPanel() override;

    void showView(const MonitorView& view);
    QString group() const;
    void dumpStacks(); // of group()
    void setDump(const StackDump& dump);
    QString text() const; // what "Copy as text" copies
    QString statusText() const;

    models::StackTreeModel* model() const { return m_model; }
    QTreeView* tree() const { return m_tree; }

Q_SIGNALS:
    void dumpFinished(bool ok);

private:
    TelemetryHistory* m_history = nullptr;
    EngineSession* m_session = nullptr;
    models::StackTreeModel* m_model = nullptr;
    QComboBox* m_groupBox = nullptr;
    QPushButton* m_dump = nullptr;
    QPushButton* m_copy = nullptr;
    QLabel* m_status = nullptr;
    QTreeView* m_tree = nullptr;
    bool m_pending = false;
};

} // namespace wsgi::studio::monitor
