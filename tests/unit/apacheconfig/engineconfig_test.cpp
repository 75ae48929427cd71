// parseEngineConfig end to end: the reference example, the seed configs, demo.conf, and the directive
// level rules (Listen, ServerName, contexts, ignored and unknown directives, formatting).

#include "apache-config/resolve.h"

#include "testsupport.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

// modwsgi.md section 7, the example the exporter should be able to produce.
const char* const kReferenceExample =
    "WSGIRestrictEmbedded On\n"
    "WSGIDaemonProcess parallel processes=1 threads=15 display-name='%{GROUP}' \\\n"
    "    request-timeout=60 queue-timeout=45 graceful-timeout=15 switch-interval=0.002\n"
    "WSGIDaemonProcess simple processes=4 threads=5 display-name='%{GROUP}'\n"
    "<WSGIInterpreterOptions process-group=parallel application-group=cpu_app>\n"
    "    WSGIPerInterpreterGIL On\n"
    "    WSGISwitchInterval 0.001\n"
    "</WSGIInterpreterOptions>\n"
    "<VirtualHost *:80>\n"
    "    ServerName app.example.com\n"
    "    WSGIScriptAlias /cpu /srv/cpu/wsgi.py process-group=parallel application-group=cpu_app\n"
    "    WSGIScriptAlias /www /srv/www/wsgi.py process-group=simple application-group=%{GLOBAL}\n"
    "</VirtualHost>\n";

} // namespace

TEST(EngineConfig, ReferenceExampleBuildsTheModelWithoutFindings)
{
    const ParseResult r = parse(kReferenceExample);
    // Every option of the reference example, request-timeout included, is one the engine implements.
    EXPECT_EQ(countSeverity(r.findings, Severity::Error), 0) << describe(r.findings);
    EXPECT_EQ(countSeverity(r.findings, Severity::Warning), 0) << describe(r.findings);
    EXPECT_TRUE(r.ok());

    const EngineConfig& c = r.config;
    EXPECT_TRUE(c.restrictEmbedded);
    ASSERT_EQ(c.groups.size(), 2u);
    const DaemonGroup& parallel = c.groups[0];
    EXPECT_EQ(parallel.name, "parallel");
    EXPECT_EQ(parallel.where.line, 2);
    EXPECT_EQ(parallel.processes, 1);
    EXPECT_TRUE(parallel.processesExplicit);
    EXPECT_EQ(parallel.threads, 15);
    EXPECT_EQ(parallel.processTitle(), "(wsgi:parallel)");
    EXPECT_EQ(parallel.queueTimeout, 45);
    EXPECT_EQ(parallel.gracefulTimeout, 15);
    ASSERT_TRUE(parallel.switchInterval);
    EXPECT_DOUBLE_EQ(*parallel.switchInterval, 0.002);
    EXPECT_EQ(parallel.options.at("request-timeout"), "60");
    EXPECT_EQ(parallel.options.at("display-name"), "%{GROUP}");
    EXPECT_EQ(parallel.options.size(), 7u);

    const DaemonGroup& simple = c.groups[1];
    EXPECT_EQ(simple.processes, 4);
    EXPECT_EQ(simple.threads, 5);
    EXPECT_EQ(c.findGroup("simple"), &simple);
    EXPECT_EQ(c.findGroup("missing"), nullptr);

    ASSERT_EQ(c.containers.size(), 1u);
    EXPECT_EQ(c.containers[0].processGroup, std::optional<std::string>("parallel"));
    EXPECT_EQ(c.containers[0].applicationGroup, std::optional<std::string>("cpu_app"));
    EXPECT_EQ(c.containers[0].perInterpreterGil, std::optional<bool>(true));
    EXPECT_DOUBLE_EQ(c.containers[0].switchInterval.value_or(0), 0.001);
    EXPECT_EQ(c.containers[0].switchIntervalWhere.line, 7);
    EXPECT_EQ(c.containers[0].specificity(), 2);

    ASSERT_EQ(c.mounts.size(), 2u);
    EXPECT_EQ(c.mounts[0].urlPrefix, "/cpu");
    EXPECT_EQ(c.mounts[0].scriptPath, "/srv/cpu/wsgi.py");
    EXPECT_EQ(c.mounts[0].serverName, "app.example.com");
    EXPECT_EQ(resolveProcessGroup(c, c.mounts[0]), "parallel");
    EXPECT_EQ(resolveApplicationGroup(c, c.mounts[0]), "cpu_app");
    EXPECT_EQ(c.mounts[1].applicationGroup, std::optional<std::string>("%{GLOBAL}"));
    EXPECT_EQ(resolveProcessGroup(c, c.mounts[1]), "simple");
    EXPECT_EQ(resolveApplicationGroup(c, c.mounts[1]), "");
}

