#include "enginefixture.h"

#include "core/readyline.h"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace wsgi::testing {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

fs::path sourceDir()
{
    return WSGI_SOURCE_DIR;
}
fs::path binaryDir()
{
    return WSGI_BINARY_DIR;
}

std::vector<std::string> builtRuntimes()
{
    std::vector<std::string> out;
    std::stringstream ss(WSGI_RUNTIMES);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

bool hasRuntime(const std::string& name)
{
    for (const auto& r : builtRuntimes())
        if (r == name)
            return true;
    return false;
}

bool directDispatch()
{
    const char* d = getenv("WSGI_TEST_DISPATCH");
    return d && (std::string(d) == "direct" || std::string(d) == "auto");
}

std::string appPath(const std::string& name)
{
    return (sourceDir() / "resources" / "apps" / name).string();
}
std::string testAppPath(const std::string& name)
{
    return (sourceDir() / "tests" / "integration" / "apps" / name).string();
}

std::string HttpResponse::header(const std::string& name) const
{
    for (const auto& [n, v] : headers)
        if (strcasecmp(n.c_str(), name.c_str()) == 0)
            return v;
    return {};
}

HttpConnection::HttpConnection(int port)
{
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(m_fd);
        m_fd = -1;
        return;
    }
    const int one = 1;
    setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpConnection::~HttpConnection()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void HttpConnection::send(const std::string& bytes)
{
    size_t off = 0;
    while (m_fd >= 0 && off < bytes.size()) {
        const ssize_t n = ::send(m_fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        off += size_t(n);
    }
}

bool HttpConnection::fill(Clock::time_point deadline)
{
    if (m_fd < 0)
        return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0)
        return false;
    pollfd p{m_fd, POLLIN, 0};
    if (poll(&p, 1, int(left)) <= 0)
        return false;
    char buf[65536];
    const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
    if (n <= 0)
        return false;
    m_buffer.append(buf, size_t(n));
    return true;
}

std::string HttpConnection::readUntil(const std::string& marker, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (m_buffer.find(marker) == std::string::npos && fill(deadline)) {
    }
    const size_t at = m_buffer.find(marker);
    std::string out;
    if (at == std::string::npos) {
        out.swap(m_buffer);
    } else {
        out = m_buffer.substr(0, at + marker.size());
        m_buffer.erase(0, at + marker.size());
    }
    return out;
}

bool HttpConnection::peerClosed(std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        pollfd p{m_fd, POLLIN, 0};
        if (poll(&p, 1, 50) > 0) {
            char c;
            const ssize_t n = ::recv(m_fd, &c, 1, MSG_PEEK);
            if (n == 0)
                return true;
            if (n < 0)
                return errno == ECONNRESET;
            return false; // data, not a close
        }
    }
    return false;
}

HttpResponse HttpConnection::read(bool headRequest, std::chrono::milliseconds timeout)
{
    HttpResponse r;
    const auto deadline = Clock::now() + timeout;
    size_t headEnd;
    while ((headEnd = m_buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(deadline)) {
            r.incomplete = true;
            r.closed = true;
            return r;
        }
    }
    std::string head = m_buffer.substr(0, headEnd);
    m_buffer.erase(0, headEnd + 4);
    std::istringstream lines(head);
    std::string line;
    std::getline(lines, line);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    r.version = line.substr(0, line.find(' '));
    r.status = std::atoi(line.substr(line.find(' ') + 1, 3).c_str());
    r.reason = line.size() > 13 ? line.substr(13) : "";
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const size_t colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        r.headers.emplace_back(line.substr(0, colon), value);
    }
    const std::string connection = r.header("Connection");
    r.closed = strcasecmp(connection.c_str(), "close") == 0 ||
               (r.version == "HTTP/1.0" && strcasecmp(connection.c_str(), "keep-alive") != 0);
    if (headRequest || r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200))
        return r;
    if (strcasecmp(r.header("Transfer-Encoding").c_str(), "chunked") == 0) {
        r.chunked = true;
        while (true) {
            size_t eol;
            while ((eol = m_buffer.find("\r\n")) == std::string::npos)
                if (!fill(deadline)) {
                    r.incomplete = true;
                    return r;
                }
            const size_t size = std::stoul(m_buffer.substr(0, eol), nullptr, 16);
            while (m_buffer.size() < eol + 2 + size + 2)
                if (!fill(deadline)) {
                    r.incomplete = true;
                    return r;
                }
            r.body += m_buffer.substr(eol + 2, size);
            m_buffer.erase(0, eol + 2 + size + 2);
            if (size == 0)
                return r;
        }
    }
    const std::string length = r.header("Content-Length");
    if (!length.empty()) {
        const size_t n = std::stoul(length);
        while (m_buffer.size() < n)
            if (!fill(deadline)) {
                r.incomplete = true;
                break;
            }
        r.body = m_buffer.substr(0, n);
        m_buffer.erase(0, std::min(n, m_buffer.size()));
        return r;
    }
    while (fill(deadline)) {
    }
    r.body.swap(m_buffer);
    r.closed = true;
    return r;
}

HttpResponse httpGet(int port, const std::string& target, const std::string& extraHeaders)
{
    HttpConnection c(port);
    c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n");
    return c.read();
}

