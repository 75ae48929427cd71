#include "session/controlclient.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

// Logs ops and ids, never request lines: those carry the token.
Q_LOGGING_CATEGORY(lcControl, "wsgi.studio.control", QtWarningMsg)

namespace {

// The engine waits up to 10 s for workers to answer a stack dump before it replies.
constexpr std::chrono::milliseconds kDumpStacksExtra{10000};

ControlReply failedReply(uint64_t id, const QString& op, const ControlError& error)
{
    ControlReply reply;
    reply.id = id;
    reply.op = op;
    reply.ok = false;
    reply.error = error;
    return reply;
}

} // namespace

ControlClient::ControlClient(QObject* parent) : QObject(parent), m_deadlineTimer(new QTimer(this))
{
    static const bool registered = [] {
        qRegisterMetaType<ControlHello>();
        qRegisterMetaType<EngineStatus>();
        qRegisterMetaType<TelemetrySample>();
        qRegisterMetaType<ControlError>();
        return true;
    }();
    Q_UNUSED(registered);
    m_connection = new ControlConnection(this);
    connect(m_connection, &ControlConnection::socketConnected, this,
            [this] { m_state = State::AwaitingHello; });
    connect(m_connection, &ControlConnection::helloReceived, this, &ControlClient::onHello);
    connect(m_connection, &ControlConnection::lineDecoded, this, &ControlClient::onDecoded);
    connect(m_connection, &ControlConnection::failed, this, &ControlClient::fail);
    m_deadlineTimer->setSingleShot(true);
    connect(m_deadlineTimer, &QTimer::timeout, this, &ControlClient::checkDeadlines);
}

ControlClient::~ControlClient()
{
    disconnectFromEngine();
    delete m_connection; // its thread stops here, before any of this object is gone
}

void ControlClient::connectToEngine(const Endpoint& endpoint, const QByteArray& token)
{
    disconnectFromEngine();
    m_endpoint = endpoint;
    m_token = token;
    m_hello = {};
    m_lastStatusResult = {};
    m_state = State::Connecting;
    m_connectDeadline = std::chrono::steady_clock::now() + m_connectTimeout;
    armDeadlineTimer();
    qCDebug(lcControl) << "connecting to" << endpoint.toString();
    m_connection->open(endpoint);
}

void ControlClient::disconnectFromEngine()
{
    m_pending.clear();
    m_state = State::Disconnected;
    m_deadlineTimer->stop();
    m_connection->close(); // what it still has in flight is dropped, not delivered
}

uint64_t ControlClient::request(const QString& op, const QJsonObject& arguments, ReplyHandler handler)
{
    return enqueue(op, arguments, std::move(handler));
}

uint64_t ControlClient::requestStatus(ReplyHandler handler)
{
    return enqueue(u"status"_s, {}, std::move(handler), [this](const ControlReply& reply) {
        const auto status = decodeStatus(reply.result);
        if (status) {
            m_lastStatusResult = reply.result;
            Q_EMIT statusAvailable(*status.value);
        } else
            Q_EMIT errorOccurred({ControlError::Kind::Malformed, {}, status.error});
    });
}

uint64_t ControlClient::subscribe(int intervalMs, ReplyHandler handler, int firstSampleMs)
{
    QJsonObject arguments{{u"interval_ms"_s, intervalMs}};
    if (firstSampleMs > 0)
        arguments.insert(u"first_ms"_s, std::min(firstSampleMs, intervalMs));
    return enqueue(u"subscribe"_s, arguments, std::move(handler));
}

uint64_t ControlClient::unsubscribe(ReplyHandler handler)
{
    return enqueue(u"unsubscribe"_s, {}, std::move(handler));
}

uint64_t ControlClient::reload(const QString& configText, ReplyHandler handler)
{
    return enqueue(u"reload"_s, {{u"config"_s, configText}}, std::move(handler));
}

uint64_t ControlClient::restartGroup(const QString& group, ReplyHandler handler)
{
    return enqueue(u"restart"_s, {{u"group"_s, group}}, std::move(handler));
}

uint64_t ControlClient::dumpStacks(const QString& group, ReplyHandler handler)
{
    const uint64_t id = enqueue(u"dump-stacks"_s, {{u"group"_s, group}}, std::move(handler));
    if (auto it = m_pending.find(id); it != m_pending.end()) {
        it->second.deadline += kDumpStacksExtra;
        armDeadlineTimer();
    }
    return id;
}

uint64_t ControlClient::enqueue(const QString& op, const QJsonObject& arguments, ReplyHandler handler,
                                std::function<void(const ControlReply&)> onSuccess)
{
    const uint64_t id = m_nextId++;
    if (m_state == State::Disconnected) {
        // Reported from the event loop, never from inside the caller's own call.
        const ControlReply reply =
            failedReply(id, op, {ControlError::Kind::Connection, {}, u"not connected to an engine"_s});
        QTimer::singleShot(0, this, [this, reply, handler = std::move(handler)] {
            if (handler)
                handler(reply);
            else
                Q_EMIT errorOccurred(reply.error);
        });
        return id;
    }
    m_pending[id] = Pending{op, std::move(handler), std::move(onSuccess),
                            std::chrono::steady_clock::now() + m_requestTimeout};
    const QByteArray line = encodeRequest(id, m_token, op, arguments);
    qCDebug(lcControl) << "request" << id << op;
    m_connection->send(line); // before the hello, the connection holds it until the hello checks out
    armDeadlineTimer();
    return id;
}

