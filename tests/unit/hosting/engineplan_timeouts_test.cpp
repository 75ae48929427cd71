// The client and daemon timeouts the engine plans from a config, with Apache's and mod_wsgi's
// defaults where the config says nothing.

#include "hosting/engineplan.h"

#include <gtest/gtest.h>

using namespace wsgi::hosting;

namespace {

EnginePlan plan(const std::string& text)
{
    const auto parsed = wsgi::config::parseEngineConfig(text, "/tmp/engine.conf");
    EXPECT_TRUE(parsed.ok()) << text;
    return planEngine(parsed.config, RuntimeCatalog{});
}

TEST(EnginePlanTimeouts, SocketTimeoutDefaultsToApachesTimeoutOf60Seconds)
{
    const EnginePlan p =
        plan("WSGIDaemonProcess g threads=2\nWSGIScriptAlias / /srv/app.wsgi process-group=g\n");
    ASSERT_EQ(p.groups.size(), 1u);
    EXPECT_EQ(p.groups[0].socketTimeoutSeconds, 60);
}

TEST(EnginePlanTimeouts, SocketTimeoutFollowsTheTimeoutDirectiveUnlessGiven)
{
    const EnginePlan p = plan("Timeout 7\n"
                              "WSGIDaemonProcess a threads=2\n"
                              "WSGIDaemonProcess b threads=2 socket-timeout=3\n"
                              "WSGIScriptAlias /a /srv/app.wsgi process-group=a\n"
                              "WSGIScriptAlias /b /srv/app.wsgi process-group=b\n");
    ASSERT_EQ(p.groups.size(), 2u);
    EXPECT_EQ(p.groups[0].socketTimeoutSeconds, 7);
    EXPECT_EQ(p.groups[1].socketTimeoutSeconds, 3);
}

TEST(EnginePlanTimeouts, ClientTimeoutsHaveApachesDefaultsAndFollowTheDirectives)
{
    const EnginePlan defaults =
        plan("WSGIDaemonProcess g threads=2\nWSGIScriptAlias / /srv/app.wsgi process-group=g\n");
    EXPECT_EQ(defaults.readTimeouts, ReadTimeoutLimits{});
    EXPECT_EQ(defaults.readTimeouts.text(), "header=20-40,MinRate=500 body=20,MinRate=500");
    EXPECT_EQ(defaults.keepAliveTimeoutMs, 5000);

    const EnginePlan set =
        plan("RequestReadTimeout header=2-3,MinRate=100 body=4\n"
             "KeepAliveTimeout 2\n"
             "WSGIDaemonProcess g threads=2\nWSGIScriptAlias / /srv/app.wsgi process-group=g\n");
    EXPECT_EQ(set.readTimeouts.headerSeconds, 2);
    EXPECT_EQ(set.readTimeouts.headerMaxSeconds, 3);
    EXPECT_EQ(set.readTimeouts.headerMinRate, 100);
    EXPECT_EQ(set.readTimeouts.bodySeconds, 4);
    EXPECT_EQ(set.readTimeouts.bodyMinRate, 0);
    EXPECT_EQ(set.keepAliveTimeoutMs, 2000);
}

} // namespace
