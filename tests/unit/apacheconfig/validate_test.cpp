// Validation of real httpd.conf text under Apache's rules (importConfig): every kind of finding issue 5
// lists, each with its stable code, severity, line, and the suggested fix.

#include "apache-config/configimport.h"

#include "seedconfigs.h"
#include "testsupport.h"

#include <gtest/gtest.h>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

ImportedConfig check(const std::string& text, Dialect dialect = Dialect::ModWsgi6,
                     const std::string& python = {})
{
    ImportOptions options;
    options.dialect = dialect;
    options.python = python;
    options.followIncludes = false;
    return importConfig(text, "/etc/apache2/test.conf", options);
}

const SeedConfig& seed(std::string_view name)
{
    for (const SeedConfig& s : seedConfigs())
        if (std::string_view(s.name).find(name) != std::string_view::npos)
            return s;
    throw std::runtime_error("no seed named " + std::string(name));
}

} // namespace

TEST(Validate, AnyApacheDirectiveIsFineOnlyWsgiOnesAreChecked)
{
    const ImportedConfig r = check("Alias /static /srv/static\nRewriteEngine On\nRewriteRule ^/x /y [R]\n"
                                   "SSLEngine on\n<Location /x>\n  Require all granted\n</Location>\n"
                                   "<Macro VHost $name>\n</Macro>\nInclude conf.d/*.conf\n");
    EXPECT_EQ(countSeverity(r.findings, Severity::Error), 0) << describe(r.findings);
}

TEST(Validate, DaemonOptionsUnitsRangesAndUnknownNames)
{
    const ImportedConfig r = check("WSGIDaemonProcess app threads=70000 queue-timeout=45s proceses=2 "
                                   "response-flush-delay=0.5 display-name=%{GROUP}\n");
    EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 1);
    EXPECT_TRUE(contains(findFinding(r.findings, "E-BAD-VALUE")->message, "an integer from 0 to 65533"));
    const Finding* truncated = EXPECT_FINDING(r, Severity::Warning, "W-TRUNCATED", 1);
    EXPECT_TRUE(contains(truncated->message, "is read as 45 seconds")) << truncated->message;
    EXPECT_EQ(truncated->suggestion, "write queue-timeout=45");
    const Finding* unknown = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 1);
    EXPECT_TRUE(contains(unknown->message, "proceses")) << unknown->message;
    EXPECT_EQ(unknown->suggestion, "did you mean 'processes'?");
    const Finding* ms = findFinding(r.findings, "W-TRUNCATED");
    ASSERT_NE(ms, nullptr);
    EXPECT_EQ(countCode(r.findings, "W-TRUNCATED"), 2) << describe(r.findings); // 0.5 ms reads as 0 ms
}

TEST(Validate, OptionsAndDirectivesThatTheTargetVersionLacks)
{
    const ImportedConfig four =
        check("WSGIDaemonProcess app switch-interval=0.002\nWSGISwitchInterval 0.002\n", Dialect::ModWsgi4);
    const Finding* option = EXPECT_FINDING(four, Severity::Error, "E-UNKNOWN-OPTION", 1);
    EXPECT_TRUE(contains(option->message, "does not exist in mod_wsgi 4.9")) << option->message;
    EXPECT_TRUE(contains(option->suggestion, "export for modwsgi-4"));
    const Finding* command = EXPECT_FINDING(four, Severity::Error, "E-INVALID-COMMAND", 2);
    EXPECT_TRUE(contains(command->message, "Invalid command 'WSGISwitchInterval'"));
    EXPECT_TRUE(contains(command->suggestion, "mod_wsgi 6 only"));

    const ImportedConfig six = check("WSGIDaemonProcess app python=3.13t\nWSGILazyInitialization On\n"
                                     "WSGIDaemonProces other\n");
    EXPECT_TRUE(contains(EXPECT_FINDING(six, Severity::Error, "E-UNKNOWN-OPTION", 1)->message,
                         "engine's own option"));
    EXPECT_EQ(EXPECT_FINDING(six, Severity::Error, "E-INVALID-COMMAND", 2)->suggestion,
              "mod_wsgi 6.0 removed it; delete it");
    EXPECT_EQ(EXPECT_FINDING(six, Severity::Error, "E-INVALID-COMMAND", 3)->suggestion,
              "did you mean 'WSGIDaemonProcess'?");
}

