#include "configure/confighighlighter.h"

#include <QGuiApplication>
#include <QPalette>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {
bool darkPalette()
{
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}
QColor pick(const char* light, const char* dark)
{
    return QColor(QString::fromLatin1(darkPalette() ? dark : light));
}
} // namespace

ConfigHighlighter::ConfigHighlighter(QTextDocument* document, bool diff)
    : QSyntaxHighlighter(document), m_diff(diff)
{
    m_comment.setForeground(pick("#6a737d", "#8b949e"));
    m_comment.setFontItalic(true);
    m_directive.setForeground(pick("#0b4f9c", "#79b8ff"));
    m_directive.setFontWeight(QFont::Bold);
    m_section.setForeground(pick("#6f42c1", "#d2a8ff"));
    m_section.setFontWeight(QFont::Bold);
    m_key.setForeground(pick("#005c5c", "#56d4dd"));
    m_quoted.setForeground(pick("#22863a", "#85e89d"));
    m_substitution.setForeground(pick("#b35900", "#ffab70"));
    m_added.setBackground(pick("#e6ffec", "#1f3b28"));
    m_removed.setBackground(pick("#ffebe9", "#4a2326"));
}

void ConfigHighlighter::highlightBlock(const QString& text)
{
    int offset = 0;
    if (m_diff && text.size() >= 2) {
        if (text.startsWith(u"+ "_s))
            setFormat(0, int(text.size()), m_added);
        else if (text.startsWith(u"- "_s))
            setFormat(0, int(text.size()), m_removed);
        offset = 2;
    }
    applyConfig(text.mid(offset), offset);
}

void ConfigHighlighter::mergeFormat(int start, int count, const QTextCharFormat& format)
{
    // Per character, so a diff line's background survives the token colours on it.
    for (int i = start; i < start + count; ++i) {
        QTextCharFormat f = this->format(i);
        f.merge(format);
        setFormat(i, 1, f);
    }
}

void ConfigHighlighter::applyConfig(const QString& text, int offset)
{
    int start = 0;
    while (start < text.size() && text[start].isSpace())
        ++start;
    if (start < text.size() && text[start] == u'#') {
        mergeFormat(offset + start, int(text.size()) - start, m_comment);
        return;
    }
    static const QRegularExpression section(u"^\\s*</?[A-Za-z_]+[^>]*>"_s);
    static const QRegularExpression directive(u"^\\s*([A-Za-z][A-Za-z0-9_]*)"_s);
    static const QRegularExpression key(u"(?<=\\s)([a-z][a-z0-9-]*)(?==)"_s);
    static const QRegularExpression quoted(u"'[^']*'|\"[^\"]*\""_s);
    static const QRegularExpression substitution(u"%\\{[A-Za-z:_]+\\}"_s);
    if (const auto m = section.match(text); m.hasMatch()) {
        mergeFormat(offset + int(m.capturedStart()), int(m.capturedLength()), m_section);
    } else if (const auto d = directive.match(text); d.hasMatch()) {
        mergeFormat(offset + int(d.capturedStart(1)), int(d.capturedLength(1)), m_directive);
    }
    for (auto it = key.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        mergeFormat(offset + int(m.capturedStart(1)), int(m.capturedLength(1)), m_key);
    }
    for (auto it = quoted.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        mergeFormat(offset + int(m.capturedStart()), int(m.capturedLength()), m_quoted);
    }
    for (auto it = substitution.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        mergeFormat(offset + int(m.capturedStart()), int(m.capturedLength()), m_substitution);
    }
}

} // namespace wsgi::studio