namespace {

fs::path makeTempDir()
{
    std::string pattern = (fs::temp_directory_path() / "wsgi-engine-test-XXXXXX").string();
    return mkdtemp(pattern.data());
}

std::string slurp(const fs::path& p)
{
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The engine's ready line (core/readyline.h) once it is complete in `out`; empty before that.
std::optional<ReadyLine> readyLineIn(const std::string& out, std::string& error)
{
    size_t at = out.rfind(std::string("\n") + std::string(kReadyLinePrefix));
    at = at == std::string::npos ? (out.starts_with(kReadyLinePrefix) ? 0 : std::string::npos) : at + 1;
    if (at == std::string::npos)
        return std::nullopt;
    const size_t end = out.find('\n', at);
    if (end == std::string::npos)
        return std::nullopt; // still being written
    return parseReadyLine(std::string_view(out).substr(at, end - at), error);
}

int portOf(const std::string& hostPort)
{
    std::string host;
    int port = 0;
    return splitHostPort(hostPort, host, port) ? port : 0;
}

pid_t spawnEngine(const fs::path& dir, const std::vector<std::string>& args, const fs::path& out,
                  const fs::path& err)
{
    const pid_t pid = fork();
    if (pid == 0) {
        const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int e = out == err ? o : open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        const std::string engine = (binaryDir() / "bin" / "wsgi-engine").string();
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(engine.c_str()));
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        if (chdir(dir.c_str()) != 0)
            _exit(126);
        execv(engine.c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

} // namespace

EngineProcess::EngineProcess(const std::string& configText, const std::vector<std::string>& extraArgs)
{
    m_dir = makeTempDir();
    const fs::path config = m_dir / "engine.conf";
    std::ofstream(config) << configText;
    std::vector<std::string> args = {"--config", config.string(), "--listen", "127.0.0.1:0"};
    // The same tests run once per dispatch mode (ctest sets this for the second run).
    if (const char* dispatch = getenv("WSGI_TEST_DISPATCH"))
        args.insert(args.end(), {"--dispatch", dispatch});
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    m_pid = spawnEngine(m_dir, args, m_dir / "stdout.txt", m_dir / "stderr.txt");
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
        std::string error;
        if (const auto ready = readyLineIn(slurp(m_dir / "stdout.txt"), error)) {
            m_port = ready->listen.empty() ? 0 : portOf(ready->listen.front());
            return;
        }
        if (!error.empty()) {
            std::fprintf(stderr, "EngineProcess: %s\n", error.c_str());
            return;
        }
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_stopped = true;
            m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

EngineProcess::~EngineProcess()
{
    stop();
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

std::string EngineProcess::log() const
{
    return slurp(m_dir / "stderr.txt");
}

int EngineProcess::controlPort() const
{
    std::string error;
    const auto ready = readyLineIn(slurp(m_dir / "stdout.txt"), error);
    return ready && !ready->control.empty() ? portOf(ready->control) : 0;
}

std::string readFile(const fs::path& p)
{
    return slurp(p);
}

ControlClient::ControlClient(int port, std::string token) : m_connection(port), m_token(std::move(token))
{
    m_hello = readLine(std::chrono::seconds(5));
}

std::string ControlClient::readLine(std::chrono::milliseconds timeout)
{
    std::string line = m_connection.readUntil("\n", timeout);
    if (!line.empty() && line.back() == '\n')
        line.pop_back();
    return line;
}

std::string ControlClient::request(const std::string& op, const std::string& fieldsJson, bool withToken)
{
    const std::string id = std::to_string(m_nextId++);
    std::string line = "{\"id\":" + id + ",\"op\":\"" + op + "\"";
    if (withToken)
        line += ",\"token\":\"" + m_token + "\"";
    if (!fieldsJson.empty())
        line += "," + fieldsJson;
    line += "}\n";
    m_connection.send(line);
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
        const std::string reply = readLine(std::chrono::seconds(30));
        if (reply.empty())
            return reply;
        if (reply.find("\"event\"") != std::string::npos && reply.find("\"id\":" + id) == std::string::npos) {
            m_events.push_back(reply);
            continue;
        }
        return reply;
    }
    return {};
}

std::string ControlClient::readEvent(std::chrono::milliseconds timeout)
{
    if (!m_events.empty()) {
        std::string e = m_events.front();
        m_events.erase(m_events.begin());
        return e;
    }
    return readLine(timeout);
}

bool EngineProcess::waitReady(const std::string& target, std::chrono::seconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline && started()) {
        HttpConnection c(m_port);
        c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        const HttpResponse r = c.read(false, std::chrono::seconds(10));
        if (r.status > 0)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

int EngineProcess::stop()
{
    if (m_stopped || m_pid <= 0)
        return m_exit;
    kill(m_pid, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    int status = 0;
    while (Clock::now() < deadline) {
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_stopped = true;
            m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return m_exit;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(m_pid, SIGKILL);
    waitpid(m_pid, &status, 0);
    m_stopped = true;
    m_exit = 137;
    return m_exit;
}

CommandResult runEngineCommand(const std::string& configText, const std::vector<std::string>& extraArgs)
{
    const fs::path dir = makeTempDir();
    const fs::path config = dir / "engine.conf";
    std::ofstream(config) << configText;
    std::vector<std::string> args = {"--config", config.string()};
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    const pid_t pid = spawnEngine(dir, args, dir / "out.txt", dir / "out.txt");
    int status = 0;
    waitpid(pid, &status, 0);
    CommandResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    r.output = slurp(dir / "out.txt");
    std::error_code ec;
    fs::remove_all(dir, ec);
    return r;
}

} // namespace wsgi::testing