TEST(EngineConfig, ReferenceExampleWithoutRequestTimeoutIsClean)
{
    std::string text = kReferenceExample;
    const std::string drop = "request-timeout=60 ";
    text.erase(text.find(drop), drop.size());
    const ParseResult r = parse(text);
    EXPECT_TRUE(r.ok()) << describe(r.findings);
    EXPECT_CLEAN(r);
}

TEST(EngineConfig, SwitchIntervalSeedConfig)
{
    const ParseResult r = parse("Listen 127.0.0.1:8080\n"
                                "WSGIDaemonProcess my-app processes=2 threads=5 switch-interval=0.002\n"
                                "WSGIScriptAlias / /srv/app/wsgi.py process-group=my-app\n");
    EXPECT_CLEAN(r);
    ASSERT_EQ(r.config.groups.size(), 1u);
    const DaemonGroup& g = r.config.groups[0];
    EXPECT_EQ(g.name, "my-app");
    EXPECT_EQ(g.processes, 2);
    EXPECT_EQ(g.threads, 5);
    EXPECT_DOUBLE_EQ(g.switchInterval.value_or(0), 0.002);
    EXPECT_EQ(g.runtime, "");
    ASSERT_EQ(r.config.listen.size(), 1u);
    EXPECT_EQ(r.config.listen[0].host, "127.0.0.1");
    EXPECT_EQ(r.config.listen[0].port, 8080);
    EXPECT_EQ(r.config.listen[0].where.line, 1);
}

TEST(EngineConfig, FreeThreadingSeedConfig)
{
    const ParseResult r = parse("WSGIDaemonProcess my-app processes=1 threads=10 python=3.13t\n"
                                "WSGIFreeThreading On\n"
                                "WSGIScriptAlias / /srv/app/wsgi.py process-group=my-app\n");
    EXPECT_CLEAN(r);
    EXPECT_EQ(r.config.freeThreading, std::optional<bool>(true));
    EXPECT_EQ(r.config.freeThreadingWhere.line, 2);
    EXPECT_EQ(r.config.groups[0].runtime, "3.13t");
}

TEST(EngineConfig, DemoConfLoadsFromDiskWithScriptBesideIt)
{
    const std::string file = std::string(WSGI_SOURCE_DIR) + "/resources/configs/demo.conf";
    const ParseResult r = loadEngineConfig(file);
    EXPECT_CLEAN(r);
    ASSERT_EQ(r.config.listen.size(), 1u);
    EXPECT_EQ(r.config.listen[0].host, "127.0.0.1");
    EXPECT_EQ(r.config.listen[0].port, 8080);
    EXPECT_TRUE(r.config.restrictEmbedded);
    ASSERT_EQ(r.config.groups.size(), 1u);
    EXPECT_EQ(r.config.groups[0].name, "demo");
    EXPECT_EQ(r.config.groups[0].processes, 2);
    EXPECT_EQ(r.config.groups[0].threads, 5);
    EXPECT_EQ(r.config.groups[0].processTitle(), "(wsgi:demo)");
    ASSERT_EQ(r.config.mounts.size(), 1u);
    const Mount& m = r.config.mounts[0];
    EXPECT_EQ(m.urlPrefix, "");
    EXPECT_EQ(m.scriptPath, std::string(WSGI_SOURCE_DIR) + "/resources/apps/workload.py");
    EXPECT_EQ(resolveProcessGroup(r.config, m), "demo");
    EXPECT_EQ(resolveApplicationGroup(r.config, m), "");
    EXPECT_EQ(m.where.file, file);
}

