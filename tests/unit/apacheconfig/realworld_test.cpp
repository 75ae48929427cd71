// Real-world httpd.conf patterns (OpenStack, FreeIPA, Debian, Weblate...): ${VAR} from Define in option
// values, script paths Apache resolves itself, MPM blocks for MPMs the model does not simulate, and the
// findings that were noise (continued comments, follow-on context errors, a container whose group is
// missing).

#include "apache-config/configimport.h"
#include "apache-config/documentexport.h"
#include "apache-config/renderer.h"

#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

ImportedConfig importText(const std::string& text, Dialect dialect = Dialect::ModWsgi6)
{
    ImportOptions options;
    options.dialect = dialect;
    options.followIncludes = false;
    return importConfig(text, "/etc/apache2/sites-enabled/site.conf", options);
}

RenderOptions exportOptions(Dialect target)
{
    RenderOptions options;
    options.target = target;
    options.comments = false;
    options.scriptDirectory = "/srv/scripts";
    options.fileNames = {"/etc/apache2/sites-enabled/site.conf"};
    options.engineRelativePaths = true; // as `export` reads: the engine's dialect
    return options;
}

} // namespace

// ---- ${VAR} ------------------------------------------------------------------------------------

TEST(RealWorld, DefinedVariablesInOptionValuesAreSubstitutedAsApacheDoes)
{
    const std::string text = "Define PROCS 4\n"
                             "Define THREADS 8\n"
                             "Define APP_ROOT /srv/keystone\n"
                             "WSGIDaemonProcess keystone processes=${PROCS} threads=${THREADS} \\\n"
                             "    display-name=%{GROUP} python-home=${APP_ROOT}/venv\n"
                             "WSGIScriptAlias /identity ${APP_ROOT}/wsgi.py process-group=keystone\n";
    const ImportedConfig c = importText(text);
    EXPECT_EQ(countSeverity(c.findings, Severity::Error), 0) << describe(c.findings);
    ASSERT_EQ(c.engine.groups.size(), 1u);
    EXPECT_EQ(c.engine.groups[0].processes, 4);
    EXPECT_EQ(c.engine.groups[0].threads, 8);
    EXPECT_EQ(c.engine.groups[0].pythonHome, "/srv/keystone/venv");
    ASSERT_EQ(c.engine.mounts.size(), 1u);
    EXPECT_EQ(c.engine.mounts[0].scriptPath, "/srv/keystone/wsgi.py");
    // The model keeps what was written, so an export writes the variables back.
    ASSERT_EQ(c.model.server.daemons.size(), 1u);
    EXPECT_EQ(*c.model.server.daemons[0].options.find("processes"), "${PROCS}");
    EXPECT_EQ(c.model.server.aliases[0].script, "${APP_ROOT}/wsgi.py");
}

TEST(RealWorld, ABadValueFromADefineIsStillAnError)
{
    const ImportedConfig c = importText("Define PROCS many\nWSGIDaemonProcess app processes=${PROCS}\n");
    const Finding* f = EXPECT_FINDING(c, Severity::Error, "E-BAD-VALUE", 2);
    EXPECT_TRUE(contains(f->message, "'many'")) << f->message;
}

TEST(RealWorld, AVariableNoDefineSetsIsANoteNotAnError)
{
    const ImportedConfig c = importText("WSGIDaemonProcess app processes=${WSGI_PROCESSES} threads=5\n"
                                        "WSGIScriptAlias / ${APP_DIR}/app.wsgi process-group=${GROUP}\n"
                                        "WSGIRestrictEmbedded ${RESTRICT}\n"
                                        "MaxRequestWorkers ${MAX_WORKERS}\n");
    EXPECT_EQ(countSeverity(c.findings, Severity::Error), 0) << describe(c.findings);
    EXPECT_EQ(countSeverity(c.findings, Severity::Warning), 0) << describe(c.findings);
    const Finding* f = EXPECT_FINDING(c, Severity::Note, "N-UNDEFINED-VARIABLE", 1);
    EXPECT_TRUE(contains(f->message, "${WSGI_PROCESSES}")) << f->message;
    EXPECT_FINDING(c, Severity::Note, "N-UNDEFINED-VARIABLE", 2);
    EXPECT_FINDING(c, Severity::Note, "N-UNDEFINED-VARIABLE", 4);
    EXPECT_EQ(c.engine.groups.at(0).threads, 5); // the known options are still read
}

