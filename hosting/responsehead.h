#pragma once
// Builds the HTTP/1.x response head for what a WSGI application returned, and decides how the body
// is delimited (Content-Length, chunked, or end of connection) and whether the connection can be kept.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsgi::hosting {

enum class BodyFraming
{
    None,
    ContentLength,
    Chunked,
    UntilClose
};

struct ResponseHeadRequest
{
    std::string_view status; // "200 OK", already validated
    const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
    bool http11 = true;
    bool keepAliveRequested = true;
    bool headRequest = false;
    std::optional<int64_t> knownLength; // total body length when the engine knows it up front
};

struct ResponseHead
{
    std::string bytes;
    BodyFraming framing = BodyFraming::None;
    int64_t contentLength = -1; // declared length, when framing is ContentLength (or a HEAD reply)
    bool keepAlive = false;
    int statusCode = 0;
};

ResponseHead buildResponseHead(const ResponseHeadRequest& request);

// "Sun, 06 Nov 1994 08:49:37 GMT" for now, cached per second and thread.
std::string_view httpDateNow();

// The chunk framing around `n` bytes of body data.
void appendChunkHeader(std::string& out, size_t n);
constexpr std::string_view kLastChunk = "0\r\n\r\n";

// The standard reason phrase for the statuses the engine itself produces.
const char* reasonPhrase(int status);

// A complete response the engine itself sends (errors before or without the application).
std::string simpleResponse(int status, std::string_view reason, std::string_view text, bool keepAlive,
                           bool http11 = true);

} // namespace wsgi::hosting
