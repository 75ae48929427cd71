#include "apachefixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
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

pid_t spawn(const std::vector<std::string>& argv, int outputFd, const std::vector<std::string>& environment = {})
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

RunResult run(const std::vector<std::string>& argv, int timeoutMs, const std::vector<std::string>& environment)
{
    int fds[2];
    if (pipe(fds) != 0)
        return {};
    const pid_t pid = spawn(argv, fds[1], environment);
    close(fds[1]);
    RunResult r;
    const auto start = Clock::now();
    char buffer[4096];
    while (true) {
        pollfd p{fds[0], POLLIN, 0};
        const int left = std::max(0, timeoutMs - msSince(start));
        if (poll(&p, 1, left) <= 0)
            break;
        const ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n <= 0)
            break;
        r.output.append(buffer, std::size_t(n));
    }
    close(fds[0]);
    r.exitCode = pid > 0 ? waitFor(pid, std::max(0, timeoutMs - msSince(start))) : -1;
    return r;
}

ApacheRoot::ApacheRoot()
{
    char pattern[] = "/tmp/wsgi-apache-XXXXXX";
    if (!mkdtemp(pattern))
        throw std::runtime_error("mkdtemp failed");
    m_dir = pattern;
    // Apache's children and the daemon processes run as www-data when we are root: they must reach it.
    chmod(m_dir.c_str(), 0755);
    std::filesystem::create_directories(m_dir + "/run");
    std::filesystem::create_directories(m_dir + "/scripts");
    chmod((m_dir + "/run").c_str(), 0755);
    chmod((m_dir + "/scripts").c_str(), 0755);
}

ApacheRoot::~ApacheRoot()
{
    stop();
    std::error_code ec;
    if (!std::getenv("WSGI_KEEP_APACHE_ROOT"))
        std::filesystem::remove_all(m_dir, ec);
}

void ApacheRoot::writeFile(const std::string& name, const std::string& content) const
{
    const std::filesystem::path p = std::filesystem::path(m_dir) / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    chmod(p.c_str(), 0644);
}

std::string ApacheRoot::writeConfig(const std::string& snippet, int port) const
{
    writeFile("snippet.conf", snippet);
    const std::string modules = WSGI_APACHE_MODULES;
    std::string conf = "ServerRoot " + m_dir + "\n" +
                       "LoadModule mpm_event_module " + modules + "/mod_mpm_event.so\n" +
                       "LoadModule authz_core_module " + modules + "/mod_authz_core.so\n" +
                       "LoadModule wsgi_module " + modules + "/mod_wsgi.so\n" +
                       "PidFile " + m_dir + "/run/httpd.pid\n" +
                       "ErrorLog " + m_dir + "/error.log\n" +
                       "LogLevel info\n" +
                       "DefaultRuntimeDir " + m_dir + "/run\n" +
                       "Mutex file:" + m_dir + "/run default\n" +
                       "WSGISocketPrefix " + m_dir + "/run/wsgi\n" +
                       "ServerName localhost\n" +
                       "Listen 127.0.0.1:" + std::to_string(port ? port : 1) + "\n";
    if (geteuid() == 0 && getpwnam("www-data"))
        conf += "User www-data\nGroup www-data\n";
    conf += "Include " + m_dir + "/snippet.conf\n";
    writeFile("httpd.conf", conf);
    return path("httpd.conf");
}

RunResult ApacheRoot::configtest() const
{
    return run({WSGI_APACHE2, "-t", "-f", path("httpd.conf")}, 20000);
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
