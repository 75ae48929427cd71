#include "threadedengine.h"

#include "protocolsamples.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::testing {

ThreadedEngine::ThreadedEngine(QByteArray hello, bool answerStatus, std::chrono::milliseconds helloDelay)
    : m_hello(std::move(hello)), m_answerStatus(answerStatus), m_helloDelay(helloDelay)
{
    std::promise<quint16> listening;
    std::future<quint16> port = listening.get_future();
    m_thread =
        std::thread([this, listening = std::move(listening)]() mutable { serve(std::move(listening)); });
    m_port = port.get();
}

ThreadedEngine::~ThreadedEngine()
{
    m_stop = true;
    m_thread.join();
}

QList<ThreadedEngine::Received> ThreadedEngine::received() const
{
    std::lock_guard lock(m_mutex);
    return m_received;
}

void ThreadedEngine::serve(std::promise<quint16> listening)
{
    // Created on this thread: blocking waits need no event loop.
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    listening.set_value(server.serverPort());
    while (!m_stop && !server.waitForNewConnection(20)) {
    }
    if (m_stop)
        return;
    QTcpSocket* client = server.nextPendingConnection();
    QByteArray buffer;
    // A client that spoke before the hello would be caught here (it must wait for the hello).
    readLines(*client, buffer, std::chrono::steady_clock::now() + m_helloDelay);
    client->write(m_hello + '\n');
    client->waitForBytesWritten(1000);
    readLines(*client, buffer, std::chrono::steady_clock::time_point::max());
    client->abort();
    delete client;
}

void ThreadedEngine::readLines(QTcpSocket& client, QByteArray& buffer,
                               std::chrono::steady_clock::time_point until)
{
    while (!m_stop && client.state() == QAbstractSocket::ConnectedState &&
           std::chrono::steady_clock::now() < until) {
        if (!client.waitForReadyRead(20))
            continue;
        buffer += client.readAll();
        for (qsizetype nl; (nl = buffer.indexOf('\n')) >= 0;) {
            const QByteArray line = buffer.left(nl);
            buffer.remove(0, nl + 1);
            {
                std::lock_guard lock(m_mutex);
                m_received.push_back({line, std::chrono::steady_clock::now()});
            }
            if (!m_answerStatus)
                continue;
            const QJsonObject request = QJsonDocument::fromJson(line).object();
            const QJsonObject reply{{u"id"_s, request.value(u"id"_s)},
                                    {u"ok"_s, true},
                                    {u"result"_s, statusResultJson({ProcessSpec{}})}};
            client.write(QJsonDocument(reply).toJson(QJsonDocument::Compact) + '\n');
            client.waitForBytesWritten(1000);
        }
    }
}

} // namespace wsgi::studio::testing
