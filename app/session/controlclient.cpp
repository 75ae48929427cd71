#include "session/controlclient.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
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
    m_decoder = new ControlLineDecoder(this);
    connect(m_decoder, &ControlLineDecoder::decoded, this, &ControlClient::onDecoded);
    m_deadlineTimer->setSingleShot(true);
    connect(m_deadlineTimer, &QTimer::timeout, this, &ControlClient::checkDeadlines);
}

ControlClient::~ControlClient()
{
    disconnectFromEngine();
}

void ControlClient::connectToEngine(const Endpoint& endpoint, const QByteArray& token)
{
    disconnectFromEngine();
    m_endpoint = endpoint;
    m_token = token;
    m_hello = {};
    m_buffer.clear();
    m_state = State::Connecting;
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, &ControlClient::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &ControlClient::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &ControlClient::onSocketError);
    connect(m_socket, &QTcpSocket::disconnected, this, &ControlClient::onSocketDisconnected);
    m_connectDeadline = std::chrono::steady_clock::now() + m_connectTimeout;
    armDeadlineTimer();
    qCDebug(lcControl) << "connecting to" << endpoint.toString();
    m_socket->connectToHost(endpoint.host, endpoint.port);
}

void ControlClient::disconnectFromEngine()
{
    m_pending.clear();
    m_outbox.clear();
    m_state = State::Disconnected;
    ++m_lineEpoch; // what the decoder still has of this connection is dropped
    m_deadlineTimer->stop();
    if (m_socket) {
        // Deleted later: this may run inside one of the socket's own signals.
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

uint64_t ControlClient::request(const QString& op, const QJsonObject& arguments, ReplyHandler handler)
{
    return enqueue(op, arguments, std::move(handler));
}

uint64_t ControlClient::requestStatus(ReplyHandler handler)
{
    return enqueue(u"status"_s, {}, std::move(handler), [this](const ControlReply& reply) {
        const auto status = decodeStatus(reply.result);
        if (status)
            Q_EMIT statusAvailable(*status.value);
        else
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
    if (m_state == State::Ready)
        m_socket->write(line);
    else
        m_outbox.push_back(line);
    armDeadlineTimer();
    return id;
}

void ControlClient::onConnected()
{
    // Each request is one small write: without this, one sent soon after another waits for the
    // engine's delayed ACK (40 ms on Linux).
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_state = State::AwaitingHello;
}

void ControlClient::onReadyRead()
{
    // A handler may disconnect (or delete) us in the middle of a batch of lines.
    QPointer<ControlClient> self(this);
    while (self && m_socket) {
        m_buffer += m_socket->readAll();
        if (m_buffer.isEmpty())
            return;
        qsizetype start = 0;
        while (self && m_socket) {
            const qsizetype nl = m_buffer.indexOf('\n', start);
            if (nl < 0)
                break;
            QByteArray line = m_buffer.mid(start, nl - start);
            start = nl + 1;
            if (line.endsWith('\r'))
                line.chop(1);
            if (!line.trimmed().isEmpty())
                handleLine(line);
        }
        if (!self || !m_socket)
            return;
        m_buffer.remove(0, start);
        if (m_buffer.size() > kControlMaxLine) {
            fail({ControlError::Kind::Malformed,
                  {},
                  u"the engine at "_s + m_endpoint.toString() + u" sent a line longer than "_s +
                      QString::number(kControlMaxLine / (1024 * 1024)) + u" MiB; closing the connection"_s});
            return;
        }
        if (m_socket->bytesAvailable() == 0)
            return;
    }
}

void ControlClient::handleLine(const QByteArray& line)
{
    if (m_state != State::Ready) {
        const auto hello = decodeHello(line);
        if (!hello) {
            fail({ControlError::Kind::Protocol, {}, m_endpoint.toString() + u": "_s + hello.error});
            return;
        }
        m_hello = *hello.value;
        m_state = State::Ready;
        qCDebug(lcControl) << "hello from engine pid" << m_hello.pid;
        flushOutbox();
        armDeadlineTimer();
        Q_EMIT connected(m_hello);
        return;
    }
    m_decoder->decode(m_lineEpoch, line);
}

void ControlClient::onDecoded(const std::shared_ptr<const DecodedControlLine>& line)
{
    if (line->epoch != m_lineEpoch || m_state != State::Ready)
        return; // from a connection that has ended since
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

void ControlClient::onSocketError(QAbstractSocket::SocketError error)
{
    if (m_state == State::Disconnected)
        return;
    QString message;
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        message = u"connection refused at "_s + m_endpoint.toString() +
                  u" (is the engine running with --control on that port?)"_s;
        break;
    case QAbstractSocket::HostNotFoundError:
        message = u"cannot resolve host '"_s + m_endpoint.host + u"'"_s;
        break;
    case QAbstractSocket::RemoteHostClosedError:
        message =
            m_state == State::Ready
                ? u"the engine at "_s + m_endpoint.toString() + u" closed the connection"_s
                : u"the peer at "_s + m_endpoint.toString() + u" closed the connection before its hello"_s;
        break;
    default:
        message = u"connection to "_s + m_endpoint.toString() + u" failed: "_s + m_socket->errorString();
        break;
    }
    failAfterPendingLines({ControlError::Kind::Connection, {}, message});
}

void ControlClient::onSocketDisconnected()
{
    // A close without an error (RemoteHostClosedError usually comes first and has already failed us).
    if (m_state != State::Disconnected)
        failAfterPendingLines({ControlError::Kind::Connection,
                               {},
                               u"the engine at "_s + m_endpoint.toString() + u" closed the connection"_s});
}

void ControlClient::failAfterPendingLines(const ControlError& error)
{
    if (m_state != State::Ready) {
        fail(error); // before the hello nothing is with the decoder
        return;
    }
    // The lines that came before the close are still being decoded: their replies and samples
    // are delivered first, as they would have been had they been decoded here.
    m_decoder->afterPending([this, epoch = m_lineEpoch, error] {
        if (epoch == m_lineEpoch && m_state != State::Disconnected)
            fail(error);
    });
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

void ControlClient::flushOutbox()
{
    for (const QByteArray& line : m_outbox)
        m_socket->write(line);
    m_outbox.clear();
}

} // namespace wsgi::studio
