// mod_wsgi 6.0's resolution rules (modwsgi.md 2.1-2.5), row by row, on Python 3.11, 3.13 and 3.13t.

#include "apache-config/resolve.h"

#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

const RuntimeTraits kPy311{3, 11, false};
const RuntimeTraits kPy313{3, 13, false};
const RuntimeTraits kPy313t{3, 13, true};

struct Resolved
{
    ParseResult parsed;
    ProcessPlan process;
    InterpreterPlan interpreter;
};

// Parses `text` (which must define daemon group `group`) and resolves one interpreter of it.
Resolved resolve(const std::string& text, const RuntimeTraits& runtime, const std::string& appGroup = "cpu",
                 const std::string& group = "app")
{
    Resolved r;
    r.parsed = parse(text);
    EXPECT_TRUE(r.parsed.ok()) << describe(r.parsed.findings);
    const DaemonGroup* g = r.parsed.config.findGroup(group);
    EXPECT_NE(g, nullptr);
    if (!g)
        return r;
    r.process = resolveProcess(r.parsed.config, *g, runtime);
    r.interpreter = resolveInterpreter(r.parsed.config, *g, appGroup, runtime, r.process);
    return r;
}

std::vector<std::string> codesOf(const std::vector<Finding>& findings)
{
    std::vector<std::string> out;
    for (const Finding& f : findings)
        out.push_back(f.code);
    return out;
}

} // namespace

TEST(RuntimeTraits, FromNames)
{
    auto t = runtimeTraitsFromName("3.13t");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->major, 3);
    EXPECT_EQ(t->minor, 13);
    EXPECT_TRUE(t->freeThreadedBuild);
    EXPECT_TRUE(t->supportsOwnGil());
    t = runtimeTraitsFromName("3.11");
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->freeThreadedBuild);
    EXPECT_FALSE(t->supportsOwnGil());
    EXPECT_TRUE(runtimeTraitsFromName("3.12")->supportsOwnGil());
    EXPECT_FALSE(runtimeTraitsFromName("3"));
    EXPECT_FALSE(runtimeTraitsFromName("x.y"));
    EXPECT_FALSE(runtimeTraitsFromName(""));
}

// ---- 2.5 row: WSGIPerInterpreterGIL On on Python < 3.12 -> accepted, warning, no effect (WSGI0198) ----

TEST(ResolveRules, PerInterpreterGilNeeds312)
{
    const std::string text = "WSGIDaemonProcess app\n"
                             "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                             "WSGIPerInterpreterGIL On\n"
                             "</WSGIInterpreterOptions>\n";
    Resolved r = resolve(text, kPy311);
    EXPECT_FALSE(r.interpreter.ownGil);
    ASSERT_EQ(codesOf(r.interpreter.findings), std::vector<std::string>{"WSGI0198"});
    EXPECT_EQ(r.interpreter.findings[0].where.line, 3);
    EXPECT_EQ(r.interpreter.findings[0].severity, Severity::Warning);

    r = resolve(text, kPy313);
    EXPECT_TRUE(r.interpreter.ownGil);
    EXPECT_TRUE(r.interpreter.findings.empty());
}

// ---- row: WSGIFreeThreading On on a GIL build -> warning, no effect (WSGI0200) ----

TEST(ResolveRules, FreeThreadingNeedsAFreeThreadedBuild)
{
    const std::string text = "WSGIDaemonProcess app\nWSGIFreeThreading On\n";
    for (const RuntimeTraits& gilBuild : {kPy311, kPy313}) {
        Resolved r = resolve(text, gilBuild);
        EXPECT_FALSE(r.process.freeThreading);
        ASSERT_EQ(codesOf(r.process.findings), std::vector<std::string>{"WSGI0200"});
        EXPECT_EQ(r.process.findings[0].where.line, 2);
    }
    Resolved r = resolve(text, kPy313t);
    EXPECT_TRUE(r.process.freeThreading);
    EXPECT_TRUE(r.process.findings.empty());

    // On a free-threaded build the GIL stays on unless the directive resolves On.
    r = resolve("WSGIDaemonProcess app\n", kPy313t);
    EXPECT_FALSE(r.process.freeThreading);
    r = resolve("WSGIDaemonProcess app\nWSGIFreeThreading Off\n", kPy313t);
    EXPECT_FALSE(r.process.freeThreading);
}

