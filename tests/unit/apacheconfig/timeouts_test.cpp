// Apache's own timeouts (Timeout, KeepAliveTimeout, RequestReadTimeout): read as httpd and
// mod_reqtimeout read them, with Apache 2.4's defaults when absent, in the engine's parser and in
// the import; kept through import and export.

#include "apache-config/configimport.h"
#include "apache-config/documentexport.h"
#include "apache-config/renderer.h"
#include "apache-config/timeoutdirectives.h"

#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

TEST(Timeouts, AbsentDirectivesGiveApacheDefaults)
{
    const ParseResult r = parse("Listen 8080\n");
    EXPECT_TRUE(r.ok()) << describe(r.findings);
    const EngineConfig& c = r.config;
    EXPECT_EQ(c.timeoutSeconds, 60);
    EXPECT_EQ(c.keepAliveTimeoutSeconds, 5);
    EXPECT_EQ(c.keepAliveTimeoutMilliseconds, 5000);
    EXPECT_EQ(c.requestReadTimeout, RequestReadTimeoutSettings{});
    EXPECT_EQ(c.requestReadTimeout.headerSeconds, 20);
    EXPECT_EQ(c.requestReadTimeout.headerMaxSeconds, 40);
    EXPECT_EQ(c.requestReadTimeout.headerMinRate, 500);
    EXPECT_EQ(c.requestReadTimeout.bodySeconds, 20);
    EXPECT_EQ(c.requestReadTimeout.bodyMaxSeconds, 0);
    EXPECT_EQ(c.requestReadTimeout.bodyMinRate, 500);
    EXPECT_EQ(c.requestReadTimeoutWhere.line, 0);
    EXPECT_EQ(c.timeoutWhere.line, 0);
    EXPECT_EQ(requestReadTimeoutText(c.requestReadTimeout), "header=20-40,MinRate=500 body=20,MinRate=500");
}

TEST(Timeouts, EngineParserReadsAllThree)
{
    const ParseResult r = parse("Listen 8080\n"
                                "Timeout 30\n"
                                "KeepAliveTimeout 2\n"
                                "RequestReadTimeout header=10-30,minrate=1000 body=15\n");
    EXPECT_CLEAN(r);
    const EngineConfig& c = r.config;
    EXPECT_EQ(c.timeoutSeconds, 30);
    EXPECT_EQ(c.timeoutWhere.line, 2);
    EXPECT_EQ(c.keepAliveTimeoutSeconds, 2);
    EXPECT_EQ(c.keepAliveTimeoutMilliseconds, 2000);
    EXPECT_EQ(c.keepAliveTimeoutWhere.line, 3);
    const RequestReadTimeoutSettings& t = c.requestReadTimeout;
    EXPECT_EQ(t.headerSeconds, 10);
    EXPECT_EQ(t.headerMaxSeconds, 30);
    EXPECT_EQ(t.headerMinRate, 1000);
    // A phase that is named is replaced whole: body=15 has no maximum and no minimum rate.
    EXPECT_EQ(t.bodySeconds, 15);
    EXPECT_EQ(t.bodyMaxSeconds, 0);
    EXPECT_EQ(t.bodyMinRate, 0);
    EXPECT_EQ(c.requestReadTimeoutWhere.line, 4);
    EXPECT_EQ(c.requestReadTimeoutWhere.file, "/etc/wsgi/test.conf");
}

TEST(Timeouts, HeaderZeroDisablesAndOtherPhasesKeepDefaults)
{
    const ParseResult r = parse("RequestReadTimeout header=0\n");
    EXPECT_CLEAN(r);
    EXPECT_EQ(r.config.requestReadTimeout.headerSeconds, 0);
    EXPECT_EQ(r.config.requestReadTimeout.bodySeconds, 20);
    EXPECT_EQ(r.config.requestReadTimeout.bodyMinRate, 500);
}

TEST(Timeouts, SecondRequestReadTimeoutChangesOnlyWhatItNames)
{
    const ParseResult r = parse("RequestReadTimeout header=5\nRequestReadTimeout body=7,MinRate=100\n");
    EXPECT_CLEAN(r);
    EXPECT_EQ(r.config.requestReadTimeout.headerSeconds, 5);
    EXPECT_EQ(r.config.requestReadTimeout.bodySeconds, 7);
    EXPECT_EQ(r.config.requestReadTimeout.bodyMinRate, 100);
}

TEST(Timeouts, HandshakeIsAcceptedWithANote)
{
    const ParseResult r = parse("RequestReadTimeout handshake=5 header=20-40,MinRate=500\n");
    EXPECT_TRUE(r.ok()) << describe(r.findings);
    const Finding* f = EXPECT_FINDING(r, Severity::Note, "N-IGNORED-OPTION", 1);
    EXPECT_TRUE(contains(f->message, "handshake=5")) << f->message;
}

TEST(Timeouts, KeepAliveTimeoutUnitsAsApacheReadsThem)
{
    struct Case
    {
        const char* text;
        int ms;
    };
    for (const Case& c : {Case{"5", 5000}, Case{"5s", 5000}, Case{"500ms", 500}, Case{"1min", 60000},
                          Case{"1h", 3600000}, Case{"0", 0}}) {
        const ParseResult r = parse(std::string("KeepAliveTimeout ") + c.text + "\n");
        EXPECT_CLEAN(r);
        EXPECT_EQ(r.config.keepAliveTimeoutMilliseconds, c.ms) << c.text;
    }
    EXPECT_EQ(parse("KeepAliveTimeout 1500ms\n").config.keepAliveTimeoutSeconds, 2); // rounded up
}

