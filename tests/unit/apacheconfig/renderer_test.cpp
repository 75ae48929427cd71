// renderSnippet and lowerForTarget: layout, quoting, comments, and what each target does with what it
// cannot express (the engine-only python=, mod_wsgi 6 features under mod_wsgi 4.9).

#include "apache-config/apachesyntax.h"
#include "apache-config/configimport.h"
#include "apache-config/renderer.h"

#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

// modwsgi.md section 7's example, plus the engine-only python= option.
const char* const kReference =
    "WSGIRestrictEmbedded On\n"
    "WSGIDaemonProcess parallel processes=1 threads=15 display-name='%{GROUP}' \\\n"
    "    request-timeout=60 queue-timeout=45 graceful-timeout=15 switch-interval=0.002 python=3.13\n"
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

WsgiModel modelOf(const std::string& text)
{
    ImportOptions options;
    options.dialect = Dialect::Engine;
    options.followIncludes = false;
    const ImportedConfig c = importConfig(text, "/etc/apache2/t.conf", options);
    // The engine's rules reject options it does not run (request-timeout); the text itself must be sound.
    EXPECT_EQ(countCode(c.findings, "E-SYNTAX") + countCode(c.findings, "E-UNKNOWN-OPTION"), 0)
        << describe(c.findings);
    return c.model;
}

RenderResult render(const WsgiModel& model, Dialect target, bool comments = false, std::size_t wrap = 100)
{
    RenderOptions options;
    options.target = target;
    options.comments = comments;
    options.wrapColumn = wrap;
    options.scriptDirectory = "/etc/apache2/scripts";
    return renderSnippet(model, options);
}

const GeneratedFile* fileNamed(const RenderResult& r, const std::string& path)
{
    for (const GeneratedFile& f : r.files)
        if (f.path == path)
            return &f;
    return nullptr;
}

} // namespace

TEST(Renderer, QuotesOnlyWhereApacheNeedsItAndReadsEveryWordBack)
{
    EXPECT_EQ(quoteConfigWord("/srv/app"), "/srv/app");
    EXPECT_EQ(quoteConfigWord("%{GLOBAL}"), "%{GLOBAL}");
    EXPECT_EQ(quoteConfigWord(""), "''");
    EXPECT_EQ(quoteConfigWord("/srv/my app"), "'/srv/my app'");
    EXPECT_EQ(quoteConfigWord("it's"), "\"it's\"");
    EXPECT_EQ(quoteConfigWord("a'b\"c"), "'a\\'b\"c'");
    EXPECT_EQ(quoteConfigWord("C:\\x\\"), "'C:\\\\x\\\\'");
    for (const char* word : {"", "plain", "two words", "it's", "say \"hi\"", "a'b\"c", "back\\slash\\",
                             "\\\\", "'", "\"", "tab\there", "#hash", "trailing "}) {
        std::size_t pos = 0;
        const std::string written = quoteConfigWord(word);
        EXPECT_EQ(getWordConf(written, pos), word) << written;
        EXPECT_EQ(pos, written.size()) << written;
    }
}

TEST(Renderer, ReferenceExampleForModWsgi6)
{
    const RenderResult r = render(modelOf(kReference), Dialect::ModWsgi6);
    EXPECT_EQ(
        r.text,
        "WSGIRestrictEmbedded On\n"
        "WSGIDaemonProcess parallel processes=1 threads=15 display-name='%{GROUP}' request-timeout=60 \\\n"
        "    queue-timeout=45 graceful-timeout=15 switch-interval=0.002\n"
        "WSGIDaemonProcess simple processes=4 threads=5 display-name='%{GROUP}'\n"
        "<WSGIInterpreterOptions process-group=parallel application-group=cpu_app>\n"
        "    WSGIPerInterpreterGIL On\n"
        "    WSGISwitchInterval 0.001\n"
        "</WSGIInterpreterOptions>\n"
        "<VirtualHost *:80>\n"
        "    ServerName app.example.com\n"
        "    WSGIScriptAlias /cpu /srv/cpu/wsgi.py process-group=parallel application-group=cpu_app\n"
        "    WSGIScriptAlias /www /srv/www/wsgi.py process-group=simple application-group=%{GLOBAL}\n"
        "</VirtualHost>\n");
    // python= is the only change, and it is said.
    ASSERT_EQ(r.findings.size(), 1u) << describe(r.findings);
    EXPECT_EQ(r.findings[0].code, "N-ENGINE-ONLY");
    EXPECT_EQ(r.findings[0].where.line, 2);
    EXPECT_NE(render(modelOf(kReference), Dialect::Engine).text.find(" python=3.13"), std::string::npos);
}

