#pragma once
// The engine's control and telemetry endpoint: newline-delimited JSON over TCP on a loopback
// address. The first line from the engine is a hello naming the protocol and its version; every
// request must carry the token. A malformed, oversized or unauthenticated message gets an error
// reply and never stalls the engine or other clients. Until a connection has sent one request with
// the right token it may send little (kControlMaxUnauthenticatedLine, kControlMaxUnauthenticatedFailures),
// for a short time (the auth timeout), and only so many such connections exist at once: the oldest
// goes when another arrives.
//
//   -> {"protocol":"wsgi-engine-control","version":1,"pid":123,"auth":"token"}
//   <- {"id":1,"token":"...","op":"status"}
//   -> {"id":1,"ok":true,"result":{...}}      or {"id":1,"ok":false,"error":{"code":"...","message":"..."}}
//   -> {"event":"telemetry",...}               (after "subscribe", every interval)

#include "core/json.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace wsgi::hosting {

constexpr int kControlProtocolVersion = 1;
constexpr size_t kControlMaxLine = 4 * 1024 * 1024;     // a reload carries a whole config
constexpr size_t kControlMaxPending = 16 * 1024 * 1024; // a subscriber this far behind is dropped
// Before the token was seen: a first request up to 64 KiB (a status, or the reload of any real
// config), at most three bad lines, at most 16 such connections.
constexpr size_t kControlMaxUnauthenticatedLine = 64 * 1024;
constexpr int kControlMaxUnauthenticatedFailures = 3;
constexpr size_t kControlMaxUnauthenticatedClients = 16;
constexpr int kControlDefaultAuthTimeoutMs = 10000;

class ControlServer
{
public:
    // Called for each authenticated request; reply with reply()/replyError(), now or later.
    using Handler =
        std::function<void(uint64_t client, const Json& id, const std::string& op, const Json& request)>;

    ControlServer(int epollFd, uint64_t listenerTag, uint64_t clientTagBase, std::string token,
                  Handler handler);
    ~ControlServer();

    bool listen(const std::string& host, int port, std::string& error);
    int port() const { return m_port; }
    const std::string& host() const { return m_host; }

    // The listener or the auth timer (both carry the listener's tag) is readable.
    void onListenerReadable();
    void onClientEvent(uint64_t clientId, uint32_t events);

    void reply(uint64_t client, const Json& id, Json result);
    void replyError(uint64_t client, const Json& id, const std::string& code, const std::string& message);
    void sendEvent(uint64_t client, const Json& event);
    bool alive(uint64_t client) const { return m_clients.count(client) != 0; }

    std::function<void(uint64_t client)> onClientClosed;

private:
    struct Client;
    void send(Client& c, const std::string& line);
    void flush(Client& c);
    void close(uint64_t clientId);
    bool handleLine(Client& c, std::string_view line); // false: the request was refused
    void acceptClients();
    void expireUnauthenticated(int64_t nowUs);
    void armAuthTimer();
    size_t unauthenticatedCount() const;

    int m_epoll;
    uint64_t m_listenerTag;
    uint64_t m_clientTagBase;
    std::string m_token;
    Handler m_handler;
    int m_listenFd = -1;
    int m_timerFd = -1;
    int m_authTimeoutMs;
    int m_port = 0;
    std::string m_host;
    uint64_t m_nextClient = 1;
    std::unordered_map<uint64_t, std::unique_ptr<Client>> m_clients;
};

// How long a control connection may stay without an authenticated request, for control servers made
// from now on (the engine's --control-auth-timeout).
void setControlAuthTimeoutMs(int ms);

} // namespace wsgi::hosting