TEST(Timeouts, InvalidValuesAreErrorsNamingTheBadPart)
{
    struct Case
    {
        const char* text;
        const char* part; // what the message must quote
    };
    for (const Case& c : {
             Case{"RequestReadTimeout header=20-x,MinRate=500", "Value 'x' not numerical"},
             Case{"RequestReadTimeout header=abc", "Value 'abc' not numerical"},
             Case{"RequestReadTimeout header=20-40", "Must set MinRate option if using timeout range"},
             Case{"RequestReadTimeout header=40-20,MinRate=500", "Maximum timeout must be larger"},
             Case{"RequestReadTimeout body=20,MinRate=0", "Minimum data rate must be larger than 0"},
             Case{"RequestReadTimeout header=20,MinRate=5x", "Cannot parse 'x'"},
             Case{"RequestReadTimeout headers=20", "Unknown RequestReadTimeout parameter 'headers'"},
             Case{"RequestReadTimeout 20", "must be in the form 'key=value'"},
             Case{"Timeout soon", "got 'soon'"},
             Case{"Timeout 0", "at least 1"},
             Case{"KeepAliveTimeout 5m", "unknown unit 'm'"},
             Case{"KeepAliveTimeout fast", "is not a number"},
             Case{"KeepAliveTimeout -1", "is negative"},
         }) {
        const ParseResult r = parse(std::string(c.text) + "\n");
        const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 1);
        EXPECT_TRUE(contains(f->message, c.part)) << c.text << ": " << f->message;
        EXPECT_EQ(r.config.requestReadTimeout, RequestReadTimeoutSettings{}) << c.text;
        EXPECT_EQ(r.config.timeoutSeconds, 60) << c.text;
        EXPECT_EQ(r.config.keepAliveTimeoutMilliseconds, 5000) << c.text;
    }
}

TEST(Timeouts, ErrorNamesTheContinuationLineOfTheBadWord)
{
    const ParseResult r = parse("RequestReadTimeout header=20-40,MinRate=500 \\\n    body=x\n");
    EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 2);
}

TEST(Timeouts, TimeoutWithTextAfterTheDigitsIsReadAsApacheDoes)
{
    const ParseResult r = parse("Timeout 30s\n");
    EXPECT_TRUE(r.ok()) << describe(r.findings);
    EXPECT_FINDING(r, Severity::Warning, "E-BAD-VALUE", 1);
    EXPECT_EQ(r.config.timeoutSeconds, 30);
}

TEST(Timeouts, InsideAVirtualHostTheEngineWarnsAndKeepsTheTopLevel)
{
    const ParseResult r = parse("Timeout 30\n<VirtualHost *:80>\n    Timeout 10\n</VirtualHost>\n");
    EXPECT_TRUE(r.ok()) << describe(r.findings);
    EXPECT_FINDING(r, Severity::Warning, "N-IGNORED-DIRECTIVE", 3);
    EXPECT_EQ(r.config.timeoutSeconds, 30);
}

TEST(Timeouts, ImportReadsThemIntoTheModelAndTheEngineSettings)
{
    const std::string text =
        "Timeout 45\nKeepAliveTimeout 500ms\nRequestReadTimeout header=10-20,MinRate=800\n"
        "WSGIDaemonProcess app threads=4\n";
    const ImportedConfig imported = importConfig(text, "/etc/apache2/site.conf");
    EXPECT_TRUE(imported.ok()) << describe(imported.findings);
    EXPECT_EQ(imported.engine.timeoutSeconds, 45);
    EXPECT_EQ(imported.engine.keepAliveTimeoutMilliseconds, 500);
    EXPECT_EQ(imported.engine.requestReadTimeout.headerMaxSeconds, 20);
    ASSERT_EQ(imported.model.server.directives.size(), 3u);
    EXPECT_EQ(imported.model.server.directives[2].name, "RequestReadTimeout");

    const ImportedConfig bad = importConfig("RequestReadTimeout body=x\n", "/etc/apache2/site.conf");
    EXPECT_FINDING(bad, Severity::Error, "E-BAD-VALUE", 1);
}

TEST(Timeouts, SnippetAndInPlaceExportKeepThemForBothTargets)
{
    const std::string text =
        "Timeout 45\nKeepAliveTimeout 3\nRequestReadTimeout header=10-20,MinRate=800 body=30\n"
        "<VirtualHost *:80>\n    ServerName a.example\n    Timeout 9\n</VirtualHost>\n"
        "WSGIDaemonProcess app threads=4\n";
    const ImportedConfig imported = importConfig(text, "/etc/apache2/site.conf");
    ASSERT_TRUE(imported.ok()) << describe(imported.findings);
    for (Dialect target : {Dialect::ModWsgi6, Dialect::ModWsgi4}) {
        RenderOptions options;
        options.target = target;
        options.comments = false;
        const RenderResult snippet = renderSnippet(imported.model, options);
        EXPECT_TRUE(contains(snippet.text, "Timeout 45\n")) << snippet.text;
        EXPECT_TRUE(contains(snippet.text, "KeepAliveTimeout 3\n")) << snippet.text;
        EXPECT_TRUE(contains(snippet.text, "RequestReadTimeout header=10-20,MinRate=800 body=30\n"))
            << snippet.text;
        EXPECT_TRUE(contains(snippet.text, "    Timeout 9\n")) << snippet.text;
        // The snippet reads back to the same settings.
        const ImportedConfig again = importConfig(snippet.text, "/etc/apache2/again.conf");
        EXPECT_EQ(again.engine.requestReadTimeout, imported.engine.requestReadTimeout);
        EXPECT_EQ(again.engine.timeoutSeconds, 45);

        const DocumentExport inPlace = exportDocument(imported, imported.model, options);
        ASSERT_FALSE(inPlace.configFiles.empty());
        EXPECT_EQ(inPlace.configFiles.front().content, text);
    }
}
