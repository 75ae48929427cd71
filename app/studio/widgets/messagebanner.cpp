#include "studio/widgets/messagebanner.h"

#include "studio/charts/charttheme.h"

#include <QAction>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace wsgi::studio::widgets {

MessageBanner::MessageBanner(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("messageBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);

    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close = new QToolButton(this);
    m_close->setText(tr("Dismiss"));
    m_close->setToolTip(tr("Hide this message"));
    m_close->setAutoRaise(true);
    connect(m_close, &QToolButton::clicked, this, &MessageBanner::dismiss);

    auto* head = new QHBoxLayout;
    head->addWidget(m_title, 1);
    m_buttons = new QHBoxLayout;
    head->addLayout(m_buttons);
    head->addWidget(m_close);

    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(10, 6, 10, 8);
    m_layout->addLayout(head);
    m_layout->addWidget(m_text);
    hide();
}

QPlainTextEdit* MessageBanner::detailsBox()
{
    // Built with the first message that has details: the window opens without the cost of a text
    // editor and a monospace font nobody sees yet.
    if (!m_details) {
        m_details = new QPlainTextEdit(this);
        m_details->setReadOnly(true);
        m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
        m_details->setMaximumHeight(m_details->fontMetrics().lineSpacing() * 7 + 12);
        m_details->setObjectName(QStringLiteral("bannerDetails"));
        m_layout->addWidget(m_details);
    }
    return m_details;
}

void MessageBanner::showMessage(Kind kind, const QString& title, const QString& text,
                                const QStringList& details)
{
    m_kind = kind;
    m_title->setText(title);
    m_text->setText(text);
    m_text->setVisible(!text.isEmpty());
    if (!details.isEmpty() || m_details) {
        QPlainTextEdit* box = detailsBox();
        box->setPlainText(details.join(QLatin1Char('\n')));
        box->setVisible(!details.isEmpty());
        box->moveCursor(QTextCursor::End); // the last lines say why
    }
    applyColors();
    show();
}

void MessageBanner::setActions(const QList<QAction*>& actions)
{
    qDeleteAll(m_actionButtons);
    m_actionButtons.clear();
    for (QAction* action : actions) {
        auto* button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        m_buttons->addWidget(button);
        m_actionButtons << button;
    }
}

void MessageBanner::dismiss()
{
    if (isHidden()) {
        return;
    }
    hide();
    Q_EMIT dismissed();
}

QString MessageBanner::title() const
{
    return m_title->text();
}

QString MessageBanner::text() const
{
    return m_text->text();
}

QStringList MessageBanner::details() const
{
    const QString text = m_details ? m_details->toPlainText() : QString();
    return text.isEmpty() ? QStringList() : text.split(QLatin1Char('\n'));
}

void MessageBanner::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_applying) {
        applyColors();
    }
}

void MessageBanner::applyColors()
{
    // Tinted from the palette's own window colour, so the text colour keeps its contrast in light and
    // dark palettes alike.
    m_applying = true;
    const QPalette base = parentWidget() ? parentWidget()->palette() : QPalette();
    const QColor window = base.color(QPalette::Window);
    const bool dark = window.lightnessF() < 0.5;
    QColor accent;
    switch (m_kind) {
    case Kind::Error:
        accent = dark ? QColor(0xe0, 0x50, 0x50) : QColor(0xc0, 0x20, 0x20);
        break;
    case Kind::Warning:
        accent = dark ? QColor(0xe0, 0xa0, 0x30) : QColor(0xb0, 0x70, 0x00);
        break;
    case Kind::Information:
        accent = base.color(QPalette::Highlight);
        break;
    }
    QPalette pal = base;
    pal.setColor(QPalette::Window, charts::mixColors(window, accent, dark ? 0.25 : 0.12));
    setPalette(pal);
    QPalette titlePalette = pal;
    titlePalette.setColor(QPalette::WindowText,
                          charts::mixColors(base.color(QPalette::WindowText), accent, 0.5));
    m_title->setPalette(titlePalette);
    m_applying = false;
}

} // namespace wsgi::studio::widgets
