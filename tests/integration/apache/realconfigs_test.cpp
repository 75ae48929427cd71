// Real configuration trees: Debian's whole /etc/apache2 imports without loss (every file back byte for
// byte, an unedited export changes nothing), an edit exported in place for mod_wsgi 4.9 passes
// apache2 -t on a copy of the tree, and the seeds' configs exported for mod_wsgi 4.9 pass it too.

#include "apachefixture.h"

#include "apache-config/apachecheck.h"
#include "apache-config/configimport.h"
#include "apache-config/documentexport.h"
#include "apache-config/mpmsettings.h"
#include "apache-config/renderer.h"

#include "seedconfigs.h"
#include "testsupport.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace wsgi::config;
using namespace wsgi::apachetest;
namespace fs = std::filesystem;

namespace {

const char* const kDebianRoot = "/etc/apache2";

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

ImportedConfig importDebian()
{
    ImportOptions options;
    options.dialect = Dialect::ModWsgi4;
    return importConfigFile(std::string(kDebianRoot) + "/apache2.conf", options);
}

} // namespace

TEST(RealConfigs, DebianApache2TreeImportsWithoutLoss)
{
    if (!fs::exists(std::string(kDebianRoot) + "/apache2.conf"))
        GTEST_SKIP() << "no Debian /etc/apache2";
    const ImportedConfig imported = importDebian();
    EXPECT_EQ(test::countSeverity(imported.findings, Severity::Error), 0)
        << test::describe(imported.findings);
    ASSERT_GT(imported.files.size(), 10u);
    bool sawMpmConf = false;
    for (const SourceFile& file : imported.files) {
        EXPECT_EQ(file.tree.reconstruct(), readAll(file.path)) << file.path;
        sawMpmConf = sawMpmConf || file.path.ends_with("mods-enabled/mpm_event.conf");
    }
    EXPECT_TRUE(sawMpmConf);
    EXPECT_EQ(imported.loadedMpm, MpmKind::Event);
    // Debian's mpm_event.conf values, read through the includes.
    const wsgi::mpm::Settings s = wsgi::mpm::settingsFromModel(imported.model, MpmKind::Event);
    EXPECT_EQ(s.startServers, 2);
    EXPECT_EQ(s.threadsPerChild, 25);
    EXPECT_EQ(s.maxRequestWorkers, 150);
    EXPECT_EQ(s.maxSpareThreads, 75);

    for (Dialect target : {Dialect::ModWsgi4, Dialect::ModWsgi6}) {
        RenderOptions options;
        options.target = target;
        const DocumentExport out = exportDocument(imported, imported.model, options);
        ASSERT_EQ(out.configFiles.size(), imported.files.size());
        for (std::size_t i = 0; i < out.configFiles.size(); ++i) {
            EXPECT_FALSE(out.changed[i]) << out.configFiles[i].path;
            EXPECT_EQ(out.configFiles[i].content, readAll(imported.files[i].path)) << out.configFiles[i].path;
        }
    }
}

TEST(RealConfigs, EveryConfigFileUnderEtcApache2ImportsOnItsOwn)
{
    if (!fs::exists(kDebianRoot))
        GTEST_SKIP() << "no Debian /etc/apache2";
    int files = 0;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(kDebianRoot)) {
        const std::string path = e.path().string();
        if (!e.is_regular_file() || !(path.ends_with(".conf") || path.ends_with(".load")))
            continue;
        ImportOptions options;
        options.followIncludes = false;
        const ImportedConfig one = importConfigFile(path, options);
        EXPECT_EQ(test::countSeverity(one.findings, Severity::Error), 0)
            << path << test::describe(one.findings);
        EXPECT_EQ(one.files.front().tree.reconstruct(), readAll(path)) << path;
        ++files;
    }
    EXPECT_GT(files, 50);
}

