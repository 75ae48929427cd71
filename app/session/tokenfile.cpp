#include "session/tokenfile.h"

#include <QFile>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

TokenFile readTokenFile(const QString& path)
{
    TokenFile result;
    const QFileInfo info(path);
    if (path.isEmpty()) {
        result.error = u"no control token file given"_s;
        return result;
    }
    if (!info.exists()) {
        result.error = u"the control token file "_s + path +
                       u" does not exist (the engine writes it at start "
                       "with --control-token-file)"_s;
        return result;
    }
    if (info.isDir()) {
        result.error = u"the control token file "_s + path + u" is a directory"_s;
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = u"cannot read the control token file "_s + path + u": "_s + file.errorString();
        return result;
    }
    // One line of hex is expected; a small cap keeps a wrong path (a log, a device) from being slurped.
    const QByteArray firstLine = file.readLine(4096).trimmed();
    if (firstLine.isEmpty()) {
        result.error = u"the control token file "_s + path + u" is empty"_s;
        return result;
    }
    result.token = firstLine;
    const auto others = QFileDevice::ReadGroup | QFileDevice::ReadOther;
    if (file.permissions() & others)
        result.warning = u"the control token file "_s + path +
                         u" is readable by other users; anyone who can read it controls the engine"_s;
    return result;
}

} // namespace wsgi::studio
