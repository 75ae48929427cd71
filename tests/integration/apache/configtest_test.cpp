// apache2 -t (Debian's Apache 2.4, mod_wsgi 4.9.4) on the modwsgi-4 export of every model the round-trip
// property test generates: none may fail. One configtest per model, each in a fresh ServerRoot.

#include "apachefixture.h"

#include "apache-config/renderer.h"

#include "modelgenerator.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::apachetest;

TEST(ApacheConfigtest, EveryGeneratedModelsModWsgi4SnippetPasses)
{
    test::ModelGenerator generator(test::kModWsgi4Seed);
    int scripts = 0;
    for (int i = 0; i < test::kPropertyModels; ++i) {
        const WsgiModel model = generator.next(true);
        ApacheRoot root;
        RenderOptions options;
        options.target = Dialect::ModWsgi4;
        options.scriptDirectory = root.path("scripts");
        const RenderResult r = renderSnippet(model, options);
        for (const GeneratedFile& file : r.files) {
            root.writeFile("scripts/" + file.path.substr(file.path.rfind('/') + 1), file.content);
            ++scripts;
        }
        root.writeConfig(r.text);
        const RunResult t = root.configtest();
        ASSERT_EQ(t.exitCode, 0) << "model " << i << ": apache2 -t said:\n"
                                 << t.output << "\nfor:\n"
                                 << r.text;
        EXPECT_NE(t.output.find("Syntax OK"), std::string::npos) << t.output;
    }
    EXPECT_GT(scripts, 20);
}

TEST(ApacheConfigtest, ModWsgi6OnlyTextFailsUnderModWsgi4)
{
    // The reverse check: what the 4.9 export removes really is refused by Debian's mod_wsgi.
    for (const char* line :
         {"WSGIDaemonProcess g switch-interval=0.002", "WSGIDaemonProcess g python=3.13t",
          "WSGISwitchInterval 0.002", "WSGIPerInterpreterGIL On", "WSGIDaemonProcess g interrupt-timeout=5",
          "WSGIDaemonProcess g response-flush-delay=5"}) {
        ApacheRoot root;
        root.writeConfig(std::string(line) + "\n");
        const RunResult t = root.configtest();
        EXPECT_NE(t.exitCode, 0) << line << ": " << t.output;
    }
}