TEST(Renderer, CommentsExplainEachNonDefaultValueAndEveryChange)
{
    const RenderResult r = render(modelOf(kReference), Dialect::ModWsgi6, true);
    EXPECT_TRUE(
        contains(r.text, "# Daemon group 'parallel': 1 process x 15 threads = 15 requests at once.\n"));
    EXPECT_TRUE(contains(r.text,
                         "#   queue-timeout=45: 504 for requests that waited this many seconds for a thread "
                         "(0 = never) (default 0)\n"));
    EXPECT_TRUE(contains(r.text, "#   threads=5: request threads per process (default 15)\n"));
    EXPECT_FALSE(contains(r.text, "graceful-timeout=15:")); // the default needs no explanation
    EXPECT_TRUE(contains(r.text, "# python=3.13 left out: it picks the engine's Python runtime"));
    EXPECT_TRUE(contains(r.text, "    # sub-interpreters get a GIL of their own"));
    // A comment never ends in a backslash (that would swallow the next line).
    EXPECT_FALSE(contains(r.text, "\\\n#"));
    EXPECT_EQ(modelOf(r.text), render(modelOf(kReference), Dialect::ModWsgi6).lowered);
}

TEST(Renderer, DaemonGroupsComeBeforeTheAliasesThatPreloadThem)
{
    WsgiModel m;
    VirtualHostBlock host;
    host.addresses = {"*:80"};
    ScriptAlias a;
    a.url = "/";
    a.script = "/srv/app.py";
    a.options.set("process-group", "late");
    a.options.set("application-group", "%{GLOBAL}");
    host.scope.aliases.push_back(a);
    m.virtualHosts.push_back(host);
    m.server.aliases.push_back(a);
    DaemonProcess d;
    d.name = "late";
    m.server.daemons.push_back(d);
    const std::string text = render(m, Dialect::ModWsgi4).text;
    EXPECT_LT(text.find("WSGIDaemonProcess late"), text.find("WSGIScriptAlias"));
    const ImportedConfig back = importConfig(text, "/etc/apache2/t.conf");
    EXPECT_EQ(countCode(back.findings, "E-GROUP-ORDER"), 0) << describe(back.findings);
}

TEST(Renderer, ModWsgi4GetsSwitchIntervalsThroughImportScripts)
{
    const RenderResult r = render(modelOf("WSGIDaemonProcess app processes=2 switch-interval=0.002 \\\n"
                                          "    interrupt-timeout=5\n"
                                          "WSGIScriptAlias / /srv/app.py process-group=app\n"
                                          "WSGISwitchInterval 0.01\n"),
                                  Dialect::ModWsgi4, true, 1000);
    EXPECT_TRUE(contains(r.text, "WSGIDaemonProcess app processes=2\n")) << r.text;
    EXPECT_TRUE(contains(r.text,
                         "WSGIImportScript /etc/apache2/scripts/app-switch-interval.py process-group=app "
                         "application-group=%{GLOBAL}\n"))
        << r.text;
    const GeneratedFile* daemon = fileNamed(r, "/etc/apache2/scripts/app-switch-interval.py");
    ASSERT_NE(daemon, nullptr);
    EXPECT_TRUE(contains(daemon->content, "import sys\n\nsys.setswitchinterval(0.002)\n")) << daemon->content;
    // The top-level directive is the embedded processes' interval: its own script, run there.
    EXPECT_TRUE(contains(r.text, "WSGIImportScript /etc/apache2/scripts/embedded-switch-interval.py "
                                 "process-group=%{GLOBAL} application-group=%{GLOBAL}\n"));
    ASSERT_NE(fileNamed(r, "/etc/apache2/scripts/embedded-switch-interval.py"), nullptr);
    // interrupt-timeout has no 4.9 form: named in a finding, a comment, and the "not written" list.
    const Finding* dropped = findFinding(r.findings, "W-NOT-IN-TARGET", 1); // the daemon's line
    ASSERT_NE(dropped, nullptr) << describe(r.findings);
    EXPECT_TRUE(contains(dropped->message, "'interrupt-timeout=5' cannot be written for mod_wsgi 4.9"));
    EXPECT_TRUE(contains(r.text, "# interrupt-timeout=5 left out: mod_wsgi 4.9 has no such option\n"));
    EXPECT_TRUE(contains(r.text, "#   interrupt-timeout=5\n#       mod_wsgi 4.9 has no such option\n"));
    // Script contents are shown in the snippet, commented.
    EXPECT_TRUE(contains(r.text, "#| sys.setswitchinterval(0.002)\n"));
}

TEST(Renderer, ModWsgi4WithEmbeddedModeOffHasNoEmbeddedIntervalToSet)
{
    const RenderResult r =
        render(modelOf("WSGIRestrictEmbedded On\nWSGISwitchInterval 0.01\n"), Dialect::ModWsgi4);
    EXPECT_TRUE(r.files.empty());
    const Finding* f = findFinding(r.findings, "W-NOT-IN-TARGET", 2);
    ASSERT_NE(f, nullptr) << describe(r.findings);
    EXPECT_TRUE(contains(f->message, "WSGIRestrictEmbedded On turns off"));
}