TEST(EngineConfig, LoadingAMissingFileIsAnIoError)
{
    const ParseResult r = loadEngineConfig("/nonexistent/dir/none.conf");
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].code, "E-IO");
    EXPECT_EQ(r.findings[0].where.file, "/nonexistent/dir/none.conf");
}

TEST(EngineConfig, FormatFindingRendersFileLineSeverityCodeAndHint)
{
    Finding f{Severity::Error,
              "E-UNKNOWN-OPTION",
              {"app.conf", 12},
              "invalid option 'x' to WSGIDaemonProcess",
              "did you mean 'processes'?"};
    EXPECT_EQ(formatFinding(f),
              "app.conf:12: error: invalid option 'x' to WSGIDaemonProcess [E-UNKNOWN-OPTION]\n"
              "    hint: did you mean 'processes'?");
    f.severity = Severity::Warning;
    f.suggestion.clear();
    EXPECT_EQ(formatFinding(f),
              "app.conf:12: warning: invalid option 'x' to WSGIDaemonProcess [E-UNKNOWN-OPTION]");
    f.severity = Severity::Note;
    f.where = {};
    EXPECT_EQ(formatFinding(f), "note: invalid option 'x' to WSGIDaemonProcess [E-UNKNOWN-OPTION]");
}

TEST(EngineConfig, ProcessTitleExpandsOnlyAWholeGroupPlaceholder)
{
    DaemonGroup g;
    g.name = "app";
    EXPECT_EQ(g.processTitle(), "");
    g.displayName = "%{GROUP}";
    EXPECT_EQ(g.processTitle(), "(wsgi:app)");
    g.displayName = "web-%{GROUP}"; // mod_wsgi compares the whole value, so this stays as written
    EXPECT_EQ(g.processTitle(), "web-%{GROUP}");
    g.displayName = "my workers";
    EXPECT_EQ(g.processTitle(), "my workers");
}

TEST(EngineConfig, FindingsComeInFileOrder)
{
    const ParseResult r = parse("WSGIScriptAlias /a /a.py process-group=nope\n"
                                "WSGIFoo 1\n"
                                "WSGIDaemonProcess g bogus=1\n");
    ASSERT_GE(r.findings.size(), 3u) << describe(r.findings);
    for (std::size_t i = 1; i < r.findings.size(); ++i)
        EXPECT_LE(r.findings[i - 1].where.line, r.findings[i].where.line) << describe(r.findings);
}

// ---- Listen and ServerName ------------------------------------------------------------------------

TEST(EngineConfigListen, AcceptedForms)
{
    // httpd -t accepts all of these, the unbracketed IPv6 form included (apr_parse_addr_port).
    const ParseResult r =
        parse("Listen 8080\nListen 127.0.0.1:8081\nListen [::1]:8082\nListen *:8083 http\nListen ::1:8084\n");
    EXPECT_CLEAN(r);
    ASSERT_EQ(r.config.listen.size(), 5u);
    EXPECT_EQ(r.config.listen[4].host, "::1");
    EXPECT_EQ(r.config.listen[4].port, 8084);
    EXPECT_EQ(r.config.listen[0].host, "");
    EXPECT_EQ(r.config.listen[0].port, 8080);
    EXPECT_EQ(r.config.listen[1].host, "127.0.0.1");
    EXPECT_EQ(r.config.listen[2].host, "::1");
    EXPECT_EQ(r.config.listen[2].port, 8082);
    EXPECT_EQ(r.config.listen[3].host, "");
    EXPECT_EQ(r.config.listen[3].where.line, 4);
}

