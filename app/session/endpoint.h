#pragma once
// Where an engine's control endpoint is: "HOST:PORT", "[v6-address]:PORT".

#include <QString>

#include <optional>

namespace wsgi::studio {

struct Endpoint
{
    QString host;
    quint16 port = 0;
    QString toString() const; // brackets an IPv6 address again, so messages can be pasted back
};

// Empty with `error` set when the text is not HOST:PORT with a port in 1..65535.
std::optional<Endpoint> parseEndpoint(const QString& text, QString& error);

} // namespace wsgi::studio
