#include "studio/monitor/diagnosispanel.h"

#include "session/diagnosis.h"
#include "session/telemetryhistorygrids.h"
#include "studio/models/diagnosismodel.h"

#include <QHeaderView>
#include <QPushButton>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>

namespace wsgi::studio::monitor {

using models::DiagnosisModel;

DiagnosisPanel::DiagnosisPanel(TelemetryHistory* history, double machineCores, QWidget* parent)
    : QWidget(parent), m_history(history),
      m_cores(machineCores > 0 ? machineCores : QThread::idealThreadCount())
{
    setObjectName(QStringLiteral("diagnosisPanel"));
    m_model = new DiagnosisModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("diagnosisTable"));
    m_table->setModel(m_model);
    m_table->setWordWrap(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    QHeaderView* h = m_table->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::ResizeToContents);
    h->setSectionResizeMode(DiagnosisModel::FiguresColumn, QHeaderView::Stretch);
    connect(m_model, &QAbstractItemModel::modelReset, this, &DiagnosisPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &DiagnosisPanel::updateButtons);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
}

DiagnosisPanel::~DiagnosisPanel() = default;

void DiagnosisPanel::setMachineCores(double cores)
{
    m_cores = cores > 0 ? cores : 1;
}

void DiagnosisPanel::showView(const MonitorView& view)
{
    // A verdict over a window of seconds does not change at the telemetry rate, and a ten-minute
    // window merges every interval of it: while live, once a second is enough.
    if (view.live && m_last.live && view.group == m_last.group &&
        view.windowSeconds == m_last.windowSeconds && view.end >= m_last.end &&
        view.end - m_last.end < kLiveRefreshSeconds)
        return;
    m_last = view;
    QList<Diagnosis> rows;
    const TimeWindow window = view.window();
    const QStringList groups = view.group.isEmpty() ? m_history->groups() : QStringList{view.group};
    for (const QString& g : groups) {
        const GroupFigures f = groupFigures(*m_history, g, window, m_cores);
        if (f.processes == 0)
            continue; // not in this window (a group removed by a reload)
        rows << diagnose(f);
    }
    m_model->setDiagnoses(rows);
}

void DiagnosisPanel::propose(int row)
{
    if (const auto proposal = m_model->proposalAt(row))
        Q_EMIT variantProposed(*proposal);
}

void DiagnosisPanel::updateButtons()
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex cell = m_model->index(row, DiagnosisModel::ProposalColumn);
        const auto proposal = m_model->proposalAt(row);
        auto* button = qobject_cast<QPushButton*>(m_table->indexWidget(cell));
        if (!proposal) {
            if (button)
                m_table->setIndexWidget(cell, nullptr);
            continue;
        }
        if (!button) {
            button = new QPushButton(m_table);
            button->setObjectName(QStringLiteral("diagnosisTry"));
            connect(button, &QPushButton::clicked, this, [this, button] {
                for (int r = 0; r < m_model->rowCount(); ++r) {
                    if (m_table->indexWidget(m_model->index(r, DiagnosisModel::ProposalColumn)) == button)
                        propose(r);
                }
            });
            m_table->setIndexWidget(cell, button);
        }
        button->setText(tr("Try %1 in Benchmark").arg(proposal->name));
        button->setToolTip(proposal->reason);
    }
}

} // namespace wsgi::studio::monitor
