#pragma once
// An owning file descriptor: move-only, closed on destruction. Replaces hand-paired close() calls so
// that every early return and every exception path releases what it opened.

#include <unistd.h>

#include <utility>

namespace wsgi::hosting {

class UniqueFd
{
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    ~UniqueFd() { closeNow(); }

    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other)
            reset(other.release());
        return *this;
    }

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    explicit operator bool() const { return valid(); }

    // Gives up ownership without closing: the caller (or an exec'd child) now owns the fd.
    [[nodiscard]] int release() { return std::exchange(m_fd, -1); }

    // Closes what is held (if anything) and takes `fd`.
    void reset(int fd = -1)
    {
        if (fd == m_fd)
            return;
        closeNow();
        m_fd = fd;
    }

private:
    void closeNow()
    {
        // close() is not retried on EINTR: on Linux the descriptor is released either way, and a retry
        // could close a descriptor another thread has just been given.
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    int m_fd = -1;
};

} // namespace wsgi::hosting
