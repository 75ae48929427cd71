#include "configure/issuesdock.h"

#include "configure/findingsmodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMainWindow>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

IssuesDock::IssuesDock(FindingsModel* model, QWidget* parent)
    : QDockWidget(tr("Issues"), parent), m_model(model), m_filter(new FindingsFilterModel(this))
{
    setObjectName(u"issuesDock"_s);
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_filter->setSourceModel(model);
    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 2, 4, 4);
    auto* bar = new QHBoxLayout;
    m_errors = new QCheckBox(content);
    m_errors->setObjectName(u"showErrors"_s);
    m_warnings = new QCheckBox(content);
    m_warnings->setObjectName(u"showWarnings"_s);
    m_notes = new QCheckBox(content);
    m_notes->setObjectName(u"showNotes"_s);
    for (auto [box, severity] :
         {std::pair{m_errors, config::Severity::Error}, std::pair{m_warnings, config::Severity::Warning},
          std::pair{m_notes, config::Severity::Note}}) {
        box->setChecked(true);
        connect(box, &QCheckBox::toggled, this,
                [this, severity = severity](bool on) { m_filter->setSeverityShown(severity, on); });
        bar->addWidget(box);
    }
    bar->addStretch();
    m_showLine = new QPushButton(tr("Show in preview"), content);
    m_showLine->setObjectName(u"showInPreview"_s);
    m_quickFix = new QPushButton(content);
    m_quickFix->setObjectName(u"quickFix"_s);
    m_quickFix->hide();
    bar->addWidget(m_showLine);
    bar->addWidget(m_quickFix);
    layout->addLayout(bar);

    m_view = new QTableView(content);
    m_view->setObjectName(u"issuesView"_s);
    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(FindingsModel::MessageColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(FindingsModel::SeverityColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(FindingsModel::LineColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->setColumnWidth(FindingsModel::FixColumn, 260);
    layout->addWidget(m_view);
    m_fixLine = new QLabel(content);
    m_fixLine->setObjectName(u"fixLine"_s);
    m_fixLine->setWordWrap(true);
    m_fixLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_fixLine);
    setWidget(content);

    connect(m_view, &QTableView::activated, this,
            [this](const QModelIndex& index) { emit findingActivated(m_filter->mapToSource(index).row()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const int row = currentRow();
        m_fixLine->setText(
            row < 0
                ? QString()
                : u"<b>"_s + QString::fromStdString(m_model->entryAt(row).finding.code) + u"</b> "_s +
                      QString::fromStdString(m_model->entryAt(row).finding.message).toHtmlEscaped() +
                      (m_model->entryAt(row).finding.suggestion.empty()
                           ? QString()
                           : u"<br>Fix: "_s + QString::fromStdString(m_model->entryAt(row).finding.suggestion)
                                                  .toHtmlEscaped()));
        emit currentFindingChanged(row);
    });
    connect(m_showLine, &QPushButton::clicked, this, [this] {
        if (const int row = currentRow(); row >= 0 && m_model->entryAt(row).line > 0)
            emit showLineRequested(m_model->entryAt(row).line);
    });
    connect(m_quickFix, &QPushButton::clicked, this, [this] {
        if (const int row = currentRow(); row >= 0)
            emit quickFixRequested(row);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &IssuesDock::updateCounts);
    updateCounts();
}

void IssuesDock::updateCounts()
{
    m_errors->setText(tr("Errors (%1)").arg(m_model->count(config::Severity::Error)));
    m_warnings->setText(tr("Warnings (%1)").arg(m_model->count(config::Severity::Warning)));
    m_notes->setText(tr("Notes (%1)").arg(m_model->count(config::Severity::Note)));
    const int total = m_model->rowCount();
    setWindowTitle(total == 0 ? tr("Issues") : tr("Issues (%1)").arg(total));
    m_fixLine->setText(total == 0 ? tr("No findings: the engine and mod_wsgi 6.0 accept this configuration.")
                                  : QString());
    // Nothing to list: one line says so, and the editors above get the height of an empty table.
    const bool empty = total == 0;
    if (empty == m_view->isHidden())
        return;
    auto* window = qobject_cast<QMainWindow*>(parentWidget());
    const bool docked = window && !isFloating() && window->dockWidgetArea(this) != Qt::NoDockWidgetArea;
    if (empty && docked)
        m_listHeight = height();
    m_view->setVisible(!empty);
    m_showLine->setVisible(!empty);
    if (docked) {
        window->resizeDocks({this}, {empty ? minimumSizeHint().height() : std::max(m_listHeight, 170)},
                            Qt::Vertical);
    }
}

int IssuesDock::currentRow() const
{
    const QModelIndex index = m_view->currentIndex();
    return index.isValid() ? m_filter->mapToSource(index).row() : -1;
}

void IssuesDock::setQuickFixAvailable(const QString& label)
{
    m_quickFix->setText(tr("Quick fix: %1").arg(label));
    m_quickFix->setVisible(!label.isEmpty());
}

void IssuesDock::next()
{
    step(1);
}

void IssuesDock::previous()
{
    step(-1);
}

void IssuesDock::step(int delta)
{
    const int rows = m_filter->rowCount();
    if (rows == 0)
        return;
    const QModelIndex current = m_view->currentIndex();
    const int row = current.isValid() ? (current.row() + delta + rows) % rows : (delta > 0 ? 0 : rows - 1);
    const QModelIndex index = m_filter->index(row, FindingsModel::MessageColumn);
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    emit findingActivated(m_filter->mapToSource(index).row());
}

} // namespace wsgi::studio