// ---- row: WSGIFreeThreading in a container with application-group= -> ignored (WSGI0201) ----

TEST(ResolveRules, FreeThreadingInAnApplicationGroupContainerIsIgnored)
{
    const ParseResult p = parse("WSGIDaemonProcess app\n"
                                "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                                "WSGIFreeThreading On\n"
                                "</WSGIInterpreterOptions>\n");
    EXPECT_FINDING(p, Severity::Warning, "WSGI0201", 3);
    const ProcessPlan process = resolveProcess(p.config, p.config.groups[0], kPy313t);
    EXPECT_FALSE(process.freeThreading);
    EXPECT_TRUE(process.findings.empty());
}

// ---- row: per-interpreter GIL + free-threading in one process -> own GIL skipped (WSGI0202) ----

TEST(ResolveRules, PerInterpreterGilIsDroppedUnderFreeThreading)
{
    const std::string text = "WSGIDaemonProcess app\n"
                             "WSGIFreeThreading On\n"
                             "WSGIPerInterpreterGIL On\n";
    Resolved r = resolve(text, kPy313t);
    EXPECT_TRUE(r.process.freeThreading);
    EXPECT_FALSE(r.interpreter.ownGil);
    ASSERT_EQ(codesOf(r.interpreter.findings), std::vector<std::string>{"WSGI0202"});
    EXPECT_EQ(r.interpreter.findings[0].where.line, 3);

    // Same text on a GIL build of 3.13: no free-threading (WSGI0200), so the own GIL is granted.
    r = resolve(text, kPy313);
    EXPECT_FALSE(r.process.freeThreading);
    EXPECT_TRUE(r.interpreter.ownGil);
    EXPECT_TRUE(r.interpreter.findings.empty());
}

// ---- row: switch interval (any form) in a free-threaded process -> skipped (WSGI0203/0204/0205) ----

TEST(ResolveRules, SwitchIntervalIsSkippedUnderFreeThreading)
{
    const std::string text = "WSGIDaemonProcess app switch-interval=0.002\n"
                             "WSGIFreeThreading On\n"
                             "<WSGIInterpreterOptions process-group=app>\n"
                             "WSGISwitchInterval 0.001\n"
                             "</WSGIInterpreterOptions>\n";
    Resolved r = resolve(text, kPy313t);
    EXPECT_TRUE(r.process.freeThreading);
    EXPECT_FALSE(r.process.switchInterval);
    ASSERT_EQ(codesOf(r.process.findings), std::vector<std::string>{"WSGI0204"});
    EXPECT_EQ(r.process.findings[0].where.line, 1);
    EXPECT_FALSE(r.interpreter.switchInterval);
    ASSERT_EQ(codesOf(r.interpreter.findings), std::vector<std::string>{"WSGI0205"});
    EXPECT_EQ(r.interpreter.findings[0].where.line, 4);

    // From the top level it is mod_wsgi's top-level code, WSGI0203.
    r = resolve("WSGIDaemonProcess app\nWSGIFreeThreading On\nWSGISwitchInterval 0.001\n", kPy313t, "");
    EXPECT_FALSE(r.interpreter.switchInterval);
    ASSERT_EQ(codesOf(r.interpreter.findings), std::vector<std::string>{"WSGI0203"});
    EXPECT_EQ(r.interpreter.findings[0].where.line, 3);

    // With the GIL on, every form applies.
    r = resolve(text, kPy313);
    EXPECT_DOUBLE_EQ(r.process.switchInterval.value_or(0), 0.002);
    EXPECT_DOUBLE_EQ(r.interpreter.switchInterval.value_or(0), 0.001);
    EXPECT_EQ(codesOf(r.process.findings), std::vector<std::string>{"WSGI0200"});
    EXPECT_TRUE(r.interpreter.findings.empty());
}

TEST(ResolveRules, DaemonSwitchIntervalOnContinuationLineIsReportedThere)
{
    const Resolved r = resolve(
        "WSGIDaemonProcess app processes=1 \\\n  switch-interval=0.002\nWSGIFreeThreading On\n", kPy313t);
    ASSERT_EQ(r.process.findings.size(), 1u);
    EXPECT_EQ(r.process.findings[0].where.line, 2);
}

