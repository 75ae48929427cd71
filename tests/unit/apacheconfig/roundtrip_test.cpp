// Property tests over generated models (fixed seeds): model -> text -> model is the identity for
// mod_wsgi 6.0 and the engine dialect, and for mod_wsgi 4.9 the text reads back as exactly the lowered
// model the renderer reports, which is itself a fixed point. The same models go through apache2 -t in
// tests/integration/apache.

#include "apache-config/configimport.h"
#include "apache-config/renderer.h"

#include "modelgenerator.h"
#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

constexpr int kModels = kPropertyModels;

ImportedConfig readBack(const std::string& text, Dialect dialect)
{
    ImportOptions options;
    options.dialect = dialect;
    options.followIncludes = false;
    return importConfig(text, "/etc/apache2/roundtrip.conf", options);
}

std::string show(const WsgiModel& m)
{
    RenderOptions plain;
    plain.target = Dialect::Engine;
    plain.comments = false;
    return renderSnippet(m, plain).text;
}

// The text Apache reads: comment lines removed.
std::string withoutComments(const std::string& text)
{
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        end = end == std::string::npos ? text.size() : end + 1;
        const std::string line = text.substr(start, end - start);
        if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] != '#')
            out += line;
        start = end;
    }
    return out;
}

int errors(const std::vector<Finding>& findings)
{
    return countSeverity(findings, Severity::Error);
}

} // namespace

TEST(RoundTrip, ModWsgi6TextReadsBackAsTheSameModel)
{
    ModelGenerator generator(20261123);
    for (int i = 0; i < kModels; ++i) {
        const WsgiModel model = generator.next();
        RenderOptions options;
        options.target = Dialect::ModWsgi6;
        const RenderResult r = renderSnippet(model, options);
        EXPECT_EQ(errors(r.findings), 0) << describe(r.findings);
        const ImportedConfig back = readBack(r.text, Dialect::ModWsgi6);
        ASSERT_TRUE(back.model == model) << "model " << i << ", rendered:\n"
                                         << r.text << "\nread back as:\n"
                                         << show(back.model) << describe(back.findings);
        EXPECT_EQ(errors(back.findings), 0) << "model " << i << ":\n" << r.text << describe(back.findings);
        // Comments change nothing Apache reads.
        options.comments = false;
        EXPECT_TRUE(readBack(renderSnippet(model, options).text, Dialect::ModWsgi6).model == model);
    }
}

TEST(RoundTrip, EngineDialectKeepsEngineOnlyOptions)
{
    ModelGenerator generator(7);
    int withPython = 0;
    for (int i = 0; i < kModels / 2; ++i) {
        const WsgiModel model = generator.next(true);
        RenderOptions options;
        options.target = Dialect::Engine;
        const RenderResult r = renderSnippet(model, options);
        withPython += r.text.find(" python=") != std::string::npos ? 1 : 0;
        const ImportedConfig back = readBack(r.text, Dialect::Engine);
        ASSERT_TRUE(back.model == model) << r.text << "\nread back as:\n" << show(back.model);
    }
    EXPECT_GT(withPython, 10);
}

TEST(RoundTrip, ModWsgi4TextReadsBackAsTheLoweredModelWhichIsAFixedPoint)
{
    ModelGenerator generator(kModWsgi4Seed);
    int scripts = 0;
    for (int i = 0; i < kModels; ++i) {
        const WsgiModel model = generator.next(true);
        RenderOptions options;
        options.target = Dialect::ModWsgi4;
        const RenderResult r = renderSnippet(model, options);
        scripts += int(r.files.size());
        const ImportedConfig back = readBack(r.text, Dialect::ModWsgi4);
        ASSERT_TRUE(back.model == r.lowered) << "model " << i << ", rendered:\n"
                                             << r.text << "\nread back as:\n"
                                             << show(back.model) << describe(back.findings);
        EXPECT_EQ(errors(back.findings), 0) << "model " << i << ":\n" << r.text << describe(back.findings);
        // Nothing mod_wsgi 6 only is left in what Apache reads.
        const std::string apacheReads = "\n" + withoutComments(r.text);
        for (const char* word : {"switch-interval=", "interrupt-timeout=", "response-flush-delay=",
                                 " python=", "\nWSGISwitchInterval", "\nWSGIPerInterpreterGIL",
                                 "\nWSGIFreeThreading", "<WSGIInterpreterOptions"})
            EXPECT_EQ(apacheReads.find(word), std::string::npos) << word << " in model " << i << ":\n"
                                                                 << r.text;
        // Lowering what was lowered changes nothing more.
        const LoweredModel again = lowerForTarget(r.lowered, options);
        EXPECT_TRUE(again.model == r.lowered);
        EXPECT_TRUE(again.dropped.empty());
        EXPECT_TRUE(again.files.empty());
    }
    EXPECT_GT(scripts, 20); // the generator does exercise the switch-interval stand-ins
}
