#pragma once
// HTTP/1.1 request-head parser and chunked-body decoder, shared by both dispatch modes (RFC 9112;
// Apache's choices where the RFC leaves one to the server). Bad input becomes a status code and a
// message that says what was wrong; nothing is thrown.

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
    // As the client sent it (REQUEST_URI), checked by parseRequestTarget; an absolute-form target's host
    // has replaced the Host header.
    std::string target;
    std::string path;   // decoded and normalised, what routing matches and SCRIPT_NAME + PATH_INFO say
    bool http11 = true; // HTTP/1.1 or a later 1.x, which is served as 1.1
    bool keepAlive = true;
    bool expectContinue = false;
    bool chunked = false;
    int64_t contentLength = -1; // -1: none given
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view header(std::string_view name) const; // first match, case-insensitive
};

enum class ParseStatus
{
    NeedMore,
    Complete,
    Error
};

struct HeadParseResult
{
    ParseStatus status = ParseStatus::NeedMore;
    size_t consumed = 0;   // bytes of the head, including the blank line, when Complete
    int errorStatus = 0;   // HTTP status to answer with, when Error
    std::string errorText; // what was wrong
};

// Parses a request head from the start of `data`. Leading empty lines are skipped and a bare LF ends a
// line as CRLF does (RFC 9112 2.2). The request line is checked as soon as it is complete, so a bad
// one is answered without waiting for the rest. On Error, `method` and `http11` are set once the
// request line was read (so the answer to a HEAD can leave out its body).
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
    enum class State
    {
        Size,
        SizeBws,
        SizeExt,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        Trailer,
        TrailerLf,
        LastLf,
        Done
    };
    State m_state = State::Size;
    uint64_t m_remaining = 0;
    int m_sizeDigits = 0;
    size_t m_lineLength = 0;
};

} // namespace wsgi::hosting
