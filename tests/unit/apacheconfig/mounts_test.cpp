// WSGIScriptAlias and how a mount finds its daemon group and application group.

#include "apache-config/resolve.h"

#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

const char* const kGroup = "WSGIDaemonProcess app\n";

const Mount& onlyMount(const ParseResult& r)
{
    static const Mount empty;
    EXPECT_EQ(r.config.mounts.size(), 1u) << describe(r.findings);
    return r.config.mounts.empty() ? empty : r.config.mounts.front();
}

} // namespace

TEST(Mounts, UrlPrefixLosesTrailingSlashes)
{
    const ParseResult r =
        parse(std::string(kGroup) + "WSGIScriptAlias / /srv/root.py process-group=app\n"
                                    "WSGIScriptAlias /app/ /srv/app.py process-group=app\n"
                                    "WSGIScriptAlias /deep//  /srv/deep.py process-group=app\n"
                                    "WSGIScriptAlias /x /srv/x.py process-group=app\n");
    EXPECT_CLEAN(r);
    ASSERT_EQ(r.config.mounts.size(), 4u);
    EXPECT_EQ(r.config.mounts[0].urlPrefix, "");
    EXPECT_EQ(r.config.mounts[1].urlPrefix, "/app");
    EXPECT_EQ(r.config.mounts[2].urlPrefix, "/deep");
    EXPECT_EQ(r.config.mounts[3].urlPrefix, "/x");
    EXPECT_EQ(r.config.mounts[3].where.line, 5);
}

TEST(Mounts, RelativeScriptPathsResolveAgainstTheConfigDirectory)
{
    const ParseResult r =
        parse(std::string(kGroup) + "WSGIScriptAlias /a app/wsgi.py process-group=app\n"
                                    "WSGIScriptAlias /b ../apps/./w.py process-group=app\n"
                                    "WSGIScriptAlias /c /abs/w.py process-group=app\n"
                                    "WSGIScriptAlias /d \"my app/w.py\" process-group=app\n",
              "/etc/wsgi/site.conf");
    EXPECT_CLEAN(r);
    ASSERT_EQ(r.config.mounts.size(), 4u);
    EXPECT_EQ(r.config.mounts[0].scriptPath, "/etc/wsgi/app/wsgi.py");
    EXPECT_EQ(r.config.mounts[1].scriptPath, "/etc/apps/w.py");
    EXPECT_EQ(r.config.mounts[2].scriptPath, "/abs/w.py");
    EXPECT_EQ(r.config.mounts[3].scriptPath, "/etc/wsgi/my app/w.py");
}

TEST(Mounts, OptionsAreReadAsWritten)
{
    const ParseResult r =
        parse(std::string(kGroup) + "WSGIScriptAlias /a /a.py process-group=app application-group='my group' "
                                    "callable-object=app pass-authorization=on\n");
    EXPECT_CLEAN(r);
    const Mount& m = onlyMount(r);
    EXPECT_EQ(m.processGroup, std::optional<std::string>("app"));
    EXPECT_EQ(m.applicationGroup, std::optional<std::string>("my group"));
    EXPECT_EQ(m.callableObject, "app");
    EXPECT_EQ(m.passAuthorization, std::optional<bool>(true));
    EXPECT_EQ(resolveApplicationGroup(r.config, m), "my group");
}

TEST(Mounts, DefaultsWhenNoOptions)
{
    const ParseResult r =
        parse("WSGIProcessGroup app\n" + std::string(kGroup) + "WSGIScriptAlias /a /a.py\n");
    EXPECT_CLEAN(r);
    const Mount& m = onlyMount(r);
    EXPECT_FALSE(m.processGroup);
    EXPECT_FALSE(m.applicationGroup);
    EXPECT_EQ(m.callableObject, "application");
    EXPECT_FALSE(m.passAuthorization);
    EXPECT_EQ(resolveProcessGroup(r.config, m), "app");
    EXPECT_EQ(resolveApplicationGroup(r.config, m), "localhost|/a");
}

TEST(Mounts, ArgumentAndOptionErrorsNameTheirLine)
{
    const ParseResult r =
        parse(std::string(kGroup) + "WSGIScriptAlias /only-one\n"                            // 2
                                    "WSGIScriptAlias app /a.py process-group=app\n"          // 3
                                    "WSGIScriptAlias /dir /srv/scripts/ process-group=app\n" // 4
                                    "WSGIScriptAlias /u /u.py proces-group=app\n"            // 5
                                    "WSGIScriptAlias /e /e.py process-group=\n"              // 6
                                    "WSGIScriptAlias /q /q.py application-group=''\n"        // 7
                                    "WSGIScriptAlias /p /p.py pass-authorization=maybe\n"    // 8
                                    "WSGIScriptAlias /v /v.py process-group=%{ENV:GROUP}\n"  // 9
                                    "WSGIScriptAlias /w /w.py process-group=app \\\n"        // 10
                                    "    callable-object=\n"                                 // 11
                                    "WSGIScriptAlias /n /n.py process-group\n");             // 12
    EXPECT_FINDING(r, Severity::Error, "E-ARGUMENTS", 2);
    EXPECT_TRUE(
        contains(EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 3)->message, "must start with '/'"));
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-VALUE", 4);
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 5);
    EXPECT_EQ(f->message, "invalid option 'proces-group' to WSGIScriptAlias");
    EXPECT_EQ(f->suggestion, "did you mean 'process-group'?");
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 6)->message, "empty value"));
    EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 7);
    EXPECT_TRUE(
        contains(EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 8)->message, "expected On or Off"));
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-VALUE", 9);
    EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 11);
    EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 12);
    // Broken mounts are not added, so they do not cause follow-up errors.
    EXPECT_TRUE(r.config.mounts.empty()) << describe(r.findings);
    EXPECT_EQ(countCode(r.findings, "E-EMBEDDED-MODE"), 0);
}

