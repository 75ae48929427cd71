#include "session/controlsocketworker.h"

#include <QTcpSocket>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio {

ControlSocketWorker::~ControlSocketWorker()
{
    dropSocket();
}

void ControlSocketWorker::open(quint64 epoch, const Endpoint& endpoint)
{
    dropSocket();
    m_epoch = epoch;
    m_endpoint = endpoint;
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, &ControlSocketWorker::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &ControlSocketWorker::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &ControlSocketWorker::onSocketError);
    connect(m_socket, &QTcpSocket::disconnected, this, &ControlSocketWorker::onSocketDisconnected);
    m_socket->connectToHost(endpoint.host, endpoint.port);
}

void ControlSocketWorker::send(quint64 epoch, const QByteArray& line)
{
    if (epoch != m_epoch || !m_socket)
        return; // for a connection that has ended
    if (m_helloSeen)
        m_socket->write(line);
    else
        m_outbox.push_back(line);
}

void ControlSocketWorker::close()
{
    dropSocket();
}

void ControlSocketWorker::onConnected()
{
    // Each request is one small write: without this, one sent soon after another waits for the
    // engine's delayed ACK (40 ms on Linux).
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    Q_EMIT socketConnected(m_epoch);
}

void ControlSocketWorker::onReadyRead()
{
    // Any line may end the connection (a bad hello): m_socket is null from then on.
    while (m_socket && m_socket->bytesAvailable() > 0) {
        m_buffer += m_socket->readAll();
        qsizetype start = 0;
        while (m_socket) {
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
        if (!m_socket)
            return;
        m_buffer.remove(0, start);
        if (m_buffer.size() > kControlMaxLine) {
            failWith({ControlError::Kind::Malformed,
                      {},
                      u"the engine at "_s + m_endpoint.toString() + u" sent a line longer than "_s +
                          QString::number(kControlMaxLine / (1024 * 1024)) +
                          u" MiB; closing the connection"_s});
            return;
        }
    }
}

void ControlSocketWorker::handleLine(const QByteArray& line)
{
    if (m_helloSeen) {
        Q_EMIT lineDecoded(std::make_shared<const DecodedControlLine>(decodeControlLine(m_epoch, line)));
        return;
    }
    const auto hello = decodeHello(line);
    if (!hello) {
        failWith({ControlError::Kind::Protocol, {}, m_endpoint.toString() + u": "_s + hello.error});
        return;
    }
    m_helloSeen = true;
    for (const QByteArray& request : m_outbox)
        m_socket->write(request);
    m_outbox.clear();
    Q_EMIT helloReceived(m_epoch, *hello.value);
}

void ControlSocketWorker::onSocketError(QAbstractSocket::SocketError error)
{
    onReadyRead(); // what the peer sent before it closed is reported before the close
    if (!m_socket)
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
        message = m_helloSeen ? u"the engine at "_s + m_endpoint.toString() + u" closed the connection"_s
                              : u"the peer at "_s + m_endpoint.toString() +
                                    u" closed the connection before its hello"_s;
        break;
    default:
        message = u"connection to "_s + m_endpoint.toString() + u" failed: "_s + m_socket->errorString();
        break;
    }
    failWith({ControlError::Kind::Connection, {}, message});
}

void ControlSocketWorker::onSocketDisconnected()
{
    // A close without an error (RemoteHostClosedError usually comes first and has already failed us).
    onReadyRead();
    if (m_socket)
        failWith({ControlError::Kind::Connection,
                  {},
                  u"the engine at "_s + m_endpoint.toString() + u" closed the connection"_s});
}

void ControlSocketWorker::failWith(const ControlError& error)
{
    dropSocket();
    Q_EMIT failed(m_epoch, error);
}

void ControlSocketWorker::dropSocket()
{
    m_buffer.clear();
    m_outbox.clear();
    m_helloSeen = false;
    if (!m_socket)
        return;
    // Deleted later: this may run inside one of the socket's own signals.
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater();
    m_socket = nullptr;
}

} // namespace wsgi::studio