TEST(Validate, DuplicateGroupsAndGroupsUsedBeforeTheyAreDefined)
{
    const ImportedConfig r =
        check("WSGIScriptAlias / /srv/app.py process-group=app application-group=%{GLOBAL}\n"
              "WSGIImportScript /srv/warm.py process-group=app application-group=%{GLOBAL}\n"
              "WSGIDaemonProcess app\n"
              "WSGIDaemonProcess app threads=2\n");
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-GROUP-ORDER", 1)->suggestion, "above line 1"));
    EXPECT_TRUE(
        contains(EXPECT_FINDING(r, Severity::Error, "E-GROUP-ORDER", 2)->message, "not yet configured"));
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-DUPLICATE-GROUP", 4)->message,
                         "Name duplicates previous"));
}

TEST(Validate, ImportScriptNeedsBothGroups)
{
    const ImportedConfig r =
        check("WSGIDaemonProcess app\nWSGIImportScript /srv/warm.py process-group=app\n");
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-IMPORT-SCRIPT", 2)->message,
                         "Name of WSGI application group required."));
}

TEST(Validate, GlobalMeansEmbeddedModeWhichRestrictEmbeddedForbids)
{
    const ImportedConfig r = check("WSGIRestrictEmbedded On\nWSGIDaemonProcess app\n"
                                   "WSGIScriptAlias /a /srv/a.py process-group=%{GLOBAL}\n"
                                   "<WSGIInterpreterOptions process-group=app application-group=%{GLOBAL}>\n"
                                   "WSGIPerInterpreterGIL On\n</WSGIInterpreterOptions>\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-EMBEDDED-RESTRICTED", 3);
    EXPECT_EQ(f->suggestion, "add process-group=app");
    EXPECT_FINDING(r, Severity::Warning, "W-GIL-MAIN-INTERPRETER", 5);
    // Without the restriction embedded mode is legitimate under Apache.
    const ImportedConfig open = check("WSGIScriptAlias /a /srv/a.py process-group=%{GLOBAL}\n");
    EXPECT_EQ(countSeverity(open.findings, Severity::Error), 0) << describe(open.findings);
}

TEST(Validate, ServerOnlyDirectivesAndSectionsInTheWrongContext)
{
    const ImportedConfig r =
        check("<VirtualHost *:80>\n"
              "WSGIPythonPath /srv/lib\n"
              "StartServers 4\n"
              "<WSGIInterpreterOptions process-group=x>\n</WSGIInterpreterOptions>\n"
              "</VirtualHost>\n"
              "<Location /x>\nWSGIDaemonProcess inner\nWSGIProcessGroup fine\n</Location>\n"
              "<WSGIInterpreterOptions>\nWSGIDaemonProcess nested\n</WSGIInterpreterOptions>\n");
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 2)->message,
                         "cannot occur within <VirtualHost> section"));
    EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 3);
    EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 4);
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 8)->message, "not allowed here"));
    EXPECT_EQ(findFinding(r.findings, "E-CONTEXT", 9), nullptr); // WSGIProcessGroup is fine in <Location>
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-CONTEXT", 12)->message,
                         "not allowed inside <WSGIInterpreterOptions>"));
}

