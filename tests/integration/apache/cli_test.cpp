// wsgi-studio-cli's configuration commands as a user runs them: exit codes 0/1/2, errors that name what
// and where, JSON that parses, and an exported file that Debian's Apache accepts.

#include "apachefixture.h"

#include "core/json.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace wsgi::apachetest;

namespace {

#ifdef WSGI_STUDIO_CLI
const char* const kCli = WSGI_STUDIO_CLI;
#else
const char* const kCli = nullptr;
#endif

RunResult cli(const std::vector<std::string>& arguments, bool stdoutOnly = false)
{
    std::string command = std::string(kCli);
    for (const std::string& a : arguments)
        command += " '" + a + "'";
    return run({"/bin/sh", "-c", command + (stdoutOnly ? " 2>/dev/null" : " 2>&1")}, 60000);
}

wsgi::Json parseJson(const std::string& text)
{
    std::string error;
    std::optional<wsgi::Json> json = wsgi::Json::parse(text, error);
    EXPECT_TRUE(json) << error << "\n" << text;
    return json.value_or(wsgi::Json());
}

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

} // namespace

class ConfigCli : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!kCli)
            GTEST_SKIP() << "wsgi-studio-cli is not built (no Qt)";
    }
};

TEST_F(ConfigCli, UsageErrorsExitTwoAndSayWhatIsWrong)
{
    RunResult r = cli({"export", "/etc/hosts"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.output, "--target modwsgi-6|modwsgi-4 is required")) << r.output;
    r = cli({"export", "/etc/hosts", "--target", "modwsgi-5"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.output, "not 'modwsgi-5'")) << r.output;
    r = cli({"mpm-sim", "--load", "0:0,10"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.output, "--load: point 2 '10' is not SECOND:REQUESTS")) << r.output;
    r = cli({"mpm-sim", "--mpm", "prefork"});
    EXPECT_EQ(r.exitCode, 2);
    r = cli({"validate"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.output, "FILE is required")) << r.output;
    r = cli({"import", "/etc/hosts", "/etc/passwd"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.output, "unexpected argument '/etc/passwd'")) << r.output;
    r = cli({"import", "/etc/hosts", "--target", "apache"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.output, "--target must be modwsgi-6")) << r.output;
    r = cli({"mpm-sim", "extra"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.output, "unexpected argument 'extra'")) << r.output;
    r = cli({"mpm-sim", "--help"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_TRUE(contains(r.output, "SECOND:REQUESTS points separated by")) << r.output;
    EXPECT_TRUE(contains(r.output, "e.g. 0:0,10:200,60:50")) << r.output;
}

TEST_F(ConfigCli, ExportForModWsgi4WritesFilesApacheAccepts)
{
    ApacheRoot root;
    root.writeFile("studio.conf",
                   "# tuned in the studio\n"
                   "WSGIDaemonProcess tuned processes=2 threads=5 switch-interval=0.002 python=3.13t\n"
                   "<WSGIInterpreterOptions process-group=tuned>\n"
                   "    WSGIFreeThreading On\n"
                   "</WSGIInterpreterOptions>\n"
                   "WSGIScriptAlias / " WSGI_SOURCE_DIR "/resources/apps/trivial.py process-group=tuned\n");
    const std::string out = root.path("export/wsgi.conf");
    const RunResult r = cli({"export", root.path("studio.conf"), "--target", "modwsgi-4", "-o", out});
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "W-NOT-IN-TARGET")) << r.output; // free-threading has no 4.9 form: said
    EXPECT_TRUE(contains(r.output, "N-ENGINE-ONLY")) << r.output;
    EXPECT_TRUE(std::filesystem::exists(root.path("export/tuned-switch-interval.py")));
    root.writeConfig("Include " + out + "\n");
    const RunResult t = root.configtest();
    EXPECT_EQ(t.exitCode, 0) << t.output;
}

TEST_F(ConfigCli, ExportOfAMissingFileExitsOne)
{
    const RunResult r = cli({"export", "/nonexistent/studio.conf", "--target", "modwsgi-6"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.output, "/nonexistent/studio.conf: error: cannot read the configuration"))
        << r.output;
}

TEST_F(ConfigCli, ValidateJsonListsFindingsWithCodesAndLines)
{
    ApacheRoot root;
    root.writeFile("bad.conf", "StartServers 10\nMaxClients 400\nMaxSpareThreads 75\nThreadsPerChild 25\n"
                               "WSGIDaemonProcess app proceses=2\n");
    const RunResult r = cli({"validate", root.path("bad.conf"), "--json"}, true);
    EXPECT_EQ(r.exitCode, 1);
    const wsgi::Json json = parseJson(r.output);
    EXPECT_FALSE(json["ok"].asBool(true));
    EXPECT_EQ(json["errors"].asInt(), 1);
    bool unknown = false;
    bool startExcess = false;
    for (const wsgi::Json& f : json["findings"].elements()) {
        unknown = unknown || (f["code"].asString() == "E-UNKNOWN-OPTION" && f["line"].asInt() == 5 &&
                              f["suggestion"].asString() == "did you mean 'processes'?");
        startExcess = startExcess || (f["code"].asString() == "W-MPM-START-EXCESS" && f["line"].asInt() == 1);
    }
    EXPECT_TRUE(unknown) << r.output;
    EXPECT_TRUE(startExcess) << r.output;

    root.writeFile("good.conf", "WSGIDaemonProcess app processes=2\n");
    EXPECT_EQ(cli({"validate", root.path("good.conf")}).exitCode, 0);
    EXPECT_EQ(cli({"validate", root.path("good.conf"), "--target", "engine"}).exitCode, 0);
}

