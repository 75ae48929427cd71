#include "session/endpoint.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

QString Endpoint::toString() const
{
    const QString port_ = QString::number(port);
    return host.contains(u':') ? QString(u'[' + host + u"]:"_s + port_) : QString(host + u':' + port_);
}

std::optional<Endpoint> parseEndpoint(const QString& text, QString& error)
{
    QString host;
    QString port;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u"]:"_s);
        if (close < 0) {
            error = u"'"_s + text + u"' is not [ADDRESS]:PORT"_s;
            return std::nullopt;
        }
        host = text.mid(1, close - 1);
        port = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(u':');
        if (colon <= 0 || text.indexOf(u':') != colon) {
            error = u"'"_s + text + u"' is not HOST:PORT (e.g. 127.0.0.1:7070)"_s;
            return std::nullopt;
        }
        host = text.left(colon);
        port = text.mid(colon + 1);
    }
    bool ok = false;
    const uint number = port.toUInt(&ok);
    if (host.isEmpty() || !ok || number == 0 || number > 65535) {
        error = u"'"_s + text + u"' is not HOST:PORT with a port from 1 to 65535"_s;
        return std::nullopt;
    }
    return Endpoint{host, quint16(number)};
}

} // namespace wsgi::studio
