#include "channelio.h"

namespace wsgi::worker {

using hosting::FrameType;

bool ChannelIo::write(std::string_view bytes)
{
    // A streamed response is abandoned once its client has gone (the supervisor sends Cancel): the
    // write fails, the application stops being iterated and its close() runs now instead of when the
    // generator ends. The first write of a response skips the check (one system call saved on the
    // common single-write response; a client that left that early costs one block).
    if (m_writes++ > 0 && m_channel.hasPendingFrame(FrameType::Cancel))
        return false;
    m_frames.clear();
    hosting::appendFrame(m_frames, FrameType::Data, bytes);
    return m_channel.writeAll(m_frames);
}

BodyRead ChannelIo::readBody(std::string& append)
{
    if (m_bodyEnded)
        return BodyRead::End;
    FrameType type{};
    std::string payload, error;
    if (!m_channel.readFrame(type, payload, error)) {
        m_bodyEnded = true;
        return BodyRead::Aborted;
    }
    switch (type) {
    case FrameType::Body:
        append += payload;
        return BodyRead::Data;
    case FrameType::BodyEnd:
        m_bodyEnded = true;
        return BodyRead::End;
    default: // Abort, or a frame that has no place in a body
        m_bodyEnded = true;
        return BodyRead::Aborted;
    }
}

bool ChannelIo::sendContinue()
{
    m_frames.clear();
    hosting::appendFrame(m_frames, FrameType::Continue, {});
    return m_channel.writeAll(m_frames);
}

bool ChannelIo::finish(std::string_view lastBytes, const hosting::RequestMetrics& metrics)
{
    // The last data and End go out in one write, so the supervisor wakes once for both.
    m_frames.clear();
    if (!lastBytes.empty())
        hosting::appendFrame(m_frames, FrameType::Data, lastBytes);
    hosting::appendFrame(m_frames, FrameType::End, metrics.encode());
    const bool sent = m_channel.writeAll(m_frames);
    // After End, the supervisor ends an unfinished body with Abort; skip to it.
    std::string ignored;
    while (sent && !m_bodyEnded) {
        readBody(ignored);
        ignored.clear();
    }
    return sent;
}

} // namespace wsgi::worker