TEST(Renderer, ModWsgi4CarriesContainerSettingsOverWherePossible)
{
    const RenderResult r =
        render(modelOf("WSGIDaemonProcess app python-path=/srv/base\n"
                       "<WSGIInterpreterOptions process-group=app>\n"
                       "WSGISwitchInterval 0.004\n"
                       "WSGIPythonPath /srv/extra\n"
                       "WSGIPerInterpreterGIL Off\n"
                       "</WSGIInterpreterOptions>\n"
                       "<WSGIInterpreterOptions>\nWSGIRestrictStdout Off\n</WSGIInterpreterOptions>\n"
                       "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                       "WSGIPythonPath /srv/cpu\nWSGIFreeThreading On\n</WSGIInterpreterOptions>\n"),
               Dialect::ModWsgi4, false, 1000);
    EXPECT_TRUE(contains(r.text, "WSGIDaemonProcess app python-path=/srv/base:/srv/extra\n")) << r.text;
    EXPECT_NE(fileNamed(r, "/etc/apache2/scripts/app-switch-interval.py"), nullptr);
    const GeneratedFile* path = fileNamed(r, "/etc/apache2/scripts/app-cpu-python-path.py");
    ASSERT_NE(path, nullptr);
    EXPECT_TRUE(
        contains(path->content, "for _directory in ['/srv/cpu']:\n    site.addsitedir(_directory)\n"));
    EXPECT_TRUE(contains(r.text,
                         "WSGIImportScript /etc/apache2/scripts/app-cpu-python-path.py process-group=app "
                         "application-group=cpu\n"));
    EXPECT_EQ(r.text.rfind("WSGIRestrictStdout Off\n", 0),
              0u); // a selector-less container is the main server
    EXPECT_FALSE(contains(r.text, "<WSGIInterpreterOptions"));
    EXPECT_NE(findFinding(r.findings, "N-TARGET-EQUIVALENT", 5), nullptr) << describe(r.findings); // GIL Off
    const Finding* ft = findFinding(r.findings, "W-NOT-IN-TARGET", 12);
    ASSERT_NE(ft, nullptr) << describe(r.findings);
    EXPECT_TRUE(contains(ft->message, "cannot turn the GIL off"));
}

TEST(Renderer, ScriptNamesStayUniqueAndPythonLiteralsEscaped)
{
    WsgiModel m;
    for (const char* name : {"a b", "a_b"}) {
        DaemonProcess d;
        d.name = name;
        d.options.set("switch-interval", "1e-3");
        m.server.daemons.push_back(d);
    }
    InterpreterOptionsBlock c;
    c.processGroup = "a_b";
    c.applicationGroup = "%{GLOBAL}";
    c.directives.push_back({"WSGIPythonPath", {"/srv/o'brien:/srv/x\\y"}, {}, {}});
    m.containers.push_back(c);
    const RenderResult r = render(m, Dialect::ModWsgi4);
    ASSERT_EQ(r.files.size(), 3u);
    EXPECT_EQ(r.files[0].path, "/etc/apache2/scripts/a_b-switch-interval.py");
    EXPECT_EQ(r.files[1].path, "/etc/apache2/scripts/a_b-switch-interval-2.py");
    EXPECT_TRUE(contains(r.files[0].content, "sys.setswitchinterval(0.001)"));
    EXPECT_TRUE(contains(r.files[2].content, "['/srv/o\\'brien', '/srv/x\\\\y']")) << r.files[2].content;
    EXPECT_TRUE(contains(r.text, "WSGIDaemonProcess 'a b'\n"));
}

TEST(Renderer, ValuesNoConfigLineCanHoldAreLeftOutWithAnError)
{
    WsgiModel m;
    DaemonProcess d;
    d.name = "app";
    d.options.set("home", "/srv/a\nWSGIDaemonProcess injected");
    m.server.daemons.push_back(d);
    InterpreterOptionsBlock c;
    c.processGroup = "has space";
    m.containers.push_back(c);
    const RenderResult r = render(m, Dialect::ModWsgi6);
    EXPECT_EQ(countCode(r.findings, "E-UNWRITABLE"), 2) << describe(r.findings);
    EXPECT_FALSE(contains(r.text, "injected"));
    EXPECT_FALSE(contains(r.text, "has space"));
}

TEST(Renderer, MpmCommentsSayWhatHttpdReallyUses)
{
    const RenderResult r =
        render(modelOf("<IfModule mpm_worker_module>\nThreadsPerChild 100\nStartServers 10\n"
                       "MaxSpareThreads 75\n</IfModule>\n"),
               Dialect::ModWsgi4, true);
    EXPECT_TRUE(contains(
        r.text, "# worker MPM settings:\n#   ThreadsPerChild 100: threads per process (default 25)\n"))
        << r.text;
    EXPECT_TRUE(contains(
        r.text, "#   httpd uses ThreadsPerChild 64, not 100: ThreadsPerChild exceeds ThreadLimit 64"));
    EXPECT_TRUE(contains(r.text, "#   httpd uses StartServers 6, not 10: StartServers cannot exceed"));
    EXPECT_TRUE(
        contains(r.text, "<IfModule mpm_worker_module>\n    ThreadsPerChild 100\n")); // written as given
}
