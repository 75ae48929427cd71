#include "session/abvariant.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <set>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

namespace {

// Apache quotes arguments with spaces; paths are the only thing we write that might have them.
QString quotedIfNeeded(const QString& text)
{
    for (const QChar c : text)
        if (c.isSpace() || c == u'"')
            return u'"' + QString(text).replace(u"\\"_s, u"\\\\"_s).replace(u"\""_s, u"\\\""_s) + u'"';
    return text;
}

QString lowerKey(const QString& key)
{
    return key.toLower();
}

// The words of one config line, without a trailing comment; quotes are kept out of the words.
QStringList lineWords(const QString& line)
{
    QStringList words;
    QString current;
    QChar quote;
    bool inWord = false;
    for (const QChar c : line) {
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else
                current += c;
            continue;
        }
        if (c == u'#' && !inWord)
            break;
        if (c == u'"' || c == u'\'') {
            quote = c;
            inWord = true;
            continue;
        }
        if (c.isSpace()) {
            if (inWord)
                words << current;
            current.clear();
            inWord = false;
            continue;
        }
        current += c;
        inWord = true;
    }
    if (inWord)
        words << current;
    return words;
}

} // namespace

std::optional<std::vector<DaemonOption>> parseDaemonOptions(const QString& text, QString& error)
{
    std::vector<DaemonOption> options;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        while (i < n && text[i].isSpace())
            ++i;
        if (i >= n)
            break;
        DaemonOption option;
        QString value;
        QChar quote;
        const qsizetype start = i;
        bool seenEquals = false;
        for (; i < n; ++i) {
            const QChar c = text[i];
            if (!quote.isNull()) {
                if (c == quote)
                    quote = QChar();
                else
                    value += c;
                continue;
            }
            if (c.isSpace())
                break;
            if (seenEquals && (c == u'\'' || c == u'"')) {
                quote = c;
                continue;
            }
            if (!seenEquals && c == u'=') {
                seenEquals = true;
                continue;
            }
            (seenEquals ? value : option.key) += c;
        }
        option.raw = text.mid(start, i - start);
        if (!quote.isNull()) {
            error = u"unterminated quote in '"_s + option.raw + u'\'';
            return std::nullopt;
        }
        if (!seenEquals || option.key.isEmpty()) {
            error = u"'"_s + option.raw + u"' is not a key=value option (e.g. processes=2 threads=5)"_s;
            return std::nullopt;
        }
        option.value = value;
        options.push_back(std::move(option));
    }
    if (options.empty()) {
        error = u"no options given (e.g. 'processes=2 threads=5')"_s;
        return std::nullopt;
    }
    return options;
}

QString groupNameFor(const QString& variantName)
{
    QString group;
    for (const QChar c : variantName.toLower()) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9'))
            group += c;
        else if (!group.isEmpty() && !group.endsWith(u'-'))
            group += u'-';
    }
    while (group.endsWith(u'-'))
        group.chop(1);
    return group.isEmpty() ? u"variant"_s : group;
}

QString snippetForOptions(const QString& variantName, const QString& group,
                          const std::vector<DaemonOption>& options, bool freeThreading,
                          const QString& appPath)
{
    QStringList raw;
    for (const DaemonOption& option : options)
        if (lowerKey(option.key) != u"free-threading"_s)
            raw << option.raw;
    QString text =
        u"# A/B variant \""_s + QString(variantName).replace(u'\n', u' ') + u"\" (wsgi-studio-cli)\n"_s;
    if (freeThreading)
        text += u"WSGIFreeThreading On\n"_s;
    text += u"WSGIDaemonProcess "_s + group + (raw.isEmpty() ? QString() : u' ' + raw.join(u' ')) + u'\n';
    text += u"WSGIScriptAlias / "_s + quotedIfNeeded(appPath) + u" process-group="_s + group +
            u" application-group=%{GLOBAL}\n"_s;
    return text;
}

std::optional<AbVariant> variantFromOptions(const QString& name, const QString& optionsText,
                                            const QString& appPath, QString& error)
{
    QString why;
    const auto options = parseDaemonOptions(optionsText, why);
    if (!options) {
        error = u"variant '"_s + name + u"': "_s + why;
        return std::nullopt;
    }
    AbVariant v;
    v.name = name;
    v.source = AbVariant::Source::Inline;
    v.options = optionsText.trimmed();
    v.group = groupNameFor(name);
    for (const DaemonOption& option : *options) {
        const QString key = lowerKey(option.key);
        if (key == u"python"_s) {
            v.requestedRuntime = option.value;
        } else if (key == u"free-threading"_s) {
            const QString value = option.value.toLower();
            if (value == u"on"_s || value == u"true"_s || value == u"1"_s) {
                v.freeThreading = true;
            } else if (value != u"off"_s && value != u"false"_s && value != u"0"_s) {
                error = u"variant '"_s + name + u"': free-threading= takes on or off, not '"_s +
                        option.value + u'\'';
                return std::nullopt;
            }
        }
    }
    if (v.freeThreading && !v.requestedRuntime.endsWith(u't')) {
        error = u"variant '"_s + name +
                u"': free-threading=on needs a free-threaded runtime, e.g. python=3.13t"_s +
                (v.requestedRuntime.isEmpty() ? QString()
                                              : u" (python="_s + v.requestedRuntime + u" has a GIL)"_s);
        return std::nullopt;
    }
    v.configText = snippetForOptions(name, v.group, *options, v.freeThreading, appPath);
    return v;
}

