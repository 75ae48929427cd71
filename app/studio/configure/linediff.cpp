#include "configure/linediff.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {
QStringList linesOf(const QString& text)
{
    QStringList lines = text.split(u'\n');
    if (!lines.isEmpty() && lines.back().isEmpty())
        lines.removeLast();
    return lines;
}
} // namespace

std::vector<DiffLine> diffLines(const QString& oldText, const QString& newText)
{
    const QStringList a = linesOf(oldText), b = linesOf(newText);
    const std::size_t n = std::size_t(a.size()), m = std::size_t(b.size());
    std::vector<DiffLine> out;
    if (n * m > 16'000'000) {
        for (const QString& line : a)
            out.push_back({DiffLine::Op::Removed, line, 0});
        for (std::size_t j = 0; j < m; ++j)
            out.push_back({DiffLine::Op::Added, b[qsizetype(j)], int(j + 1)});
        return out;
    }
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            lcs[i][j] = a[qsizetype(i)] == b[qsizetype(j)] ? lcs[i + 1][j + 1] + 1
                                                           : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[qsizetype(i)] == b[qsizetype(j)]) {
            out.push_back({DiffLine::Op::Same, b[qsizetype(j)], int(j + 1)});
            ++i;
            ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            out.push_back({DiffLine::Op::Added, b[qsizetype(j)], int(j + 1)});
            ++j;
        } else {
            out.push_back({DiffLine::Op::Removed, a[qsizetype(i)], 0});
            ++i;
        }
    }
    return out;
}

std::vector<int> changedLines(const QString& oldText, const QString& newText)
{
    std::vector<int> out;
    for (const DiffLine& d : diffLines(oldText, newText))
        if (d.op == DiffLine::Op::Added)
            out.push_back(d.newLine);
    return out;
}

QString unifiedDiff(const QString& oldText, const QString& newText)
{
    if (oldText == newText)
        return {};
    QString out;
    for (const DiffLine& d : diffLines(oldText, newText)) {
        switch (d.op) {
        case DiffLine::Op::Same:
            out += u"  "_s;
            break;
        case DiffLine::Op::Added:
            out += u"+ "_s;
            break;
        case DiffLine::Op::Removed:
            out += u"- "_s;
            break;
        }
        out += d.text + u'\n';
    }
    return out;
}

} // namespace wsgi::studio