// ---- row: application-group-scoped WSGISwitchInterval without own GIL -> skipped (WSGI0199) ----

TEST(ResolveRules, ApplicationGroupSwitchIntervalNeedsItsOwnGil)
{
    const std::string withoutGil = "WSGIDaemonProcess app\n"
                                   "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                                   "WSGISwitchInterval 0.001\n"
                                   "</WSGIInterpreterOptions>\n";
    for (const RuntimeTraits& runtime : {kPy311, kPy313}) {
        const Resolved r = resolve(withoutGil, runtime);
        EXPECT_FALSE(r.interpreter.switchInterval);
        ASSERT_EQ(codesOf(r.interpreter.findings), std::vector<std::string>{"WSGI0199"});
        EXPECT_EQ(r.interpreter.findings[0].where.line, 3);
    }

    const std::string withGil = "WSGIDaemonProcess app\n"
                                "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                                "WSGIPerInterpreterGIL On\n"
                                "WSGISwitchInterval 0.001\n"
                                "</WSGIInterpreterOptions>\n";
    Resolved r = resolve(withGil, kPy313);
    EXPECT_TRUE(r.interpreter.ownGil);
    EXPECT_DOUBLE_EQ(r.interpreter.switchInterval.value_or(0), 0.001);
    EXPECT_TRUE(r.interpreter.findings.empty());

    // 3.11 cannot give the own GIL, so the interval is skipped as well: WSGI0198 then WSGI0199.
    r = resolve(withGil, kPy311);
    EXPECT_FALSE(r.interpreter.ownGil);
    EXPECT_FALSE(r.interpreter.switchInterval);
    EXPECT_EQ(codesOf(r.interpreter.findings), (std::vector<std::string>{"WSGI0198", "WSGI0199"}));

    // Containers that select only on process-group= are always allowed.
    r = resolve(
        "WSGIDaemonProcess app\n<WSGIInterpreterOptions process-group=app>\nWSGISwitchInterval 0.003\n"
        "</WSGIInterpreterOptions>\n",
        kPy311);
    EXPECT_DOUBLE_EQ(r.interpreter.switchInterval.value_or(0), 0.003);
    EXPECT_TRUE(r.interpreter.findings.empty());
}

// ---- row: per-interpreter GIL resolving to the main interpreter -> silently ignored ----

TEST(ResolveRules, MainInterpreterNeverGetsItsOwnGil)
{
    const std::string text = "WSGIDaemonProcess app\n"
                             "WSGIPerInterpreterGIL On\n"
                             "<WSGIInterpreterOptions application-group=%{GLOBAL}>\n"
                             "WSGIPerInterpreterGIL On\n"
                             "</WSGIInterpreterOptions>\n";
    for (const RuntimeTraits& runtime : {kPy311, kPy313, kPy313t}) {
        const Resolved r = resolve(text, runtime, "");
        EXPECT_FALSE(r.interpreter.ownGil);
        EXPECT_TRUE(r.interpreter.findings.empty()) << describe(r.interpreter.findings);
    }
    // The same top-level On does apply to sub-interpreters.
    EXPECT_TRUE(resolve(text, kPy313, "other").interpreter.ownGil);
}

// ---- row: the four directives inside <VirtualHost> -> config error ----

TEST(ResolveRules, GilDirectivesInsideVirtualHostAreConfigErrors)
{
    const ParseResult p =
        parse("<VirtualHost *:80>\nWSGIPerInterpreterGIL On\nWSGIFreeThreading On\n"
              "WSGISwitchInterval 0.001\n<WSGIInterpreterOptions>\n</WSGIInterpreterOptions>\n"
              "</VirtualHost>\n");
    EXPECT_EQ(countCode(p.findings, "E-CONTEXT"), 4) << describe(p.findings);
}

// ---- row: switch-interval=0 or non-numeric -> config error ----

TEST(ResolveRules, InvalidDaemonSwitchIntervalIsAConfigError)
{
    for (const char* value : {"0", "fast", ""}) {
        const ParseResult p = parse(std::string("WSGIDaemonProcess app switch-interval=") + value + "\n");
        EXPECT_FINDING(p, Severity::Error, "E-BAD-VALUE", 1);
        EXPECT_FALSE(p.config.groups.at(0).switchInterval);
    }
}

