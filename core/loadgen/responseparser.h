#pragma once
// Incremental HTTP/1.1 response parser for the load generator: only what a client needs to know
// where a response ends (status, Content-Length, chunked framing, Connection: close) and nothing
// else, so the hot path is one scan for the end of the headers and a subtraction per body read.
//
// Streaming from the caller's side: feed() takes any split of the byte stream. Bytes that cannot
// be judged yet (a header block or chunk-size line cut by a read) are kept in a small carry buffer,
// which stays empty, and costs nothing, when reads line up with elements as they usually do.

#include <cstddef>
#include <cstdint>
#include <string>

namespace wsgi::loadgen {

class ResponseParser
{
public:
    enum class Status
    {
        NeedMore,
        Complete,
        Error
    };
    struct Step
    {
        Status status;
        size_t consumed; // bytes of this feed() used; on Complete the rest belongs to the next response
    };

    static constexpr size_t kMaxHeaderBytes = 64 * 1024;

    // Ready for the next response. headRequest: the answer has no body whatever its headers say.
    void reset(bool headRequest = false);

    // Consumes up to one response. NeedMore always consumes everything it was given.
    Step feed(const char* data, size_t len);
    // The peer closed the connection: completes a close-delimited body, an error otherwise.
    Status finishAtEof();

    int statusCode() const { return m_status; } // of the final (non-1xx) response
    bool keepAlive() const { return m_keepAlive; }
    bool started() const { return m_started; }         // any byte of this response seen
    int interimResponses() const { return m_interim; } // 1xx answers skipped before the final one
    int64_t bodyBytes() const { return m_bodyBytes; }
    const char* error() const { return m_error; }

private:
    enum class State
    {
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Done,
        Failed
    };

    // Parses a contiguous buffer; NeedMore may leave an incomplete element unconsumed.
    Step parse(const char* data, size_t len);
    // Returns bytes of the header block used, 0 when incomplete, or sets the error state.
    size_t parseHeaders(const char* data, size_t len);
    bool parseHeaderBlock(const char* begin, const char* end);
    Step fail(const char* why);

    State m_state = State::Headers;
    bool m_headRequest = false;
    bool m_keepAlive = true;
    bool m_started = false;
    int m_status = 0;
    int m_interim = 0;
    int64_t m_remaining = 0; // body or chunk bytes still to come
    int64_t m_bodyBytes = 0;
    const char* m_error = "";
    std::string m_carry; // an incomplete header block or chunk line from the previous feed()
};

} // namespace wsgi::loadgen
