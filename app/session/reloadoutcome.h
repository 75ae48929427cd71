#pragma once
// What became of a reload: the engine applied the new configuration (its new generation), or it
// rejected it and kept running the old one, in which case the engine's own findings are kept as it
// sent them ("engine.conf:7: error: ... [code]" with an optional "    hint: ..." line), decoded so a
// page can put each one beside its line.

#include <QList>
#include <QString>

#include <cstdint>

namespace wsgi::studio {

struct EngineFinding
{
    QString severity; // "error", "warning", "note"
    QString file;     // as the engine named it; empty when the finding has no place
    int line = 0;     // 1-based; 0 when the finding has no line
    QString message;  // without the place, the severity and the code
    QString code;     // the finding's code, e.g. "unknown-option"; may be empty
    QString hint;     // the engine's suggestion; may be empty
    QString text;     // the finding exactly as the engine wrote it, hint line included
};

struct ReloadOutcome
{
    bool ok = false;
    // Applied: the engine's new generation. Rejected: the generation it still runs.
    int64_t generation = 0;
    QString message;   // the engine's words: its error text when rejected, or why no answer came
    QString file;      // of the first error finding, when there is one
    int line = 0;      // of the first error finding; 0 when none
    QString errorCode; // the engine's error code ("invalid-config", ...) or the client's failure kind
    QList<EngineFinding> findings;
};

// Decodes the finding lines of an engine message; lines that are not findings are skipped.
QList<EngineFinding> parseEngineFindings(const QString& text);

} // namespace wsgi::studio
