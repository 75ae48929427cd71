#pragma once
// Help > Keyboard shortcuts: every action that has a shortcut, with it, generated from the actions
// themselves so the list cannot drift from what the keys do.

#include <QDialog>
#include <QList>

QT_BEGIN_NAMESPACE
class QAction;
class QTableWidget;
QT_END_NAMESPACE

namespace wsgi::studio::widgets {

class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ShortcutsDialog(QWidget* parent = nullptr);
    void setActions(const QList<QAction*>& actions); // duplicates and actions without a shortcut skipped
    int rowCount() const;

private:
    QTableWidget* m_table = nullptr;
};

} // namespace wsgi::studio::widgets
