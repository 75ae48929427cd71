#include "session/controlconnection.h"

#include "session/controlsocketworker.h"

#include <QThread>

using namespace Qt::StringLiterals;

namespace wsgi::studio {

ControlConnection::ControlConnection(QObject* parent) : QObject(parent)
{
    // The worker's signals cross threads: their argument types must be known by name.
    static const bool registered = [] {
        qRegisterMetaType<ControlHello>();
        qRegisterMetaType<ControlError>();
        qRegisterMetaType<std::shared_ptr<const DecodedControlLine>>();
        return true;
    }();
    Q_UNUSED(registered);
    m_thread = new QThread(this);
    m_thread->setObjectName(u"control-connection"_s);
    m_worker = new ControlSocketWorker; // no parent: it moves to the thread
    m_worker->moveToThread(m_thread);
    // Its socket belongs to that thread's event loop, so it is deleted there, as the thread ends.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    // Queued: emitted on the worker's thread, delivered on this one, in the order emitted.
    connect(
        m_worker, &ControlSocketWorker::socketConnected, this,
        [this](quint64 epoch) {
            if (isCurrent(epoch))
                Q_EMIT socketConnected();
        },
        Qt::QueuedConnection);
    connect(
        m_worker, &ControlSocketWorker::helloReceived, this,
        [this](quint64 epoch, const ControlHello& hello) {
            if (isCurrent(epoch))
                Q_EMIT helloReceived(hello);
        },
        Qt::QueuedConnection);
    connect(
        m_worker, &ControlSocketWorker::lineDecoded, this,
        [this](const std::shared_ptr<const DecodedControlLine>& line) {
            if (isCurrent(line->epoch))
                Q_EMIT lineDecoded(line);
        },
        Qt::QueuedConnection);
    connect(
        m_worker, &ControlSocketWorker::failed, this,
        [this](quint64 epoch, const ControlError& error) {
            if (!isCurrent(epoch))
                return;
            m_open = false; // the worker has dropped the socket already
            Q_EMIT failed(error);
        },
        Qt::QueuedConnection);
    m_thread->start();
}

ControlConnection::~ControlConnection()
{
    m_open = false;
    m_thread->quit();
    m_thread->wait();
    // What the worker posted before it stopped is removed with this object (~QObject).
}

void ControlConnection::open(const Endpoint& endpoint)
{
    close();
    const quint64 epoch = ++m_epoch;
    m_open = true;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, epoch, endpoint] { worker->open(epoch, endpoint); },
        Qt::QueuedConnection);
}

void ControlConnection::send(const QByteArray& line)
{
    if (!m_open)
        return;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, epoch = m_epoch, line] { worker->send(epoch, line); },
        Qt::QueuedConnection);
}

void ControlConnection::close()
{
    if (!m_open)
        return;
    m_open = false;
    ++m_epoch; // what the worker still has in flight for the old connection is dropped on arrival
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->close(); }, Qt::QueuedConnection);
}

} // namespace wsgi::studio
