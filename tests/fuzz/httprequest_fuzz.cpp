// The supervisor's HTTP request parsing and chunked decoding, on arbitrary bytes.
#include "hosting/httprequestparser.h"

#include <cstdint>
#include <string>

extern "C" const char* const* wsgiFuzzSeeds()
{
    static const char* const seeds[] = {
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /a?b=c HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n",
        "GET http://h/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        nullptr,
    };
    return seeds;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    wsgi::hosting::ParsedRequest request;
    const auto r = wsgi::hosting::parseRequestHead(in, request);
    if (r.status == wsgi::hosting::ParseStatus::Complete) {
        if (r.consumed > in.size())
            __builtin_trap();
        wsgi::hosting::ChunkedDecoder decoder;
        std::string body;
        const auto c = decoder.feed(in.substr(r.consumed), body);
        if (c.consumed > in.size() - r.consumed || body.size() > in.size())
            __builtin_trap();
    }
    return 0;
}
