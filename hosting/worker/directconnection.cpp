#include "directconnection.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <sys/socket.h>

namespace wsgi::worker {

namespace {

int64_t realtimeMicros()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t monotonicNow()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

} // namespace

bool sendAllBytes(int fd, std::string_view bytes, int timeoutMs)
{
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            bytes.remove_prefix(size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            pollfd p{fd, POLLOUT, 0};
            if (poll(&p, 1, timeoutMs) > 0)
                continue;
        }
        return false;
    }
    return true;
}

ssize_t readArrived(DirectConnection& c, int64_t& arrivedUs)
{
    char buf[65536];
    char control[256];
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(c.fd.get(), &msg, MSG_DONTWAIT);
    arrivedUs = monotonicNow();
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? -2 : -1;
    if (n == 0)
        return 0;
    c.in.append(buf, size_t(n));
    // Kernel receive timestamps give the time a request's bytes arrived, so queue time includes the
    // wait for a free thread even for the later requests of a keep-alive connection.
    for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING) {
            timespec stamps[3];
            std::memcpy(stamps, CMSG_DATA(cm), sizeof stamps);
            const int64_t realUs = int64_t(stamps[0].tv_sec) * 1000000 + stamps[0].tv_nsec / 1000;
            if (realUs > 0)
                arrivedUs -= std::max<int64_t>(0, realtimeMicros() - realUs);
        }
    }
    return n;
}

void startLinger(DirectConnection& c, const DirectLimits& limits, int64_t nowUs)
{
    shutdown(c.fd.get(), SHUT_WR);
    c.in.clear();
    c.lingerBytes = 0;
    c.lingerUntilUs = nowUs + int64_t(limits.lingerTotalMs) * 1000;
    c.state = ConnectionState::Lingering;
    c.deadlineUs = std::min(c.lingerUntilUs, nowUs + int64_t(limits.lingerIdleMs) * 1000);
}

bool drainLinger(DirectConnection& c, const DirectLimits& limits)
{
    if (c.expired.load())
        return false;
    char buf[65536];
    while (true) {
        const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            c.lingerBytes += n;
            if (c.lingerBytes > limits.lingerMaxBytes)
                return false;
            c.deadlineUs = std::min(c.lingerUntilUs, monotonicNow() + int64_t(limits.lingerIdleMs) * 1000);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        // EAGAIN: the client has not finished yet; anything else (end, reset): close now.
        return n < 0 && errno == EAGAIN;
    }
}

} // namespace wsgi::worker
