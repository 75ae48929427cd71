#pragma once
// One side of an A/B run: a name and the exact config text the engine runs for it. Variants come
// from the command line (or the GUI) in two forms:
//
//   NAME=FILE.conf                       a config snippet file. If it has its own WSGIScriptAlias it
//                                        runs as is, in place (its relative paths resolve against its
//                                        directory, as the engine does); otherwise it must define one
//                                        WSGIDaemonProcess and the app is mounted at / on that group.
//   NAME=OPTIONS                         inline WSGIDaemonProcess options, e.g.
//                                        'processes=2 threads=5 switch-interval=0.0001'. The snippet is
//                                        written for them: the daemon group plus
//                                        WSGIScriptAlias / APP process-group=... application-group=%{GLOBAL}.
//
// Inline options are passed to WSGIDaemonProcess verbatim (the engine validates them and its error
// text is what a failed variant reports), except `free-threading=on|off`, which is ours: Apache
// spells free-threading as a directive, not an option, so `free-threading=on` becomes a top-level
// `WSGIFreeThreading On`. It needs a free-threaded runtime (`python=3.13t`), said up front rather
// than left to an engine warning.

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace wsgi::studio {

struct DaemonOption
{
    QString key;   // "processes"
    QString value; // "2", unquoted
    QString raw;   // the token as written ("display-name='%{GROUP}'"), re-emitted verbatim
};

struct AbVariant
{
    enum class Source
    {
        Inline,
        File
    };

    QString name;
    Source source = Source::Inline;
    QString options;          // inline: as given on the command line
    QString filePath;         // file: absolute path
    QString configText;       // what the engine runs, byte for byte (what gets exported)
    bool runInPlace = false;  // file used as is: the engine is started on filePath itself
    QString group;            // the daemon group that serves /, when known
    QString requestedRuntime; // python= when given; empty: the engine's default
    bool freeThreading = false;
};

// "processes=2 threads=5 display-name='%{GROUP}'": whitespace-separated key=value tokens, values
// optionally quoted with ' or ". Empty with `error` set for an empty text, a token without '=' or
// an empty key, or an unterminated quote.
std::optional<std::vector<DaemonOption>> parseDaemonOptions(const QString& text, QString& error);

// A group name Apache and the engine accept, derived from the variant name: lowercase letters,
// digits and '-' ("2x5 0.1ms" -> "2x5-0-1ms"); "variant" when nothing is left.
QString groupNameFor(const QString& variantName);

// The snippet for inline options (see the header comment). `appPath` must be absolute.
QString snippetForOptions(const QString& variantName, const QString& group,
                          const std::vector<DaemonOption>& options, bool freeThreading,
                          const QString& appPath);

// Parses "NAME=FILE" or "NAME=OPTIONS" (see the header comment). The value names a file when a file
// by that name exists or it ends in ".conf"; anything else is inline options. `appPath` must be
// absolute. Relative file names resolve against `workingDirectory`.
std::optional<AbVariant> parseVariant(const QString& argument, const QString& appPath, QString& error,
                                      const QString& workingDirectory = {});

// A variant from a snippet's text (the FILE form, after reading the file).
std::optional<AbVariant> variantFromSnippet(const QString& name, const QString& filePath, const QString& text,
                                            const QString& appPath, QString& error);

// A variant from parsed inline options.
std::optional<AbVariant> variantFromOptions(const QString& name, const QString& optionsText,
                                            const QString& appPath, QString& error);

// Names must be unique and non-empty: the error names the first duplicate.
bool checkVariantNames(const std::vector<AbVariant>& variants, QString& error);

} // namespace wsgi::studio
