#include "studio/benchmark/historypanel.h"

#include "session/format.h"
#include "studio/models/benchhistorymodel.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace wsgi::studio::pages {

HistoryPanel::HistoryPanel(QWidget* parent) : QWidget(parent)
{
    m_model = new models::BenchHistoryModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_open = new QPushButton(tr("Open"), this);
    m_open->setObjectName(QStringLiteral("historyOpen"));
    m_compare = new QPushButton(tr("Side by side"), this);
    m_compare->setObjectName(QStringLiteral("historyCompare"));
    m_rerun = new QPushButton(tr("Rerun"), this);
    m_rerun->setObjectName(QStringLiteral("historyRerun"));
    m_rerun->setToolTip(tr("Run the selected result's plan again with identical settings and variants"));
    m_compare->setToolTip(tr("Select two runs to show them side by side"));
    auto* fromFile = new QPushButton(tr("Open file\u2026"), this);
    fromFile->setObjectName(QStringLiteral("historyOpenFile"));
    auto* reload = new QPushButton(tr("Refresh"), this);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("historyMessage"));
    m_message->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_open, m_compare, m_rerun, fromFile, reload})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_message);

    connect(reload, &QPushButton::clicked, this, &HistoryPanel::refresh);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &HistoryPanel::updateButtons);
    connect(m_table, &QTableView::doubleClicked, this,
            [this](const QModelIndex& index) { openPath(m_model->pathAt(index.row())); });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QList<int> rows = selectedRows();
        if (!rows.isEmpty())
            openPath(m_model->pathAt(rows.front()));
    });
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const QList<int> rows = selectedRows();
        if (rows.size() != 2)
            return;
        QString error;
        const auto left = BenchmarkHistory::open(m_model->pathAt(rows[0]), error);
        const auto right = left ? BenchmarkHistory::open(m_model->pathAt(rows[1]), error) : std::nullopt;
        if (!left || !right) {
            m_message->setText(error);
            return;
        }
        // Older on the left, as a before/after reads.
        if (left->result.startedAt > right->result.startedAt)
            Q_EMIT compareRequested(*right, *left);
        else
            Q_EMIT compareRequested(*left, *right);
    });
    connect(m_rerun, &QPushButton::clicked, this, [this] {
        const QList<int> rows = selectedRows();
        if (rows.isEmpty())
            return;
        QString error;
        const auto document = BenchmarkHistory::open(m_model->pathAt(rows.front()), error);
        if (!document) {
            m_message->setText(error);
            return;
        }
        Q_EMIT rerunRequested(document->result.plan);
    });
    connect(fromFile, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open an A/B result"), m_history.directory(),
                                         tr("Result documents (*.json);;All files (*)"));
        if (!path.isEmpty())
            openPath(path);
    });
    updateButtons();
}

void HistoryPanel::setDirectory(const QString& directory)
{
    m_history = BenchmarkHistory(directory);
    refresh();
}

void HistoryPanel::refresh()
{
    m_model->setEntries(m_history.list());
    m_message->setText(m_model->rowCount() == 0
                           ? tr("No saved runs yet in %1.").arg(m_history.directory())
                           : tr("%1 in %2.")
                                 .arg(formatCount(m_model->rowCount(), tr("saved run"), tr("saved runs")),
                                      m_history.directory()));
    updateButtons();
}

void HistoryPanel::select(const QList<int>& rows)
{
    m_table->clearSelection();
    for (const int row : rows)
        m_table->selectionModel()->select(m_model->index(row, 0),
                                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
}

bool HistoryPanel::openPath(const QString& path)
{
    QString error;
    const auto document = BenchmarkHistory::open(path, error);
    if (!document) {
        m_message->setText(error);
        return false;
    }
    Q_EMIT opened(*document, path);
    return true;
}

QList<int> HistoryPanel::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void HistoryPanel::updateButtons()
{
    const int n = int(selectedRows().size());
    m_open->setEnabled(n >= 1);
    m_rerun->setEnabled(n == 1);
    m_compare->setEnabled(n == 2);
}

} // namespace wsgi::studio::pages
