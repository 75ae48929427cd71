#pragma once
// A stand-in for the engine's control endpoint that runs on a thread of its own, with blocking
// sockets, so that it keeps answering while the test's own thread is blocked. It records when each
// request line arrived, which tells whether the client sent it while its owner was busy.

#include "session/endpoint.h"

#include <QByteArray>
#include <QList>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

class QTcpSocket;

namespace wsgi::studio::testing {

class ThreadedEngine
{
public:
    struct Received
    {
        QByteArray line;
        std::chrono::steady_clock::time_point at;
    };

    // `hello`: the first line sent, `helloDelay` after accepting (without the newline); what comes
    // before it is recorded too. With `answerStatus`, every request is answered with a status result
    // of one process, as the engine would.
    explicit ThreadedEngine(QByteArray hello, bool answerStatus = true,
                            std::chrono::milliseconds helloDelay = std::chrono::milliseconds(0));
    ~ThreadedEngine(); // closes the connection and joins the thread

    quint16 port() const { return m_port; }
    Endpoint endpoint() const { return {QStringLiteral("127.0.0.1"), m_port}; }
    QList<Received> received() const;

private:
    void serve(std::promise<quint16> listening);
    // Reads and records (and answers) whole lines until `until` or the client is gone.
    void readLines(QTcpSocket& client, QByteArray& buffer, std::chrono::steady_clock::time_point until);

    QByteArray m_hello;
    bool m_answerStatus;
    std::chrono::milliseconds m_helloDelay;
    quint16 m_port = 0;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    QList<Received> m_received;
    std::thread m_thread;
};

} // namespace wsgi::studio::testing
