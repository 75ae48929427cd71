// Out of file descriptors in direct mode, where the workers accept: accept4 fails with EMFILE while
// the listener stays readable. The worker must back off (not spin), say so once, keep serving the
// connections it has, and accept the waiting clients once descriptors are free again.

#include "enginefixture.h"
#include "hardening/hardeningsupport.h"
#include "hardening/proxy_rawclient.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <thread>

using namespace wsgi::testing;

namespace {

std::vector<pid_t> childrenOf(pid_t pid)
{
    std::vector<pid_t> out;
    std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    pid_t child = 0;
    while (in >> child)
        out.push_back(child);
    return out;
}

size_t openFds(pid_t pid)
{
    size_t n = 0;
    for ([[maybe_unused]] const auto& e :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
        ++n;
    return n;
}

TEST(DirectLimits, OutOfFileDescriptorsTheWorkerBacksOffAndKeepsServing)
{
    if (!directDispatch())
        GTEST_SKIP() << "proxy mode: the supervisor accepts, tested in proxy_limits_test";
    EngineProcess engine("WSGIDaemonProcess g processes=1 threads=2\n"
                         "WSGIScriptAlias / " +
                         testAppPath("hardening.py") + " process-group=g application-group=%{GLOBAL}\n");
    ASSERT_TRUE(engine.started()) << engine.log();
    ASSERT_TRUE(engine.waitReady()) << engine.log();
    HttpConnection kept(engine.port());
    kept.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    ASSERT_EQ(kept.read().status, 200);
    const std::vector<pid_t> workers = childrenOf(engine.pid());
    ASSERT_EQ(workers.size(), 1u);
    const pid_t worker = workers[0];

    rlimit original{};
    ASSERT_EQ(prlimit(worker, RLIMIT_NOFILE, nullptr, &original), 0);
    const rlimit tight{rlim_t(openFds(worker)), original.rlim_max};
    ASSERT_EQ(prlimit(worker, RLIMIT_NOFILE, &tight, nullptr), 0);
    std::vector<std::unique_ptr<RawClient>> waiting;
    for (int i = 0; i < 10; ++i) {
        waiting.push_back(std::make_unique<RawClient>(engine.port())); // completes in the listen backlog
        waiting.back()->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }
    const double cpuBefore = cpuSeconds(worker);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const double cpuUsed = cpuSeconds(worker) - cpuBefore;
    EXPECT_LT(cpuUsed, 0.4) << "the worker spins on a listener it cannot accept from";

    // The connection it has is still served.
    kept.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(kept.read(false, std::chrono::seconds(5)).status, 200);
    EXPECT_EQ(countOf(engine.log(), "cannot accept connections"), 1u) << engine.log();

    // With descriptors again, the clients that waited are served.
    ASSERT_EQ(prlimit(worker, RLIMIT_NOFILE, &original, nullptr), 0);
    for (auto& c : waiting) {
        c->pump(std::chrono::seconds(5));
        EXPECT_EQ(c->status(), 200) << c->received();
    }
}

} // namespace
