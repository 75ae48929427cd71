// WSGIDaemonProcess: every mod_wsgi 6.0 option is recognised with its support level, values are read
// and validated as mod_wsgi does, and every error names option, value, what is allowed and the line.

#include "apache-config/daemonoptions.h"

#include "testsupport.h"

#include <gtest/gtest.h>

#include <set>

using namespace wsgi::config;
using namespace wsgi::config::test;

namespace {

ParseResult daemon(const std::string& options)
{
    return parse("WSGIDaemonProcess app " + options + "\n");
}

const DaemonGroup& onlyGroup(const ParseResult& r)
{
    static const DaemonGroup empty;
    EXPECT_EQ(r.config.groups.size(), 1u) << describe(r.findings);
    return r.config.groups.empty() ? empty : r.config.groups.front();
}

enum class Expect
{
    Field,
    Note,
    Warning,
    Error
};

struct OptionCase
{
    const char* option;
    const char* value;
    Expect expect;
};

// modwsgi.md section 1, every row, with a valid value each; plus the engine-only python=.
const std::vector<OptionCase> kEveryOption = {
    {"processes", "2", Expect::Field},
    {"threads", "5", Expect::Field},
    {"display-name", "'%{GROUP}'", Expect::Field},
    {"home", "/srv/app", Expect::Field},
    {"user", "www-data", Expect::Error},
    {"group", "www-data", Expect::Error},
    {"supplementary-groups", "adm,staff", Expect::Error},
    {"umask", "022", Expect::Note},
    {"lang", "en_US.UTF-8", Expect::Note},
    {"locale", "en_US.UTF-8", Expect::Note},
    {"chroot", "/srv/jail", Expect::Error},
    {"script-user", "www-data", Expect::Error},
    {"script-group", "www-data", Expect::Error},
    {"python-home", "/srv/venv", Expect::Field},
    {"python-path", "/srv/app:/srv/lib", Expect::Field},
    {"python-eggs", "/tmp/eggs", Expect::Note},
    {"switch-interval", "0.002", Expect::Field},
    {"stack-size", "524288", Expect::Note},
    {"maximum-requests", "1000", Expect::Field},
    {"restart-interval", "3600", Expect::Field},
    {"cpu-time-limit", "60", Expect::Field},
    {"cpu-priority", "5", Expect::Warning},
    {"memory-limit", "1000000000", Expect::Field},
    {"virtual-memory-limit", "2000000000", Expect::Field},
    {"inactivity-timeout", "300", Expect::Field},
    {"request-timeout", "60", Expect::Field},
    {"interrupt-timeout", "5", Expect::Field},
    {"graceful-timeout", "15", Expect::Field},
    {"eviction-timeout", "0", Expect::Note},
    {"shutdown-timeout", "5", Expect::Field},
    {"deadlock-timeout", "60", Expect::Field},
    {"startup-timeout", "15", Expect::Field},
    {"connect-timeout", "15", Expect::Note},
    {"socket-timeout", "60", Expect::Field},
    {"response-socket-timeout", "30", Expect::Error},
    {"queue-timeout", "45", Expect::Field},
    {"listen-backlog", "200", Expect::Field},
    {"socket-user", "www-data", Expect::Error},
    {"send-buffer-size", "65536", Expect::Note},
    {"receive-buffer-size", "65536", Expect::Note},
    {"header-buffer-size", "16384", Expect::Note},
    {"response-buffer-size", "131072", Expect::Note},
    {"response-flush-delay", "5", Expect::Note},
    {"server-metrics", "On", Expect::Note},
    {"python", "3.13t", Expect::Field},
};

} // namespace

