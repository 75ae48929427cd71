#include "channelprotocol.h"

#include <cstring>

namespace wsgi::hosting {
namespace {

// Little-endian fixed-width encoding: both ends are on the same host, but a fixed layout keeps the
// decoder a pure function that tests and the fuzzer can drive.
template <typename T> void put(std::string& out, T value)
{
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

void putString(std::string& out, std::string_view s)
{
    put<uint32_t>(out, uint32_t(s.size()));
    out.append(s);
}

class Reader
{
public:
    explicit Reader(std::string_view data) : m_data(data) {}

    template <typename T> bool get(T& value)
    {
        if (m_data.size() < sizeof(T))
            return false;
        std::memcpy(&value, m_data.data(), sizeof(T));
        m_data.remove_prefix(sizeof(T));
        return true;
    }
    bool getString(std::string& s)
    {
        uint32_t n = 0;
        if (!get(n) || m_data.size() < n)
            return false;
        s.assign(m_data.data(), n);
        m_data.remove_prefix(n);
        return true;
    }
    bool atEnd() const { return m_data.empty(); }

private:
    std::string_view m_data;
};

constexpr uint8_t kHttp11 = 1, kKeepAlive = 2, kHasBody = 4, kChunked = 8, kExpectContinue = 16;
constexpr uint8_t kMetricKeepAlive = 1, kMetricTruncated = 2;

} // namespace

void appendFrameHeader(std::string& out, FrameType type, uint32_t length)
{
    put<uint32_t>(out, length);
    put<uint8_t>(out, uint8_t(type));
    out.append(3, '\0');
}

void appendFrame(std::string& out, FrameType type, std::string_view payload)
{
    appendFrameHeader(out, type, uint32_t(payload.size()));
    out.append(payload);
}

std::optional<FrameHeader> decodeFrameHeader(const char* bytes)
{
    FrameHeader h;
    std::memcpy(&h.length, bytes, 4);
    const auto type = uint8_t(bytes[4]);
    switch (FrameType(type)) {
    case FrameType::Request:
    case FrameType::Body:
    case FrameType::BodyEnd:
    case FrameType::Abort:
    case FrameType::Cancel:
    case FrameType::Continue:
    case FrameType::Data:
    case FrameType::End:
    case FrameType::Hello:
    case FrameType::DumpStacks:
    case FrameType::StackDump:
    case FrameType::Metrics:
    case FrameType::MetricsPull:
    case FrameType::Retiring:
        break;
    default:
        return std::nullopt;
    }
    if (h.length > kMaxFramePayload)
        return std::nullopt;
    h.type = FrameType(type);
    return h;
}

std::string RequestHead::encode() const
{
    std::string out;
    out.reserve(256 + target.size());
    put<int64_t>(out, acceptedUs);
    put<uint32_t>(out, mountIndex);
    uint8_t flags = 0;
    flags |= http11 ? kHttp11 : 0;
    flags |= keepAliveRequested ? kKeepAlive : 0;
    flags |= hasBody ? kHasBody : 0;
    flags |= bodyChunked ? kChunked : 0;
    flags |= expectContinue ? kExpectContinue : 0;
    put<uint8_t>(out, flags);
    put<int64_t>(out, contentLength);
    putString(out, method);
    putString(out, target);
    putString(out, remoteAddr);
    put<uint16_t>(out, remotePort);
    putString(out, localAddr);
    put<uint16_t>(out, localPort);
    put<uint32_t>(out, uint32_t(headers.size()));
    for (const auto& [name, value] : headers) {
        putString(out, name);
        putString(out, value);
    }
    return out;
}

std::optional<RequestHead> RequestHead::decode(std::string_view payload)
{
    Reader r(payload);
    RequestHead h;
    uint8_t flags = 0;
    uint32_t count = 0;
    if (!r.get(h.acceptedUs) || !r.get(h.mountIndex) || !r.get(flags) || !r.get(h.contentLength) ||
        !r.getString(h.method) || !r.getString(h.target) || !r.getString(h.remoteAddr) ||
        !r.get(h.remotePort) || !r.getString(h.localAddr) || !r.get(h.localPort) || !r.get(count))
        return std::nullopt;
    h.http11 = flags & kHttp11;
    h.keepAliveRequested = flags & kKeepAlive;
    h.hasBody = flags & kHasBody;
    h.bodyChunked = flags & kChunked;
    h.expectContinue = flags & kExpectContinue;
    if (count > 10000)
        return std::nullopt;
    h.headers.resize(count);
    for (auto& [name, value] : h.headers)
        if (!r.getString(name) || !r.getString(value))
            return std::nullopt;
    if (!r.atEnd())
        return std::nullopt;
    return h;
}

std::string RequestMetrics::encode() const
{
    std::string out;
    out.reserve(128);
    for (int64_t v : {acceptedUs, threadStartUs, appStartUs, appEndUs, cpuUs, gilWaitHandoffUs, gilWaitFullUs,
                      gilWaitCount, inputReadUs, outputWriteUs, bytesIn, bytesOut})
        put<int64_t>(out, v);
    put<int32_t>(out, status);
    put<uint8_t>(out, uint8_t((keepAlive ? kMetricKeepAlive : 0) | (truncated ? kMetricTruncated : 0)));
    return out;
}

std::optional<RequestMetrics> RequestMetrics::decode(std::string_view payload)
{
    Reader r(payload);
    RequestMetrics m;
    uint8_t flags = 0;
    for (int64_t* v :
         {&m.acceptedUs, &m.threadStartUs, &m.appStartUs, &m.appEndUs, &m.cpuUs, &m.gilWaitHandoffUs,
          &m.gilWaitFullUs, &m.gilWaitCount, &m.inputReadUs, &m.outputWriteUs, &m.bytesIn, &m.bytesOut})
        if (!r.get(*v))
            return std::nullopt;
    if (!r.get(m.status) || !r.get(flags) || !r.atEnd())
        return std::nullopt;
    m.keepAlive = flags & kMetricKeepAlive;
    m.truncated = flags & kMetricTruncated;
    return m;
}

} // namespace wsgi::hosting
