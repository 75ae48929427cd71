#include "lifecyclesupport_b.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace wsgi::testing {

std::string faultsConfig(const std::string& groupOptions, const std::string& script)
{
    return "WSGIDaemonProcess g " + groupOptions + "\nWSGIScriptAlias / " +
           (script.empty() ? testAppPath("faults.py") : script) +
           " process-group=g application-group=%{GLOBAL}\n";
}

Json parseJson(const std::string& line)
{
    std::string error;
    return Json::parse(line, error).value_or(Json());
}

LifecycleEngine::LifecycleEngine(const std::string& config, const std::string& readyTarget)
{
    static int counter = 0;
    const std::string tokenFile =
        (std::filesystem::temp_directory_path() /
         ("wsgi-lifecycle-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + ".token"))
            .string();
    std::filesystem::remove(tokenFile);
    m_engine = std::make_unique<EngineProcess>(
        config, std::vector<std::string>{"--control", "127.0.0.1:0", "--control-token-file", tokenFile});
    if (!m_engine->started() || (!readyTarget.empty() && !m_engine->waitReady(readyTarget)))
        return;
    m_token = readFile(tokenFile);
    while (!m_token.empty() && m_token.back() == '\n')
        m_token.pop_back();
    std::filesystem::remove(tokenFile);
    m_ok = m_engine->controlPort() > 0 && !m_token.empty();
}

std::unique_ptr<ControlClient> LifecycleEngine::client() const
{
    return std::make_unique<ControlClient>(m_engine->controlPort(), m_token);
}

Json LifecycleEngine::request(const std::string& op, const std::string& fieldsJson) const
{
    return parseJson(client()->request(op, fieldsJson));
}

Json LifecycleEngine::status() const
{
    return request("status", "")["result"];
}

Json LifecycleEngine::waitStatus(const std::function<bool(const Json&)>& done,
                                 std::chrono::milliseconds timeout) const
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    Json s = status();
    while (!done(s) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        s = status();
    }
    return s;
}

int LifecycleEngine::restarts(const Json& status, const std::string& reason)
{
    for (const Json& g : status["groups"].elements())
        if (g["name"].asString() == "g")
            return int(g["restarts"][reason].asInt(0));
    return 0;
}

std::vector<Json> LifecycleEngine::events(const Json& status, const std::string& kind,
                                          const std::string& reason)
{
    std::vector<Json> out;
    for (const Json& e : status["recent_events"].elements())
        if (e["kind"].asString() == kind && (reason.empty() || e["reason"].asString() == reason))
            out.push_back(e);
    return out;
}

std::vector<int> LifecycleEngine::pids(const Json& status)
{
    std::vector<int> out;
    for (const Json& g : status["groups"].elements())
        if (g["name"].asString() == "g")
            for (const Json& p : g["processes"].elements())
                if (p["state"].asString() == "running")
                    out.push_back(int(p["pid"].asInt()));
    return out;
}

double processCpuSeconds(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // After the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string skip;
    for (int i = 3; i <= 13; ++i)
        fields >> skip;
    long utime = 0, stime = 0;
    fields >> utime >> stime;
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

SteadyLoad::SteadyLoad(int port, int connections, std::string target)
    : m_port(port), m_target(std::move(target))
{
    for (int i = 0; i < connections; ++i)
        m_threads.emplace_back([this] {
            while (!m_stop.load()) {
                const HttpResponse r = httpGet(m_port, m_target);
                if (r.status == 200) {
                    ++m_ok;
                    continue;
                }
                ++m_failed;
                std::lock_guard lock(m_mutex);
                if (m_failures.size() < 5)
                    m_failures.push_back(std::to_string(r.status) + " " + r.body.substr(0, 200));
            }
        });
}

SteadyLoad::~SteadyLoad()
{
    stop();
}

void SteadyLoad::stop()
{
    m_stop.store(true);
    for (auto& t : m_threads)
        if (t.joinable())
            t.join();
}

std::string SteadyLoad::failures() const
{
    std::lock_guard lock(m_mutex);
    std::string out;
    for (const auto& f : m_failures)
        out += f + "\n";
    return out;
}

} // namespace wsgi::testing