TEST(DaemonOptions, TableCoversExactlyTheReferenceOptions)
{
    std::set<std::string> table;
    for (const DaemonOptionSpec& spec : daemonOptionTable())
        table.insert(std::string(spec.name));
    std::set<std::string> reference;
    for (const OptionCase& c : kEveryOption)
        reference.insert(c.option);
    EXPECT_EQ(table, reference);
    for (const DaemonOptionSpec& spec : daemonOptionTable()) {
        const bool needsReason = spec.support == OptionSupport::Ignored ||
                                 spec.support == OptionSupport::IgnoredWithCaveat ||
                                 spec.support == OptionSupport::NotImplemented;
        EXPECT_EQ(needsReason, !spec.reason.empty()) << spec.name;
    }
}

TEST(DaemonOptions, EveryOptionIsRecognisedWithItsSupportLevel)
{
    for (const OptionCase& c : kEveryOption) {
        SCOPED_TRACE(std::string(c.option) + "=" + c.value);
        const ParseResult r = daemon(std::string(c.option) + "=" + c.value);
        const DaemonGroup& g = onlyGroup(r);
        EXPECT_TRUE(g.options.count(c.option)) << "every option is stored as written";
        EXPECT_EQ(g.optionLines.at(c.option), 1);
        switch (c.expect) {
        case Expect::Field:
            EXPECT_TRUE(r.findings.empty()) << describe(r.findings);
            break;
        case Expect::Note: {
            ASSERT_EQ(r.findings.size(), 1u) << describe(r.findings);
            EXPECT_EQ(r.findings[0].code, "N-IGNORED-OPTION");
            EXPECT_EQ(r.findings[0].severity, Severity::Note);
            EXPECT_TRUE(contains(r.findings[0].message,
                                 std::string("option '") + c.option + "' of WSGIDaemonProcess"));
            break;
        }
        case Expect::Warning: {
            ASSERT_EQ(r.findings.size(), 1u) << describe(r.findings);
            EXPECT_EQ(r.findings[0].code, "W-IGNORED-OPTION");
            EXPECT_EQ(r.findings[0].severity, Severity::Warning);
            break;
        }
        case Expect::Error: {
            ASSERT_EQ(r.findings.size(), 1u) << describe(r.findings);
            const Finding& f = r.findings[0];
            EXPECT_EQ(f.code, "E-UNSUPPORTED-OPTION");
            EXPECT_EQ(f.severity, Severity::Error);
            EXPECT_EQ(f.where.line, 1);
            EXPECT_TRUE(contains(f.message, std::string("option '") + c.option +
                                                "' of WSGIDaemonProcess is not implemented by the engine"))
                << f.message;
            EXPECT_FALSE(f.suggestion.empty());
            break;
        }
        }
    }
}

TEST(DaemonOptions, DefaultsAreModWsgis)
{
    const ParseResult r = daemon("");
    const DaemonGroup& g = onlyGroup(r);
    EXPECT_EQ(g.processes, 1);
    EXPECT_FALSE(g.processesExplicit);
    EXPECT_EQ(g.threads, 15);
    EXPECT_FALSE(g.switchInterval);
    EXPECT_EQ(g.listenBacklog, 100);
    EXPECT_EQ(g.queueTimeout, 0);
    EXPECT_EQ(g.socketTimeout, 0);
    EXPECT_EQ(g.gracefulTimeout, 15);
    EXPECT_EQ(g.shutdownTimeout, 5);
    EXPECT_EQ(g.maximumRequests, 0);
    EXPECT_EQ(g.requestTimeoutSeconds, 0);
    EXPECT_EQ(g.interruptTimeoutSeconds, 0);
    EXPECT_EQ(g.deadlockTimeoutSeconds, 300);
    EXPECT_TRUE(g.options.empty());
    EXPECT_EQ(g.where.line, 1);
}

