// Decoding of what crosses a request channel and the worker spec pipe, on arbitrary bytes.
#include "hosting/channelprotocol.h"
#include "hosting/workerspec.h"

#include <cstdint>
#include <string>

extern "C" const char* const* wsgiFuzzSeeds()
{
    static const std::string head = [] {
        wsgi::hosting::RequestHead h;
        h.method = "GET";
        h.target = "/x";
        h.headers = {{"Host", "h"}};
        return h.encode();
    }();
    static const std::string spec = [] {
        wsgi::hosting::WorkerSpec s;
        s.group = "g";
        s.mounts.push_back({0, "/", "/app.py", "application", ""});
        s.interpreters.push_back({"", false, 0.001, {"/p"}});
        return s.encode();
    }();
    static const char* const seeds[] = {head.c_str(), spec.c_str(), nullptr};
    return seeds;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string in(reinterpret_cast<const char*>(data), size);
    if (const auto h = wsgi::hosting::RequestHead::decode(in)) {
        const auto again = wsgi::hosting::RequestHead::decode(h->encode());
        if (!again || again->target != h->target || again->headers != h->headers)
            __builtin_trap();
    }
    (void)wsgi::hosting::RequestMetrics::decode(in);
    if (in.size() >= wsgi::hosting::kFrameHeaderSize)
        (void)wsgi::hosting::decodeFrameHeader(in.data());
    std::string error;
    (void)wsgi::hosting::WorkerSpec::decode(in, error);
    return 0;
}
