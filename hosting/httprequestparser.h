#pragma once
// HTTP/1.1 request-head parser and chunked-body decoder for the supervisor (RFC 9112). Bad input
// becomes a status code and a message that says what was wrong; nothing is thrown.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsgi::hosting {

struct HttpLimits
{
    size_t maxRequestLine = 8190; // Apache's LimitRequestLine
    size_t maxHeaderLine = 8190;  // LimitRequestFieldSize
    size_t maxHeaderCount = 100;  // LimitRequestFields
};

struct ParsedRequest
{
    std::string method;
    std::string target;
    bool http11 = true;
    bool keepAlive = true;
    bool expectContinue = false;
    bool chunked = false;
    int64_t contentLength = -1; // -1: none given
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view header(std::string_view name) const; // first match, case-insensitive
};

enum class ParseStatus { NeedMore, Complete, Error };

struct HeadParseResult
{
    ParseStatus status = ParseStatus::NeedMore;
    size_t consumed = 0;   // bytes of the head, including the blank line, when Complete
    int errorStatus = 0;   // HTTP status to answer with, when Error
    std::string errorText; // what was wrong
};

// Parses a request head from the start of `data`. Leading empty lines are skipped (RFC 9112 2.2).
HeadParseResult parseRequestHead(std::string_view data, ParsedRequest& out, const HttpLimits& limits = {});

// Decodes a chunked body incrementally. Feed it bytes; it appends decoded data and reports how
// many input bytes it used (it stops at the end of the body, leaving pipelined bytes alone).
class ChunkedDecoder
{
public:
    struct Result
    {
        size_t consumed = 0;
        bool done = false;
        bool error = false;
        std::string errorText;
    };
    Result feed(std::string_view in, std::string& decoded);

private:
    enum class State { Size, SizeExt, SizeLf, Data, DataCr, DataLf, Trailer, TrailerLf, LastLf, Done };
    State m_state = State::Size;
    uint64_t m_remaining = 0;
    int m_sizeDigits = 0;
    size_t m_lineLength = 0;
};

} // namespace wsgi::hosting
