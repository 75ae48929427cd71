// <WSGIInterpreterOptions> and the GIL directives at load time: selectors, allowed inner directives,
// WSGI0201, and the warnings that do not need to know the Python runtime.

#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

TEST(InterpreterOptions, SelectorsAndInnerDirectives)
{
    const ParseResult r = parse("WSGIDaemonProcess app\n"
                                "<WSGIInterpreterOptions Process-Group=app APPLICATION-GROUP=%{GLOBAL}>\n"
                                "    WSGIPerInterpreterGIL On\n"
                                "    WSGIFreeThreading Off\n"
                                "    WSGISwitchInterval 0.004\n"
                                "    WSGIPythonPath /srv/a:/srv/b\n"
                                "    WSGIRestrictStdin On\n"
                                "</WSGIInterpreterOptions>\n"
                                "<WSGIInterpreterOptions>\n"
                                "</WSGIInterpreterOptions>\n");
    ASSERT_EQ(r.config.containers.size(), 2u) << describe(r.findings);
    const InterpreterOptions& c = r.config.containers[0];
    EXPECT_EQ(c.processGroup, std::optional<std::string>("app"));
    EXPECT_EQ(c.applicationGroup, std::optional<std::string>("")) << "%{GLOBAL} selects the main interpreter";
    EXPECT_EQ(c.specificity(), 2);
    EXPECT_EQ(c.where.line, 2);
    EXPECT_EQ(c.perInterpreterGil, std::optional<bool>(true));
    EXPECT_EQ(c.perInterpreterGilWhere.line, 3);
    EXPECT_EQ(c.freeThreading, std::optional<bool>(false));
    EXPECT_EQ(c.freeThreadingWhere.line, 4);
    EXPECT_DOUBLE_EQ(c.switchInterval.value_or(0), 0.004);
    EXPECT_EQ(c.switchIntervalWhere.line, 5);
    EXPECT_EQ(c.pythonPath, (std::vector<std::string>{"/srv/a", "/srv/b"}));
    EXPECT_FINDING(r, Severity::Note, "N-IGNORED-DIRECTIVE", 7);
    EXPECT_EQ(r.config.containers[1].specificity(), 0);
    // Nothing leaked to the top level.
    EXPECT_FALSE(r.config.perInterpreterGil);
    EXPECT_FALSE(r.config.switchInterval);
    EXPECT_TRUE(r.config.pythonPath.empty());
    // The WSGIFreeThreading here sits in a container with application-group=: WSGI0201.
    EXPECT_FINDING(r, Severity::Warning, "WSGI0201", 4);
}

TEST(InterpreterOptions, OnlyTheAllowedDirectivesMayAppearInside)
{
    const ParseResult r = parse("<WSGIInterpreterOptions process-group=app>\n"
                                "    WSGIDaemonProcess app\n"
                                "    WSGIApplicationGroup x\n"
                                "    LogLevel info\n"
                                "    WSGIBogus 1\n"
                                "    <IfModule wsgi_module>\n"
                                "    </IfModule>\n"
                                "</WSGIInterpreterOptions>\n");
    for (int line = 2; line <= 6; ++line) {
        const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", line);
        EXPECT_TRUE(contains(f->message, "<WSGIInterpreterOptions>")) << f->message;
    }
    EXPECT_TRUE(r.config.groups.empty());
}

TEST(InterpreterOptions, SelectorErrors)
{
    const ParseResult r =
        parse("<WSGIInterpreterOptions group=x>\n</WSGIInterpreterOptions>\n"
              "<WSGIInterpreterOptions process-group>\n</WSGIInterpreterOptions>\n"
              "<WSGIInterpreterOptions process-group=a process-group=b>\n</WSGIInterpreterOptions>\n"
              "<WSGIInterpreterOptions application-group=>\n</WSGIInterpreterOptions>\n");
    EXPECT_TRUE(
        contains(EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 1)->message, "unknown selector 'group'"));
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 3)->message, "not key=value"));
    EXPECT_FINDING(r, Severity::Error, "E-DUPLICATE-SELECTOR", 5);
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 7)->message, "empty value"));
}

TEST(InterpreterOptions, QuotedSelectorValuesKeepTheirQuotesAsInModWsgi)
{
    // The switch-interval seed writes the selectors this way.
    const ParseResult r =
        parse("WSGIDaemonProcess my-app processes=2 threads=5\n"
              "<WSGIInterpreterOptions process-group=\"my-app\" application-group=\"cpu-heavy\">\n"
              "WSGIPerInterpreterGIL On\n"
              "WSGISwitchInterval 0.001\n"
              "</WSGIInterpreterOptions>\n");
    EXPECT_TRUE(r.ok()) << describe(r.findings);
    ASSERT_EQ(r.config.containers.size(), 1u);
    EXPECT_EQ(r.config.containers[0].processGroup, std::optional<std::string>("\"my-app\""));
    EXPECT_EQ(countCode(r.findings, "W-QUOTED-SELECTOR"), 2) << describe(r.findings);
    const Finding* f = findFinding(r.findings, "W-QUOTED-SELECTOR", 2);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->suggestion, "write process-group=my-app without quotes");
    EXPECT_EQ(countCode(r.findings, "W-CONTAINER-NO-MATCH"), 0) << "one warning per cause";
}

