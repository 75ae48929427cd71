#include "apachefixture.h"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace wsgi::apachetest {

namespace {

using Clock = std::chrono::steady_clock;

int msSince(Clock::time_point start)
{
    return int(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

// Waits for `pid` up to `timeoutMs`; kills it (SIGKILL) when it does not exit. Returns the exit code or -1.
int waitFor(pid_t pid, int timeoutMs)
{
    const auto start = Clock::now();
    int status = 0;
    while (true) {
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0)
            return -1;
        if (msSince(start) > timeoutMs) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

pid_t spawn(const std::vector<std::string>& argv, int outputFd,
            const std::vector<std::string>& environment = {})
{
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        if (outputFd >= 0) {
            dup2(outputFd, 1);
            dup2(outputFd, 2);
        }
        for (const std::string& e : environment)
            putenv(const_cast<char*>(e.c_str()));
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

} // namespace

RunResult run(const std::vector<std::string>& argv, int timeoutMs,
              const std::vector<std::string>& environment)
{
    const config::ProcessResult r = config::runProcess(argv, timeoutMs, environment);
    return {r.exitCode, r.output};
}

ApacheRoot::ApacheRoot() : m_root(config::ApacheInstallation{WSGI_APACHE2, WSGI_APACHE_MODULES})
{
    if (!m_root.ok())
        throw std::runtime_error(m_root.error());
}

ApacheRoot::~ApacheRoot()
{
    stop();
}

void ApacheRoot::writeFile(const std::string& name, const std::string& content) const
{
    m_root.writeFile(name, content);
}

std::string ApacheRoot::writeConfig(const std::string& snippet, int port) const
{
    return m_root.writeConfig(snippet, port);
}

RunResult ApacheRoot::configtest() const
{
    const config::ProcessResult r = m_root.configtest(20000);
    return {r.exitCode, r.output};
}

bool ApacheRoot::start(std::string& error)
{
    const int log = open(path("server.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    m_server = spawn({WSGI_APACHE2, "-DFOREGROUND", "-f", path("httpd.conf")}, log);
    if (log >= 0)
        close(log);
    if (m_server <= 0) {
        error = "fork failed";
        return false;
    }
    return true;
}

void ApacheRoot::stop()
{
    if (m_server <= 0)
        return;
    kill(m_server, SIGTERM); // httpd stops its children and the mod_wsgi daemons
    waitFor(m_server, 15000);
    m_server = -1;
}

std::string ApacheRoot::errorLog() const
{
    std::ifstream in(path("error.log"));
    std::ostringstream out;
    out << in.rdbuf();
    std::ifstream server(path("server.out"));
    out << server.rdbuf();
    return out.str();
}

int freePort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

std::string httpGet(int port, const std::string& path, int timeoutMs)
{
    const auto start = Clock::now();
    while (msSince(start) < timeoutMs) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(uint16_t(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            close(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
        if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) {
            close(fd);
            continue;
        }
        std::string response;
        char buffer[4096];
        while (true) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, std::max(1, timeoutMs - msSince(start))) <= 0)
                break;
            const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            response.append(buffer, std::size_t(n));
        }
        close(fd);
        if (!response.empty())
            return response;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
}

} // namespace wsgi::apachetest
