// The control and telemetry endpoint of the real engine: authentication, bad input, status,
// subscriptions, reload, restart and stack dumps.

#include "core/json.h"
#include "enginefixture.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <sched.h>
#include <set>
#include <thread>

using namespace wsgi::testing;
using wsgi::Json;

namespace {

Json parse(const std::string& line)
{
    std::string error;
    auto j = Json::parse(line, error);
    EXPECT_TRUE(j.has_value()) << error << " in: " << line;
    return j.value_or(Json());
}

std::string workloadConfig(int processes, int threads)
{
    return "WSGIDaemonProcess g processes=" + std::to_string(processes) +
           " threads=" + std::to_string(threads) + "\nWSGIScriptAlias / " + appPath("workload.py") +
           " process-group=g application-group=%{GLOBAL}\n";
}

class Control : public ::testing::Test
{
protected:
    void start(const std::string& config)
    {
        const std::string tokenFile = (std::filesystem::temp_directory_path() /
                                       ("wsgi-control-test-" + std::to_string(getpid()) + ".token"))
                                          .string();
        std::filesystem::remove(tokenFile);
        m_engine = std::make_unique<EngineProcess>(
            config, std::vector<std::string>{"--control", "127.0.0.1:0", "--control-token-file", tokenFile});
        ASSERT_TRUE(m_engine->started()) << m_engine->log();
        ASSERT_TRUE(m_engine->waitReady("/?cpu_ms=0&wait_ms=0")) << m_engine->log();
        m_token = readFile(tokenFile);
        while (!m_token.empty() && m_token.back() == '\n')
            m_token.pop_back();
        ASSERT_EQ(m_token.size(), 48u);
        ASSERT_EQ(std::filesystem::status(tokenFile).permissions() & std::filesystem::perms::all,
                  std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        std::filesystem::remove(tokenFile);
        ASSERT_GT(m_engine->controlPort(), 0);
    }
    void TearDown() override
    {
        if (HasFailure() && m_engine)
            std::cerr << m_engine->log();
    }
    std::unique_ptr<ControlClient> client()
    {
        return std::make_unique<ControlClient>(m_engine->controlPort(), m_token);
    }

    std::unique_ptr<EngineProcess> m_engine;
    std::string m_token;
};

TEST_F(Control, HelloNamesProtocolAndVersion)
{
    start(workloadConfig(1, 2));
    auto c = client();
    const Json hello = parse(c->hello());
    EXPECT_EQ(hello["protocol"].asString(), "wsgi-engine-control");
    EXPECT_EQ(hello["version"].asInt(), 1);
}

TEST_F(Control, RequestsWithoutTheRightTokenAreRefused)
{
    start(workloadConfig(1, 2));
    auto c = client();
    Json r = parse(c->request("status", "", false));
    EXPECT_FALSE(r["ok"].asBool(true));
    EXPECT_EQ(r["error"]["code"].asString(), "unauthorized");
    c->sendRaw("{\"id\":7,\"op\":\"status\",\"token\":\"wrong\"}\n");
    r = parse(c->readLine(std::chrono::seconds(5)));
    EXPECT_EQ(r["error"]["code"].asString(), "unauthorized");
    EXPECT_EQ(r["id"].asInt(), 7);
}

TEST_F(Control, MalformedAndOversizedMessagesGetErrorsAndHarmNobody)
{
    start(workloadConfig(1, 2));
    auto bystander = client();
    ASSERT_TRUE(parse(bystander->request("subscribe", "\"interval_ms\":200"))["ok"].asBool());
    auto c = client();
    c->sendRaw("{not json\n");
    EXPECT_EQ(parse(c->readLine(std::chrono::seconds(5)))["error"]["code"].asString(), "bad-json");
    c->sendRaw("[1,2]\n");
    EXPECT_EQ(parse(c->readLine(std::chrono::seconds(5)))["error"]["code"].asString(), "bad-request");
    EXPECT_EQ(parse(c->request("no-such-op"))["error"]["code"].asString(), "unknown-op");
    EXPECT_EQ(parse(c->request("subscribe", "\"interval_ms\":5"))["error"]["code"].asString(),
              "bad-interval");
    c->sendRaw(std::string(5 * 1024 * 1024, 'x'));
    EXPECT_EQ(parse(c->readLine(std::chrono::seconds(10)))["error"]["code"].asString(), "too-large");
    // The engine goes on: HTTP is served, and the other client still gets its samples.
    EXPECT_EQ(httpGet(m_engine->port(), "/?cpu_ms=0&wait_ms=0").status, 200);
    EXPECT_EQ(parse(bystander->readEvent(std::chrono::seconds(5)))["event"].asString(), "telemetry");
    EXPECT_TRUE(parse(client()->request("status"))["ok"].asBool());
}

TEST_F(Control, StatusDescribesGroupsAndProcesses)
{
    start(workloadConfig(2, 3));
    // Processes report "starting" until their application is loaded.
    Json r;
    for (int i = 0; i < 200; ++i) {
        r = parse(client()->request("status"));
        bool allUp = true;
        for (const Json& p : r["result"]["groups"].at(0)["processes"].elements())
            allUp = allUp && p["gil_mode"].asString() != "starting";
        if (allUp)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(r["ok"].asBool()) << r.dump();
    const Json& group = r["result"]["groups"].at(0);
    EXPECT_EQ(group["name"].asString(), "g");
    EXPECT_EQ(group["threads"].asInt(), 3);
    ASSERT_EQ(group["processes"].size(), 2u);
    std::set<int64_t> pids;
    for (const Json& p : group["processes"].elements()) {
        pids.insert(p["pid"].asInt());
        EXPECT_EQ(p["gil_mode"].asString(), "shared");
        EXPECT_TRUE(p["gil_enabled"].asBool());
        EXPECT_NEAR(p["switch_interval"].asDouble(), 0.005, 1e-9);
        EXPECT_GE(p["uptime_s"].asDouble(), 0.0);
    }
    EXPECT_EQ(pids.size(), 2u);
    EXPECT_EQ(r["result"]["mounts"].at(0)["prefix"].asString(), "/");
}

TEST_F(Control, SubscribersGetPerProcessTelemetry)
{
    start(workloadConfig(2, 2));
    auto a = client();
    auto b = client();
    ASSERT_TRUE(parse(a->request("subscribe", "\"interval_ms\":250"))["ok"].asBool());
    ASSERT_TRUE(parse(b->request("subscribe", "\"interval_ms\":1000"))["ok"].asBool());
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(httpGet(m_engine->port(), "/?cpu_ms=2&wait_ms=1").status, 200);
    int64_t seenByA = 0;
    for (int i = 0; i < 12 && seenByA < 20; ++i) {
        const Json e = parse(a->readEvent(std::chrono::seconds(5)));
        ASSERT_EQ(e["event"].asString(), "telemetry");
        EXPECT_EQ(e["processes"].size(), 2u);
        for (const Json& p : e["processes"].elements()) {
            seenByA += p["request_count"].asInt();
            EXPECT_GT(p["memory_rss"].asInt(), 1000000);
            if (p["request_count"].asInt() > 0) {
                EXPECT_GT(p["application_time"].asDouble(), 0.002);
                EXPECT_GE(p["request_time"].asDouble(), p["application_time"].asDouble());
                EXPECT_EQ(p["application_time_histogram"]["count"].asInt(), p["request_count"].asInt());
                EXPECT_EQ(p["status_2xx"].asInt(), p["request_count"].asInt());
                EXPECT_GT(p["request_cpu_time"].asDouble(), 0.0015);
                // The contention shape: five bands at multiples of the switch interval, summing to
                // the requests measured.
                const Json& bands = p["gil_contention"]["bands"];
                ASSERT_EQ(bands.size(), 5u);
                int64_t inBands = 0;
                for (const Json& band : bands.elements())
                    inBands += band.asInt();
                EXPECT_EQ(inBands, p["request_count"].asInt());
            }
        }
    }
    EXPECT_EQ(seenByA, 20);
    const Json fromB = parse(b->readEvent(std::chrono::seconds(5)));
    EXPECT_EQ(fromB["interval_ms"].asInt(), 1000);
}

// A window that has just opened asks for its first sample sooner (first_ms); the ones after it
// keep the interval, and each sample's period says how long it covered.
TEST_F(Control, FirstSampleComesAfterFirstMsThenTheInterval)
{
    start(workloadConfig(1, 2));
    auto c = client();
    EXPECT_EQ(
        parse(c->request("subscribe", "\"interval_ms\":1000,\"first_ms\":5"))["error"]["code"].asString(),
        "bad-interval");
    EXPECT_EQ(
        parse(c->request("subscribe", "\"interval_ms\":1000,\"first_ms\":2000"))["error"]["code"].asString(),
        "bad-interval");
    const auto subscribed = std::chrono::steady_clock::now();
    ASSERT_TRUE(parse(c->request("subscribe", "\"interval_ms\":1000,\"first_ms\":100"))["ok"].asBool());
    const Json first = parse(c->readEvent(std::chrono::seconds(5)));
    const auto firstAt = std::chrono::steady_clock::now();
    const Json second = parse(c->readEvent(std::chrono::seconds(5)));
    const auto secondAt = std::chrono::steady_clock::now();
    ASSERT_EQ(first["event"].asString(), "telemetry");
    ASSERT_EQ(second["event"].asString(), "telemetry");
    // Well under the 1 s interval (the bound leaves room for a loaded machine), then the cadence.
    EXPECT_LT(firstAt - subscribed, std::chrono::milliseconds(600));
    EXPECT_GT(secondAt - firstAt, std::chrono::milliseconds(800));
    const double firstPeriod = first["processes"].at(0)["sample_period"].asDouble();
    EXPECT_GT(firstPeriod, 0.09);
    EXPECT_LT(firstPeriod, 0.6);
    EXPECT_NEAR(second["processes"].at(0)["sample_period"].asDouble(), 1.0, 0.3);
}

TEST_F(Control, StatusSaysHowManyCoresTheEngineMayUse)
{
    start(workloadConfig(1, 1));
    const Json r = parse(client()->request("status"));
    ASSERT_TRUE(r["ok"].asBool()) << r.dump();
    cpu_set_t affinity;
    CPU_ZERO(&affinity);
    ASSERT_EQ(sched_getaffinity(0, sizeof affinity, &affinity), 0);
    // The engine inherits this test's affinity.
    EXPECT_EQ(r["result"]["engine"]["cores"].asInt(), CPU_COUNT(&affinity));
}

// Requests finish all the time while samples are cut (and, in direct mode, while the workers are
// asked for their measurements): each must be counted in exactly one sample.
TEST_F(Control, TelemetryCountsEveryRequestUnderLoadOnce)
{
    start(workloadConfig(2, 2));
    auto sub = client();
    ASSERT_TRUE(parse(sub->request("subscribe", "\"interval_ms\":100"))["ok"].asBool());
    constexpr int kClients = 4, kEach = 40;
    std::atomic<int> ok{0};
    std::vector<std::thread> load;
    for (int t = 0; t < kClients; ++t)
        load.emplace_back([&] {
            for (int i = 0; i < kEach; ++i)
                ok += httpGet(m_engine->port(), "/?cpu_ms=1&wait_ms=1").status == 200;
        });
    int64_t counted = 0;
    int samples = 0;
    auto readSample = [&] {
        const Json e = parse(sub->readEvent(std::chrono::seconds(5)));
        ASSERT_EQ(e["event"].asString(), "telemetry");
        ++samples;
        for (const Json& p : e["processes"].elements())
            counted += p["request_count"].asInt();
    };
    for (auto& t : load) {
        while (t.joinable() && ok.load() < kClients * kEach && samples < 200)
            readSample();
        t.join();
    }
    ASSERT_EQ(ok.load(), kClients * kEach);
    for (int i = 0; i < 20 && counted < kClients * kEach; ++i)
        readSample();
    // A few more samples: nothing is counted twice or late.
    for (int i = 0; i < 3; ++i)
        readSample();
    EXPECT_EQ(counted, kClients * kEach);
    EXPECT_GT(samples, 3);
}

TEST_F(Control, RejectedReloadChangesNothing)
{
    start(workloadConfig(1, 2));
    auto c = client();
    const Json before = parse(c->request("status"));
    const Json r = parse(c->request("reload", "\"config\":\"WSGIDaemonProcess g threads=zero\\n\""));
    EXPECT_EQ(r["error"]["code"].asString(), "invalid-config");
    EXPECT_NE(r["error"]["message"].asString().find(":1:"), std::string::npos) << r.dump();
    const Json after = parse(c->request("status"));
    EXPECT_EQ(before["result"]["groups"].at(0)["processes"].at(0)["pid"].asInt(),
              after["result"]["groups"].at(0)["processes"].at(0)["pid"].asInt());
    EXPECT_EQ(after["result"]["engine"]["generation"].asInt(), 0);
}

TEST_F(Control, ReloadSwitchesToTheNewConfiguration)
{
    start(workloadConfig(1, 2));
    auto c = client();
    const std::string config = "WSGIDaemonProcess h processes=2 threads=1\\n"
                               "WSGIScriptAlias / " +
                               testAppPath("gilstate.py") + " process-group=h application-group=%{GLOBAL}\\n";
    const Json r = parse(c->request("reload", "\"config\":\"" + config + "\""));
    ASSERT_TRUE(r["ok"].asBool()) << r.dump();
    std::string body;
    for (int i = 0; i < 100 && body.find("\"process_group\": \"h\"") == std::string::npos; ++i) {
        body = httpGet(m_engine->port(), "/").body;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_NE(body.find("\"process_group\": \"h\""), std::string::npos) << body;
    const Json status = parse(c->request("status"));
    EXPECT_EQ(status["result"]["groups"].at(0)["name"].asString(), "h");
    EXPECT_EQ(status["result"]["engine"]["generation"].asInt(), 1);
}

TEST_F(Control, RestartReplacesProcessesWhileServing)
{
    start(workloadConfig(2, 2));
    auto c = client();
    const Json before = parse(c->request("status"));
    std::set<int64_t> oldPids;
    for (const Json& p : before["result"]["groups"].at(0)["processes"].elements())
        oldPids.insert(p["pid"].asInt());
    std::atomic<bool> stop{false};
    std::atomic<int> failures{0}, served{0};
    std::thread load([&] {
        while (!stop) {
            if (httpGet(m_engine->port(), "/?cpu_ms=1&wait_ms=5").status != 200)
                ++failures;
            else
                ++served;
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const Json r = parse(c->request("restart", "\"group\":\"g\""));
    EXPECT_EQ(r["result"]["restarted"].asInt(), 2) << r.dump();
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    stop = true;
    load.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_GT(served.load(), 10);
    const Json after = parse(c->request("status"));
    for (const Json& p : after["result"]["groups"].at(0)["processes"].elements())
        EXPECT_EQ(oldPids.count(p["pid"].asInt()), 0u);
    EXPECT_EQ(after["result"]["groups"].at(0)["restarts"]["restart"].asInt(), 2);
    EXPECT_EQ(parse(c->request("restart", "\"group\":\"nope\""))["error"]["code"].asString(),
              "unknown-group");
}

TEST_F(Control, DumpStacksShowsWhatRequestsAreDoing)
{
    start(workloadConfig(1, 2));
    std::thread slow([&] { httpGet(m_engine->port(), "/?cpu_ms=0&wait_ms=1500"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    const Json r = parse(client()->request("dump-stacks", "\"group\":\"g\""));
    slow.join();
    ASSERT_TRUE(r["ok"].asBool()) << r.dump();
    const std::string stacks = r["result"]["processes"].at(0)["stacks"].asString();
    EXPECT_NE(stacks.find("workload.py"), std::string::npos) << stacks;
    EXPECT_NE(m_engine->log().find("stacks of group 'g'"), std::string::npos);
}

} // namespace
