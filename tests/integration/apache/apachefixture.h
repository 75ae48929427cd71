#pragma once
// A private Apache: config::ApacheServerRoot (the library's "Check with Apache": its own ServerRoot
// in a temporary directory, a minimal httpd.conf that Includes the snippet under test, apache2 -t on
// it), plus a foreground server the fixture stops again.

#include "apache-config/apachecheck.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace wsgi::apachetest {

struct RunResult
{
    int exitCode = -1;  // -1: did not exit (killed at the timeout) or could not start
    std::string output; // stdout and stderr together
};

// Runs argv with `environment` ("NAME=value") added, capturing its output, killing it after `timeoutMs`.
RunResult run(const std::vector<std::string>& argv, int timeoutMs,
              const std::vector<std::string>& environment = {});

class ApacheRoot
{
public:
    ApacheRoot();
    ~ApacheRoot();
    ApacheRoot(const ApacheRoot&) = delete;
    ApacheRoot& operator=(const ApacheRoot&) = delete;

    const std::string& dir() const { return m_root.dir(); }
    std::string path(const std::string& name) const { return m_root.path(name); }
    void writeFile(const std::string& name, const std::string& content) const;

    // httpd.conf around snippet.conf; `port` 0 leaves out Listen (configtest only needs one, so a fixed
    // unused one is written then).
    std::string writeConfig(const std::string& snippet, int port = 0) const;

    RunResult configtest() const;   // apache2 -t -f httpd.conf
    bool start(std::string& error); // apache2 -DFOREGROUND, until stop() or destruction
    void stop();
    std::string errorLog() const;

private:
    config::ApacheServerRoot m_root;
    pid_t m_server = -1;
};

int freePort();
// A raw HTTP/1.0 GET against 127.0.0.1:port, retried until `timeoutMs`; "" if nothing answered.
std::string httpGet(int port, const std::string& path, int timeoutMs);

} // namespace wsgi::apachetest