TEST(EngineConfigListen, ErrorsNameTheLine)
{
    const ParseResult r = parse("Listen [::1\n"
                                "Listen localhost:http\n"
                                "Listen 70000\n"
                                "Listen [::1]\n"
                                "Listen 8080 https\n"
                                "Listen\n"
                                "Listen 9000\n"
                                "Listen 9000\n");
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 1)->suggestion, "[::1]:8080"));
    EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 2);
    EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 3);
    EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 4);
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-VALUE", 5);
    EXPECT_FINDING(r, Severity::Error, "E-ARGUMENTS", 6);
    const Finding* dup = EXPECT_FINDING(r, Severity::Error, "E-DUPLICATE-LISTEN", 8);
    ASSERT_NE(dup, nullptr);
    EXPECT_TRUE(contains(dup->message, "line 7"));
    EXPECT_EQ(r.config.listen.size(), 1u);
}

TEST(EngineConfigListen, PortZeroIsAcceptedWithANote)
{
    const ParseResult r = parse("Listen 127.0.0.1:0\n");
    EXPECT_TRUE(r.ok());
    EXPECT_FINDING(r, Severity::Note, "N-EPHEMERAL-PORT", 1);
    EXPECT_EQ(r.config.listen.at(0).port, 0);
}

TEST(EngineConfigListen, NotAllowedInsideVirtualHost)
{
    const ParseResult r = parse("<VirtualHost *:80>\nListen 8080\n</VirtualHost>\n");
    EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 2);
    EXPECT_TRUE(r.config.listen.empty());
}

TEST(EngineConfigServerName, HostWithoutSchemeAndPort)
{
    ParseResult r = parse("ServerName https://www.example.com:8443\n");
    EXPECT_CLEAN(r);
    EXPECT_EQ(r.config.serverName, "www.example.com");
    r = parse("# no ServerName\n");
    EXPECT_EQ(r.config.serverName, "localhost");
    r = parse("ServerName a.example\nServerName b.example\n");
    EXPECT_EQ(r.config.serverName, "b.example");
    EXPECT_FINDING(r, Severity::Warning, "W-REPEATED-DIRECTIVE", 2);
}

// ---- directive-level rules ------------------------------------------------------------------------

TEST(EngineConfigDirectives, ApacheCoreDirectivesAreIgnoredWithANote)
{
    const ParseResult r = parse("ServerRoot /etc/apache2\n"
                                "LoadModule wsgi_module modules/mod_wsgi.so\n"
                                "LogLevel info wsgi:info\n");
    EXPECT_TRUE(r.ok()) << describe(r.findings);
    for (int line = 1; line <= 3; ++line) {
        const Finding* f = EXPECT_FINDING(r, Severity::Note, "N-IGNORED-DIRECTIVE", line);
        EXPECT_TRUE(contains(f->message, "ignored by the engine")) << f->message;
    }
}

TEST(EngineConfigDirectives, UnknownDirectiveIsAnErrorNamingIt)
{
    const ParseResult r = parse("Listen 80\nWSGIFoo bar\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 2);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->message, "directive 'WSGIFoo' is not implemented by the engine");
    EXPECT_EQ(formatFinding(*f).substr(0, 33), "/etc/wsgi/test.conf:2: error: dir");
}

TEST(EngineConfigDirectives, MisspelledDirectiveGetsASuggestion)
{
    const ParseResult r = parse("WSGIDeamonProcess app\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 1);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->suggestion, "did you mean 'WSGIDaemonProcess'?");
}

TEST(EngineConfigDirectives, KnownModWsgiDirectivesTheEngineLacksAreErrorsWithAlternatives)
{
    const ParseResult r = parse("WSGIImportScript /srv/a.py process-group=a application-group=b\n"
                                "WSGICallableObject app\n"
                                "WSGILazyInitialization On\n"
                                "Alias /static /srv/static\n"
                                "Include other.conf\n");
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 1)->suggestion,
                         "process-group= and application-group="));
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 2)->suggestion,
                         "callable-object="));
    EXPECT_TRUE(
        contains(EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 3)->suggestion, "removed"));
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 4);
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 5);
}