void ControlClient::onHello(const ControlHello& hello)
{
    // The connection has checked the hello and sent what was queued for it.
    m_hello = hello;
    m_state = State::Ready;
    qCDebug(lcControl) << "hello from engine pid" << m_hello.pid;
    armDeadlineTimer();
    Q_EMIT connected(m_hello);
}

void ControlClient::onDecoded(const std::shared_ptr<const DecodedControlLine>& line)
{
    if (m_state != State::Ready)
        return; // the connection drops what came on one that has ended; this is a last guard
    const auto& message = line->message;
    if (!message) {
        // One bad line is reported and skipped: the stream is still in sync at the next newline.
        Q_EMIT errorOccurred({ControlError::Kind::Malformed, {}, message.error});
        return;
    }
    if (message.value->kind == ControlMessage::Kind::Reply) {
        handleReply(*message.value);
        return;
    }
    Q_EMIT eventAvailable(message.value->object);
    if (!line->telemetry)
        return; // newer engines may send events this client does not know: not an error
    if (*line->telemetry)
        Q_EMIT telemetryAvailable(*line->telemetry->value);
    else
        Q_EMIT errorOccurred({ControlError::Kind::Malformed, {}, line->telemetry->error});
}

void ControlClient::handleReply(const ControlMessage& message)
{
    if (!message.id) {
        // The engine could not read our request well enough to find its id.
        Q_EMIT errorOccurred(
            {ControlError::Kind::Engine, message.errorCode,
             u"the engine rejected a request ("_s + message.errorCode + u"): "_s + message.errorMessage});
        return;
    }
    const uint64_t id = *message.id;
    auto it = m_pending.find(id);
    if (it == m_pending.end()) {
        // A reply to a request that already timed out is expected; one to an id never sent is not.
        if (id >= m_nextId)
            Q_EMIT errorOccurred(
                {ControlError::Kind::Malformed,
                 {},
                 u"the engine answered request "_s + QString::number(id) + u", which was never sent"_s});
        return;
    }
    ControlReply reply;
    reply.id = id;
    reply.op = it->second.op;
    reply.ok = message.ok;
    reply.result = message.result;
    if (!message.ok)
        reply.error = {ControlError::Kind::Engine, message.errorCode, message.errorMessage};
    complete(id, reply);
}

void ControlClient::complete(uint64_t id, const ControlReply& reply)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    armDeadlineTimer();
    if (reply.ok && pending.onSuccess)
        pending.onSuccess(reply);
    if (pending.handler)
        pending.handler(reply);
    else if (!reply.ok)
        Q_EMIT errorOccurred(reply.error);
}

void ControlClient::armDeadlineTimer()
{
    using namespace std::chrono;
    if (m_state == State::Disconnected) {
        m_deadlineTimer->stop();
        return;
    }
    auto next = steady_clock::time_point::max();
    if (m_state != State::Ready)
        next = m_connectDeadline;
    for (const auto& [id, pending] : m_pending)
        next = std::min(next, pending.deadline);
    if (next == steady_clock::time_point::max()) {
        m_deadlineTimer->stop();
        return;
    }
    const auto wait = duration_cast<milliseconds>(next - steady_clock::now()) + 1ms;
    m_deadlineTimer->start(std::max(wait, 0ms));
}

void ControlClient::checkDeadlines()
{
    const auto now = std::chrono::steady_clock::now();
    if (m_state == State::Connecting || m_state == State::AwaitingHello) {
        if (now >= m_connectDeadline) {
            const QString what = m_state == State::Connecting
                                     ? u"no connection to "_s + m_endpoint.toString() + u" within "_s
                                     : u"no hello from "_s + m_endpoint.toString() + u" within "_s;
            const QString hint = m_state == State::Connecting
                                     ? QString()
                                     : u" (is that the engine's control port, not its HTTP port?)"_s;
            fail({ControlError::Kind::Timeout,
                  {},
                  what + QString::number(m_connectTimeout.count()) + u" ms"_s + hint});
            return;
        }
    }
    std::vector<uint64_t> expired;
    for (const auto& [id, pending] : m_pending)
        if (now >= pending.deadline)
            expired.push_back(id);
    QPointer<ControlClient> self(this);
    for (uint64_t id : expired) {
        if (!self)
            return;
        auto it = m_pending.find(id);
        if (it == m_pending.end())
            continue;
        const QString op = it->second.op;
        complete(id, failedReply(id, op,
                                 {ControlError::Kind::Timeout,
                                  {},
                                  u"the engine at "_s + m_endpoint.toString() + u" did not answer '"_s + op +
                                      u"' in time"_s}));
    }
    if (self)
        armDeadlineTimer();
}

void ControlClient::fail(const ControlError& error)
{
    std::map<uint64_t, Pending> pending;
    pending.swap(m_pending);
    disconnectFromEngine();
    qCDebug(lcControl) << "connection failed:" << error.message;
    QPointer<ControlClient> self(this);
    for (auto& [id, p] : pending) {
        if (!self)
            return;
        if (p.handler)
            p.handler(failedReply(id, p.op, error));
    }
    // Losing the connection is more than one request's outcome, so it is always reported here too.
    if (self)
        Q_EMIT errorOccurred(error);
    if (self)
        Q_EMIT disconnected();
}

} // namespace wsgi::studio
