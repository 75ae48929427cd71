#pragma once
// Decodes the engine's control lines on a thread of its own, in the order they came: a telemetry
// sample of many processes is tens of kilobytes of JSON, parsed there and not on the thread that
// draws the window. Each line carries the epoch of the connection it came on, so what a closed
// connection still had in flight can be told apart and dropped.
//
//   ControlLineDecoder decoder;
//   connect(&decoder, &ControlLineDecoder::decoded, this, &Client::onDecoded); // in this thread
//   decoder.decode(epoch, line);

#include "session/controlprotocol.h"
#include "session/telemetrysample.h"

#include <QByteArray>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace wsgi::studio {

struct DecodedControlLine
{
    quint64 epoch = 0;
    Decoded<ControlMessage> message;
    // For a telemetry event: the sample, or why it could not be read.
    std::optional<Decoded<TelemetrySample>> telemetry;
};

// The decoding itself, the same on any thread.
DecodedControlLine decodeControlLine(quint64 epoch, QByteArrayView line);

class ControlLineDecoder : public QObject
{
    Q_OBJECT
public:
    explicit ControlLineDecoder(QObject* parent = nullptr);
    ~ControlLineDecoder() override; // stops its thread; lines still queued are dropped

    void decode(quint64 epoch, const QByteArray& line);
    // `then` runs in the owner's thread once every line queued before it has been delivered (a
    // connection closing after its last lines is handled after them).
    void afterPending(std::function<void()> then);

Q_SIGNALS:
    // In the thread that owns the decoder, one per line, in the order decode() was called.
    void decoded(std::shared_ptr<const wsgi::studio::DecodedControlLine> line);

private:
    QThread* m_thread = nullptr;
    QObject* m_worker = nullptr; // lives in m_thread
};

} // namespace wsgi::studio
