#pragma once
// Direct mode's request I/O: the body is read from the client's socket (de-chunked) and the
// response written to it, with poll() where the non-blocking socket is not ready. Every wait is
// bounded: body reads by the RequestReadTimeout body deadline and socket-timeout, writes by
// socket-timeout, so a trickling or vanished client ends the request and frees its thread.

#include "directconnection.h"
#include "hosting/channelprotocol.h"
#include "hosting/httprequestparser.h"
#include "requestio.h"

#include <cstdint>
#include <string>

namespace wsgi::worker {

class DirectServer;

class SocketIo final : public RequestIo
{
public:
    SocketIo(DirectConnection& c, const hosting::RequestHead& head, const DirectLimits& limits,
             DirectServer& server);
    bool write(std::string_view bytes) override;
    BodyRead readBody(std::string& append) override;
    bool sendContinue() override;
    bool finish(std::string_view lastBytes, const hosting::RequestMetrics& metrics) override;
    // True when the connection can carry another request (keep-alive, body fully consumed).
    bool reusable() const { return m_reusable; }
    // The client can still read what is sent: the connection ends with a lingering close, not a cut.
    bool clientThere() const { return !m_peerGone; }

private:
    bool fillFromSocket();
    bool claimResponse();
    void answerBodyTimeout();
    DirectConnection& m_c;
    const DirectLimits& m_limits;
    DirectServer& m_server;
    hosting::ReadDeadline m_bodyDeadline;
    bool m_bodyDone;
    bool m_chunked;
    int64_t m_remaining;
    hosting::ChunkedDecoder m_decoder;
    bool m_http11;
    bool m_failed = false;   // the response cannot go on (gone client, or the engine answered)
    bool m_peerGone = false; // a send or receive failed: nothing more reaches the client
    bool m_bodyTimedOut = false;
    bool m_reusable = false;
};

} // namespace wsgi::worker