TEST(RealConfigs, DebianTreeWithADaemonGroupAddedPassesConfigtestAfterInPlaceExport)
{
    if (!fs::exists(std::string(kDebianRoot) + "/apache2.conf"))
        GTEST_SKIP() << "no Debian /etc/apache2";
    const ImportedConfig imported = importDebian();
    WsgiModel edited = imported.model;
    DaemonProcess d;
    d.name = "studio";
    d.options.set("processes", "2");
    d.options.set("threads", "5");
    d.options.set("display-name", "%{GROUP}");
    d.options.set("switch-interval", "0.002"); // needs the 4.9 stand-in
    edited.server.daemons.push_back(d);
    ScriptAlias a;
    a.url = "/studio";
    a.script = std::string(WSGI_SOURCE_DIR) + "/resources/apps/trivial.py";
    a.options.set("process-group", "studio");
    a.options.set("application-group", "%{GLOBAL}");
    edited.server.aliases.push_back(a);

    ApacheRoot root;
    RenderOptions options;
    options.target = Dialect::ModWsgi4;
    options.scriptDirectory = root.path("scripts");
    const DocumentExport out = exportDocument(imported, edited, options);
    for (std::size_t i = 0; i < out.configFiles.size(); ++i) {
        // By name, not fs::relative: that resolves mods-enabled's symlinks into mods-available.
        const std::string relative = out.configFiles[i].path.substr(std::string(kDebianRoot).size() + 1);
        root.writeFile("etc/" + relative, out.configFiles[i].content);
        EXPECT_EQ(out.changed[i], i == 0) << relative; // only apache2.conf gets the new lines
    }
    ASSERT_EQ(out.scripts.size(), 1u);
    root.writeFile("scripts/studio-switch-interval.py", out.scripts.front().content);
    const std::string main = out.configFiles.front().content;
    EXPECT_NE(main.find("WSGIDaemonProcess studio processes=2 threads=5"), std::string::npos) << main;
    EXPECT_NE(main.find("WSGIImportScript " + root.path("scripts") + "/studio-switch-interval.py"),
              std::string::npos);

    const std::string run = root.path("run");
    const RunResult t = wsgi::apachetest::run(
        {WSGI_APACHE2, "-t", "-d", root.path("etc"), "-f", root.path("etc/apache2.conf")}, 20000,
        {"APACHE_RUN_USER=www-data", "APACHE_RUN_GROUP=www-data", "APACHE_PID_FILE=" + run + "/apache2.pid",
         "APACHE_RUN_DIR=" + run, "APACHE_LOCK_DIR=" + run, "APACHE_LOG_DIR=" + run});
    EXPECT_EQ(t.exitCode, 0) << t.output;
    EXPECT_NE(t.output.find("Syntax OK"), std::string::npos) << t.output;
}

TEST(RealConfigs, SeedConfigsExportedForModWsgi4PassConfigtest)
{
    for (const test::SeedConfig& seed : test::seedConfigs()) {
        if (!seed.configtestable)
            continue;
        ImportOptions importOptions;
        importOptions.followIncludes = false;
        const ImportedConfig imported = importConfig(seed.text, "/etc/apache2/seed.conf", importOptions);
        ApacheRoot root;
        RenderOptions options;
        options.target = Dialect::ModWsgi4;
        options.scriptDirectory = root.path("scripts");
        const RenderResult r = renderSnippet(imported.model, options);
        for (const GeneratedFile& f : r.files)
            root.writeFile("scripts/" + f.path.substr(f.path.rfind('/') + 1), f.content);
        root.writeConfig(r.text);
        const RunResult t = root.configtest();
        EXPECT_EQ(t.exitCode, 0) << seed.name << ":\n" << t.output << "\n" << r.text;
    }
}

namespace {

// Shaped like the OpenStack / FreeIPA / Debian configs this was tried on: Defines for paths and sizes,
// an mpm_itk block, Apache's timeouts, a comment that runs on into another comment.
const char* const kRealWorld =
    "# keystone, as a distribution ships it \\\n"
    "# (the backslash above continues the comment onto this one)\n"
    "Define KEYSTONE_PROCESSES 2\n"
    "Define KEYSTONE_ROOT " WSGI_SOURCE_DIR "/resources/apps\n"
    "Timeout 90\n"
    "KeepAliveTimeout 3\n"
    "<IfModule reqtimeout_module>\n"
    "    RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500\n"
    "</IfModule>\n"
    "<IfModule mpm_itk_module>\n"
    "    AssignUserId www-data www-data\n"
    "    MaxRequestWorkers 5\n"
    "</IfModule>\n"
    "WSGIDaemonProcess keystone processes=${KEYSTONE_PROCESSES} threads=4 \\\n"
    "    display-name=%{GROUP}\n"
    "WSGIScriptAlias /identity ${KEYSTONE_ROOT}/trivial.py process-group=keystone \\\n"
    "    application-group=%{GLOBAL}\n";

} // namespace

