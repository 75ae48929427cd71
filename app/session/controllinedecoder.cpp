#include "session/controllinedecoder.h"

#include <QThread>

using namespace Qt::StringLiterals;

namespace wsgi::studio {

DecodedControlLine decodeControlLine(quint64 epoch, QByteArrayView line)
{
    DecodedControlLine out;
    out.epoch = epoch;
    out.message = decodeMessage(line);
    if (out.message && out.message.value->kind == ControlMessage::Kind::Event &&
        out.message.value->event == u"telemetry"_s)
        out.telemetry = decodeTelemetry(out.message.value->object);
    return out;
}

ControlLineDecoder::ControlLineDecoder(QObject* parent) : QObject(parent)
{
    m_thread = new QThread(this);
    m_thread->setObjectName(u"control-decoder"_s);
    m_worker = new QObject; // no parent: it lives in the thread, deleted once the thread has ended
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

ControlLineDecoder::~ControlLineDecoder()
{
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
}

void ControlLineDecoder::decode(quint64 epoch, const QByteArray& line)
{
    // Queued to the worker, whose results are queued back to this object: both queues keep order,
    // and a result for a decoder already gone is dropped with it.
    QMetaObject::invokeMethod(
        m_worker,
        [this, epoch, line] {
            auto result = std::make_shared<const DecodedControlLine>(decodeControlLine(epoch, line));
            QMetaObject::invokeMethod(
                this, [this, result] { Q_EMIT decoded(result); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void ControlLineDecoder::afterPending(std::function<void()> then)
{
    QMetaObject::invokeMethod(
        m_worker,
        [this, then = std::move(then)]() mutable {
            QMetaObject::invokeMethod(this, std::move(then), Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace wsgi::studio