TEST(DaemonOptions, ImplementedOptionsFillTheModel)
{
    const ParseResult r =
        daemon("processes=1 threads=8 switch-interval=0.0001 python-path='/srv/a::/srv/b:' "
               "python-home=/srv/venv display-name=workers home=\"/srv/my app\" listen-backlog=50 "
               "queue-timeout=45 socket-timeout=60 graceful-timeout=30 shutdown-timeout=10 "
               "maximum-requests=500 python=3.11");
    EXPECT_TRUE(r.findings.empty()) << describe(r.findings);
    const DaemonGroup& g = onlyGroup(r);
    EXPECT_EQ(g.processes, 1);
    EXPECT_TRUE(g.processesExplicit) << "an explicit processes=1 makes wsgi.multiprocess True";
    EXPECT_EQ(g.threads, 8);
    EXPECT_DOUBLE_EQ(g.switchInterval.value_or(0), 0.0001);
    EXPECT_EQ(g.pythonPath, (std::vector<std::string>{"/srv/a", "/srv/b"}));
    EXPECT_EQ(g.pythonHome, "/srv/venv");
    EXPECT_EQ(g.displayName, "workers");
    EXPECT_EQ(g.processTitle(), "workers");
    EXPECT_EQ(g.home, "/srv/my app");
    EXPECT_EQ(g.listenBacklog, 50);
    EXPECT_EQ(g.queueTimeout, 45);
    EXPECT_EQ(g.socketTimeout, 60);
    EXPECT_EQ(g.gracefulTimeout, 30);
    EXPECT_EQ(g.shutdownTimeout, 10);
    EXPECT_EQ(g.maximumRequests, 500);
    EXPECT_EQ(g.runtime, "3.11");
    EXPECT_EQ(g.options.at("python-path"), "/srv/a::/srv/b:");
    EXPECT_EQ(g.options.at("home"), "/srv/my app");
}

TEST(DaemonOptions, InvalidValuesNameOptionValueAndWhatIsAllowed)
{
    struct Bad
    {
        const char* text;
        const char* expected; // a fragment of the message
    };
    const std::vector<Bad> cases = {
        {"processes=0",
         "invalid value '0' for option 'processes' of WSGIDaemonProcess: expected an integer >= 1"},
        {"processes=abc", "expected an integer >= 1; mod_wsgi would read it as 0"},
        {"processes=", "invalid value '' for option 'processes'"},
        {"threads=70000", "expected an integer from 0 to 65533"},
        {"threads=-1", "expected an integer from 0 to 65533"},
        {"home=srv/app", "expected an absolute directory starting with '/'"},
        {"home=", "expected an absolute directory"},
        {"chroot=jail", "expected an absolute directory"},
        {"switch-interval=0", "expected a number of seconds > 0"},
        {"switch-interval=-0.001", "expected a number of seconds > 0"},
        {"switch-interval=abc", "Invalid switch interval"},
        {"switch-interval=0.002s", "invalid value '0.002s' for option 'switch-interval'"},
        {"queue-timeout=-5", "expected whole seconds >= 0"},
        {"graceful-timeout=soon", "expected whole seconds >= 0"},
        {"response-flush-delay=-1", "expected whole milliseconds >= 0 (this option is in milliseconds)"},
        {"send-buffer-size=100", "expected 0 (the default) or a byte count >= 512"},
        {"receive-buffer-size=511", "byte count >= 512"},
        {"header-buffer-size=1000", "byte count >= 8192"},
        {"response-buffer-size=65535", "byte count >= 65536"},
        {"stack-size=0", "expected an integer >= 1"},
        {"memory-limit=-1", "expected a byte count >= 0"},
        {"maximum-requests=-1", "expected an integer >= 0"},
        {"listen-backlog=-1", "expected an integer >= 0"},
        {"umask=089", "expected an octal mask such as 022"},
        {"server-metrics=maybe", "expected On or Off"},
        {"user=", "expected a name or #id"},
        {"python=3", "expected a Python runtime such as 3.11, 3.13 or 3.13t"},
        {"python=python3.13", "expected a Python runtime"},
        {"python=3.12t", "free-threaded ('t') builds exist from Python 3.13 on"},
        {"processes=99999999999", "expected an integer >= 1"},
    };
    for (const Bad& c : cases) {
        SCOPED_TRACE(c.text);
        const ParseResult r = parse(std::string("Listen 80\nWSGIDaemonProcess app \\\n    ") + c.text + "\n");
        const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 3);
        EXPECT_TRUE(contains(f->message, c.expected)) << f->message;
        EXPECT_FALSE(f->suggestion.empty());
        EXPECT_FALSE(r.ok());
    }
}