TEST(RealConfigs, DefinesItkAndTimeoutsImportCleanlyAndTheSnippetPassesApache)
{
    ImportOptions importOptions;
    importOptions.dialect = Dialect::Engine;
    importOptions.followIncludes = false;
    const ImportedConfig imported =
        importConfig(kRealWorld, "/etc/apache2/sites-enabled/keystone.conf", importOptions);
    EXPECT_EQ(test::countSeverity(imported.findings, Severity::Error), 0)
        << test::describe(imported.findings);
    EXPECT_EQ(test::countSeverity(imported.findings, Severity::Warning), 0)
        << test::describe(imported.findings);
    EXPECT_EQ(imported.engine.groups.at(0).processes, 2);
    EXPECT_EQ(imported.engine.timeoutSeconds, 90);

    ImportOptions validateOptions;
    validateOptions.dialect = Dialect::ModWsgi4;
    validateOptions.followIncludes = false;
    const ImportedConfig validated =
        importConfig(kRealWorld, "/etc/apache2/sites-enabled/keystone.conf", validateOptions);
    EXPECT_EQ(test::countSeverity(validated.findings, Severity::Error), 0)
        << test::describe(validated.findings);
    EXPECT_EQ(test::countCode(validated.findings, "W-MPM-START-EXCESS"), 0)
        << test::describe(validated.findings);

    RenderOptions options;
    options.target = Dialect::ModWsgi4;
    options.fileNames = imported.fileNames();
    options.engineRelativePaths = true;
    const RenderResult r = renderSnippet(imported.model, options);
    EXPECT_NE(r.text.find("${KEYSTONE_ROOT}/trivial.py"), std::string::npos) << r.text;
    EXPECT_NE(r.text.find("<IfModule mpm_itk_module>"), std::string::npos) << r.text;
    // The snippet has no Define: Apache needs them, as in the original file.
    const std::string withDefines =
        "Define KEYSTONE_PROCESSES 2\nDefine KEYSTONE_ROOT " WSGI_SOURCE_DIR "/resources/apps\n" + r.text;
    ApacheCheckOptions check;
    check.apache = {WSGI_APACHE2, WSGI_APACHE_MODULES};
    const ApacheCheckResult t = checkWithApache(withDefines, Dialect::ModWsgi4, check);
    EXPECT_TRUE(t.ok()) << t.message << "\n" << t.output << "\n" << withDefines;
}

TEST(RealConfigs, CheckWithApacheReportsApachesOwnErrorAndAMissingInstallation)
{
    ApacheCheckOptions check;
    check.apache = {WSGI_APACHE2, WSGI_APACHE_MODULES};
    const ApacheCheckResult bad = checkWithApache(
        "WSGIDaemonProcess app\nWSGIScriptAlias / /srv/app.py procss-group=app\n", Dialect::ModWsgi4, check);
    EXPECT_EQ(bad.status, ApacheCheckStatus::Failed) << bad.message << "\n" << bad.output;
    EXPECT_NE(bad.output.find("line 2 of"), std::string::npos) << bad.output;
    EXPECT_NE(bad.message.find("Syntax error"), std::string::npos) << bad.message;
    EXPECT_EQ(bad.modWsgiVersion.substr(0, 2), "4.");

    const ApacheCheckResult good =
        checkWithApache("WSGIDaemonProcess app threads=2\n", Dialect::ModWsgi4, check);
    EXPECT_TRUE(good.ok()) << good.message << "\n" << good.output;

    const ApacheCheckResult six = checkWithApache("WSGIDaemonProcess app\n", Dialect::ModWsgi6, check);
    EXPECT_EQ(six.status, ApacheCheckStatus::Unavailable) << six.message;
    EXPECT_NE(six.message.find("installed mod_wsgi is 4."), std::string::npos) << six.message;

    ApacheCheckOptions missing;
    missing.apache.binary = "/nonexistent/sbin/apache2";
    const ApacheCheckResult none = checkWithApache("WSGIDaemonProcess app\n", Dialect::ModWsgi4, missing);
    EXPECT_EQ(none.status, ApacheCheckStatus::NotInstalled);
    EXPECT_NE(none.message.find("Apache is not installed"), std::string::npos) << none.message;
}
