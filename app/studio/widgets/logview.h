#pragma once
// The engine's log for a dock: a filter box, the lines (newest at the bottom, followed while the view
// is scrolled to the end), and Copy (the selected lines, or every shown line when none is selected).

#include <QWidget>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QToolButton;
QT_END_NAMESPACE

namespace wsgi::studio::widgets {

class LogView : public QWidget
{
    Q_OBJECT
public:
    explicit LogView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model);
    void setFilterText(const QString& text);
    int visibleLineCount() const;
    QString copyText() const; // what Copy puts on the clipboard
    void copy() const;

private:
    void scrollIfFollowing();

    QLineEdit* m_filter = nullptr;
    QListView* m_list = nullptr;
    QToolButton* m_copy = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    bool m_follow = true;
};

} // namespace wsgi::studio::widgets