TEST_F(ConfigCli, ImportPrintsTheModelAsJson)
{
    ApacheRoot root;
    root.writeFile("site.conf", "<VirtualHost *:80>\nServerName a.example\nWSGIDaemonProcess site threads=4\n"
                                "WSGIScriptAlias / /srv/a.py process-group=site\n</VirtualHost>\n");
    const RunResult r = cli({"import", root.path("site.conf")}, true);
    ASSERT_EQ(r.exitCode, 0);
    const wsgi::Json json = parseJson(r.output);
    const wsgi::Json& host = json["model"]["virtualHosts"].at(0);
    EXPECT_EQ(host["serverName"].asString(), "a.example");
    EXPECT_EQ(host["scope"]["daemons"].at(0)["name"].asString(), "site");
    EXPECT_EQ(host["scope"]["daemons"].at(0)["line"].asInt(), 3);
    EXPECT_EQ(host["scope"]["aliases"].at(0)["url"].asString(), "/");

    root.writeFile("broken.conf", "<VirtualHost *:80>\n");
    EXPECT_EQ(cli({"import", root.path("broken.conf")}).exitCode, 1);
}

TEST_F(ConfigCli, MpmSimReproducesTheSeedCaseAsJson)
{
    const RunResult r = cli({"mpm-sim", "--mpm", "worker", "--start-servers", "10", "--max-request-workers",
                             "400", "--min-spare-threads", "25", "--max-spare-threads", "75",
                             "--threads-per-child", "25", "--load", "0:0", "--duration", "8", "--json"},
                            true);
    ASSERT_EQ(r.exitCode, 0);
    const wsgi::Json json = parseJson(r.output);
    std::vector<int64_t> processes;
    for (const wsgi::Json& s : json["seconds"].elements())
        processes.push_back(s["processes"].asInt());
    EXPECT_EQ(processes, (std::vector<int64_t>{10, 9, 8, 7, 6, 5, 4, 3, 3}));
}

TEST_F(ConfigCli, ExportRefusesALineValidateReportsAsAnError)
{
    ApacheRoot root;
    root.writeFile("site.conf", "WSGIDaemonProcess app\n"
                                "WSGIScriptAlias / /srv/app.py procss-group=app\n");
    const std::string file = root.path("site.conf");
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{}, std::vector<std::string>{"--snippet"}}) {
        std::vector<std::string> arguments = {"export", file, "--target", "modwsgi-4"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        const RunResult r = cli(arguments);
        EXPECT_EQ(r.exitCode, 1) << r.output;
        EXPECT_TRUE(contains(r.output, file + ":2: error: invalid option 'procss-group' to WSGIScriptAlias"))
            << r.output;
        EXPECT_TRUE(contains(r.output, "cannot be exported until these are fixed")) << r.output;
        EXPECT_FALSE(contains(r.output, "WSGIDaemonProcess app")) << "nothing is written: " << r.output;
    }
    EXPECT_EQ(cli({"validate", file, "--target", "modwsgi-4"}).exitCode, 1);
}

TEST_F(ConfigCli, DefinesItkBlocksAndTimeoutsValidateAndExportAsWritten)
{
    ApacheRoot root;
    root.writeFile("site.conf", "# settings for the app \\\n"
                                "# continued on purpose\n"
                                "Define APP_ROOT " WSGI_SOURCE_DIR "/resources/apps\n"
                                "Define PROCS 2\n"
                                "Timeout 90\n"
                                "<IfModule mpm_itk_module>\n"
                                "    MaxRequestWorkers 5\n"
                                "</IfModule>\n"
                                "WSGIDaemonProcess app processes=${PROCS} threads=${THREADS_FROM_ENV}\n"
                                "WSGIScriptAlias / ${APP_ROOT}/trivial.py process-group=app\n");
    const std::string file = root.path("site.conf");
    const RunResult v = cli({"validate", file, "--target", "modwsgi-4", "--notes"});
    EXPECT_EQ(v.exitCode, 0) << v.output;
    EXPECT_TRUE(contains(v.output, "0 errors, 0 warnings")) << v.output;
    EXPECT_FALSE(contains(v.output, "would read it as 0")) << v.output;
    EXPECT_TRUE(contains(v.output, file + ":9: note: WSGIDaemonProcess uses ${THREADS_FROM_ENV}"))
        << v.output;

    const RunResult e = cli({"export", file, "--target", "modwsgi-4", "--snippet", "--no-comments"}, true);
    ASSERT_EQ(e.exitCode, 0) << e.output;
    EXPECT_TRUE(contains(e.output, "WSGIScriptAlias / ${APP_ROOT}/trivial.py process-group=app\n"))
        << e.output;
    EXPECT_TRUE(contains(e.output, "processes=${PROCS} threads=${THREADS_FROM_ENV}")) << e.output;
    EXPECT_TRUE(contains(e.output, "<IfModule mpm_itk_module>\n    MaxRequestWorkers 5\n</IfModule>\n"))
        << e.output;
    EXPECT_TRUE(contains(e.output, "Timeout 90\n")) << e.output;

    // What Apache makes of it, with the Defines and the environment variable it needs.
    root.writeFile("export.conf",
                   "Define APP_ROOT " WSGI_SOURCE_DIR "/resources/apps\nDefine PROCS 2\n" + e.output);
    root.writeConfig("Include " + root.path("export.conf") + "\n");
    const RunResult t =
        run({WSGI_APACHE2, "-t", "-f", root.path("httpd.conf")}, 20000, {"THREADS_FROM_ENV=3"});
    EXPECT_EQ(t.exitCode, 0) << t.output;
}
