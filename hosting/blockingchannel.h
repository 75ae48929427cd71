#pragma once
// The worker's end of a request channel: blocking frame reads and writes on one socket.

#include "channelprotocol.h"

#include <string>
#include <string_view>

namespace wsgi::hosting {

class BlockingChannel
{
public:
    explicit BlockingChannel(int fd) : m_fd(fd) {}
    // Reads the next frame. False at end of stream or on a malformed frame (`error` says which).
    bool readFrame(FrameType& type, std::string& payload, std::string& error);
    bool writeAll(std::string_view data);
    // Without blocking: true when a frame of `type` has arrived and not been read yet. Reads what
    // the socket holds into the buffer; frames before it stay there for readFrame.
    bool hasPendingFrame(FrameType type);
    int fd() const { return m_fd; }

private:
    bool fill(size_t need, std::string& error);
    int m_fd;
    std::string m_buffer;
    size_t m_pos = 0;
};

} // namespace wsgi::hosting
