#include "session/benchmarkhistory.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

BenchmarkHistory::BenchmarkHistory(const QString& directory)
    : m_directory(directory.isEmpty() ? defaultDirectory() : directory)
{
}

QString BenchmarkHistory::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/benchmarks"_s;
}

QString BenchmarkHistory::save(const AbResult& result, const AbSummary& summary, QString& error) const
{
    if (!QDir().mkpath(m_directory)) {
        error = u"cannot create "_s + m_directory;
        return {};
    }
    const QDateTime started = result.startedAt.isValid() ? result.startedAt : QDateTime::currentDateTimeUtc();
    const QString stem = result.plan.kind + u'-' + started.toUTC().toString(u"yyyyMMdd-HHmmss"_s);
    QString path = QDir(m_directory).filePath(stem + u".json"_s);
    // Two runs started in the same second (a rerun of a cancelled one) keep both files.
    for (int n = 2; QFile::exists(path); ++n)
        path = QDir(m_directory).filePath(stem + u'-' + QString::number(n) + u".json"_s);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        error = u"cannot write "_s + path + u": "_s + file.errorString();
        return {};
    }
    file.write(QJsonDocument(abResultToJson(result, summary)).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        error = u"cannot write "_s + path + u": "_s + file.errorString();
        return {};
    }
    return path;
}

std::optional<AbDocument> BenchmarkHistory::open(const QString& path, QString& error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        error = u"cannot read "_s + path + u": "_s + file.errorString();
        return std::nullopt;
    }
    QJsonParseError parse{};
    const QJsonDocument json = QJsonDocument::fromJson(file.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError) {
        error =
            path + u": not JSON at byte "_s + QString::number(parse.offset) + u": "_s + parse.errorString();
        return std::nullopt;
    }
    if (!json.isObject()) {
        error = path + u": not a result document (the top level is not an object)"_s;
        return std::nullopt;
    }
    QString why;
    auto document = abResultFromJson(json.object(), why);
    if (!document) {
        error = path + u": "_s + why;
        return std::nullopt;
    }
    return document;
}

std::optional<HistoryEntry> BenchmarkHistory::entryOf(const QString& path, const AbDocument& document)
{
    HistoryEntry e;
    e.path = path;
    e.startedAt = document.result.startedAt;
    e.kind = document.result.plan.kind;
    e.baseline = document.summary.baseline;
    e.cancelled = document.result.cancelled;
    for (const AbVariantSummary& s : document.summary.variants) {
        e.variants << s.name;
        if (e.headline.isEmpty() && !s.verdict.isEmpty() && s.name != e.baseline)
            e.headline = s.verdict;
    }
    if (e.headline.isEmpty())
        e.headline = document.summary.succeeded == 0 ? u"no variant completed"_s : u"one variant measured"_s;
    return e;
}

std::vector<HistoryEntry> BenchmarkHistory::list() const
{
    std::vector<HistoryEntry> entries;
    const QDir dir(m_directory);
    for (const QString& name : dir.entryList({u"*.json"_s}, QDir::Files)) {
        const QString path = dir.filePath(name);
        QString error;
        const auto document = open(path, error);
        if (!document)
            continue;
        if (auto entry = entryOf(path, *document))
            entries.push_back(std::move(*entry));
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const HistoryEntry& a, const HistoryEntry& b) { return a.startedAt > b.startedAt; });
    return entries;
}

} // namespace wsgi::studio
