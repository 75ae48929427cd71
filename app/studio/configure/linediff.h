#pragma once
// A line diff (longest common subsequence) for the preview: which lines of the new text are changed,
// and a unified-style listing against what the engine runs now. Configuration texts are small; above
// a few thousand lines each side every line counts as changed rather than spending seconds.

#include <QString>
#include <QStringList>

#include <vector>

namespace wsgi::studio {

struct DiffLine
{
    enum class Op
    {
        Same,
        Added,
        Removed
    };
    Op op = Op::Same;
    QString text;
    int newLine = 0; // 1-based line in the new text (Same, Added)
};

std::vector<DiffLine> diffLines(const QString& oldText, const QString& newText);
std::vector<int> changedLines(const QString& oldText, const QString& newText); // 1-based, in newText
QString unifiedDiff(const QString& oldText, const QString& newText);           // "" when equal

} // namespace wsgi::studio
