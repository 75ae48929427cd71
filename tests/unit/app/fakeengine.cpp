#include "fakeengine.h"

#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::testing {

FakeEngine::FakeEngine(QObject* parent) : QObject(parent), m_hello(defaultHello())
{
    m_server.listen(QHostAddress::LocalHost, 0);
    connect(&m_server, &QTcpServer::newConnection, this, &FakeEngine::onNewConnection);
}

QByteArray FakeEngine::defaultHello()
{
    return R"({"protocol":"wsgi-engine-control","version":1,"pid":4242,"auth":"token"})"_ba;
}

void FakeEngine::onNewConnection()
{
    m_client = m_server.nextPendingConnection();
    connect(m_client, &QTcpSocket::readyRead, this, &FakeEngine::onReadyRead);
    if (!m_hello.isEmpty())
        send(m_hello);
}

void FakeEngine::onReadyRead()
{
    m_buffer += m_client->readAll();
    for (qsizetype nl; (nl = m_buffer.indexOf('\n')) >= 0;) {
        const QByteArray line = m_buffer.left(nl);
        m_buffer.remove(0, nl + 1);
        m_received << line;
        const QJsonObject request = QJsonDocument::fromJson(line).object();
        Q_EMIT requestReceived(request);
        if (m_responder)
            m_responder(*this, request);
    }
}

void FakeEngine::send(const QByteArray& line)
{
    sendRaw(line + '\n');
}

void FakeEngine::sendRaw(const QByteArray& bytes)
{
    if (m_client) {
        m_client->write(bytes);
        m_client->flush();
    }
}

void FakeEngine::reply(const QJsonObject& request, const QJsonObject& result)
{
    const QJsonObject r{{u"id"_s, request.value(u"id"_s)}, {u"ok"_s, true}, {u"result"_s, result}};
    send(QJsonDocument(r).toJson(QJsonDocument::Compact));
}

void FakeEngine::replyError(const QJsonObject& request, const QString& code, const QString& message)
{
    const QJsonObject r{{u"id"_s, request.value(u"id"_s)},
                        {u"ok"_s, false},
                        {u"error"_s, QJsonObject{{u"code"_s, code}, {u"message"_s, message}}}};
    send(QJsonDocument(r).toJson(QJsonDocument::Compact));
}

void FakeEngine::closeClient()
{
    if (m_client) {
        m_client->flush();
        m_client->disconnectFromHost();
    }
}

} // namespace wsgi::studio::testing