TEST(InterpreterOptions, NotAllowedInsideVirtualHostOrNested)
{
    const ParseResult r = parse("<VirtualHost *:80>\n"
                                "<WSGIInterpreterOptions>\n"
                                "</WSGIInterpreterOptions>\n"
                                "</VirtualHost>\n"
                                "<WSGIInterpreterOptions>\n"
                                "<WSGIInterpreterOptions>\n"
                                "</WSGIInterpreterOptions>\n"
                                "</WSGIInterpreterOptions>\n");
    EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 2);
    EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 6);
    EXPECT_EQ(r.config.containers.size(), 1u);
}

TEST(InterpreterOptions, FreeThreadingWithOnlyProcessGroupIsNotWSGI0201)
{
    const ParseResult r = parse("WSGIDaemonProcess app\n"
                                "<WSGIInterpreterOptions process-group=app>\n"
                                "    WSGIFreeThreading On\n"
                                "</WSGIInterpreterOptions>\n");
    EXPECT_CLEAN(r);
}

TEST(InterpreterOptions, ContainersThatCanNeverMatchAreWarnedAbout)
{
    const ParseResult r = parse("WSGIDaemonProcess app\n"
                                "WSGIScriptAlias /a /a.py process-group=app\n"
                                "<WSGIInterpreterOptions process-group=nope>\n"
                                "</WSGIInterpreterOptions>\n"
                                "<WSGIInterpreterOptions process-group=%{GLOBAL}>\n"
                                "</WSGIInterpreterOptions>\n"
                                "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                                "</WSGIInterpreterOptions>\n"
                                "<WSGIInterpreterOptions application-group=localhost|/a>\n"
                                "</WSGIInterpreterOptions>\n");
    EXPECT_FINDING(r, Severity::Warning, "W-CONTAINER-NO-MATCH", 3);
    EXPECT_FINDING(r, Severity::Warning, "W-CONTAINER-NO-MATCH", 5);
    // The mount runs in the default %{RESOURCE} group, so application-group=cpu never matches.
    const Finding* f = EXPECT_FINDING(r, Severity::Warning, "W-CONTAINER-NO-MATCH", 7);
    EXPECT_TRUE(contains(f->message, "'localhost|/a'")) << f->message;
    EXPECT_EQ(findFinding(r.findings, "W-CONTAINER-NO-MATCH", 9), nullptr) << describe(r.findings);
}

TEST(InterpreterOptions, SwitchIntervalMustBeAPositiveNumber)
{
    const ParseResult r = parse("WSGISwitchInterval 0\nWSGISwitchInterval abc\nWSGISwitchInterval -1\n"
                                "WSGISwitchInterval 0.005\n");
    for (int line = 1; line <= 3; ++line) {
        const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", line);
        EXPECT_TRUE(contains(f->message, "WSGISwitchInterval must be a positive number of seconds"))
            << f->message;
    }
    EXPECT_DOUBLE_EQ(r.config.switchInterval.value_or(0), 0.005);
    EXPECT_EQ(r.config.switchIntervalWhere.line, 4);
}

TEST(InterpreterOptions, TopLevelAndDaemonSwitchIntervalTogetherWarn)
{
    const ParseResult r = parse("WSGISwitchInterval 0.005\n"
                                "WSGIDaemonProcess a processes=2 \\\n"
                                "    switch-interval=0.002\n"
                                "WSGIDaemonProcess b processes=2\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Warning, "W-SWITCH-INTERVAL-OVERLAP", 3);
    EXPECT_TRUE(contains(f->message, "daemon group 'a'")) << f->message;
    EXPECT_TRUE(contains(f->message, "(line 1)")) << f->message;
    EXPECT_EQ(countCode(r.findings, "W-SWITCH-INTERVAL-OVERLAP"), 1) << "group b sets no switch-interval=";

    EXPECT_CLEAN(parse("WSGIDaemonProcess a switch-interval=0.002\n"));
}

TEST(InterpreterOptions, RepeatedDirectiveInOneScopeWarns)
{
    const ParseResult r =
        parse("WSGIFreeThreading On\nWSGIFreeThreading Off\n"
              "<WSGIInterpreterOptions>\nWSGIFreeThreading On\n</WSGIInterpreterOptions>\n");
    EXPECT_FINDING(r, Severity::Warning, "W-REPEATED-DIRECTIVE", 2);
    EXPECT_EQ(findFinding(r.findings, "W-REPEATED-DIRECTIVE", 4), nullptr) << "a container is its own scope";
    EXPECT_EQ(r.config.freeThreading, std::optional<bool>(false));
    EXPECT_EQ(r.config.freeThreadingWhere.line, 2);
}
