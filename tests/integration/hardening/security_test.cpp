// A hostile local user against the real engine: a token file or runtime directory planted before the
// engine starts, and unauthenticated control connections that try to make the supervisor buffer.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace wsgi::testing;
namespace fs = std::filesystem;

namespace {

std::string config()
{
    return "WSGIDaemonProcess g processes=1 threads=2\nWSGIScriptAlias / " + appPath("workload.py") +
           " process-group=g application-group=%{GLOBAL}\n";
}

fs::path tempDir(const std::string& name)
{
    std::string pattern = (fs::temp_directory_path() / ("wsgi-security-" + name + "-XXXXXX")).string();
    return mkdtemp(pattern.data());
}

// Sets an environment variable for the engines this test starts, and puts it back.
class ScopedEnv
{
public:
    ScopedEnv(const char* name, const std::string& value) : m_name(name)
    {
        if (const char* old = getenv(name))
            m_old = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv()
    {
        if (m_old)
            setenv(m_name, m_old->c_str(), 1);
        else
            unsetenv(m_name);
    }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

long vmRssKb(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::atol(line.c_str() + 6);
    return -1;
}

// A raw loopback connection, for what HttpConnection does not do: non-blocking floods, and waiting
// for the close through whatever the engine still sends.
class RawSocket
{
public:
    explicit RawSocket(int port) : m_fd(connectLoopback(port)) {}
    ~RawSocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;
    int fd() const { return m_fd; }
    void send(const std::string& bytes) { ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
    // Reads (and keeps) until the engine closes the connection; false when it is still open at the end.
    bool closedWithin(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return false;
            pollfd p{m_fd, POLLIN, 0};
            if (poll(&p, 1, int(left.count())) <= 0)
                continue;
            char buf[4096];
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n == 0 || (n < 0 && errno == ECONNRESET))
                return true;
            if (n > 0)
                received.append(buf, size_t(n));
        }
    }
    std::string received;

private:
    int m_fd = -1;
};

std::string trimmed(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

// An engine started with `tokenArgs`, expected to refuse; its log.
std::string refusedStart(const std::vector<std::string>& tokenArgs)
{
    std::vector<std::string> args = {"--control", "127.0.0.1:0"};
    args.insert(args.end(), tokenArgs.begin(), tokenArgs.end());
    EngineProcess engine(config(), args);
    EXPECT_FALSE(engine.started()) << "the engine started although its token would be exposed";
    return engine.log();
}

TEST(TokenFile, AnExistingFileOthersCanReadIsRefusedWithTheFix)
{
    const fs::path dir = tempDir("mode");
    const fs::path file = dir / "control.token";
    std::ofstream(file) << "0123456789abcdef\n";
    chmod(file.c_str(), 0644);
    const std::string log = refusedStart({"--control-token-file", file.string()});
    EXPECT_NE(log.find(file.string()), std::string::npos) << log;
    EXPECT_NE(log.find("chmod 600 " + file.string()), std::string::npos) << log;
    fs::remove_all(dir);
}

TEST(TokenFile, ASymlinkIsNotFollowed)
{
    const fs::path dir = tempDir("link");
    const fs::path target = dir / "elsewhere";
    std::ofstream(target) << "0123456789abcdef\n";
    chmod(target.c_str(), 0600);
    const fs::path link = dir / "control.token";
    fs::create_symlink(target, link);
    const std::string log = refusedStart({"--control-token-file", link.string()});
    EXPECT_NE(log.find("symbolic link"), std::string::npos) << log;
    EXPECT_NE(log.find(link.string()), std::string::npos) << log;
    fs::remove_all(dir);
}

TEST(TokenFile, AFileOfAnotherUserIsRefused)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to create a file owned by another user";
    const fs::path dir = tempDir("owner");
    const fs::path file = dir / "control.token";
    std::ofstream(file) << "0123456789abcdef\n";
    chmod(file.c_str(), 0600);
    ASSERT_EQ(chown(file.c_str(), 65534, 65534), 0);
    const std::string log = refusedStart({"--control-token-file", file.string()});
    EXPECT_NE(log.find("belongs to uid 65534"), std::string::npos) << log;
    fs::remove_all(dir);
}

TEST(TokenFile, APlantedRuntimeDirectoryIsRefused)
{
    const fs::path runtime = tempDir("runtime");
    const ScopedEnv env("XDG_RUNTIME_DIR", runtime.string());
    const fs::path dir = runtime / ("wsgi-engine-" + std::to_string(getuid()));

    // Open to everyone: another user could read the token from it.
    fs::create_directory(dir);
    chmod(dir.c_str(), 0755);
    std::string log = refusedStart({});
    EXPECT_NE(log.find("chmod 700 " + dir.string()), std::string::npos) << log;
    fs::remove_all(dir);

    // A symlink to a directory someone else chose.
    const fs::path other = runtime / "other";
    fs::create_directory(other);
    chmod(other.c_str(), 0700);
    fs::create_directory_symlink(other, dir);
    log = refusedStart({});
    EXPECT_NE(log.find("symbolic link"), std::string::npos) << log;
    EXPECT_TRUE(fs::is_empty(other));
    fs::remove(dir);

    if (geteuid() == 0) {
        // Private, but another user's.
        fs::create_directory(dir);
        chmod(dir.c_str(), 0700);
        ASSERT_EQ(chown(dir.c_str(), 65534, 65534), 0);
        log = refusedStart({});
        EXPECT_NE(log.find("belongs to uid 65534"), std::string::npos) << log;
    }
    fs::remove_all(runtime);
}

TEST(TokenFile, TheDefaultFileIsPrivateAndWorks)
{
    const fs::path runtime = tempDir("default");
    const ScopedEnv env("XDG_RUNTIME_DIR", runtime.string());
    const fs::path dir = runtime / ("wsgi-engine-" + std::to_string(getuid()));
    fs::path file;
    {
        EngineProcess engine(config(), {"--control", "127.0.0.1:0"});
        ASSERT_TRUE(engine.started()) << engine.log();
        struct stat st
        {
        };
        ASSERT_EQ(lstat(dir.c_str(), &st), 0);
        EXPECT_TRUE(S_ISDIR(st.st_mode));
        EXPECT_EQ(st.st_mode & 0777, 0700u);
        file = dir / ("control-" + std::to_string(engine.pid()) + ".token");
        ASSERT_EQ(lstat(file.c_str(), &st), 0) << file;
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        ControlClient client(engine.controlPort(), trimmed(readFile(file)));
        EXPECT_NE(client.request("status").find("\"ok\":true"), std::string::npos);
    }
    EXPECT_FALSE(fs::exists(file)) << "the engine removes the token file it chose";
    fs::remove_all(runtime);
}

class ControlFlood : public ::testing::Test
{
protected:
    void start(const std::vector<std::string>& extra = {})
    {
        m_dir = tempDir("flood");
        const std::string tokenFile = (m_dir / "control.token").string();
        std::vector<std::string> args = {"--control", "127.0.0.1:0", "--control-token-file", tokenFile};
        args.insert(args.end(), extra.begin(), extra.end());
        m_engine = std::make_unique<EngineProcess>(config(), args);
        ASSERT_TRUE(m_engine->started()) << m_engine->log();
        ASSERT_TRUE(m_engine->waitReady("/?cpu_ms=0&wait_ms=0")) << m_engine->log();
        m_token = trimmed(readFile(tokenFile));
        ASSERT_FALSE(m_token.empty());
    }
    void TearDown() override
    {
        if (HasFailure() && m_engine)
            std::cerr << m_engine->log();
        m_engine.reset();
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    bool statusWorks()
    {
        ControlClient client(m_engine->controlPort(), m_token);
        return client.request("status").find("\"ok\":true") != std::string::npos;
    }
    fs::path m_dir;
    std::unique_ptr<EngineProcess> m_engine;
    std::string m_token;
};

TEST_F(ControlFlood, UnauthenticatedJunkDoesNotGrowTheSupervisor)
{
    start();
    ASSERT_TRUE(statusWorks());
    const long before = vmRssKb(m_engine->pid());
    ASSERT_GT(before, 0);

    // 20 connections, each pushing up to 3 MB without a newline (below the 4 MB an authenticated
    // message may have), for at most 3 seconds in all.
    constexpr int kSockets = 20;
    std::vector<std::unique_ptr<RawSocket>> sockets;
    for (int i = 0; i < kSockets; ++i)
        sockets.push_back(std::make_unique<RawSocket>(m_engine->controlPort()));
    const std::string block(64 * 1024, 'x');
    std::vector<size_t> sent(kSockets, 0);
    std::vector<bool> done(kSockets, false);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    int open = kSockets;
    while (open > 0 && std::chrono::steady_clock::now() < deadline) {
        open = 0;
        for (int i = 0; i < kSockets; ++i) {
            if (done[i])
                continue;
            ++open;
            const ssize_t n =
                ::send(sockets[i]->fd(), block.data(), block.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0)
                sent[i] += size_t(n);
            if ((n < 0 && errno != EAGAIN) || sent[i] >= 3u * 1024 * 1024)
                done[i] = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // let the engine read what is queued
    const long after = vmRssKb(m_engine->pid());
    std::cout << "supervisor VmRSS " << before << " kB before, " << after << " kB with " << kSockets
              << " unauthenticated connections sending junk\n";
    EXPECT_LT(after - before, 8 * 1024)
        << "supervisor RSS grew from " << before << " kB to " << after << " kB";
    // The endpoint still serves a real client, and HTTP goes on.
    EXPECT_TRUE(statusWorks());
    EXPECT_EQ(httpGet(m_engine->port(), "/?cpu_ms=0&wait_ms=0").status, 200);
}

TEST_F(ControlFlood, ConnectionsWithoutTheTokenAreClosed)
{
    start({"--control-auth-timeout", "500"});
    // Bad lines: a few get their error, then the connection goes.
    RawSocket junk(m_engine->controlPort());
    for (int i = 0; i < 10; ++i)
        junk.send("{\"op\":\"status\",\"token\":\"guess\"}\n");
    EXPECT_TRUE(junk.closedWithin(std::chrono::seconds(3)));
    EXPECT_NE(junk.received.find("unauthorized"), std::string::npos) << junk.received;

    // Silence: closed after the auth timeout, while an authenticated client stays.
    RawSocket silent(m_engine->controlPort());
    ControlClient client(m_engine->controlPort(), m_token);
    ASSERT_NE(client.request("status").find("\"ok\":true"), std::string::npos);
    EXPECT_TRUE(silent.closedWithin(std::chrono::seconds(5)));
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    EXPECT_NE(client.request("status").find("\"ok\":true"), std::string::npos);

    // More waiting connections than allowed: the oldest go, a new client still gets in.
    std::vector<std::unique_ptr<RawSocket>> waiting;
    for (int i = 0; i < 40; ++i)
        waiting.push_back(std::make_unique<RawSocket>(m_engine->controlPort()));
    EXPECT_TRUE(waiting.front()->closedWithin(std::chrono::milliseconds(400)));
    EXPECT_TRUE(statusWorks());
}

} // namespace
