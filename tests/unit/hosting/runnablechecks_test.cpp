#include "hosting/runnablechecks.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace wsgi;

namespace {

std::vector<config::Finding> checked(const std::string& text)
{
    const auto parsed = config::parseEngineConfig(text, "reload.conf");
    return hosting::checkRunnable(parsed.config);
}

TEST(RunnableChecks, AMissingScriptIsAnErrorAtItsLine)
{
    const auto findings =
        checked("WSGIDaemonProcess g\n\nWSGIScriptAlias /app /nonexistent/x/app.py process-group=g\n");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].severity, config::Severity::Error);
    EXPECT_EQ(findings[0].code, "E-SCRIPT-MISSING");
    EXPECT_EQ(findings[0].where.line, 3);
    EXPECT_NE(findings[0].message.find("/nonexistent/x/app.py"), std::string::npos);
    EXPECT_NE(findings[0].message.find("/app"), std::string::npos);
}

TEST(RunnableChecks, ExistingFilesAndDirectoriesPass)
{
    const std::string script = std::string(WSGI_SOURCE_DIR) + "/resources/apps/trivial.py";
    EXPECT_TRUE(checked("WSGIDaemonProcess g home=" + std::filesystem::temp_directory_path().string() +
                        "\nWSGIScriptAlias / " + script + " process-group=g\n")
                    .empty());
}

TEST(RunnableChecks, MissingDirectoriesAreErrors)
{
    const std::string script = std::string(WSGI_SOURCE_DIR) + "/resources/apps/trivial.py";
    const auto findings = checked("WSGIDaemonProcess g home=/nonexistent/h python-home=/nonexistent/p\n"
                                  "WSGIScriptAlias / " +
                                  script + " process-group=g\n");
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[0].code, "E-HOME-MISSING");
    EXPECT_EQ(findings[1].code, "E-PYTHON-HOME-MISSING");
    EXPECT_EQ(findings[0].where.line, 1);
}

} // namespace
