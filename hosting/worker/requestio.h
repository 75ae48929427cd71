#pragma once
// Where a request's body comes from and its response goes: the supervisor's channel (proxy mode,
// as mod_wsgi proxies to its daemons) or the client's own socket (direct mode). The request
// thread calls these without holding the GIL.

#include "hosting/channelprotocol.h"

#include <string>
#include <string_view>

namespace wsgi::worker {

enum class BodyRead
{
    Data,
    End,
    Aborted
};

class RequestIo
{
public:
    virtual ~RequestIo() = default;
    // Raw HTTP response bytes, sent before returning (PEP 3333: no block is held back).
    virtual bool write(std::string_view bytes) = 0;
    // Blocks for the next piece of the (de-chunked) request body and appends it.
    virtual BodyRead readBody(std::string& append) = 0;
    virtual bool sendContinue() = 0;
    // The end of the request: the last response bytes and the request's measurements.
    virtual bool finish(std::string_view lastBytes, const hosting::RequestMetrics& metrics) = 0;
};

} // namespace wsgi::worker
