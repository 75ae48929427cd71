#pragma once
// What both dispatch modes make of a parsed request: the RequestHead a worker thread runs, and the
// responses the engine makes itself (errors, no mount), which carry no body for a HEAD request.

#include "channelprotocol.h"
#include "httprequestparser.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace wsgi::hosting {

struct PeerAddresses
{
    std::string_view remoteAddr;
    uint16_t remotePort = 0;
    std::string_view localAddr;
    uint16_t localPort = 0;
};

// The head of a request routed to mount `mountIndex`; `request` is consumed.
RequestHead makeRequestHead(ParsedRequest&& request, const PeerAddresses& peer, uint32_t mountIndex,
                            int64_t acceptedUs);

// A complete response made by the engine itself. For a HEAD request it stops after the head (RFC 9110
// 9.3.2; on a kept-alive connection the body would be read as the next response), with the
// Content-Length a GET would get.
std::string engineResponse(int status, std::string_view text, bool keepAlive, bool http11, bool headRequest);

} // namespace wsgi::hosting
