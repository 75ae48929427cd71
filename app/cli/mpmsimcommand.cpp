#include "cli/mpmsimcommand.h"

#include "cli/validatecommand.h"

#include "apache-config/modeljson.h"
#include "apache-config/mpmsim.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

const QString kCommand = u"mpm-sim"_s;

struct NumberOption
{
    const char* name; // command-line option
    const char* directive;
    int mpm::Settings::*field;
    int min; // below httpd's own floors on purpose: the simulator shows how httpd corrects them
    int max;
};

const std::vector<NumberOption> kNumbers = {
    {"start-servers", "StartServers.", &mpm::Settings::startServers, -1000000, 1000000},
    {"server-limit", "ServerLimit.", &mpm::Settings::serverLimit, -1000000, 1000000},
    {"thread-limit", "ThreadLimit.", &mpm::Settings::threadLimit, -1000000, 1000000},
    {"threads-per-child", "ThreadsPerChild.", &mpm::Settings::threadsPerChild, -1000000, 1000000},
    {"max-request-workers", "MaxRequestWorkers (MaxClients).", &mpm::Settings::maxRequestWorkers, -1000000,
     100000000},
    {"min-spare-threads", "MinSpareThreads.", &mpm::Settings::minSpareThreads, -1000000, 100000000},
    {"max-spare-threads", "MaxSpareThreads.", &mpm::Settings::maxSpareThreads, -1000000, 100000000},
    {"buckets", "Listener buckets (ListenCoresBucketsRatio); thresholds are per bucket.",
     &mpm::Settings::buckets, 1, 64},
};

QString pad(const QString& s, int width)
{
    return s.rightJustified(width);
}

void printTable(const mpm::Simulation& sim)
{
    const mpm::Settings& s = sim.effective.used;
    printOut(QString::fromStdString(std::string(config::mpmName(sim.kind))) + u" MPM: StartServers "_s +
             QString::number(s.startServers) + u", ThreadsPerChild "_s + QString::number(s.threadsPerChild) +
             u", MinSpareThreads "_s + QString::number(s.minSpareThreads) + u", MaxSpareThreads "_s +
             QString::number(s.maxSpareThreads) + u", MaxRequestWorkers "_s +
             QString::number(s.maxRequestWorkers) + u" (at most "_s +
             QString::number(sim.effective.activeDaemonsLimit) + u" processes), ServerLimit "_s +
             QString::number(s.serverLimit) + u'\n');
    for (const mpm::Correction& c : sim.effective.corrections)
        printOut(u"httpd changes "_s + QString::fromStdString(c.directive) + u' ' +
                 QString::number(c.written) + u" to "_s + QString::number(c.used) + u" at start-up: "_s +
                 QString::fromStdString(c.reason) + u'\n');
    printOut(u"second  load  processes  stopping   busy   idle  waiting  event\n"_s);
    for (const mpm::SecondSample& x : sim.samples)
        printOut(pad(QString::number(x.second), 6) + pad(QString::number(x.load), 6) +
                 pad(QString::number(x.processes), 11) + pad(QString::number(x.stopping), 10) +
                 pad(QString::number(x.busy), 7) + pad(QString::number(x.idle), 7) +
                 pad(QString::number(x.waiting), 9) + u"  "_s + QString::fromStdString(x.event) + u'\n');
}

