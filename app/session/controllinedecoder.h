#pragma once
// Decodes one of the engine's control lines after the hello. It runs on the control connection's
// thread: a telemetry sample of many processes is tens of kilobytes of JSON, parsed there and not on
// the thread that draws the window. Each line carries the epoch of the connection it came on, so
// what a closed connection still had in flight can be told apart and dropped.

#include "session/controlprotocol.h"
#include "session/telemetrysample.h"

#include <QByteArrayView>

#include <optional>

namespace wsgi::studio {

struct DecodedControlLine
{
    quint64 epoch = 0;
    Decoded<ControlMessage> message;
    // For a telemetry event: the sample, or why it could not be read.
    std::optional<Decoded<TelemetrySample>> telemetry;
};

// The same on any thread: it touches nothing but its arguments.
DecodedControlLine decodeControlLine(quint64 epoch, QByteArrayView line);

} // namespace wsgi::studio
