#include "studio/widgets/logview.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListView>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace wsgi::studio::widgets {

LogView::LogView(QWidget* parent) : QWidget(parent)
{
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("logFilter"));
    m_filter->setPlaceholderText(tr("Filter the log (text)"));
    // The clear button shows only over text; its icon is looked up in the icon theme, which takes
    // milliseconds the window's start should not wait for: enabled at the first keystroke.
    connect(m_filter, &QLineEdit::textEdited, this, [this] {
        if (!m_filter->isClearButtonEnabled())
            m_filter->setClearButtonEnabled(true);
    });

    m_copy = new QToolButton(this);
    m_copy->setObjectName(QStringLiteral("logCopy"));
    m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy the selected lines, or all shown lines when none is selected"));
    connect(m_copy, &QToolButton::clicked, this, &LogView::copy);

    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("logLines"));
    m_list->setModel(m_proxy);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setUniformItemSizes(true); // thousands of lines lay out in constant time
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setAlternatingRowColors(true);
    auto* copyAction = new QAction(tr("Copy"), m_list);
    copyAction->setShortcut(QKeySequence::Copy);
    copyAction->setShortcutContext(Qt::WidgetShortcut);
    connect(copyAction, &QAction::triggered, this, &LogView::copy);
    m_list->addAction(copyAction);

    // Follow the tail only while the user has not scrolled up to read something.
    connect(m_list->verticalScrollBar(), &QScrollBar::valueChanged, this,
            [this](int value) { m_follow = value >= m_list->verticalScrollBar()->maximum(); });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &LogView::scrollIfFollowing);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_copy);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_list, 1);
}

void LogView::setModel(QAbstractItemModel* model)
{
    m_proxy->setSourceModel(model);
    scrollIfFollowing();
}

void LogView::setFilterText(const QString& text)
{
    m_filter->setText(text);
}

int LogView::visibleLineCount() const
{
    return m_proxy->rowCount();
}

QString LogView::copyText() const
{
    QModelIndexList rows = m_list->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList lines;
    if (rows.isEmpty()) {
        for (int row = 0; row < m_proxy->rowCount(); ++row) {
            lines << m_proxy->index(row, 0).data().toString();
        }
    } else {
        for (const QModelIndex& index : std::as_const(rows)) {
            lines << index.data().toString();
        }
    }
    return lines.join(QLatin1Char('\n'));
}

void LogView::copy() const
{
    QApplication::clipboard()->setText(copyText());
}

void LogView::scrollIfFollowing()
{
    if (m_follow) {
        m_list->scrollToBottom();
    }
}

} // namespace wsgi::studio::widgets