TEST(Mounts, RepeatedOptionWarnsLastWins)
{
    const ParseResult r = parse("WSGIDaemonProcess a\nWSGIDaemonProcess b\nWSGIScriptAlias / /x.py "
                                "process-group=a process-group=b\n");
    EXPECT_FINDING(r, Severity::Warning, "W-REPEATED-OPTION", 3);
    EXPECT_EQ(resolveProcessGroup(r.config, onlyMount(r)), "b");
}

TEST(Mounts, EmbeddedModeIsAnError)
{
    const ParseResult r = parse(std::string(kGroup) + "WSGIScriptAlias /a /a.py\n"
                                                      "WSGIScriptAlias /b /b.py process-group=%{GLOBAL}\n");
    for (int line : {2, 3}) {
        const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-EMBEDDED-MODE", line);
        EXPECT_TRUE(contains(f->message,
                             "the engine runs daemon mode only: give this mount process-group= or a "
                             "WSGIProcessGroup"))
            << f->message;
        EXPECT_EQ(f->suggestion, "add process-group=app to the WSGIScriptAlias");
    }
    EXPECT_EQ(resolveProcessGroup(r.config, r.config.mounts.at(1)), "");
}

TEST(Mounts, UndefinedGroupIsAnErrorWithASuggestion)
{
    const ParseResult r = parse("WSGIDaemonProcess my-app\nWSGIScriptAlias / /a.py process-group=my_app\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-GROUP", 2);
    EXPECT_TRUE(contains(f->message, "'my_app'"));
    EXPECT_EQ(f->suggestion, "did you mean 'my-app'?");
}

TEST(Mounts, PreloadedMountNeedsTheGroupDefinedEarlier)
{
    // Both group options: mod_wsgi preloads and needs the daemon defined above.
    // mod_wsgi turns %{GLOBAL} into "" before deciding, so line 1 preloads too; %{RESOURCE} does not.
    ParseResult r = parse("WSGIScriptAlias / /a.py process-group=app application-group=%{GLOBAL}\n"
                          "WSGIScriptAlias /b /b.py process-group=app application-group=b\n"
                          "WSGIScriptAlias /c /c.py process-group=app application-group=%{RESOURCE}\n"
                          "WSGIDaemonProcess app\n");
    EXPECT_FINDING(r, Severity::Error, "E-GROUP-ORDER", 1);
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-GROUP-ORDER", 2);
    EXPECT_TRUE(contains(f->message, "WSGI process group not yet configured."));
    EXPECT_EQ(f->suggestion, "move the WSGIDaemonProcess above line 2");
    EXPECT_EQ(findFinding(r.findings, "E-GROUP-ORDER", 3), nullptr) << "%{RESOURCE} is not preloaded";

    // Only process-group=: no preload, order does not matter.
    r = parse("WSGIScriptAlias / /a.py process-group=app\nWSGIDaemonProcess app\n");
    EXPECT_CLEAN(r);
}

TEST(Mounts, DuplicatePrefixIsAnError)
{
    const ParseResult r = parse(std::string(kGroup) + "WSGIScriptAlias /a /a.py process-group=app\n"
                                                      "WSGIScriptAlias /a/ /b.py process-group=app\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-DUPLICATE-MOUNT", 3);
    EXPECT_TRUE(contains(f->message, "on line 2 and on line 3"));
}

