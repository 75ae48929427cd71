#include "configure/previewwidget.h"

#include "configure/confighighlighter.h"
#include "configure/findingsmodel.h"
#include "configure/linediff.h"

#include <QFontDatabase>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTextBlock>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

QPlainTextEdit* makeView(QWidget* parent, const QString& name)
{
    auto* view = new QPlainTextEdit(parent);
    view->setObjectName(name);
    view->setReadOnly(true);
    // Long lines (comments, a directive with many options) wrap at the panel's edge instead of being
    // cut there; a line stays one block, so line numbers and "show line" are unaffected.
    view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    view->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return view;
}

bool dark(const QWidget* w)
{
    return w->palette().color(QPalette::Base).lightness() < 128;
}

} // namespace

PreviewWidget::PreviewWidget(QWidget* parent) : QWidget(parent)
{
    setObjectName(u"preview"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"previewTabs"_s);
    m_text = makeView(this, u"previewText"_s);
    m_text->setToolTip(tr("Exactly what the engine will run. Marked lines changed since the file was opened; "
                          "click a line to select its field."));
    new ConfigHighlighter(m_text->document());
    m_text->viewport()->installEventFilter(this);
    m_text->installEventFilter(this);
    m_tabs->addTab(m_text, tr("Engine text"));

    auto* diffPage = new QWidget(this);
    auto* diffLayout = new QVBoxLayout(diffPage);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    m_diffSummary = new QLabel(diffPage);
    m_diffSummary->setObjectName(u"diffSummary"_s);
    m_diff = makeView(diffPage, u"previewDiff"_s);
    new ConfigHighlighter(m_diff->document(), true);
    diffLayout->addWidget(m_diffSummary);
    diffLayout->addWidget(m_diff);
    m_tabs->addTab(diffPage, tr("Diff vs running engine"));
    layout->addWidget(m_tabs);
}

void PreviewWidget::setTexts(const QString& text, const QString& baseText, const QString& runningText)
{
    if (m_text->toPlainText() != text) {
        const int first = m_text->cursorForPosition(QPoint(0, 0)).blockNumber();
        m_text->setPlainText(text);
        // Keep the view where it was: a preview that jumps to the top on every keystroke is unreadable.
        const QTextBlock block = m_text->document()->findBlockByNumber(first);
        if (block.isValid()) {
            QTextCursor c(block);
            m_text->setTextCursor(c);
            m_text->centerCursor();
        }
        m_engineErrors.clear();
    }
    m_changed.clear();
    for (int line : wsgi::studio::changedLines(baseText, text))
        m_changed << line;
    if (runningText.isEmpty()) {
        m_diffSummary->setText(tr("No engine is running: nothing to compare with."));
        m_diff->clear();
    } else {
        const QString diff = unifiedDiff(runningText, text);
        m_diffSummary->setText(diff.isEmpty()
                                   ? tr("The engine runs exactly this text.")
                                   : tr("Lines marked + are what Apply would add, - what it would remove."));
        m_diff->setPlainText(diff.isEmpty() ? text : diff);
    }
    m_tabs->setTabText(1, runningText.isEmpty() || runningText == text ? tr("Diff vs running engine")
                                                                       : tr("Diff vs running engine •"));
    updateSelections();
}

void PreviewWidget::setFindings(const std::vector<FindingEntry>& entries)
{
    m_findingLines.clear();
    for (const FindingEntry& e : entries)
        if (e.line > 0)
            m_findingLines << qMakePair(e.line, int(e.finding.severity));
    updateSelections();
}

void PreviewWidget::setEngineErrors(const QList<QPair<int, QString>>& lines)
{
    m_engineErrors = lines;
    updateSelections();
    if (!lines.isEmpty())
        showLine(lines.front().first);
}

void PreviewWidget::showLine(int line)
{
    const QTextBlock block = m_text->document()->findBlockByNumber(line - 1);
    if (!block.isValid())
        return;
    m_tabs->setCurrentWidget(m_text);
    QTextCursor c(block);
    c.select(QTextCursor::LineUnderCursor);
    m_text->setTextCursor(c);
    m_text->centerCursor();
    m_selectedLine = line;
    updateSelections();
}

QString PreviewWidget::text() const
{
    return m_text->toPlainText();
}

QString PreviewWidget::diffText() const
{
    return m_diff->toPlainText();
}

void PreviewWidget::updateSelections()
{
    const bool d = dark(this);
    QList<QTextEdit::ExtraSelection> selections;
    auto lineSelection = [&](int line, const QColor& background, bool underline,
                             const QColor& underlineColour) {
        const QTextBlock block = m_text->document()->findBlockByNumber(line - 1);
        if (!block.isValid())
            return;
        QTextEdit::ExtraSelection s;
        s.cursor = QTextCursor(block);
        if (background.isValid()) {
            s.format.setBackground(background);
            s.format.setProperty(QTextFormat::FullWidthSelection, true);
        } else {
            s.cursor.select(QTextCursor::LineUnderCursor);
        }
        if (underline) {
            s.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
            s.format.setUnderlineColor(underlineColour);
        }
        selections << s;
    };
    for (int line : m_changed)
        lineSelection(line, QColor(d ? "#3a3417" : "#fff5cc"), false, {});
    for (const auto& [line, severity] : m_findingLines)
        lineSelection(line, {}, true,
                      severity == int(config::Severity::Error)     ? QColor("#d73a49")
                      : severity == int(config::Severity::Warning) ? QColor("#e36209")
                                                                   : QColor("#6a737d"));
    for (const auto& [line, message] : m_engineErrors) {
        Q_UNUSED(message);
        lineSelection(line, QColor(d ? "#5a1f24" : "#ffd7d5"), true, QColor("#d73a49"));
    }
    m_text->setExtraSelections(selections);
}

bool PreviewWidget::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_text->viewport() && event->type() == QEvent::MouseButtonRelease) {
        activateCursorLine();
    } else if (watched == m_text && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            activateCursorLine();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void PreviewWidget::activateCursorLine()
{
    QTextCursor c = m_text->textCursor();
    const int line = c.blockNumber() + 1;
    // The key=value word under the cursor names the option.
    const QString blockText = c.block().text();
    int pos = c.positionInBlock();
    int start = pos, end = pos;
    while (start > 0 && !blockText[start - 1].isSpace())
        --start;
    while (end < blockText.size() && !blockText[end].isSpace())
        ++end;
    m_selectedLine = line;
    emit lineActivated(line, blockText.mid(start, end - start));
}

} // namespace wsgi::studio
