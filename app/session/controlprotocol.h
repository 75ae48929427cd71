#pragma once
// The wire form of the engine's control endpoint (newline-delimited JSON over TCP), decoded into
// plain values. Pure functions, no sockets: the client feeds lines in, tests feed strings in.
//
// Decoding rule, everywhere: a field that is absent or null takes its default (an older or newer
// engine may omit it); a field that is present with the wrong type is an error naming the field.
// Nothing here asserts or throws on input: whatever the line holds, the answer is a value or an
// error message.

#include "session/enginestatus.h"
#include "session/telemetrysample.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>

namespace wsgi::studio {

inline constexpr char kControlProtocolName[] = "wsgi-engine-control";
inline constexpr int kControlProtocolVersion = 1;
// Longest line accepted from the engine. A telemetry event for many processes is a few hundred KB;
// anything far beyond that is a broken or hostile peer, not a message.
inline constexpr qsizetype kControlMaxLine = 32 * 1024 * 1024;

template <typename T> struct Decoded
{
    std::optional<T> value;
    QString error; // what was wrong, when value is empty
    explicit operator bool() const { return value.has_value(); }
};

struct ControlHello
{
    QString protocol;
    int version = 0;
    int64_t pid = 0;
    QString auth; // how requests authenticate: "token"
};

// One line from the engine after the hello: a reply to a request or an unsolicited event.
struct ControlMessage
{
    enum class Kind
    {
        Reply,
        Event
    };
    Kind kind = Kind::Reply;
    // Reply: the request id it answers; empty when the engine could not tell (unparseable request).
    std::optional<uint64_t> id;
    bool ok = false;
    QJsonObject result;
    QString errorCode; // "unauthorized", "bad-request", ... (see DESIGN.md, control endpoint)
    QString errorMessage;
    // Event: its name ("telemetry") and the whole object.
    QString event;
    QJsonObject object;
};

Decoded<ControlHello> decodeHello(QByteArrayView line);
Decoded<ControlMessage> decodeMessage(QByteArrayView line);
Decoded<EngineStatus> decodeStatus(const QJsonObject& result);
Decoded<TelemetrySample> decodeTelemetry(const QJsonObject& event); // with its "events"
// The lifecycle events a status reply carries as "recent_events" (the engine's last 64), oldest first.
// Apart from EngineStatus because EngineEvent belongs to the telemetry side; same decoding rule.
Decoded<std::vector<EngineEvent>> decodeRecentEvents(const QJsonObject& statusResult);
EngineEvent::Kind engineEventKindFromWire(const QString& text, bool* ok = nullptr);
const char* engineEventKindWireName(EngineEvent::Kind kind); // "restart", "reload", "throttled"

// One request line, newline included. The token goes on the wire and nowhere else.
QByteArray encodeRequest(uint64_t id, const QByteArray& token, const QString& op,
                         const QJsonObject& arguments);

} // namespace wsgi::studio