TEST(Mounts, VirtualHostScopesProcessGroupApplicationGroupAndServerName)
{
    const ParseResult r =
        parse("WSGIDaemonProcess one\n"
              "WSGIDaemonProcess two\n"
              "WSGIProcessGroup one\n"
              "WSGIApplicationGroup %{SERVER}\n"
              "ServerName main.example\n"
              "WSGIScriptAlias /top /top.py\n"
              "<VirtualHost *:80>\n"
              "    WSGIScriptAlias /v /v.py\n"
              "    WSGIProcessGroup two\n" // after the alias: Apache merges per server, order free
              "    ServerName vhost.example\n"
              "    WSGIApplicationGroup %{RESOURCE}\n"
              "</VirtualHost>\n"
              "<VirtualHost *:81>\n"
              "    WSGIScriptAlias /w /w.py\n"
              "</VirtualHost>\n");
    EXPECT_CLEAN(r);
    ASSERT_EQ(r.config.mounts.size(), 3u);
    const Mount& top = r.config.mounts[0];
    const Mount& v = r.config.mounts[1];
    const Mount& w = r.config.mounts[2];
    EXPECT_EQ(resolveProcessGroup(r.config, top), "one");
    EXPECT_EQ(resolveApplicationGroup(r.config, top), "main.example");
    EXPECT_EQ(v.serverName, "vhost.example");
    EXPECT_EQ(v.virtualHostProcessGroup, std::optional<std::string>("two"));
    EXPECT_EQ(resolveProcessGroup(r.config, v), "two");
    EXPECT_EQ(resolveApplicationGroup(r.config, v), "vhost.example|/v");
    // A virtual host without its own settings inherits the main server's, ServerName included.
    EXPECT_EQ(w.serverName, "main.example");
    EXPECT_EQ(resolveProcessGroup(r.config, w), "one");
    EXPECT_EQ(resolveApplicationGroup(r.config, w), "main.example");
}

TEST(Mounts, MountOptionBeatsVirtualHostBeatsServerLevel)
{
    EngineConfig c;
    c.processGroup = "server";
    c.applicationGroup = "server-app";
    Mount m;
    m.urlPrefix = "/p";
    EXPECT_EQ(resolveProcessGroup(c, m), "server");
    EXPECT_EQ(resolveApplicationGroup(c, m), "server-app");
    m.virtualHostProcessGroup = "vhost";
    m.virtualHostApplicationGroup = "%{GLOBAL}";
    EXPECT_EQ(resolveProcessGroup(c, m), "vhost");
    EXPECT_EQ(resolveApplicationGroup(c, m), "");
    m.processGroup = "%{GLOBAL}";
    m.applicationGroup = "mine";
    EXPECT_EQ(resolveProcessGroup(c, m), "");
    EXPECT_EQ(resolveApplicationGroup(c, m), "mine");
}

TEST(Mounts, ApplicationGroupSubstitutions)
{
    EngineConfig c; // ServerName defaults to localhost, WSGIApplicationGroup to %{RESOURCE}
    Mount root;
    Mount app;
    app.urlPrefix = "/app";
    EXPECT_EQ(resolveApplicationGroup(c, root), "localhost|");
    EXPECT_EQ(resolveApplicationGroup(c, app), "localhost|/app");
    // With the request port, as mod_wsgi's ap_get_server_port(): 80 and 443 are left out.
    EXPECT_EQ(resolveApplicationGroup(c, app, 8080), "localhost:8080|/app");
    EXPECT_EQ(resolveApplicationGroup(c, app, 80), "localhost|/app");
    EXPECT_EQ(resolveApplicationGroup(c, app, 443), "localhost|/app");
    app.applicationGroup = "%{SERVER}";
    EXPECT_EQ(resolveApplicationGroup(c, app), "localhost");
    EXPECT_EQ(resolveApplicationGroup(c, app, 8080), "localhost:8080");
    app.serverName = "site.example";
    EXPECT_EQ(resolveApplicationGroup(c, app), "site.example");
    app.applicationGroup = "%{GLOBAL}";
    EXPECT_EQ(resolveApplicationGroup(c, app), "");
    app.applicationGroup = "literal";
    EXPECT_EQ(resolveApplicationGroup(c, app), "literal");
}

TEST(Mounts, GroupDefinedInAVirtualHostIsOnlyReachableWithTheSameServerName)
{
    const ParseResult r = parse("<VirtualHost *:80>\n"
                                "    ServerName a.example\n"
                                "    WSGIDaemonProcess app\n"
                                "    WSGIScriptAlias /a /a.py process-group=app\n"
                                "</VirtualHost>\n"
                                "<VirtualHost *:443>\n"
                                "    ServerName a.example\n"
                                "    WSGIScriptAlias /s /s.py process-group=app\n"
                                "</VirtualHost>\n"
                                "<VirtualHost *:80>\n"
                                "    ServerName b.example\n"
                                "    WSGIScriptAlias /b /b.py process-group=app\n"
                                "</VirtualHost>\n"
                                "WSGIScriptAlias /top /top.py process-group=app\n");
    EXPECT_EQ(findFinding(r.findings, "E-GROUP-ACCESS", 4), nullptr) << describe(r.findings);
    EXPECT_EQ(findFinding(r.findings, "E-GROUP-ACCESS", 8), nullptr)
        << "same ServerName, as in the seed thread";
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-GROUP-ACCESS", 12);
    EXPECT_TRUE(contains(f->message, "WSGI process group not accessible.")) << f->message;
    f = EXPECT_FINDING(r, Severity::Error, "E-GROUP-ACCESS", 14);
    EXPECT_TRUE(contains(f->message, "WSGI process group not matchable.")) << f->message;
}