TEST(Validate, ModWsgi6GilRulesForThePythonItRuns)
{
    const std::string text = "WSGIDaemonProcess app switch-interval=0.002\n"
                             "WSGIScriptAlias / /srv/a.py process-group=app application-group=cpu\n"
                             "<WSGIInterpreterOptions process-group=app application-group=cpu>\n"
                             "WSGIPerInterpreterGIL On\n"
                             "WSGIFreeThreading On\n"
                             "</WSGIInterpreterOptions>\n"
                             "<WSGIInterpreterOptions process-group=app application-group=other>\n"
                             "WSGISwitchInterval 0.001\n"
                             "</WSGIInterpreterOptions>\n"
                             "WSGIFreeThreading On\n"
                             "WSGISwitchInterval 0.01\n";
    const ImportedConfig old = check(text, Dialect::ModWsgi6, "3.11");
    EXPECT_FINDING(old, Severity::Warning, "WSGI0198", 4);  // own GIL needs 3.12+
    EXPECT_FINDING(old, Severity::Warning, "WSGI0200", 10); // not a free-threaded build
    EXPECT_FINDING(old, Severity::Warning, "WSGI0201", 5);  // free-threading per application group
    EXPECT_FINDING(old, Severity::Warning, "WSGI0199", 8);  // app-group switch interval without own GIL
    EXPECT_FINDING(old, Severity::Warning, "W-SWITCH-INTERVAL-OVERLAP", 1);

    const ImportedConfig ft = check(text, Dialect::ModWsgi6, "3.13t");
    EXPECT_FINDING(ft, Severity::Warning, "WSGI0202", 4);  // own GIL skipped under free-threading
    EXPECT_FINDING(ft, Severity::Warning, "WSGI0204", 1);  // daemon switch-interval skipped
    EXPECT_FINDING(ft, Severity::Warning, "WSGI0203", 11); // top-level interval skipped
    EXPECT_FINDING(ft, Severity::Warning, "WSGI0205", 8);  // container interval skipped
}

TEST(Validate, RequestTimeoutWithoutTheMonitorThread)
{
    const ImportedConfig r = check("WSGIDaemonProcess app \\\n  request-timeout=60 deadlock-timeout=0\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Warning, "W-REQUEST-TIMEOUT-INERT", 2);
    EXPECT_TRUE(contains(f->message, "never fires")) << f->message;
    EXPECT_EQ(
        countCode(check("WSGIDaemonProcess app request-timeout=60\n").findings, "W-REQUEST-TIMEOUT-INERT"),
        0);
}

TEST(Validate, MemoryLimitBelowTheThreadStacksIsFlagged)
{
    // 5 threads: 5 x 8 MiB of stacks + 32 MiB = 72 MiB.
    const ImportedConfig low = check("WSGIDaemonProcess app threads=5 \\\n  memory-limit=50000000\n");
    const Finding* f = EXPECT_FINDING(low, Severity::Warning, "W-MEMORY-LIMIT-LOW", 2);
    EXPECT_TRUE(contains(f->message, "below 72 MiB")) << f->message;
    EXPECT_EQ(countCode(check("WSGIDaemonProcess app threads=5 virtual-memory-limit=40000000\n").findings,
                        "W-MEMORY-LIMIT-LOW"),
              1);
    EXPECT_EQ(countCode(check("WSGIDaemonProcess app threads=5 memory-limit=1073741824\n").findings,
                        "W-MEMORY-LIMIT-LOW"),
              0);
}

TEST(Validate, QuotedSelectorsInTheSeedMatchNothing)
{
    const ImportedConfig r =
        check(seed("switch-interval-benchmark: container").text, Dialect::ModWsgi6, "3.13");
    EXPECT_FINDING(r, Severity::Warning, "W-QUOTED-SELECTOR", 2);
}

TEST(Validate, SeedStartServersTenWithMaxSpareSeventyFiveIsExplained)
{
    const ImportedConfig r = check(seed("the question's worker MPM").text);
    const Finding* f = EXPECT_FINDING(r, Severity::Warning, "W-MPM-START-EXCESS", 1);
    EXPECT_EQ(
        f->message,
        "StartServers 10 starts 10 processes with 250 idle threads (25 each), more than MaxSpareThreads 75. "
        "With no load Apache stops one process a second until idle threads are back under MaxSpareThreads: "
        "3 processes remain after 7 seconds, so 7 of the processes it started are thrown away.");
    EXPECT_EQ(f->suggestion,
              "start 3 (StartServers 3), or keep 10 by raising MaxSpareThreads to at least 250");
    EXPECT_EQ(countCode(check(seed("fifteen servers").text).findings, "W-MPM-START-EXCESS"), 0);
    EXPECT_EQ(countCode(check(seed("extra/httpd-mpm.conf").text).findings, "W-MPM-START-EXCESS"), 0);
}

TEST(Validate, MpmValuesHttpdCorrectsAtStartupWithTheValueItUses)
{
    const ImportedConfig r = check("<IfModule mpm_event_module>\n"
                                   "  ThreadsPerChild 80\n"
                                   "  MaxRequestWorkers 150\n"
                                   "  MinSpareThreads 25\n"
                                   "  MaxSpareThreads 60\n"
                                   "  StartServers two\n"
                                   "</IfModule>\n"
                                   "<IfModule mpm_prefork_module>\n  MaxRequestWorkers 3\n</IfModule>\n");
    const Finding* tpc = EXPECT_FINDING(r, Severity::Warning, "W-MPM-CORRECTED", 2);
    EXPECT_EQ(tpc->message,
              "ThreadsPerChild 80 is silently changed by httpd (event MPM) to 64: ThreadsPerChild "
              "exceeds ThreadLimit 64, so it is lowered to it");
    EXPECT_EQ(tpc->suggestion, "write ThreadsPerChild 64 so the file says what Apache does");
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Warning, "W-MPM-CORRECTED", 3)->message, "to 128"));
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Warning, "W-MPM-CORRECTED", 5)->message, "to 90"));
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Warning, "W-MPM-VALUE", 6)->message, "with atoi as 0"));
    EXPECT_FINDING(r, Severity::Warning, "W-MPM-CORRECTED", 6); // StartServers 0 -> 1
}

