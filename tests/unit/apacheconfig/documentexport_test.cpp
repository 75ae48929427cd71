// exportDocument: an imported tree written back with the studio's edits. Only the lines of changed items
// change; everything else, in every file, stays byte for byte.

#include "apache-config/configimport.h"
#include "apache-config/documentexport.h"

#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

const char* const kSite = "# Our site\n"
                          "LogLevel warn\n"
                          "WSGIRestrictEmbedded On\n"
                          "WSGIDaemonProcess app processes=2 \\\n"
                          "    threads=5 python=3.13\n"
                          "WSGIDaemonProcess old threads=1\n"
                          "<IfModule mpm_event_module>\n"
                          "\tStartServers 2\n"
                          "\tMaxRequestWorkers 150\n"
                          "</IfModule>\n"
                          "<VirtualHost *:80>\n"
                          "\tServerName www.example\n"
                          "\tDocumentRoot /var/www\n"
                          "\tWSGIScriptAlias / /srv/app.py process-group=app\n"
                          "</VirtualHost>\n"
                          "# end\n";

ImportedConfig importSite(const std::string& text = kSite)
{
    ImportOptions options;
    options.dialect = Dialect::Engine;
    options.followIncludes = false;
    return importConfig(text, "/etc/apache2/site.conf", options);
}

std::string exportFor(const ImportedConfig& c, const WsgiModel& edited, Dialect target)
{
    RenderOptions options;
    options.target = target;
    options.comments = false;
    options.scriptDirectory = "/srv/scripts";
    return exportDocument(c, edited, options).configFiles.front().content;
}

} // namespace

TEST(DocumentExport, UnchangedModelForTheEngineIsTheInputByteForByte)
{
    const ImportedConfig c = importSite();
    const DocumentExport out = exportDocument(c, c.model, RenderOptions{Dialect::Engine});
    EXPECT_EQ(out.configFiles.front().content, kSite);
    EXPECT_EQ(out.changed, (std::vector<bool>{false}));
    EXPECT_TRUE(out.findings.empty()) << describe(out.findings);
}

TEST(DocumentExport, EditedOptionRewritesOnlyThatDirectiveWithItsIndentation)
{
    const ImportedConfig c = importSite();
    WsgiModel edited = c.model;
    edited.server.daemons[0].options.set("threads", "8");
    edited.virtualHosts[0].scope.aliases[0].options.set("application-group", "%{GLOBAL}");
    edited.mpm[0].values[1].value = "200";
    const std::string out = exportFor(c, edited, Dialect::Engine);
    std::string expected = kSite;
    expected.replace(expected.find("WSGIDaemonProcess app"),
                     std::string("WSGIDaemonProcess app processes=2 \\\n    threads=5 python=3.13\n").size(),
                     "WSGIDaemonProcess app processes=2 threads=8 python=3.13\n");
    expected.replace(expected.find("\tMaxRequestWorkers 150"), 22, "\tMaxRequestWorkers 200");
    expected.replace(expected.find("process-group=app\n"), 18,
                     "process-group=app application-group=%{GLOBAL}\n");
    EXPECT_EQ(out, expected);
}

TEST(DocumentExport, RemovedAndAddedItemsGoWhereTheyBelong)
{
    const ImportedConfig c = importSite();
    WsgiModel edited = c.model;
    edited.server.daemons.erase(edited.server.daemons.begin() + 1); // "old"
    ScriptAlias api;
    api.url = "/api";
    api.script = "/srv/api.py";
    api.options.set("process-group", "app");
    edited.virtualHosts[0].scope.aliases.insert(edited.virtualHosts[0].scope.aliases.begin(), api);
    DaemonProcess fresh;
    fresh.name = "fresh";
    fresh.options.set("threads", "3");
    edited.server.daemons.push_back(fresh);
    const std::string out = exportFor(c, edited, Dialect::Engine);
    EXPECT_FALSE(contains(out, "WSGIDaemonProcess old"));
    EXPECT_TRUE(contains(out, "\tWSGIScriptAlias / /srv/app.py process-group=app\n"
                              "    WSGIScriptAlias /api /srv/api.py process-group=app\n</VirtualHost>\n"))
        << out;
    EXPECT_TRUE(out.ends_with("# end\nWSGIDaemonProcess fresh threads=3\n")) << out;
    EXPECT_TRUE(contains(out, "# Our site\nLogLevel warn\n"));
}

TEST(DocumentExport, ModWsgi4RewritesWhatItMustAndCommentsOutWhatItCannot)
{
    const ImportedConfig c =
        importSite(std::string(kSite) + "WSGIDaemonProcess fast switch-interval=0.001\n"
                                        "<WSGIInterpreterOptions process-group=app application-group=x>\n"
                                        "    WSGIPerInterpreterGIL On\n"
                                        "</WSGIInterpreterOptions>\n");
    const std::string out = exportFor(c, c.model, Dialect::ModWsgi4);
    EXPECT_TRUE(contains(out, "WSGIDaemonProcess app processes=2 threads=5\n")) << out; // python= gone
    EXPECT_TRUE(contains(out, "WSGIDaemonProcess fast\nWSGIImportScript /srv/scripts/fast-switch-interval.py "
                              "process-group=fast application-group=%{GLOBAL}\n"))
        << out;
    EXPECT_TRUE(contains(out, "# Not in this target: mod_wsgi 4.9 has no <WSGIInterpreterOptions>\n"
                              "# <WSGIInterpreterOptions process-group=app application-group=x>\n"
                              "# WSGIPerInterpreterGIL On\n# </WSGIInterpreterOptions>\n"))
        << out;
    // Everything else as it was.
    EXPECT_TRUE(contains(
        out, "<IfModule mpm_event_module>\n\tStartServers 2\n\tMaxRequestWorkers 150\n</IfModule>\n"));
    EXPECT_TRUE(contains(out, "\tServerName www.example\n\tDocumentRoot /var/www\n"));
}

TEST(DocumentExport, CrlfFilesKeepTheirLineEndings)
{
    const std::string text = "LogLevel warn\r\nWSGIDaemonProcess app threads=5\r\nServerAdmin me@example\r\n";
    const ImportedConfig c = importSite(text);
    WsgiModel edited = c.model;
    edited.server.daemons[0].options.set("threads", "6");
    EXPECT_EQ(exportFor(c, edited, Dialect::Engine),
              "LogLevel warn\r\nWSGIDaemonProcess app threads=6\r\nServerAdmin me@example\r\n");
}
