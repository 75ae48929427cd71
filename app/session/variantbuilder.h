#pragma once
// Variants for the Benchmark page: copies of the current document's text with named changes to its
// daemon groups (a proposal from the Monitor page, a cell of a sweep, an edit by hand), each shown as
// a diff against the base. The text a variant keeps is the document's own text with the changes, so
// "Use this configuration" gives back exactly what was written; what the engine runs differs only in
// relative paths made absolute (the engine reads the text from a private directory).
//
//   const auto built = applyChanges(document.text(), document.path(), proposal.changes, error);
//   const auto variant = abVariantFor(name, *built, document.path(), error); // for AbPlan::variants

#include "session/abvariant.h"
#include "session/sweep.h"
#include "session/variantproposal.h"

#include <QString>

#include <optional>
#include <vector>

namespace wsgi::studio {

struct VariantDraft
{
    QString name;
    QString reason; // where it came from ("diagnosis: GIL-bound ...", "sweep cell"), may be empty
    std::vector<OptionChange> changes;
    QString text; // the base text with the changes, relative paths as written
};

// The daemon group that serves "/" (the longest-prefix root mount), else the only group; empty when
// neither exists.
QString defaultGroupOf(const QString& text, const QString& documentPath);

// The base text with `changes` applied. An empty OptionChange::group means defaultGroupOf(). The
// option "free-threading" (on/off) becomes the top-level WSGIFreeThreading directive, as Apache spells
// it; every other option is a WSGIDaemonProcess option, checked with mod_wsgi's value rules. Empty
// with `error` naming the change and the reason when a group does not exist, a value is out of range
// or the base text does not parse.
std::optional<QString> applyChanges(const QString& baseText, const QString& documentPath,
                                    const std::vector<OptionChange>& changes, QString& error);

// One draft per cell of the grid (sweepCells order), each changing `group` (empty: the default one):
// processes, threads, switch-interval when the cell has one, python= when it names a runtime, and
// free-threading for a free-threaded runtime.
std::vector<VariantDraft> sweepDrafts(const QString& baseText, const QString& documentPath,
                                      const SweepGrid& grid, const QString& group, QString& error);

// The text the engine runs for `text`: relative WSGIScriptAlias scripts and WSGIPythonPath/
// WSGIPythonHome/python-path=/python-home=/home= made absolute against the document's directory (the
// working directory for an untitled document). Nothing else changes.
QString runnableText(const QString& text, const QString& documentPath);

// The script served at "/" (absolute), for the physical-limit probe; empty without a root mount.
QString rootScriptOf(const QString& text, const QString& documentPath);

// An A/B variant that runs runnableText(text) from a private directory, named `name`.
std::optional<AbVariant> abVariantFor(const QString& name, const QString& text, const QString& documentPath,
                                      QString& error);

// A line diff (longest common subsequence; texts are small). Lines prefixed "  ", "- " and "+ ".
struct TextDiffLine
{
    enum class Op
    {
        Same,
        Added,
        Removed
    };
    Op op = Op::Same;
    QString text;
};
std::vector<TextDiffLine> diffTextLines(const QString& before, const QString& after);
// Only the changed lines, "- old" / "+ new", one per line; "" when the texts are equal.
QString changedLinesText(const QString& before, const QString& after);

} // namespace wsgi::studio
