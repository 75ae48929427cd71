#pragma once
// A banner across the top of the window for something the user must see and may act on: a lost
// engine with its last log lines and a Restart button, a failed start with the engine's own words.
// Not a modal dialog: the window stays usable and nothing typed is lost.

#include <QFrame>
#include <QList>

QT_BEGIN_NAMESPACE
class QAction;
class QHBoxLayout;
class QLabel;
class QPlainTextEdit;
class QToolButton;
class QVBoxLayout;
QT_END_NAMESPACE

namespace wsgi::studio::widgets {

class MessageBanner : public QFrame
{
    Q_OBJECT
public:
    enum class Kind
    {
        Information,
        Warning,
        Error
    };

    explicit MessageBanner(QWidget* parent = nullptr);

    // Shows the banner; `details` (log lines) appear below in a small read-only monospace box.
    void showMessage(Kind kind, const QString& title, const QString& text, const QStringList& details = {});
    void setActions(const QList<QAction*>& actions); // buttons, in order, before the close button
    void dismiss();

    Kind kind() const { return m_kind; }
    QString title() const;
    QString text() const;
    QStringList details() const;

Q_SIGNALS:
    void dismissed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyColors();
    QPlainTextEdit* detailsBox();

    Kind m_kind = Kind::Information;
    QLabel* m_title = nullptr;
    QLabel* m_text = nullptr;
    QVBoxLayout* m_layout = nullptr;
    QPlainTextEdit* m_details = nullptr; // built with the first details: detailsBox()
    QHBoxLayout* m_buttons = nullptr;
    QList<QToolButton*> m_actionButtons;
    QToolButton* m_close = nullptr;
    bool m_applying = false;
};

} // namespace wsgi::studio::widgets
