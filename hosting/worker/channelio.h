#pragma once
// Proxy mode: a request arrives from the supervisor over this thread's channel and its response
// goes back the same way, framed (hosting/channelprotocol.h).

#include "hosting/blockingchannel.h"
#include "requestio.h"

namespace wsgi::worker {

class ChannelIo final : public RequestIo
{
public:
    explicit ChannelIo(hosting::BlockingChannel& channel) : m_channel(channel) {}
    bool write(std::string_view bytes) override;
    BodyRead readBody(std::string& append) override;
    bool sendContinue() override;
    bool finish(std::string_view lastBytes, const hosting::RequestMetrics& metrics) override;
    // True once the supervisor has ended this request's body (BodyEnd or Abort).
    bool bodyEnded() const { return m_bodyEnded; }
    void startRequest(bool hasBody)
    {
        m_bodyEnded = !hasBody;
        m_writes = 0;
    }

private:
    hosting::BlockingChannel& m_channel;
    bool m_bodyEnded = true;
    int m_writes = 0; // of this request's response
    std::string m_frames;
};

} // namespace wsgi::worker
