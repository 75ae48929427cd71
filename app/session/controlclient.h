#pragma once
// A connection to one engine's control endpoint. It checks the hello, sends requests with the token,
// matches replies by id, times requests out, and turns status replies and telemetry events into
// typed signals. It never reconnects on its own: whoever owns it decides what a lost engine means.
// The socket itself runs on a thread of its own (ControlConnection): the hello is checked and requests
// are sent while this thread is busy; everything is still called and delivered on this thread.
//
//   ControlClient client;
//   connect(&client, &ControlClient::telemetryAvailable, page, &MonitorPage::addSample);
//   client.connectToEngine({"127.0.0.1", 7070}, token);
//   client.requestStatus();        // may be called before the hello: requests wait for it
//   client.subscribe(1000);

#include "session/controlconnection.h"
#include "session/controlerror.h"
#include "session/controllinedecoder.h"
#include "session/controlprotocol.h"
#include "session/endpoint.h"
#include "session/enginestatus.h"
#include "session/telemetrysample.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <chrono>
#include <functional>
#include <map>
#include <vector>

class QTimer;

namespace wsgi::studio {

struct ControlReply
{
    uint64_t id = 0;
    QString op;
    bool ok = false;
    QJsonObject result; // as the engine sent it, for callers that pass it on (JSON output)
    ControlError error; // when !ok
};

class ControlClient : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Disconnected,
        Connecting,
        AwaitingHello,
        Ready
    };
    using ReplyHandler = std::function<void(const ControlReply&)>;

    explicit ControlClient(QObject* parent = nullptr);
    ~ControlClient() override;

    void setRequestTimeout(std::chrono::milliseconds timeout) { m_requestTimeout = timeout; }
    void setConnectTimeout(std::chrono::milliseconds timeout) { m_connectTimeout = timeout; }

    void connectToEngine(const Endpoint& endpoint, const QByteArray& token);
    // Closes quietly: pending requests are dropped without callbacks, no errorOccurred.
    void disconnectFromEngine();

    State state() const { return m_state; }
    const Endpoint& endpoint() const { return m_endpoint; }
    const ControlHello& hello() const { return m_hello; }
    // The newest status reply of this connection as the engine sent it (empty before the first):
    // what a recording's header starts with.
    const QJsonObject& lastStatusResult() const { return m_lastStatusResult; }

    // Every request returns its id. With a handler, the handler gets the outcome, failures included;
    // without one, a failure goes to errorOccurred. errorOccurred also carries whatever is not one
    // request's outcome: the connection failing or closing (pending handlers hear that too, as a
    // failed reply of Kind::Connection, Protocol or Timeout), and lines that cannot be decoded.
    // A request made before the hello is sent after it.
    uint64_t request(const QString& op, const QJsonObject& arguments = {}, ReplyHandler handler = {});
    // These also emit their typed signal (statusAvailable) on success.
    uint64_t requestStatus(ReplyHandler handler = {});
    // `firstSampleMs` (> 0): the first sample comes after that, not after a whole interval (a view
    // that has just opened shows data at once; the sample covers just that shorter interval).
    uint64_t subscribe(int intervalMs, ReplyHandler handler = {}, int firstSampleMs = 0);
    uint64_t unsubscribe(ReplyHandler handler = {});
    uint64_t reload(const QString& configText, ReplyHandler handler = {});
    uint64_t restartGroup(const QString& group, ReplyHandler handler = {});
    uint64_t dumpStacks(const QString& group, ReplyHandler handler = {});

Q_SIGNALS:
    void connected(const wsgi::studio::ControlHello& hello); // the hello checked out; requests flow
    void disconnected();                                     // after an error or the peer closing
    void statusAvailable(const wsgi::studio::EngineStatus& status);
    void telemetryAvailable(const wsgi::studio::TelemetrySample& sample);
    // Every event as the engine sent it, decoded or not, for pass-through (JSON output, recording).
    void eventAvailable(const QJsonObject& event);
    void errorOccurred(const wsgi::studio::ControlError& error);

private:
    struct Pending
    {
        QString op;
        ReplyHandler handler;
        std::function<void(const ControlReply&)> onSuccess; // emits the typed signal
        std::chrono::steady_clock::time_point deadline;
    };

    uint64_t enqueue(const QString& op, const QJsonObject& arguments, ReplyHandler handler,
                     std::function<void(const ControlReply&)> onSuccess = {});
    void onHello(const ControlHello& hello);
    void onDecoded(const std::shared_ptr<const DecodedControlLine>& line);
    void handleReply(const ControlMessage& message);
    void complete(uint64_t id, const ControlReply& reply);
    void checkDeadlines();
    void armDeadlineTimer();
    // Ends the connection because of `error`: pending requests fail with it, then the signals.
    void fail(const ControlError& error);

    // The socket, on its own thread; what it reports arrives here in order, decoded.
    ControlConnection* m_connection = nullptr;
    QTimer* m_deadlineTimer = nullptr;
    State m_state = State::Disconnected;
    Endpoint m_endpoint;
    QByteArray m_token; // never logged, never put in a message
    ControlHello m_hello;
    QJsonObject m_lastStatusResult;
    uint64_t m_nextId = 1;
    std::map<uint64_t, Pending> m_pending;
    std::chrono::steady_clock::time_point m_connectDeadline;
    std::chrono::milliseconds m_requestTimeout{10000};
    std::chrono::milliseconds m_connectTimeout{5000};
};

} // namespace wsgi::studio

Q_DECLARE_METATYPE(wsgi::studio::ControlHello)
Q_DECLARE_METATYPE(wsgi::studio::EngineStatus)
Q_DECLARE_METATYPE(wsgi::studio::TelemetrySample)
Q_DECLARE_METATYPE(wsgi::studio::ControlError)
