#include "requesthead.h"

#include "responsehead.h"

namespace wsgi::hosting {

RequestHead makeRequestHead(ParsedRequest&& request, const PeerAddresses& peer, uint32_t mountIndex,
                            int64_t acceptedUs)
{
    RequestHead h;
    h.acceptedUs = acceptedUs;
    h.mountIndex = mountIndex;
    h.http11 = request.http11;
    h.keepAliveRequested = request.keepAlive;
    h.hasBody = request.chunked || request.contentLength > 0;
    h.bodyChunked = request.chunked;
    h.expectContinue = request.expectContinue && h.hasBody;
    h.contentLength = request.contentLength;
    h.method = std::move(request.method);
    h.target = std::move(request.target);
    h.remoteAddr = peer.remoteAddr;
    h.remotePort = peer.remotePort;
    h.localAddr = peer.localAddr;
    h.localPort = peer.localPort;
    h.headers = std::move(request.headers);
    return h;
}

std::string engineResponse(int status, std::string_view text, bool keepAlive, bool http11, bool headRequest)
{
    std::string out = simpleResponse(status, reasonPhrase(status), text, keepAlive, http11);
    if (headRequest)
        out.erase(out.find("\r\n\r\n") + 4);
    return out;
}

} // namespace wsgi::hosting
