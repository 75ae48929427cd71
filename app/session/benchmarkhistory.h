#pragma once
// Every A/B run the studio finishes (or cancels with repeats kept) is saved as a result document
// (abresultjson.h) in the user's data directory, <AppDataLocation>/benchmarks/, one file per run,
// named by its start time. The history lists them newest first and opens any result document, those
// `wsgi-studio-cli ab -o` wrote included.

#include "session/abresultjson.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace wsgi::studio {

struct HistoryEntry
{
    QString path;
    QDateTime startedAt;
    QString kind; // "ab", "sweep"
    QStringList variants;
    QString baseline;
    bool cancelled = false;
    QString headline; // "2x5 is 0.31x 10x1" or why there is no verdict
};

class BenchmarkHistory
{
public:
    // Empty: <AppDataLocation>/benchmarks.
    explicit BenchmarkHistory(const QString& directory = {});

    QString directory() const { return m_directory; }
    static QString defaultDirectory();

    // Writes the document; its path, or empty with `error` set.
    QString save(const AbResult& result, const AbSummary& summary, QString& error) const;
    // Newest first. Files that are not result documents are left out.
    std::vector<HistoryEntry> list() const;

    // Any result document, by path: empty with `error` naming the file and what is wrong.
    static std::optional<AbDocument> open(const QString& path, QString& error);
    static std::optional<HistoryEntry> entryOf(const QString& path, const AbDocument& document);

private:
    QString m_directory;
};

} // namespace wsgi::studio