TEST(EngineConfigDirectives, DirectiveNamesAreCaseInsensitive)
{
    const ParseResult r =
        parse("wsgidaemonprocess app threads=2\nWSGISCRIPTALIAS / /a.py process-group=app\n");
    EXPECT_CLEAN(r);
    ASSERT_EQ(r.config.groups.size(), 1u);
    EXPECT_EQ(r.config.groups[0].threads, 2);
}

TEST(EngineConfigDirectives, OnOffIsCaseInsensitiveAndAnythingElseNamesTheDirective)
{
    ParseResult r = parse("WSGIRestrictEmbedded on\nWSGIPerInterpreterGIL OFF\n");
    EXPECT_CLEAN(r);
    EXPECT_TRUE(r.config.restrictEmbedded);
    EXPECT_EQ(r.config.perInterpreterGil, std::optional<bool>(false));

    r = parse("WSGIRestrictEmbedded yes\nWSGIFreeThreading\nWSGIPerInterpreterGIL On Off\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 1);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->message, "WSGIRestrictEmbedded must be one of: Off | On (got 'yes')");
    EXPECT_FINDING(r, Severity::Error, "E-ARGUMENTS", 2);
    EXPECT_FINDING(r, Severity::Error, "E-ARGUMENTS", 3);
    EXPECT_FALSE(r.config.restrictEmbedded);
    EXPECT_FALSE(r.config.freeThreading);
}

TEST(EngineConfigDirectives, ServerConfigOnlyDirectivesAreErrorsInsideVirtualHost)
{
    const ParseResult r = parse("<VirtualHost *:80>\n"
                                "    WSGIPerInterpreterGIL On\n"
                                "    WSGIFreeThreading On\n"
                                "    WSGISwitchInterval 0.001\n"
                                "    WSGIPythonPath /srv/lib\n"
                                "    WSGIPythonHome /srv/venv\n"
                                "    WSGIRestrictEmbedded On\n"
                                "    <WSGIInterpreterOptions>\n"
                                "    </WSGIInterpreterOptions>\n"
                                "    WSGIDaemonProcess allowed-here\n"
                                "</VirtualHost>\n");
    for (int line = 2; line <= 8; ++line) {
        const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", line);
        EXPECT_TRUE(contains(f->message, "VirtualHost")) << f->message;
    }
    EXPECT_FALSE(r.config.perInterpreterGil);
    EXPECT_FALSE(r.config.freeThreading);
    EXPECT_FALSE(r.config.switchInterval);
    EXPECT_TRUE(r.config.containers.empty());
    EXPECT_EQ(r.config.groups.size(), 1u);
}

TEST(EngineConfigDirectives, NestedVirtualHostIsAnError)
{
    const ParseResult r = parse("<VirtualHost *:80>\n<VirtualHost *:81>\n</VirtualHost>\n</VirtualHost>\n");
    EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 2);
}

TEST(EngineConfigDirectives, IfModuleIsTransparentUnlessItExcludesModWsgi)
{
    const ParseResult r = parse("<IfModule mod_wsgi.c>\n"
                                "    WSGIDaemonProcess inside\n"
                                "</IfModule>\n"
                                "<IfModule !wsgi_module>\n"
                                "    WSGIDaemonProcess skipped\n"
                                "</IfModule>\n");
    EXPECT_TRUE(r.ok()) << describe(r.findings);
    ASSERT_EQ(r.config.groups.size(), 1u);
    EXPECT_EQ(r.config.groups[0].name, "inside");
    EXPECT_FINDING(r, Severity::Note, "N-IGNORED-SECTION", 4);
}

