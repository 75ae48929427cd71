#pragma once
// The socket side of a control connection, living on the connection's own thread so that connecting,
// checking the hello, sending and reading never wait for the owner's (often busy) GUI thread. It
// splits and decodes lines there and reports in order; ControlConnection is its only user.
//
// Requests made before the hello are held here and written only after a good hello: the token they
// carry never goes to a peer that is not an engine.

#include "session/controlerror.h"
#include "session/controllinedecoder.h"
#include "session/controlprotocol.h"
#include "session/endpoint.h"

#include <QAbstractSocket>
#include <QByteArray>
#include <QObject>

#include <memory>
#include <vector>

class QTcpSocket;

namespace wsgi::studio {

class ControlSocketWorker : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~ControlSocketWorker() override;

    // All three are called on the worker's thread (queued there by ControlConnection).
    void open(quint64 epoch, const Endpoint& endpoint); // drops any earlier socket
    void send(quint64 epoch, const QByteArray& line);   // a line of another epoch is dropped
    void close();

Q_SIGNALS:
    // Each tagged with the epoch given to open(); after failed() nothing more comes for that epoch.
    void socketConnected(quint64 epoch);
    void helloReceived(quint64 epoch, const wsgi::studio::ControlHello& hello);
    void lineDecoded(std::shared_ptr<const wsgi::studio::DecodedControlLine> line);
    void failed(quint64 epoch, const wsgi::studio::ControlError& error);

private:
    void onConnected();
    void onReadyRead();
    void onSocketError(QAbstractSocket::SocketError error);
    void onSocketDisconnected();
    void handleLine(const QByteArray& line);
    // Reports `error` once and drops the socket, so nothing else of this connection is reported.
    void failWith(const ControlError& error);
    void dropSocket();

    QTcpSocket* m_socket = nullptr;
    quint64 m_epoch = 0;
    Endpoint m_endpoint;
    bool m_helloSeen = false;
    QByteArray m_buffer;
    std::vector<QByteArray> m_outbox; // requests made before the hello
};

} // namespace wsgi::studio
