#pragma once
// Policies the supervisor applies to client connections in proxy mode, kept pure (times are passed
// in) so that they are unit-tested apart from the event loop in clientconnections.cpp:
//  - AcceptBackoff: out of file descriptors, stop polling the listeners for a moment instead of
//    spinning on a listener that stays readable, and say so once.
//  - LingerBudget: Apache's lingering close. After the last response the write side is shut down
//    and what the client still sends is read and dropped, within bounds, so that closing with unread
//    bytes does not reset the connection before the client has read the response.
//  - ResponseHold: a small chunked request body is read to its end before the response leaves, so a
//    malformed one can still be answered with 400 instead of the application's response cut short.

#include <cstddef>
#include <cstdint>

namespace wsgi::hosting {

class AcceptBackoff
{
public:
    explicit AcceptBackoff(int64_t pauseUs = 250000) : m_pauseUs(pauseUs) {}

    struct Decision
    {
        bool pause = false; // stop polling the listeners until resumeAtUs()
        bool log = false;   // the first failure of an episode: say what happened, once
    };
    // accept4 failed with `error` (an errno value).
    Decision onAcceptError(int error, int64_t nowUs);
    // A connection was accepted: a later shortage is a new episode, logged again.
    void onAccepted() { m_inEpisode = false; }
    bool paused(int64_t nowUs) const { return nowUs < m_resumeAtUs; }
    int64_t resumeAtUs() const { return m_resumeAtUs; }
    uint64_t pauses() const { return m_pauses; }
    static bool isShortage(int error); // EMFILE, ENFILE, ENOBUFS, ENOMEM

private:
    int64_t m_pauseUs;
    int64_t m_resumeAtUs = 0;
    bool m_inEpisode = false;
    uint64_t m_pauses = 0;
};

struct LingerLimits
{
    int64_t totalUs = 5000000; // at most this long after the write side was shut down
    int64_t idleUs = 2000000;  // Apache's SECONDS_TO_LINGER: give up after this long without a byte
    size_t maxBytes = 16 * 1024 * 1024;
};

class LingerBudget
{
public:
    void start(int64_t nowUs, const LingerLimits& limits = {});
    // `n` bytes were read and dropped; false once the budget is spent (close now).
    bool onBytes(size_t n, int64_t nowUs);
    bool expired(int64_t nowUs) const { return nowUs >= m_untilUs || nowUs >= m_idleUntilUs; }

private:
    LingerLimits m_limits;
    int64_t m_untilUs = 0;
    int64_t m_idleUntilUs = 0;
    size_t m_bytes = 0;
};

class ResponseHold
{
public:
    static constexpr size_t kMaxBody = 64 * 1024; // raw body bytes worth waiting for
    static constexpr size_t kMaxHeld = 1024 * 1024;

    // A request starts. Only chunked bodies can turn out malformed after the head; an Expect:
    // 100-continue client may wait for the response before it sends the body, so it is not held.
    void start(bool chunked, bool expectContinue)
    {
        m_active = chunked && !expectContinue;
        m_bodyBytes = 0;
    }
    bool active() const { return m_active; }
    // Raw body bytes arrived; past kMaxBody the body is no longer "small" and the hold ends.
    void onBodyBytes(size_t n)
    {
        m_bodyBytes += n;
        if (m_bodyBytes > kMaxBody)
            m_active = false;
    }
    // Response bytes kept back so far; past kMaxHeld the hold ends rather than stall the worker.
    void onHeld(size_t heldBytes)
    {
        if (heldBytes > kMaxHeld)
            m_active = false;
    }
    void release() { m_active = false; }

private:
    bool m_active = false;
    size_t m_bodyBytes = 0;
};

} // namespace wsgi::hosting
