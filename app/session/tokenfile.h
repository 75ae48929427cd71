#pragma once
// The engine's control token, read from the file the engine wrote (--control-token-file): the first
// line, without surrounding whitespace. The token itself never appears in a message.

#include <QByteArray>
#include <QString>

namespace wsgi::studio {

struct TokenFile
{
    QByteArray token; // empty when reading failed
    QString error;    // why, naming the file
    QString warning;  // readable by others than its owner: worth saying, not worth refusing
    bool ok() const { return !token.isEmpty(); }
};

TokenFile readTokenFile(const QString& path);

} // namespace wsgi::studio