TEST(DaemonOptions, InvalidValueKeepsTheDefault)
{
    const ParseResult r = daemon("processes=0 threads=99999 switch-interval=0");
    const DaemonGroup& g = onlyGroup(r);
    EXPECT_EQ(g.processes, 1);
    EXPECT_FALSE(g.processesExplicit);
    EXPECT_EQ(g.threads, 15);
    EXPECT_FALSE(g.switchInterval);
    EXPECT_EQ(countCode(r.findings, "E-BAD-VALUE"), 3);
}

TEST(DaemonOptions, ThreadsZeroIsServiceScriptModeWhichTheEngineLacks)
{
    const ParseResult r = daemon("threads=0");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-VALUE", 1);
    EXPECT_TRUE(contains(f->message, "service-script mode"));
}

TEST(DaemonOptions, UserRootIsBlockedAsInModWsgi)
{
    const ParseResult r = daemon("user=root");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 1);
    EXPECT_TRUE(contains(f->message, "WSGI process blocked from running as root"));
}

TEST(DaemonOptions, ScriptUserAndScriptGroupAreMutuallyExclusive)
{
    const ParseResult r = daemon("script-user=a script-group=b");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-BAD-VALUE", 1);
    EXPECT_TRUE(contains(f->message, "cannot both be set"));
}

TEST(DaemonOptions, TimeValuesAreTruncatedLikeAtoiWithAWarning)
{
    const ParseResult r = daemon("queue-timeout=4.5 socket-timeout=60s processes=2.9");
    const DaemonGroup& g = onlyGroup(r);
    EXPECT_EQ(g.queueTimeout, 4);
    EXPECT_EQ(g.socketTimeout, 60);
    EXPECT_EQ(g.processes, 2);
    EXPECT_EQ(countCode(r.findings, "W-TRUNCATED"), 3) << describe(r.findings);
    const Finding* f = findFinding(r.findings, "W-TRUNCATED");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->message, "option 'queue-timeout' value '4.5' is read as 4 seconds: mod_wsgi reads it with "
                          "atoi and ignores '.5'");
    EXPECT_EQ(f->suggestion, "write queue-timeout=4");
    EXPECT_TRUE(r.ok());
}

TEST(DaemonOptions, CpuPriorityOutsideTheNiceRangeIsAWarning)
{
    const ParseResult r = daemon("cpu-priority=30");
    EXPECT_FINDING(r, Severity::Warning, "W-OUT-OF-RANGE", 1);
    EXPECT_TRUE(r.ok());
}

TEST(DaemonOptions, UnknownOptionsAreErrorsWithSuggestions)
{
    const ParseResult r = parse("WSGIDaemonProcess app proceses=2\n"
                                "WSGIDaemonProcess b Processes=2\n"
                                "WSGIDaemonProcess c frobnicate=1\n"
                                "WSGIDaemonProcess d 'display-name=%{GROUP}'\n"
                                "WSGIDaemonProcess e threads\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 1);
    EXPECT_EQ(f->message, "invalid option 'proceses' to WSGIDaemonProcess");
    EXPECT_EQ(f->suggestion, "did you mean 'processes'?");
    f = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 2);
    EXPECT_EQ(f->suggestion, "option names are case-sensitive: write 'processes'");
    f = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 3);
    EXPECT_EQ(f->message, "invalid option 'frobnicate' to WSGIDaemonProcess");
    f = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 4);
    EXPECT_EQ(f->suggestion, "quote only the value, not the whole option: name='value'");
    f = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 5);
    EXPECT_TRUE(contains(f->message, "not of the form name=value"));
    // Case-sensitive: 'Processes' did not set anything.
    EXPECT_EQ(r.config.groups[1].processes, 1);
}

