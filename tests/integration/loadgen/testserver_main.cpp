// loadgen-test-server: the benchmark's fast HTTP/1.1 responder (fixed body, keep-alive, epoll, one
// listener per thread), so wrk and wsgi-loadgen are compared against the same cheap server.
//
//   loadgen-test-server [--port P] [--threads N] [--body-bytes B] [--max-seconds S]
// Prints "listening on PORT" once ready; exits on SIGINT/SIGTERM or after --max-seconds.

#include "testserver.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int)
{
    g_stop = 1;
}

} // namespace

int main(int argc, char** argv)
{
    wsgi::loadgen::test::TestServerOptions options;
    options.bodyBytes = 1024;
    options.threads = 1;
    int port = 0;
    double maxSeconds = 600;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--port")
            port = std::atoi(value());
        else if (a == "--threads")
            options.threads = std::atoi(value());
        else if (a == "--body-bytes")
            options.bodyBytes = size_t(std::atol(value()));
        else if (a == "--max-seconds")
            maxSeconds = std::atof(value());
        else {
            std::fprintf(stderr, "usage: %s [--port P] [--threads N] [--body-bytes B] [--max-seconds S]\n",
                         argv[0]);
            return 2;
        }
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    wsgi::loadgen::test::TestServer server(options);
    if (!server.start(uint16_t(port))) {
        std::fprintf(stderr, "cannot listen on 127.0.0.1:%d: %s\n", port, std::strerror(errno));
        return 1;
    }
    std::printf("listening on %u\n", server.port());
    std::fflush(stdout);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(maxSeconds);
    while (!g_stop && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server.stop();
    std::printf("served %lld requests on %lld connections\n", (long long)server.requests(),
                (long long)server.connectionsAccepted());
    return 0;
}
