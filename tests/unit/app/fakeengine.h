#pragma once
// An in-process stand-in for the engine's control endpoint: sends a hello (or whatever a test wants
// instead), records the request lines it receives, and answers through a test-provided function.

#include "session/endpoint.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>

namespace wsgi::studio::testing {

class FakeEngine : public QObject
{
    Q_OBJECT
public:
    // Called per request line (parsed); use send() to answer. Default: no answer.
    using Responder = std::function<void(FakeEngine& engine, const QJsonObject& request)>;

    explicit FakeEngine(QObject* parent = nullptr);
    quint16 port() const { return m_server.serverPort(); }
    Endpoint endpoint() const { return {QStringLiteral("127.0.0.1"), port()}; }

    void setHello(QByteArray line) { m_hello = std::move(line); } // without the newline; empty: none
    void setResponder(Responder responder) { m_responder = std::move(responder); }

    void send(const QByteArray& line); // appends the newline
    void sendRaw(const QByteArray& bytes);
    void reply(const QJsonObject& request, const QJsonObject& result);
    void replyError(const QJsonObject& request, const QString& code, const QString& message);
    void closeClient();

    const QList<QByteArray>& received() const { return m_received; }
    bool hasClient() const { return !m_client.isNull(); }

    static QByteArray defaultHello();

Q_SIGNALS:
    void requestReceived(const QJsonObject& request);

private:
    void onNewConnection();
    void onReadyRead();

    QTcpServer m_server;
    QPointer<QTcpSocket> m_client;
    QByteArray m_hello;
    QByteArray m_buffer;
    QList<QByteArray> m_received;
    Responder m_responder;
};

} // namespace wsgi::studio::testing
