#pragma once
// Why a control request or connection failed: the one error type of the control client, used on the
// connection's own thread and on the owner's.

#include <QString>

namespace wsgi::studio {

struct ControlError
{
    enum class Kind
    {
        Connection, // refused, unreachable, closed by the peer
        Protocol,   // not a wsgi-engine control endpoint, or another protocol version
        Timeout,    // no hello or no reply in time
        Engine,     // the engine answered ok:false; `code` says why ("unauthorized", ...)
        Malformed,  // the engine sent a line this client could not decode
    };
    Kind kind = Kind::Connection;
    QString code; // the engine's error code, for Kind::Engine
    QString message;
};

} // namespace wsgi::studio
