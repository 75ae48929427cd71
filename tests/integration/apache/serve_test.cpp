// A real start: Debian's Apache with mod_wsgi 4.9 runs a modwsgi-4 export on 127.0.0.1 and serves
// resources/apps/trivial.py from a daemon group; a second mount shows that the 4.9 stand-in for
// switch-interval= (the generated WSGIImportScript) set the interval in that daemon process.

#include "apachefixture.h"

#include "apache-config/renderer.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::apachetest;

namespace {

WsgiModel servingModel()
{
    WsgiModel m;
    m.server.directives.push_back({"WSGIRestrictEmbedded", {"On"}, {}, {}});
    DaemonProcess d;
    d.name = "trivial";
    d.options.set("processes", "1");
    d.options.set("threads", "2");
    d.options.set("display-name", "%{GROUP}");
    d.options.set("switch-interval", "0.002");
    d.options.set("python", "3.11"); // engine-only: stripped
    m.server.daemons.push_back(d);
    ScriptAlias si; // before "/", which would otherwise match /si first
    si.url = "/si";
    si.script = std::string(WSGI_APACHE_TEST_DIR) + "/apps/switchinterval.py";
    si.options.set("process-group", "trivial");
    si.options.set("application-group", "%{GLOBAL}");
    m.server.aliases.push_back(si);
    ScriptAlias root;
    root.url = "/";
    root.script = std::string(WSGI_SOURCE_DIR) + "/resources/apps/trivial.py";
    root.options.set("process-group", "trivial");
    root.options.set("application-group", "%{GLOBAL}");
    m.server.aliases.push_back(root);
    return m;
}

std::string body(const std::string& response)
{
    const std::size_t end = response.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : response.substr(end + 4);
}

} // namespace

TEST(ApacheServe, ModWsgi4ExportServesTrivialAppFromItsDaemonGroup)
{
    ApacheRoot root;
    RenderOptions options;
    options.target = Dialect::ModWsgi4;
    options.scriptDirectory = root.path("scripts");
    const RenderResult r = renderSnippet(servingModel(), options);
    ASSERT_EQ(r.files.size(), 1u) << r.text;
    root.writeFile("scripts/trivial-switch-interval.py", r.files.front().content);
    const int port = freePort();
    root.writeConfig(r.text, port);
    const RunResult t = root.configtest();
    ASSERT_EQ(t.exitCode, 0) << t.output << "\n" << r.text;

    std::string error;
    ASSERT_TRUE(root.start(error)) << error;
    const std::string response = httpGet(port, "/", 20000);
    ASSERT_FALSE(response.empty()) << "no answer on 127.0.0.1:" << port << "\n" << root.errorLog();
    EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response.substr(0, 200) << root.errorLog();
    EXPECT_EQ(body(response), std::string(1024, 'x'));

    const std::string interval = httpGet(port, "/si", 10000);
    EXPECT_EQ(body(interval), "0.002") << interval << root.errorLog();
    // The request ran in the daemon group, not in Apache's own processes.
    const std::string log = root.errorLog();
    EXPECT_NE(log.find("Starting process 'trivial'"), std::string::npos) << log;
    root.stop();
}
