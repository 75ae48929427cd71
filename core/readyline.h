#pragma once
// The engine's machine-readable "ready" line: one line on stdout, printed (and flushed) once the
// listen sockets and the control endpoint are up, so launchers, tests and SSH wrappers learn the
// ports without reading log prose:
//
//   wsgi-engine-ready {"version":"0.4.0","pid":4242,"listen":["127.0.0.1:8080"],
//                      "control":"127.0.0.1:7070","token_file":"/run/.../control.token",
//                      "dispatch":"direct","generation":0}
//
// (one line on the wire). "control" and "token_file" are null when the engine runs without a control
// endpoint. Fields may be added later; readers ignore the ones they do not know.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi {

inline constexpr std::string_view kReadyLinePrefix = "wsgi-engine-ready ";

struct ReadyLine
{
    std::string version;
    int64_t pid = 0;
    std::vector<std::string> listen; // "127.0.0.1:8080", "[::1]:8080"
    std::string control;             // "127.0.0.1:7070"; empty without a control endpoint
    std::string tokenFile;           // empty without a control endpoint
    std::string dispatch;            // "direct" or "proxy"
    int64_t generation = 0;          // 0 = the configuration it started with; each reload adds one
};

// The line without its newline.
std::string formatReadyLine(const ReadyLine& ready);

// True when `line` starts with the prefix (whether or not the rest is well formed).
bool isReadyLine(std::string_view line);

// Empty for a line that is not a ready line (error stays empty) or one that is malformed (error says
// what is wrong). A trailing "\n" or "\r\n" is accepted.
std::optional<ReadyLine> parseReadyLine(std::string_view line, std::string& error);

// "HOST:PORT" or "[V6]:PORT" split; false when it is not that form with a port in 1..65535.
bool splitHostPort(std::string_view text, std::string& host, int& port);

} // namespace wsgi
