#include "apachecheck.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <pwd.h>
#include <spawn.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace wsgi::config {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int msSince(Clock::time_point start)
{
    return int(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

// Waits for `pid` until `timeoutMs`, then kills it. Returns the exit status, -1 when it did not exit.
int waitFor(pid_t pid, int timeoutMs, bool& timedOut)
{
    const auto start = Clock::now();
    int status = 0;
    while (true) {
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0)
            return -1;
        if (msSince(start) > timeoutMs) {
            timedOut = true;
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

bool exists(const std::string& path)
{
    std::error_code ec;
    return fs::exists(path, ec);
}

} // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, int timeoutMs,
                         const std::vector<std::string>& environment)
{
    ProcessResult r;
    if (argv.empty()) {
        r.output = "no program to run";
        return r;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        r.output = std::string("pipe: ") + std::strerror(errno);
        return r;
    }
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> names; // environment entries overridden by `environment`
    for (const std::string& e : environment)
        names.push_back(e.substr(0, e.find('=') + 1));
    std::vector<char*> env;
    for (char** e = environ; e && *e; ++e)
        if (std::none_of(names.begin(), names.end(),
                         [&](const std::string& n) { return std::strncmp(*e, n.c_str(), n.size()) == 0; }))
            env.push_back(*e);
    for (const std::string& e : environment)
        env.push_back(const_cast<char*>(e.c_str()));
    env.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (spawned != 0) {
        close(fds[0]);
        r.output = "cannot run " + argv[0] + ": " + std::strerror(spawned);
        return r;
    }
    r.started = true;
    const auto start = Clock::now();
    char buffer[4096];
    while (true) {
        pollfd p{fds[0], POLLIN, 0};
        const int left = std::max(0, timeoutMs - msSince(start));
        if (poll(&p, 1, left) <= 0)
            break;
        const ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n <= 0)
            break;
        r.output.append(buffer, std::size_t(n));
    }
    close(fds[0]);
    r.exitCode = waitFor(pid, std::max(0, timeoutMs - msSince(start)), r.timedOut);
    return r;
}

namespace {

bool isVersionText(std::string_view s)
{
    int dots = 0;
    for (char c : s) {
        if (c == '.')
            ++dots;
        else if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    }
    return dots >= 1 && dots <= 3 && std::isdigit(static_cast<unsigned char>(s.front())) &&
           std::isdigit(static_cast<unsigned char>(s.back()));
}

} // namespace

std::string installedModWsgiVersion(const ApacheInstallation& apache)
{
    // The module formats its Server header token as "mod_wsgi/%s" from a version string the compiler
    // places beside it ("4.9.4\0mod_wsgi/%s"); some builds hold "mod_wsgi/4.9.4" literally. The Python
    // version is elsewhere in the file, so only the strings next to the marker count.
    std::ifstream in(apache.modules + "/mod_wsgi.so", std::ios::binary);
    if (!in)
        return {};
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string data = bytes.str();
    const std::string marker = "mod_wsgi/";
    for (std::size_t pos = data.find(marker); pos != std::string::npos; pos = data.find(marker, pos + 1)) {
        std::size_t end = pos + marker.size();
        while (end < data.size() && data[end] != '\0')
            ++end;
        const std::string literal = data.substr(pos + marker.size(), end - pos - marker.size());
        if (!literal.empty() && isVersionText(literal))
            return literal;
        // NUL-terminated strings within 64 bytes before and after the marker.
        const std::size_t from = pos > 64 ? pos - 64 : 0;
        const std::size_t to = std::min(data.size(), end + 64);
        std::size_t i = from;
        while (i < to) {
            const std::size_t stop = std::min(to, data.find('\0', i));
            const std::string_view word(data.data() + i, stop - i);
            if (!word.empty() && isVersionText(word))
                return std::string(word);
            i = stop + 1;
        }
    }
    return {};
}

ApacheServerRoot::ApacheServerRoot(ApacheInstallation apache) : m_apache(std::move(apache))
{
    std::error_code ec;
    std::string pattern = (fs::temp_directory_path(ec) / "wsgi-apache-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
        m_error = "cannot create a temporary ServerRoot: " + std::string(std::strerror(errno));
        return;
    }
    m_dir = pattern;
    // Apache's children and the daemon processes run as www-data when we are root: they must reach it.
    chmod(m_dir.c_str(), 0755);
    for (const char* sub : {"run", "scripts"}) {
        fs::create_directories(m_dir + "/" + sub, ec);
        chmod((m_dir + "/" + sub).c_str(), 0755);
    }
}

ApacheServerRoot::~ApacheServerRoot()
{
    std::error_code ec;
    if (!m_dir.empty() && !std::getenv("WSGI_KEEP_APACHE_ROOT"))
        fs::remove_all(m_dir, ec);
}

bool ApacheServerRoot::writeFile(const std::string& name, std::string_view content) const
{
    if (m_dir.empty())
        return false;
    const fs::path p = fs::path(m_dir) / name;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream out(p, std::ios::binary);
    out.write(content.data(), std::streamsize(content.size()));
    out.close();
    chmod(p.c_str(), 0644);
    return bool(out);
}

std::string ApacheServerRoot::writeConfig(std::string_view snippet, int port) const
{
    writeFile("snippet.conf", snippet);
    const std::string& modules = m_apache.modules;
    std::string conf = "ServerRoot " + m_dir + "\n" + "LoadModule mpm_event_module " + modules +
                       "/mod_mpm_event.so\n" + "LoadModule authz_core_module " + modules +
                       "/mod_authz_core.so\n";
    // RequestReadTimeout is mod_reqtimeout's; Debian enables it by default.
    if (exists(modules + "/mod_reqtimeout.so"))
        conf += "LoadModule reqtimeout_module " + modules + "/mod_reqtimeout.so\n";
    conf += "LoadModule wsgi_module " + modules + "/mod_wsgi.so\n" + "PidFile " + m_dir + "/run/httpd.pid\n" +
            "ErrorLog " + m_dir + "/error.log\n" + "LogLevel info\n" + "DefaultRuntimeDir " + m_dir +
            "/run\n" + "Mutex file:" + m_dir + "/run default\n" + "WSGISocketPrefix " + m_dir +
            "/run/wsgi\n" + "ServerName localhost\n" + "Listen 127.0.0.1:" + std::to_string(port ? port : 1) +
            "\n";
    if (geteuid() == 0 && getpwnam("www-data"))
        conf += "User www-data\nGroup www-data\n";
    conf += "Include " + m_dir + "/snippet.conf\n";
    writeFile("httpd.conf", conf);
    return path("httpd.conf");
}

ProcessResult ApacheServerRoot::configtest(int timeoutMs) const
{
    return runProcess({m_apache.binary, "-t", "-f", path("httpd.conf")}, timeoutMs);
}

ApacheCheckResult checkWithApache(std::string_view configText, Dialect target,
                                  const ApacheCheckOptions& options)
{
    ApacheCheckResult result;
    const ApacheInstallation& apache = options.apache;
    if (!exists(apache.binary)) {
        result.status = ApacheCheckStatus::NotInstalled;
        result.message = "Apache is not installed (" + apache.binary +
                         " not found); on Debian: apt install apache2 "
                         "libapache2-mod-wsgi-py3";
        return result;
    }
    if (!exists(apache.modules + "/mod_wsgi.so")) {
        result.status = ApacheCheckStatus::NotInstalled;
        result.message = "mod_wsgi is not installed (" + apache.modules +
                         "/mod_wsgi.so not found); on Debian: "
                         "apt install libapache2-mod-wsgi-py3";
        return result;
    }
    result.modWsgiVersion = installedModWsgiVersion(apache);
    const std::string major = result.modWsgiVersion.substr(0, result.modWsgiVersion.find('.'));
    if (target == Dialect::Engine) {
        result.status = ApacheCheckStatus::Unavailable;
        result.message = "the engine's own dialect is not an Apache configuration: export for modwsgi-4 or "
                         "modwsgi-6 and check that";
        return result;
    }
    const std::string wanted = target == Dialect::ModWsgi4 ? "4" : "6";
    if (!major.empty() && major != wanted) {
        result.status = ApacheCheckStatus::Unavailable;
        result.message = "the installed mod_wsgi is " + result.modWsgiVersion + ", so a " +
                         std::string(dialectName(target)) + " configuration cannot be checked with it";
        return result;
    }
    ApacheServerRoot root(apache);
    if (!root.ok()) {
        result.message = root.error();
        return result;
    }
    root.writeConfig(configText);
    const ProcessResult run = root.configtest(options.timeoutMs);
    result.output = run.output;
    if (!run.started) {
        result.message = run.output;
    } else if (run.timedOut) {
        result.message = "apache2 -t did not finish within " + std::to_string(options.timeoutMs) + " ms";
    } else if (run.exitCode == 0) {
        result.status = ApacheCheckStatus::Ok;
        result.message = "Syntax OK (apache2 -t with mod_wsgi " +
                         (result.modWsgiVersion.empty() ? std::string("?") : result.modWsgiVersion) + ")";
    } else {
        result.status = ApacheCheckStatus::Failed;
        // Apache's first complaint, e.g. "AH00526: Syntax error on line 3 of .../snippet.conf: ...".
        std::string first = run.output.substr(0, run.output.find('\n'));
        result.message =
            "apache2 -t refused the configuration" + (first.empty() ? std::string() : ": " + first);
    }
    return result;
}

} // namespace wsgi::config