std::optional<AbVariant> variantFromSnippet(const QString& name, const QString& filePath, const QString& text,
                                            const QString& appPath, QString& error)
{
    AbVariant v;
    v.name = name;
    v.source = AbVariant::Source::File;
    v.filePath = filePath;
    bool hasAlias = false;
    QStringList groups;
    QString aliasGroup;
    const QStringList lines = text.split(u'\n');
    for (const QString& line : lines) {
        const QStringList words = lineWords(line);
        if (words.isEmpty())
            continue;
        const QString directive = words.front().toLower();
        if (directive == u"wsgidaemonprocess"_s && words.size() > 1) {
            groups << words[1];
            for (const QString& word : words.mid(2)) {
                if (word.startsWith(u"python="_s, Qt::CaseInsensitive))
                    v.requestedRuntime = word.mid(7);
            }
        } else if (directive == u"wsgiscriptalias"_s) {
            hasAlias = true;
            for (const QString& word : words.mid(3))
                if (word.startsWith(u"process-group="_s, Qt::CaseInsensitive) && words.value(1) == u"/"_s)
                    aliasGroup = word.mid(14);
        } else if (directive == u"wsgifreethreading"_s && words.value(1).toLower() == u"on"_s) {
            v.freeThreading = true;
        }
    }
    if (hasAlias) {
        // Its own mounts: run it untouched, where it is.
        v.runInPlace = true;
        v.configText = text;
        v.group = aliasGroup.isEmpty() && groups.size() == 1 ? groups.front() : aliasGroup;
        return v;
    }
    if (groups.size() != 1) {
        error =
            u"variant '"_s + name + u"': "_s + filePath + u" has no WSGIScriptAlias and "_s +
            (groups.isEmpty() ? u"no WSGIDaemonProcess"_s
                              : QString::number(groups.size()) + u" WSGIDaemonProcess groups"_s) +
            u": define exactly one daemon group (the app is mounted at / on it) or mount the app yourself"_s;
        return std::nullopt;
    }
    v.group = groups.front();
    v.configText = text + (text.endsWith(u'\n') || text.isEmpty() ? QString() : u"\n"_s) +
                   u"WSGIScriptAlias / "_s + quotedIfNeeded(appPath) + u" process-group="_s + v.group +
                   u" application-group=%{GLOBAL}\n"_s;
    return v;
}

std::optional<AbVariant> parseVariant(const QString& argument, const QString& appPath, QString& error,
                                      const QString& workingDirectory)
{
    const qsizetype equals = argument.indexOf(u'=');
    if (equals <= 0) {
        error = u"'"_s + argument +
                u"' is not NAME=FILE.conf or NAME='OPTIONS' (e.g. 2x5='processes=2 threads=5')"_s;
        return std::nullopt;
    }
    const QString name = argument.left(equals).trimmed();
    const QString value = argument.mid(equals + 1).trimmed();
    if (name.isEmpty()) {
        error = u"'"_s + argument + u"': the variant needs a name before '='"_s;
        return std::nullopt;
    }
    if (value.isEmpty()) {
        error =
            u"variant '"_s + name + u"': nothing after '=' (a config file or WSGIDaemonProcess options)"_s;
        return std::nullopt;
    }
    const QDir base(workingDirectory.isEmpty() ? QDir::currentPath() : workingDirectory);
    const QString path = QDir::cleanPath(base.absoluteFilePath(value));
    const bool looksLikeFile = !value.contains(u'=') || value.endsWith(u".conf"_s);
    if (QFileInfo(path).isFile() || looksLikeFile) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            error = u"variant '"_s + name + u"': cannot read "_s + path + u": "_s + file.errorString();
            return std::nullopt;
        }
        return variantFromSnippet(name, path, QString::fromUtf8(file.readAll()), appPath, error);
    }
    return variantFromOptions(name, value, appPath, error);
}

bool checkVariantNames(const std::vector<AbVariant>& variants, QString& error)
{
    std::set<QString> seen;
    for (const AbVariant& v : variants) {
        if (v.name.isEmpty()) {
            error = u"a variant has no name"_s;
            return false;
        }
        if (!seen.insert(v.name).second) {
            error = u"two variants are named '"_s + v.name + u"': names must be unique"_s;
            return false;
        }
    }
    return true;
}

} // namespace wsgi::studio
