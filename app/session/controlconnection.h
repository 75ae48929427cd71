#pragma once
// One engine control connection whose socket runs on a thread of its own (ControlSocketWorker), used
// from the thread that owns this object. Everything the worker reports comes back here in the order
// it happened and is delivered as a signal on the owner's thread, unless the connection it came from
// has been closed or replaced since: each report carries its connection's epoch.
//
//   ControlConnection connection;
//   connect(&connection, &ControlConnection::lineDecoded, this, &Client::onLine);
//   connection.open(endpoint);
//   connection.send(requestLine); // written once the hello has checked out

#include "session/controlerror.h"
#include "session/controllinedecoder.h"
#include "session/controlprotocol.h"
#include "session/endpoint.h"

#include <QByteArray>
#include <QObject>

#include <memory>

class QThread;

namespace wsgi::studio {

class ControlSocketWorker;

class ControlConnection : public QObject
{
    Q_OBJECT
public:
    explicit ControlConnection(QObject* parent = nullptr);
    ~ControlConnection() override; // stops its thread; nothing in flight is delivered

    void open(const Endpoint& endpoint); // closes the earlier connection first
    void send(const QByteArray& line);   // held by the worker until a good hello
    void close();                        // nothing of the closed connection is delivered afterwards

Q_SIGNALS:
    // On the owner's thread, in the order they happened on the connection.
    void socketConnected();
    void helloReceived(const wsgi::studio::ControlHello& hello);
    void lineDecoded(const std::shared_ptr<const wsgi::studio::DecodedControlLine>& line);
    // The connection has ended (a bad hello, a line too long, the socket failing or closing), after
    // every line that came before it; nothing more is delivered for it.
    void failed(const wsgi::studio::ControlError& error);

private:
    bool isCurrent(quint64 epoch) const { return m_open && epoch == m_epoch; }

    QThread* m_thread = nullptr;
    ControlSocketWorker* m_worker = nullptr; // lives in m_thread, deleted there when it finishes
    quint64 m_epoch = 0;
    bool m_open = false;
};

} // namespace wsgi::studio