// ---- precedence: most specific wins per scalar, later wins among equals, top level lowest ----

TEST(ResolvePrecedence, FreeThreadingMostSpecificThenLaterInFile)
{
    const std::string text = "WSGIDaemonProcess app\n"
                             "WSGIDaemonProcess other\n"
                             "WSGIFreeThreading On\n"
                             "<WSGIInterpreterOptions process-group=app>\n"
                             "WSGIFreeThreading Off\n"
                             "</WSGIInterpreterOptions>\n";
    EXPECT_FALSE(resolve(text, kPy313t, "cpu", "app").process.freeThreading);
    EXPECT_TRUE(resolve(text, kPy313t, "cpu", "other").process.freeThreading);

    // Equal specificity: the later block wins, whatever the values.
    const std::string later =
        "WSGIDaemonProcess app\n"
        "<WSGIInterpreterOptions process-group=app>\nWSGIFreeThreading Off\n</WSGIInterpreterOptions>\n"
        "<WSGIInterpreterOptions process-group=app>\nWSGIFreeThreading On\n</WSGIInterpreterOptions>\n";
    EXPECT_TRUE(resolve(later, kPy313t).process.freeThreading);

    // A container without selectors beats the top level even when it comes first.
    const std::string unscoped = "WSGIDaemonProcess app\n"
                                 "<WSGIInterpreterOptions>\nWSGIFreeThreading On\n</WSGIInterpreterOptions>\n"
                                 "WSGIFreeThreading Off\n";
    EXPECT_TRUE(resolve(unscoped, kPy313t).process.freeThreading);
}

TEST(ResolvePrecedence, EachScalarResolvesSeparately)
{
    const std::string text = "WSGIDaemonProcess app\n"
                             "WSGISwitchInterval 0.005\n"
                             "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                             "WSGIPerInterpreterGIL On\n"
                             "</WSGIInterpreterOptions>\n"
                             "<WSGIInterpreterOptions process-group=app>\n"
                             "WSGIPerInterpreterGIL Off\n"
                             "WSGISwitchInterval 0.003\n"
                             "</WSGIInterpreterOptions>\n";
    // cpu: own GIL from the two-selector block, switch interval from the process-group block.
    Resolved r = resolve(text, kPy313, "cpu");
    EXPECT_TRUE(r.interpreter.ownGil);
    EXPECT_DOUBLE_EQ(r.interpreter.switchInterval.value_or(0), 0.003);
    // web: only the process-group block matches.
    r = resolve(text, kPy313, "web");
    EXPECT_FALSE(r.interpreter.ownGil);
    EXPECT_DOUBLE_EQ(r.interpreter.switchInterval.value_or(0), 0.003);
    // The top-level interval is the lowest layer for daemon interpreters too (modwsgi.md 2.1 caution).
    r = resolve("WSGIDaemonProcess app\nWSGISwitchInterval 0.005\n", kPy313, "");
    EXPECT_DOUBLE_EQ(r.interpreter.switchInterval.value_or(0), 0.005);
    EXPECT_FALSE(r.process.switchInterval) << "the daemon's own switch-interval= is unset";
}

TEST(ResolvePrecedence, ContainersForOtherGroupsOrApplicationsDoNotApply)
{
    const std::string text = "WSGIDaemonProcess app\n"
                             "WSGIDaemonProcess other\n"
                             "<WSGIInterpreterOptions process-group=other>\n"
                             "WSGIPerInterpreterGIL On\n"
                             "</WSGIInterpreterOptions>\n"
                             "<WSGIInterpreterOptions application-group=batch>\n"
                             "WSGIPerInterpreterGIL On\n"
                             "</WSGIInterpreterOptions>\n";
    EXPECT_FALSE(resolve(text, kPy313, "cpu", "app").interpreter.ownGil);
    EXPECT_TRUE(resolve(text, kPy313, "cpu", "other").interpreter.ownGil);
    EXPECT_TRUE(resolve(text, kPy313, "batch", "app").interpreter.ownGil);
}

