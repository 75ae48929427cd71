#include "session/reloadoutcome.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

QList<EngineFinding> parseEngineFindings(const QString& text)
{
    // The engine's formatFinding: "[FILE:[LINE:] ]SEVERITY: MESSAGE[ [CODE]]", then "    hint: ...".
    static const QRegularExpression finding(u"^(?:(.*?):(?:(\\d+):)? )?(error|warning|note): (.*)$"_s);
    static const QRegularExpression code(u"^(.*) \\[([A-Za-z0-9_.-]+)\\]$"_s);
    static const QRegularExpression hint(u"^\\s+hint: (.*)$"_s);
    QList<EngineFinding> findings;
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const auto m = finding.match(lines[i]);
        if (!m.hasMatch())
            continue;
        EngineFinding f;
        f.file = m.captured(1);
        f.line = m.captured(2).toInt();
        f.severity = m.captured(3);
        f.message = m.captured(4);
        if (const auto c = code.match(f.message); c.hasMatch()) {
            f.message = c.captured(1);
            f.code = c.captured(2);
        }
        f.text = lines[i];
        if (i + 1 < lines.size()) {
            if (const auto h = hint.match(lines[i + 1]); h.hasMatch()) {
                f.hint = h.captured(1);
                f.text += u'\n' + lines[++i];
            }
        }
        findings.push_back(std::move(f));
    }
    return findings;
}

} // namespace wsgi::studio
