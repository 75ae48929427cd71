// importConfig: the whole tree (Include relative to ServerRoot, wildcards, directories, cycles), the
// sections it enters, the model it builds, and the seeds' configs read without loss.

#include "apache-config/configimport.h"
#include "apache-config/documentexport.h"
#include "apache-config/mpmsettings.h"

#include "seedconfigs.h"
#include "testsupport.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace wsgi::config;
using namespace wsgi::config::test;
namespace fs = std::filesystem;

namespace {

// A scratch configuration tree, removed afterwards.
class Tree
{
public:
    Tree()
    {
        m_root = fs::temp_directory_path() /
                 ("wsgi-import-" + std::to_string(::getpid()) + "-" + std::to_string(s_count++));
        fs::create_directories(m_root);
    }
    ~Tree()
    {
        std::error_code ec;
        fs::remove_all(m_root, ec);
    }
    std::string write(const std::string& name, const std::string& text) const
    {
        const fs::path p = m_root / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
    std::string path(const std::string& name) const { return (m_root / name).string(); }

private:
    static inline int s_count = 0;
    fs::path m_root;
};

std::vector<std::string> shortNames(const ImportedConfig& c, const Tree& tree)
{
    std::vector<std::string> out;
    for (const SourceFile& f : c.files)
        out.push_back(f.path.substr(tree.path("").size()));
    return out;
}

ImportedConfig importSeed(const SeedConfig& seed)
{
    ImportOptions options;
    options.followIncludes = false;
    return importConfig(seed.text, "/etc/apache2/seed.conf", options);
}

} // namespace

TEST(ConfigImport, IncludesFollowServerRootWildcardsAndDirectoriesInHttpdOrder)
{
    Tree tree;
    tree.write("mods/b.load", "LoadModule mpm_worker_module mod_mpm_worker.so\n");
    tree.write("mods/a.load", "WSGIDaemonProcess fromA\n");
    tree.write("mods/.hidden.load", "WSGIDaemonProcess hidden\n");
    tree.write("conf.d/one.conf", "WSGIDaemonProcess one\n");
    tree.write("conf.d/sub/two.conf", "WSGIDaemonProcess two\n");
    const std::string main = tree.write("httpd.conf", "Include mods/*.load\n"
                                                      "IncludeOptional missing/*.conf\n"
                                                      "Include conf.d\n"
                                                      "WSGIDaemonProcess last\n");
    const ImportedConfig c = importConfigFile(main);
    EXPECT_EQ(countSeverity(c.findings, Severity::Error), 0) << describe(c.findings);
    EXPECT_EQ(shortNames(c, tree), (std::vector<std::string>{"httpd.conf", "mods/a.load", "mods/b.load",
                                                             "conf.d/one.conf", "conf.d/sub/two.conf"}));
    std::vector<std::string> groups;
    for (const DaemonProcess* d : c.model.allDaemons())
        groups.push_back(d->name);
    EXPECT_EQ(groups, (std::vector<std::string>{"fromA", "one", "two", "last"}));
    EXPECT_EQ(c.loadedMpm, MpmKind::Worker);
    ASSERT_NE(c.includeAt(0, 0), nullptr);
    EXPECT_EQ(c.includeAt(0, 0)->targets, (std::vector<int>{1, 2}));
    // Each item remembers its file.
    EXPECT_EQ(c.model.server.daemons[1].origin.file, 3);
}

TEST(ConfigImport, ServerRootDirectiveAndIncludesRelativeToTheIncludingFile)
{
    Tree tree;
    tree.write("root/extra.conf", "WSGIDaemonProcess viaServerRoot\n");
    tree.write("site/local.conf", "WSGIDaemonProcess besideTheFile\n");
    const std::string main = tree.write("site/main.conf", "ServerRoot " + tree.path("root") +
                                                              "\nInclude extra.conf\nInclude local.conf\n");
    const ImportedConfig c = importConfigFile(main);
    ASSERT_EQ(c.model.server.daemons.size(), 2u) << describe(c.findings);
    EXPECT_EQ(c.model.server.daemons[1].name, "besideTheFile");
    const Finding* note = EXPECT_FINDING(c, Severity::Note, "E-INCLUDE", 3);
    EXPECT_TRUE(contains(note->message, "relative to the including file")) << note->message;
}

TEST(ConfigImport, MissingIncludesAndCyclesAreErrorsNamingTheLine)
{
    Tree tree;
    tree.write("a.conf", "Include b.conf\n");
    tree.write("b.conf", "# b\nInclude a.conf\n");
    const std::string main =
        tree.write("a.conf", "Include b.conf\nInclude nothere.conf\nInclude none/*.conf\n");
    const ImportedConfig c = importConfigFile(main);
    const Finding* cycle = findFinding(c.findings, "E-INCLUDE-CYCLE", 2);
    ASSERT_NE(cycle, nullptr) << describe(c.findings);
    EXPECT_EQ(cycle->where.file, tree.path("b.conf"));
    EXPECT_TRUE(contains(cycle->message, "form a cycle"));
    EXPECT_TRUE(contains(EXPECT_FINDING(c, Severity::Error, "E-INCLUDE", 2)->message,
                         "Could not open configuration file"));
    EXPECT_TRUE(
        contains(EXPECT_FINDING(c, Severity::Error, "E-INCLUDE", 3)->message, "No matches for the wildcard"));
}

TEST(ConfigImport, IncludeInsideAVirtualHostKeepsItsScope)
{
    Tree tree;
    tree.write("vhost-wsgi.conf",
               "WSGIDaemonProcess site\nWSGIScriptAlias / /srv/site.py process-group=site\n");
    const std::string main = tree.write("httpd.conf", "<VirtualHost *:80>\n  ServerName www.example\n"
                                                      "  Include vhost-wsgi.conf\n</VirtualHost>\n");
    const ImportedConfig c = importConfigFile(main);
    ASSERT_EQ(c.model.virtualHosts.size(), 1u);
    const VirtualHostBlock& host = c.model.virtualHosts.front();
    EXPECT_EQ(host.serverName, "www.example");
    EXPECT_EQ(host.addresses, (std::vector<std::string>{"*:80"}));
    ASSERT_EQ(host.scope.daemons.size(), 1u);
    EXPECT_EQ(host.scope.aliases.size(), 1u);
    EXPECT_TRUE(c.model.server.empty());
}

TEST(ConfigImport, MpmSettingsByIfModuleAndTheLaterLineWins)
{
    const ImportedConfig c =
        importConfig("StartServers 4\n"
                     "<IfModule mpm_event_module>\n  StartServers 2\n  MaxClients 200\n</IfModule>\n"
                     "<IfModule worker.c>\n  StartServers 7\n</IfModule>\n"
                     "<IfModule !mpm_prefork_module>\n  ThreadsPerChild 20\n</IfModule>\n"
                     "StartServers 5\n",
                     "/etc/apache2/mpm.conf");
    ASSERT_EQ(c.model.mpm.size(), 3u);
    EXPECT_FALSE(c.model.mpm[0].module);
    EXPECT_EQ(c.model.mpm[0].values.size(), 3u); // 4, ThreadsPerChild (negated: unconditional), 5
    EXPECT_EQ(c.model.mpm[1].module, MpmKind::Event);
    EXPECT_EQ(c.model.mpm[2].module, MpmKind::Worker);
    const wsgi::mpm::Settings event = wsgi::mpm::settingsFromModel(c.model, MpmKind::Event);
    EXPECT_EQ(event.startServers, 5);        // the last line read
    EXPECT_EQ(event.maxRequestWorkers, 200); // MaxClients is MaxRequestWorkers
    EXPECT_EQ(event.threadsPerChild, 20);
    EXPECT_EQ(wsgi::mpm::settingsFromModel(c.model, MpmKind::Worker).maxRequestWorkers, 400); // default
}

TEST(ConfigImport, ConditionalSectionsAreEnteredAndOtherSectionsLeftAlone)
{
    const ImportedConfig c =
        importConfig("<IfModule wsgi_module>\n<IfDefine X>\n<IfDirective WSGIDaemonProcess>\n"
                     "WSGIDaemonProcess inside\n</IfDirective>\n</IfDefine>\n</IfModule>\n"
                     "<Macro M $x>\nWSGIDaemonProcess macro$x\n</Macro>\n",
                     "/etc/apache2/c.conf");
    ASSERT_EQ(c.model.server.daemons.size(), 1u);
    EXPECT_EQ(c.model.server.daemons.front().name, "inside");
}

TEST(ConfigImport, SeedConfigsImportWithoutLoss)
{
    for (const SeedConfig& seed : seedConfigs()) {
        const ImportedConfig c = importSeed(seed);
        EXPECT_EQ(c.files.front().tree.reconstruct(), seed.text) << seed.name;
        for (Dialect target : {Dialect::ModWsgi6, Dialect::ModWsgi4, Dialect::Engine}) {
            RenderOptions options;
            options.target = target;
            const DocumentExport out = exportDocument(c, c.model, options);
            // Unchanged text for mod_wsgi 6 and the engine; for 4.9 only the WSGI lines may change.
            const bool wsgi = std::string_view(seed.text).find("WSGI") != std::string_view::npos;
            if (target != Dialect::ModWsgi4 || !wsgi) {
                EXPECT_EQ(out.configFiles.front().content, seed.text) << seed.name;
            }
        }
    }
}

TEST(ConfigImport, SeedVirtualHostsBuildTheModel)
{
    const ImportedConfig c = importSeed(seedConfigs()[3]);
    ASSERT_EQ(c.model.virtualHosts.size(), 2u);
    const WsgiScope& http = c.model.virtualHosts[0].scope;
    ASSERT_EQ(http.daemons.size(), 1u);
    EXPECT_EQ(http.daemons[0].name, "app1");
    EXPECT_EQ(http.daemons[0].options.items,
              (std::vector<NameValue>{
                  {"user", "http"}, {"group", "http"}, {"processes", "10"}, {"threads", "20"}}));
    ASSERT_EQ(http.directives.size(), 2u);
    EXPECT_EQ(http.directives[0].name, "WSGIProcessGroup");
    EXPECT_EQ(http.directives[1].args, (std::vector<std::string>{"app1"}));
    ASSERT_EQ(http.aliases.size(), 1u);
    EXPECT_EQ(http.aliases[0].url, "/");
    ASSERT_EQ(http.imports.size(), 1u);
    EXPECT_EQ(*http.imports[0].options.find("application-group"), "app1");
    EXPECT_EQ(*http.imports[0].options.find("process-group"), "app1");
    EXPECT_EQ(c.model.virtualHosts[1].scope.daemons[0].name, "app1-ssl");
    EXPECT_EQ(http.daemons[0].origin.line, 3);
}

TEST(ConfigImport, UnreadableFileIsOneErrorNamingIt)
{
    const ImportedConfig c = importConfigFile("/nonexistent/httpd.conf");
    ASSERT_EQ(c.findings.size(), 1u);
    EXPECT_EQ(c.findings[0].code, "E-IO");
    EXPECT_EQ(c.findings[0].where.file, "/nonexistent/httpd.conf");
    EXPECT_FALSE(c.ok());
}