TEST(ResolvePrecedence, PythonPathLayersAddUpLeastToMostSpecific)
{
    const std::string text = "WSGIDaemonProcess app python-path=/base:/base2 python-home=/venv\n"
                             "WSGIPythonPath /embedded-only\n"
                             "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                             "WSGIPythonPath /most\n"
                             "</WSGIInterpreterOptions>\n"
                             "<WSGIInterpreterOptions>\n"
                             "WSGIPythonPath /least\n"
                             "</WSGIInterpreterOptions>\n"
                             "<WSGIInterpreterOptions process-group=app>\n"
                             "WSGIPythonPath /middle:/middle2\n"
                             "</WSGIInterpreterOptions>\n";
    const ParseResult p = parse(text);
    const DaemonGroup& g = p.config.groups.at(0);
    const ProcessPlan process = resolveProcess(p.config, g, kPy313);
    EXPECT_EQ(process.pythonPath, (std::vector<std::string>{"/base", "/base2"}));
    EXPECT_EQ(process.pythonHome, "/venv");

    InterpreterPlan interp = resolveInterpreter(p.config, g, "cpu", kPy313, process);
    EXPECT_EQ(interp.pythonPath, (std::vector<std::string>{"/least", "/middle", "/middle2", "/most"}));
    ASSERT_EQ(interp.pythonPathLayers.size(), 3u);
    EXPECT_EQ(interp.pythonPathLayers[1], (std::vector<std::string>{"/middle", "/middle2"}));

    interp = resolveInterpreter(p.config, g, "web", kPy313, process);
    EXPECT_EQ(interp.pythonPath, (std::vector<std::string>{"/least", "/middle", "/middle2"}));
}

TEST(ResolvePrecedence, PythonHomeFallsBackToWsgiPythonHome)
{
    const ParseResult p = parse("WSGIPythonHome /global-venv\nWSGIDaemonProcess app\n");
    EXPECT_EQ(resolveProcess(p.config, p.config.groups.at(0), kPy313).pythonHome, "/global-venv");
}

TEST(ResolvePrecedence, ReferenceExampleOnEachRuntime)
{
    const ParseResult p = parse("WSGIDaemonProcess parallel processes=1 threads=15 switch-interval=0.002\n"
                                "WSGIDaemonProcess simple processes=4 threads=5\n"
                                "<WSGIInterpreterOptions process-group=parallel application-group=cpu_app>\n"
                                "    WSGIPerInterpreterGIL On\n"
                                "    WSGISwitchInterval 0.001\n"
                                "</WSGIInterpreterOptions>\n");
    const DaemonGroup& parallel = *p.config.findGroup("parallel");
    const DaemonGroup& simple = *p.config.findGroup("simple");

    // 3.13: cpu_app gets its own GIL and its own 1 ms interval; the process keeps 2 ms.
    ProcessPlan process = resolveProcess(p.config, parallel, kPy313);
    EXPECT_DOUBLE_EQ(process.switchInterval.value_or(0), 0.002);
    InterpreterPlan cpu = resolveInterpreter(p.config, parallel, "cpu_app", kPy313, process);
    EXPECT_TRUE(cpu.ownGil);
    EXPECT_DOUBLE_EQ(cpu.switchInterval.value_or(0), 0.001);
    InterpreterPlan main = resolveInterpreter(p.config, parallel, "", kPy313, process);
    EXPECT_FALSE(main.ownGil);
    EXPECT_FALSE(main.switchInterval);

    // 3.11: no own GIL (WSGI0198) and so the app-group interval is skipped (WSGI0199).
    process = resolveProcess(p.config, parallel, kPy311);
    cpu = resolveInterpreter(p.config, parallel, "cpu_app", kPy311, process);
    EXPECT_FALSE(cpu.ownGil);
    EXPECT_EQ(codesOf(cpu.findings), (std::vector<std::string>{"WSGI0198", "WSGI0199"}));

    // The simple group is untouched by the container.
    process = resolveProcess(p.config, simple, kPy313t);
    EXPECT_FALSE(process.freeThreading);
    EXPECT_FALSE(process.switchInterval);
    const InterpreterPlan web = resolveInterpreter(p.config, simple, "cpu_app", kPy313t, process);
    EXPECT_FALSE(web.ownGil);
    EXPECT_TRUE(web.findings.empty());
}