TEST(EngineConfigDirectives, PathSectionsAreIgnoredButWsgiDirectivesInsideAreErrors)
{
    const ParseResult r = parse("<Directory /srv/app>\n"
                                "    Require all granted\n"
                                "    WSGIProcessGroup app\n"
                                "    WSGIPassAuthorization On\n"
                                "</Directory>\n"
                                "<Location /x>\n"
                                "    WSGIDaemonProcess nope\n"
                                "</Location>\n"
                                "<IfDefine X>\n"
                                "</IfDefine>\n");
    EXPECT_FINDING(r, Severity::Note, "N-IGNORED-SECTION", 1);
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 3);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->suggestion, "give process-group=app on the WSGIScriptAlias instead");
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 4);
    EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 7);
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-DIRECTIVE", 9);
    EXPECT_EQ(findFinding(r.findings, "E-UNSUPPORTED-DIRECTIVE", 2), nullptr)
        << "Require is only an access rule";
    EXPECT_TRUE(r.config.groups.empty());
}

TEST(EngineConfigDirectives, ProcessAndApplicationGroupValues)
{
    const ParseResult r = parse("WSGIProcessGroup %{ENV:GROUP}\n"
                                "WSGIApplicationGroup %{HOST}\n"
                                "WSGIApplicationGroup %{FOO}\n"
                                "WSGIProcessGroup %{RESOURCE}\n");
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-VALUE", 1);
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-VALUE", 2);
    EXPECT_FINDING(r, Severity::Warning, "W-LITERAL-SUBSTITUTION", 3);
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-VALUE", 4);
    EXPECT_EQ(r.config.applicationGroup, "%{FOO}");
    EXPECT_EQ(r.config.processGroup, "");
}

TEST(EngineConfigDirectives, TopLevelProcessGroupGlobalMeansEmbedded)
{
    ParseResult r = parse("WSGIProcessGroup %{GLOBAL}\n");
    EXPECT_EQ(r.config.processGroup, "");
    r = parse("WSGIProcessGroup app\nWSGIApplicationGroup %{GLOBAL}\n");
    EXPECT_EQ(r.config.processGroup, "app");
    EXPECT_EQ(r.config.applicationGroup, "%{GLOBAL}");
}

TEST(EngineConfigDirectives, PythonHomeAndPathAtTopLevel)
{
    const ParseResult r = parse("WSGIPythonHome /srv/venv\nWSGIPythonPath /srv/a:/srv/b\n");
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.config.pythonHome, "/srv/venv");
    EXPECT_EQ(r.config.pythonPath, (std::vector<std::string>{"/srv/a", "/srv/b"}));
    // Daemon processes start from python-path=, so the engine (daemon mode only) never uses this one.
    EXPECT_FINDING(r, Severity::Warning, "W-EMBEDDED-ONLY", 2);
}

TEST(EngineConfigDirectives, RestrictStdinStdoutSignalAreAcceptedAsNoOps)
{
    const ParseResult r = parse("WSGIRestrictStdin On\nWSGIRestrictStdout Off\nWSGIRestrictSignal maybe\n");
    EXPECT_FINDING(r, Severity::Note, "N-IGNORED-DIRECTIVE", 1);
    EXPECT_FINDING(r, Severity::Note, "N-IGNORED-DIRECTIVE", 2);
    EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 3);
}

TEST(EngineConfigDirectives, SyntaxErrorsFromTheTreeComeThrough)
{
    const ParseResult r = parse("<VirtualHost *:80>\nServerName x\n");
    EXPECT_FALSE(r.ok());
    EXPECT_FINDING(r, Severity::Error, "E-SYNTAX", 1);
}