TEST(DaemonOptions, TrailingCommentIsOneError)
{
    const ParseResult r = daemon("threads=5 # five threads");
    EXPECT_EQ(countSeverity(r.findings, Severity::Error), 1) << describe(r.findings);
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 1);
    EXPECT_EQ(f->suggestion, "put the comment on a line of its own");
    EXPECT_EQ(onlyGroup(r).threads, 5);
}

TEST(DaemonOptions, RepeatedOptionWarnsAndTheLastWins)
{
    const ParseResult r = parse("WSGIDaemonProcess app threads=5 \\\n  threads=7\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Warning, "W-REPEATED-OPTION", 2);
    EXPECT_TRUE(contains(f->message, "lines 1 and 2"));
    EXPECT_EQ(onlyGroup(r).threads, 7);
    EXPECT_EQ(onlyGroup(r).options.at("threads"), "7");
}

TEST(DaemonOptions, MissingNameAndOptionLookingName)
{
    ParseResult r = parse("WSGIDaemonProcess\n");
    EXPECT_FINDING(r, Severity::Error, "E-ARGUMENTS", 1);
    EXPECT_TRUE(r.config.groups.empty());
    r = parse("WSGIDaemonProcess processes=2\n");
    EXPECT_FINDING(r, Severity::Warning, "E-BAD-VALUE", 1);
    EXPECT_EQ(r.config.groups.at(0).name, "processes=2");
}

TEST(DaemonOptions, QuotedNameMayContainSpaces)
{
    const ParseResult r = parse("WSGIDaemonProcess 'my app' threads=3\n");
    EXPECT_EQ(onlyGroup(r).name, "my app");
    EXPECT_EQ(onlyGroup(r).threads, 3);
}

TEST(DaemonOptions, DuplicateGroupNamesCiteBothLines)
{
    const ParseResult r =
        parse("WSGIDaemonProcess app threads=2\nListen 80\nWSGIDaemonProcess app threads=9\n");
    const Finding* f = EXPECT_FINDING(r, Severity::Error, "E-DUPLICATE-GROUP", 3);
    EXPECT_TRUE(contains(f->message, "on line 1 and on line 3")) << f->message;
    ASSERT_EQ(r.config.groups.size(), 1u);
    EXPECT_EQ(r.config.groups[0].threads, 2) << "the first definition stays";
}

TEST(DaemonOptions, ErrorsOnContinuationLinesNameThatLine)
{
    const ParseResult r = parse("WSGIDaemonProcess app processes=2 \\\n"
                                "    threads=5 \\\n"
                                "    user=www-data \\\n"
                                "    bogus=1\n");
    EXPECT_FINDING(r, Severity::Error, "E-UNSUPPORTED-OPTION", 3);
    EXPECT_FINDING(r, Severity::Error, "E-UNKNOWN-OPTION", 4);
    EXPECT_EQ(onlyGroup(r).optionLines.at("threads"), 2);
}

TEST(DaemonOptions, LifecycleOptionsFillTheirFields)
{
    const ParseResult r = daemon("restart-interval=2 inactivity-timeout=1 startup-timeout=3 cpu-time-limit=4 "
                                 "memory-limit=5000000000 virtual-memory-limit=6000000000");
    const DaemonGroup& g = onlyGroup(r);
    EXPECT_TRUE(r.findings.empty()) << describe(r.findings);
    EXPECT_EQ(g.restartIntervalSeconds, 2);
    EXPECT_EQ(g.inactivityTimeoutSeconds, 1);
    EXPECT_EQ(g.startupTimeoutSeconds, 3);
    EXPECT_EQ(g.cpuTimeLimitSeconds, 4);
    EXPECT_EQ(g.memoryLimitBytes, 5000000000LL) << "memory limits are 64-bit, as mod_wsgi reads them";
    EXPECT_EQ(g.virtualMemoryLimitBytes, 6000000000LL);
}
