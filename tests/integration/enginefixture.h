#pragma once
// Starts the real wsgi-engine on 127.0.0.1 with a config written for the test, and talks HTTP to it
// over plain sockets, so tests see exactly the bytes a client would.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace wsgi::testing {

std::filesystem::path sourceDir();
std::filesystem::path binaryDir();
std::vector<std::string> builtRuntimes(); // e.g. {"3.11", "3.13", "3.13t"}
bool hasRuntime(const std::string& name);
// True when the tests run against the engine's direct dispatch (WSGI_TEST_DISPATCH=direct|auto).
bool directDispatch();

struct HttpResponse
{
    int status = 0;
    std::string reason;
    std::string version;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool chunked = false;
    bool closed = false;                               // the server closed the connection after this response
    bool incomplete = false;                           // the connection ended before the body did
    std::string header(const std::string& name) const; // case-insensitive, "" when absent
};

// One client connection to the engine.
class HttpConnection
{
public:
    explicit HttpConnection(int port);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    bool connected() const { return m_fd >= 0; }
    void send(const std::string& bytes);
    // Reads one response; `headRequest` means no body follows whatever the headers say.
    HttpResponse read(bool headRequest = false, std::chrono::milliseconds timeout = std::chrono::seconds(20));
    // Reads raw bytes until `marker` was seen (or timeout); returns what was read.
    std::string readUntil(const std::string& marker, std::chrono::milliseconds timeout);
    bool peerClosed(std::chrono::milliseconds timeout); // true when the server closed the connection

private:
    bool fill(std::chrono::steady_clock::time_point deadline);
    int m_fd = -1;
    std::string m_buffer;
};

HttpResponse httpGet(int port, const std::string& target, const std::string& extraHeaders = "");

// A running engine; stopped (SIGTERM, then SIGKILL) when destroyed.
class EngineProcess
{
public:
    // Writes `configText` to a temp dir and starts the engine on it. Relative paths in the config are
    // resolved against `configDir` if given (default: the temp dir).
    explicit EngineProcess(const std::string& configText, const std::vector<std::string>& extraArgs = {});
    ~EngineProcess();
    EngineProcess(const EngineProcess&) = delete;
    EngineProcess& operator=(const EngineProcess&) = delete;

    bool started() const { return m_port > 0; }
    int port() const { return m_port; }
    int controlPort() const; // from the engine's ready line (core/readyline.h), 0 if none
    pid_t pid() const { return m_pid; }
    std::string log() const; // everything the engine and its workers wrote to stderr so far
    // Waits until a GET of `target` answers (workers are up), or the timeout passes.
    bool waitReady(const std::string& target = "/", std::chrono::seconds timeout = std::chrono::seconds(30));
    int stop(); // exit status
    const std::filesystem::path& dir() const { return m_dir; }

private:
    std::filesystem::path m_dir;
    pid_t m_pid = -1;
    int m_port = 0;
    bool m_stopped = false;
    int m_exit = -1;
};

// Runs wsgi-engine to completion (e.g. a rejected config): exit code and combined output.
struct CommandResult
{
    int exitCode = -1;
    std::string output;
};
CommandResult runEngineCommand(const std::string& configText, const std::vector<std::string>& extraArgs = {});

// A control-endpoint client: newline-delimited JSON, as the studio speaks it.
class ControlClient
{
public:
    ControlClient(int port, std::string token);
    bool connected() const { return m_connection.connected(); }
    const std::string& hello() const { return m_hello; }
    // Sends {"id":N,"token":...,"op":op, ...fields} and returns the reply line with that id (events
    // that arrive meanwhile are kept for readEvent).
    std::string request(const std::string& op, const std::string& fieldsJson = "", bool withToken = true);
    void sendRaw(const std::string& bytes) { m_connection.send(bytes); }
    std::string readLine(std::chrono::milliseconds timeout);
    std::string readEvent(std::chrono::milliseconds timeout);

private:
    HttpConnection m_connection;
    std::string m_token;
    std::string m_hello;
    int m_nextId = 1;
    std::vector<std::string> m_events;
};

std::string readFile(const std::filesystem::path& p);

std::string appPath(const std::string& name);     // resources/apps/<name>
std::string testAppPath(const std::string& name); // tests/integration/apps/<name>

} // namespace wsgi::testing