TEST(RealWorld, UnDefineRemovesTheValue)
{
    const ImportedConfig c = importText("Define N 2\nUnDefine N\nWSGIDaemonProcess app processes=${N}\n");
    EXPECT_FINDING(c, Severity::Note, "N-UNDEFINED-VARIABLE", 3);
    EXPECT_EQ(countSeverity(c.findings, Severity::Error), 0) << describe(c.findings);
}

TEST(RealWorld, DefinedVariableOnAContinuationLineKeepsItsLine)
{
    // The substitution makes the text shorter before the line break: the error must still name line 3.
    const ImportedConfig c = importText("Define PROCESSES_FOR_THE_APP 2\n"
                                        "WSGIDaemonProcess app processes=${PROCESSES_FOR_THE_APP} \\\n"
                                        "    threads=many\n");
    EXPECT_FINDING(c, Severity::Error, "E-BAD-VALUE", 3);
    EXPECT_EQ(c.engine.groups.at(0).processes, 2);
}

// ---- script paths Apache resolves itself ------------------------------------------------------

TEST(RealWorld, ExportLeavesVariableAndWindowsScriptPathsAsWritten)
{
    const std::string text = "WSGIDaemonProcess app\n"
                             "WSGIScriptAlias /a ${APP_ROOT}/wsgi.py process-group=app\n"
                             "WSGIScriptAlias /b C:/sites/app/wsgi.py process-group=app\n"
                             "WSGIScriptAlias /c app/wsgi.py process-group=app\n";
    const ImportedConfig c = importText(text, Dialect::Engine);
    for (Dialect target : {Dialect::ModWsgi6, Dialect::ModWsgi4}) {
        const RenderResult snippet = renderSnippet(c.model, exportOptions(target));
        EXPECT_TRUE(contains(snippet.text, "WSGIScriptAlias /a ${APP_ROOT}/wsgi.py")) << snippet.text;
        EXPECT_TRUE(contains(snippet.text, "WSGIScriptAlias /b C:/sites/app/wsgi.py")) << snippet.text;
        // A plain relative path is still made absolute (Apache reads it against ServerRoot), with a note.
        EXPECT_TRUE(contains(snippet.text, "WSGIScriptAlias /c /etc/apache2/sites-enabled/app/wsgi.py"))
            << snippet.text;
        const DocumentExport inPlace = exportDocument(c, c.model, exportOptions(target));
        const std::string& out = inPlace.configFiles.front().content;
        EXPECT_TRUE(contains(out, "WSGIScriptAlias /a ${APP_ROOT}/wsgi.py process-group=app\n")) << out;
        EXPECT_TRUE(contains(out, "WSGIScriptAlias /b C:/sites/app/wsgi.py process-group=app\n")) << out;
    }
}

// ---- MPMs the model does not simulate --------------------------------------------------------

