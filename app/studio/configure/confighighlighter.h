#pragma once
// Apache config syntax colours for the preview: comments, directive names, <sections>, option keys,
// quoted words, %{...} substitutions, and '+'/'-' lines of a diff. Colours come from the palette's
// role colours mixed for contrast, so light and dark palettes both read.

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace wsgi::studio {

class ConfigHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit ConfigHighlighter(QTextDocument* document, bool diff = false);

protected:
    void highlightBlock(const QString& text) override;

private:
    void applyConfig(const QString& text, int offset);
    void mergeFormat(int start, int count, const QTextCharFormat& format);

    bool m_diff;
    QTextCharFormat m_comment, m_directive, m_section, m_key, m_quoted, m_substitution, m_added, m_removed;
};

} // namespace wsgi::studio