ExitCode runMpmSim(const QStringList& arguments)
{
    std::vector<OptionSpec> specs = {
        {{u"mpm"_s}, u"event|worker"_s, u"Which MPM to simulate."_s, u"event"_s},
        {{u"load"_s},
         u"PROFILE"_s,
         u"Concurrent requests over time: SECOND:REQUESTS points separated by commas, e.g. 0:0,10:200,60:50 "
         "(linear between points, constant before the first and after the last)."_s,
         u"0:0"_s},
        {{u"duration"_s},
         u"SECONDS"_s,
         u"How long to simulate. Default: the last point of --load plus 30."_s,
         {}},
        {{u"config"_s},
         u"FILE"_s,
         u"Take the MPM settings from an httpd.conf (with its Includes); the options below override them."_s,
         {}},
        {{u"json"_s}, {}, u"Print one JSON document instead of a table."_s, {}},
    };
    for (const NumberOption& n : kNumbers)
        specs.push_back({{QString::fromLatin1(n.name)}, u"N"_s, QString::fromLatin1(n.directive), {}});
    CommandOptions options(
        kCommand, u"[--mpm event|worker] [--start-servers N ...] --load PROFILE [--json]"_s,
        u"Simulates httpd's MPM maintenance once a second, as httpd does it: more idle threads than "
        "MaxSpareThreads stop one process a second; fewer than MinSpareThreads fork 1, 2, 4 ... 32 processes "
        "a "
        "second while the shortage lasts; MaxRequestWorkers and ServerLimit cap the processes. Settings "
        "not given keep httpd's defaults (StartServers 3, ThreadsPerChild 25, MinSpareThreads 75, "
        "MaxSpareThreads 250, ServerLimit 16, ThreadLimit 64, MaxRequestWorkers 400), and values httpd "
        "corrects at start-up are corrected first and listed. Prints, per second: the load, processes "
        "serving, processes told to stop, busy and idle threads, requests waiting, and what Apache did."
        "\n\n"
        "Example, the seed's case: mpm-sim --mpm worker --start-servers 10 --max-request-workers 400 "
        "--min-spare-threads 25 --max-spare-threads 75 --threads-per-child 25 --load 0:0 --duration 10"
        "\n\n"
        "Exit status: 0 simulated, 1 --config unreadable, 2 usage error."_s,
        specs);
    if (const std::optional<ExitCode> exit = options.parseOrExit(arguments))
        return *exit;
    const std::optional<config::MpmKind> kind = config::mpmFromName(options.value(u"mpm"_s).toStdString());
    if (!kind || *kind == config::MpmKind::Prefork)
        return options.usageError(
            u"--mpm must be event or worker (prefork has no threads to simulate), not '"_s +
            options.value(u"mpm"_s) + u'\'');
    std::string error;
    const std::optional<mpm::LoadProfile> load =
        mpm::parseLoadProfile(options.value(u"load"_s).toStdString(), error);
    if (!load)
        return options.usageError(u"--load: "_s + QString::fromStdString(error));

    mpm::Settings settings;
    if (options.isSet(u"config"_s)) {
        config::ImportOptions importOptions;
        const config::ImportedConfig imported =
            config::importConfigFile(options.value(u"config"_s).toStdString(), importOptions);
        for (const config::Finding& f : imported.findings)
            if (configcli::isFatal(f)) {
                configcli::printFindings({f}, false);
                return configcli::kConfigError;
            }
        settings = mpm::settingsFromModel(imported.model, *kind);
    }
    for (const NumberOption& n : kNumbers) {
        const QString name = QString::fromLatin1(n.name);
        if (!options.isSet(name))
            continue;
        bool ok = false;
        const int value = options.value(name).toInt(&ok);
        if (!ok || value < n.min || value > n.max)
            return options.usageError(u"--"_s + name + u" must be a whole number from "_s +
                                      QString::number(n.min) + u" to "_s + QString::number(n.max) +
                                      u", not '"_s + options.value(name) + u'\'');
        settings.*(n.field) = value;
    }
    int duration = std::max(30, load->lastSecond() + 30);
    if (options.isSet(u"duration"_s)) {
        bool ok = false;
        duration = options.value(u"duration"_s).toInt(&ok);
        if (!ok || duration < 0 || duration > 86400)
            return options.usageError(u"--duration must be 0 to 86400 seconds, not '"_s +
                                      options.value(u"duration"_s) + u'\'');
    }
    const mpm::Simulation sim = mpm::simulate(*kind, settings, *load, duration);
    if (options.isSet(u"json"_s))
        printOut(QString::fromStdString(config::simulationToJson(sim).dump(2)) + u'\n');
    else
        printTable(sim);
    return ExitCode::Ok;
}

} // namespace

Command mpmSimCommand()
{
    return {u"mpm-sim"_s, u"Simulate Apache's worker/event process maintenance for MPM settings and a load"_s,
            runMpmSim};
}

} // namespace wsgi::studio::cli