TEST(RealWorld, OtherMpmBlocksStayConditionalAndAreNotReadAsThisServersSettings)
{
    const std::string text = "<IfModule mpm_itk_module>\n"
                             "    AssignUserId www-data www-data\n"
                             "    MaxClientsVHost 10\n"
                             "    StartServers 1\n"
                             "    MaxRequestWorkers 5\n"
                             "</IfModule>\n"
                             "<IfModule mpm_winnt.c>\n"
                             "    ThreadsPerChild 150\n"
                             "</IfModule>\n"
                             "<IfModule mpm_event_module>\n"
                             "    StartServers 2\n"
                             "</IfModule>\n"
                             "WSGIDaemonProcess app\n";
    for (const char* module :
         {"mpm_itk_module", "mpm_winnt_module", "mpm_os2_module", "mpm_netware_module", "mpm_peruser_module",
          "mpm_itk.c", "mpm_winnt.c", "mpmt_os2.c", "mpm_netware.c", "mpm_peruser.c"})
        EXPECT_TRUE(isOtherMpmModule(module)) << module;
    EXPECT_FALSE(isOtherMpmModule("mpm_event_module"));

    const ImportedConfig c = importText(text);
    EXPECT_EQ(countSeverity(c.findings, Severity::Error), 0) << describe(c.findings);
    EXPECT_EQ(countSeverity(c.findings, Severity::Warning), 0) << describe(c.findings);
    ASSERT_EQ(c.model.mpm.size(), 1u) << "only the event block is this server's MPM settings";
    EXPECT_EQ(c.model.mpm[0].module, MpmKind::Event);
    ASSERT_EQ(c.model.otherMpm.size(), 2u);
    EXPECT_EQ(c.model.otherMpm[0].module, "mpm_itk_module");
    EXPECT_EQ(c.model.otherMpm[0].origin.line, 1);
    EXPECT_EQ(c.model.otherMpm[1].text, "<IfModule mpm_winnt.c>\n    ThreadsPerChild 150\n</IfModule>\n");

    for (Dialect target : {Dialect::ModWsgi6, Dialect::ModWsgi4}) {
        const RenderResult snippet = renderSnippet(c.model, exportOptions(target));
        EXPECT_TRUE(contains(snippet.text, "<IfModule mpm_itk_module>\n    AssignUserId www-data www-data\n"
                                           "    MaxClientsVHost 10\n    StartServers 1\n"
                                           "    MaxRequestWorkers 5\n</IfModule>\n"))
            << snippet.text;
        EXPECT_FALSE(contains(snippet.text, "\nThreadsPerChild 150")) << "never at the top level:\n"
                                                                      << snippet.text;
        // Read back, the snippet gives the same model (the blocks stay what they were).
        const ImportedConfig again = importText(snippet.text);
        EXPECT_EQ(again.model.otherMpm, c.model.otherMpm);
        EXPECT_EQ(again.model.mpm, c.model.mpm);
        EXPECT_EQ(exportDocument(c, c.model, exportOptions(target)).configFiles.front().content, text);
    }
}

// ---- noise ---------------------------------------------------------------------------------------

TEST(RealWorld, ContextErrorsInsideAnUnclosedSectionAreNotReported)
{
    // The closing tag is misspelt: everything after it looks nested in the first <VirtualHost>.
    const std::string text = "<VirtualHost *:80>\n"
                             "    ServerName a.example\n"
                             "</VirtualHots>\n"
                             "<VirtualHost *:81>\n"
                             "    ServerName b.example\n"
                             "</VirtualHost>\n"
                             "WSGIPythonHome /srv/venv\n";
    for (Dialect dialect : {Dialect::ModWsgi6, Dialect::Engine}) {
        const ImportedConfig c = importText(text, dialect);
        EXPECT_GE(countCode(c.findings, "E-SYNTAX"), 1) << describe(c.findings);
        EXPECT_EQ(countCode(c.findings, "E-CONTEXT"), 0) << describe(c.findings);
        EXPECT_FINDING(c, Severity::Note, "N-FOLLOW-ON", 1);
    }
    const ParseResult r = parse(text);
    EXPECT_EQ(countCode(r.findings, "E-CONTEXT"), 0) << describe(r.findings);
    EXPECT_GE(countCode(r.findings, "E-SYNTAX"), 1) << describe(r.findings);
}

TEST(RealWorld, ContextErrorsInProperlyClosedSectionsAreStillReported)
{
    const std::string text = "<VirtualHost *:80>\n"
                             "    WSGIPythonHome /srv/venv\n"
                             "</VirtualHost>\n"
                             "<IfModule mod_wsgi.c>\n"
                             "</IfModul>\n";
    const ImportedConfig c = importText(text);
    EXPECT_FINDING(c, Severity::Error, "E-CONTEXT", 2);
}

TEST(RealWorld, ContainerWhoseGroupIsMissingSaysSoForModWsgi4)
{
    const std::string text = "WSGIDaemonProcess app\n"
                             "<WSGIInterpreterOptions process-group=missing>\n"
                             "    WSGISwitchInterval 0.002\n"
                             "    WSGIPythonPath /srv/lib\n"
                             "</WSGIInterpreterOptions>\n";
    const ImportedConfig c = importText(text, Dialect::Engine);
    const RenderResult r = renderSnippet(c.model, exportOptions(Dialect::ModWsgi4));
    int said = 0;
    for (const Finding& f : r.findings) {
        EXPECT_FALSE(contains(f.message, "names one daemon group")) << f.message;
        said +=
            contains(f.message, "process-group 'missing' is not defined by any WSGIDaemonProcess") ? 1 : 0;
    }
    EXPECT_EQ(said, 2) << describe(r.findings);
}
