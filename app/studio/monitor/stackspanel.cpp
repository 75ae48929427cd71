#include "studio/monitor/stackspanel.h"

#include "session/enginesession.h"
#include "session/format.h"
#include "studio/models/stacktreemodel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace wsgi::studio::monitor {

StacksPanel::StacksPanel(TelemetryHistory* history, EngineSession* session, QWidget* parent)
    : QWidget(parent), m_history(history), m_session(session)
{
    setObjectName(QStringLiteral("stacksPanel"));
    m_model = new models::StackTreeModel(this);
    m_groupBox = new QComboBox(this);
    m_groupBox->setObjectName(QStringLiteral("stacksGroup"));
    m_groupBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_dump = new QPushButton(tr("Dump stacks"), this);
    m_dump->setObjectName(QStringLiteral("stacksDump"));
    m_dump->setToolTip(tr("Ask every process of the group for the Python stack of each thread"));
    connect(m_dump, &QPushButton::clicked, this, &StacksPanel::dumpStacks);
    m_copy = new QPushButton(tr("Copy as text"), this);
    m_copy->setObjectName(QStringLiteral("stacksCopy"));
    m_copy->setEnabled(false);
    connect(m_copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(text()); });
    m_status = new QLabel(tr("No stacks dumped yet."), this);
    m_status->setObjectName(QStringLiteral("stacksStatus"));
    m_status->setWordWrap(true);

    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("stacksTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(models::StackTreeModel::WhatColumn, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(models::StackTreeModel::WhereColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(models::StackTreeModel::ThreadsColumn,
                                           QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(false);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Stacks of group:"), this));
    top->addWidget(m_groupBox);
    top->addWidget(m_dump);
    top->addWidget(m_copy);
    top->addWidget(m_status, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_tree, 1);
}

StacksPanel::~StacksPanel() = default;

void StacksPanel::showView(const MonitorView& view)
{
    QStringList groups = m_history ? m_history->groups() : QStringList();
    if (m_session) {
        for (const GroupStatus& g : m_session->lastStatus().groups) {
            const QString name = QString::fromStdString(g.name);
            if (!groups.contains(name))
                groups << name;
        }
    }
    for (const QString& g : std::as_const(groups)) {
        if (m_groupBox->findText(g) < 0)
            m_groupBox->addItem(g);
    }
    if (!view.group.isEmpty() && m_groupBox->findText(view.group) >= 0)
        m_groupBox->setCurrentIndex(m_groupBox->findText(view.group));
    m_dump->setEnabled(!m_pending && m_groupBox->count() > 0 && m_session &&
                       m_session->state() == EngineSession::State::Ready);
}

QString StacksPanel::group() const
{
    return m_groupBox->currentText();
}

void StacksPanel::dumpStacks()
{
    if (!m_session || group().isEmpty() || m_pending)
        return;
    m_pending = true;
    m_dump->setEnabled(false);
    m_status->setText(tr("Asking group %1 for its stacks…").arg(group()));
    QPointer<StacksPanel> self(this);
    m_session->dumpStacks(group(), [self](const StackDump& dump, const QString& error) {
        if (!self)
            return;
        self->m_pending = false;
        self->m_dump->setEnabled(true);
        if (!error.isEmpty()) {
            self->m_status->setText(tr("Could not dump stacks: %1").arg(error));
            Q_EMIT self->dumpFinished(false);
            return;
        }
        self->setDump(dump);
        Q_EMIT self->dumpFinished(true);
    });
}

void StacksPanel::setDump(const StackDump& dump)
{
    m_model->setDump(dump);
    int threads = 0;
    int failed = 0;
    for (const ProcessStacks& p : dump.processes) {
        threads += int(p.threads.size());
        failed += p.error.empty() ? 0 : 1;
    }
    const qsizetype processes = qsizetype(dump.processes.size());
    QString status = tr("%1 · %2, %3 threads, at %4")
                         .arg(QString::fromStdString(dump.group))
                         .arg(formatCount(processes, tr("process"), tr("processes")))
                         .arg(threads)
                         .arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
    if (failed > 0)
        status += tr(" · %1 did not answer").arg(failed);
    m_status->setText(status);
    m_copy->setEnabled(!dump.processes.empty());
    // Processes and their stacks open; frames one click away.
    for (int r = 0; r < m_model->rowCount(); ++r)
        m_tree->expand(m_model->index(r, 0));
}

QString StacksPanel::text() const
{
    return stackDumpText(m_model->dump());
}

QString StacksPanel::statusText() const
{
    return m_status->text();
}

} // namespace wsgi::studio::monitor
