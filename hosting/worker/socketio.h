#pragma once
// Direct mode's request I/O: the body is read from the client's socket (de-chunked) and the
// response written to it, with poll() where the non-blocking socket is not ready.

#include "hosting/channelprotocol.h"
#include "hosting/httprequestparser.h"
#include "requestio.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace wsgi::worker {

class DirectServer;

struct DirectConnection
{
    int fd = -1;
    std::string in; // bytes read but not yet used: the start of the next request, or body
    int64_t acceptedUs = 0;
    int64_t lastActiveUs = 0;
    std::atomic<int64_t> idleSinceUs{0}; // 0 while a thread serves it
    std::string remoteAddr, localAddr;
    uint16_t remotePort = 0, localPort = 0;
};

class SocketIo final : public RequestIo
{
public:
    SocketIo(int fd, std::string& buffered, const hosting::RequestHead& head, DirectServer& server);
    bool write(std::string_view bytes) override;
    BodyRead readBody(std::string& append) override;
    bool sendContinue() override;
    bool finish(std::string_view lastBytes, const hosting::RequestMetrics& metrics) override;
    // True when the connection can carry another request (keep-alive, body fully consumed).
    bool reusable() const { return m_reusable; }

    static bool sendAll(int fd, std::string_view bytes);

private:
    bool fillFromSocket();
    int m_fd;
    std::string& m_buffered;
    DirectServer& m_server;
    bool m_bodyDone;
    bool m_chunked;
    int64_t m_remaining;
    hosting::ChunkedDecoder m_decoder;
    bool m_failed = false;
    bool m_reusable = false;
};

} // namespace wsgi::worker