TEST(Validate, DaemonSizingAgainstMaxRequestWorkersAndMemory)
{
    ImportOptions options;
    options.followIncludes = false;
    options.processRssMiB = 300;
    options.hostMemoryMiB = 2048;
    const std::string text = "LoadModule mpm_event_module modules/mod_mpm_event.so\n"
                             "MaxRequestWorkers 100\n"
                             "WSGIDaemonProcess big processes=8 threads=20\n";
    const ImportedConfig r = importConfig(text, "/etc/apache2/test.conf", options);
    const Finding* workers = EXPECT_FINDING(r, Severity::Warning, "W-SIZING-WORKERS", 2);
    EXPECT_TRUE(contains(workers->message, "160 request threads in all")) << workers->message;
    EXPECT_TRUE(contains(workers->message, "at least 60 daemon threads can never be busy"))
        << workers->message;
    const Finding* memory = EXPECT_FINDING(r, Severity::Warning, "W-SIZING-MEMORY", 3);
    EXPECT_TRUE(contains(memory->message, "8 daemon processes at 300 MiB each need 2400 MiB"))
        << memory->message;
    options.hostMemoryMiB = 0;
    EXPECT_FINDING(importConfig(text, "/etc/apache2/test.conf", options), Severity::Note, "N-SIZING", 3);
}

TEST(Validate, ShadowedAliasIsNeverReached)
{
    const ImportedConfig r = check("WSGIScriptAlias / /srv/root.py\nWSGIScriptAlias /api /srv/api.py\n"
                                   "WSGIScriptAlias /apiv2 /srv/v2.py\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Warning, "W-ALIAS-SHADOWED", 2);
    EXPECT_EQ(f->suggestion, "move the WSGIScriptAlias /api above line 1");
    EXPECT_EQ(countCode(r.findings, "W-ALIAS-SHADOWED"), 2);
}

TEST(Validate, DaemonGroupFromAnotherServerName)
{
    const ImportedConfig r =
        check("<VirtualHost *:80>\nServerName a.example\nWSGIDaemonProcess app\n</VirtualHost>\n"
              "<VirtualHost *:443>\nServerName b.example\n"
              "WSGIScriptAlias / /srv/a.py process-group=app\n</VirtualHost>\n");
    EXPECT_TRUE(contains(EXPECT_FINDING(r, Severity::Error, "E-GROUP-ACCESS", 7)->message, "not accessible"));
}
