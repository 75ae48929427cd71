#pragma once
// What to send, how hard and for how long: the input of LoadGenerator::run. Plain values so the CLI,
// the GUI and A/B runs can build, store and compare them.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wsgi::loadgen {

struct LoadSpec
{
    // Target: http:// only (the studio talks to a local engine or an SSH local forward).
    std::string url = "http://127.0.0.1:8000/";
    std::string method = "GET";
    std::vector<std::pair<std::string, std::string>> headers; // extra request headers, sent verbatim
    std::string body;                                         // request body (POST/PUT), sent from memory
    std::string bodyFile; // when set, the body is read from this file once

    int connections = 10; // keep-alive connections, spread evenly over the threads
    int threads = 2;      // event-loop threads, each with its own epoll set (capped at connections)

    // 0: closed loop (each connection sends its next request as soon as the previous answer is in).
    // > 0: open loop at this total rate, requests per second, with coordinated-omission correction.
    double rate = 0;

    double warmupSec = 0;     // run, but excluded from every result
    double durationSec = 10;  // measured window; with requestCount it is the time limit
    int64_t requestCount = 0; // > 0: stop after this many measured requests instead

    int timeoutMs = 5000;           // per request (send to last byte) and per connect
    int64_t lateThresholdUs = 1000; // open loop: a send later than this behind its schedule counts as late
};

// The URL split into what the client needs; error() says what was wrong.
struct Target
{
    std::string host;
    uint16_t port = 80;
    std::string path = "/"; // path and query, as sent on the request line
    std::string hostHeader; // host[:port] as the Host header carries it
};

// Parses http://host[:port][/path][?query]; false with a reason in *error otherwise.
bool parseUrl(const std::string& url, Target* target, std::string* error);

// The request bytes, built once (headers and body in one buffer so one send() carries it).
std::string buildRequest(const LoadSpec& spec, const Target& target);

} // namespace wsgi::loadgen
