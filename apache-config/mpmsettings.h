#pragma once
// The worker/event MPM numbers as httpd really uses them. httpd reads each directive with atoi and then
// silently corrects inconsistent values at start-up (peers.md D.2 items 7-9: event_check_config and
// event_run; worker does the same), logging at most a start-up warning. Everything here is the
// single-listener-bucket case unless `buckets` says otherwise.

#include "wsgimodel.h"

#include <map>
#include <string>
#include <vector>

namespace wsgi::mpm {

using config::MpmKind;

struct Settings
{
    int startServers = 3;
    int serverLimit = 16;
    int threadLimit = 64;
    int threadsPerChild = 25;
    int maxRequestWorkers = 400; // httpd's default is ServerLimit x ThreadsPerChild of the defaults
    int minSpareThreads = 75;
    int maxSpareThreads = 250;
    int maxConnectionsPerChild = 0;
    int buckets = 1; // listener buckets (ListenCoresBucketsRatio); thresholds are per bucket

    friend bool operator==(const Settings&, const Settings&) = default;
};

// One value httpd changes at start-up: which directive, what was written, what is used, and why.
struct Correction
{
    std::string directive;
    int written = 0;
    int used = 0;
    std::string reason;
};

struct Effective
{
    Settings used;
    int activeDaemonsLimit = 0; // MaxRequestWorkers / ThreadsPerChild: the most processes that serve
    std::vector<Correction> corrections;
};

// httpd's start-up corrections for event and worker, in the order httpd applies them.
Effective applyStartupCorrections(const Settings& written);

// The values the model sets for `kind`: top-level blocks and the <IfModule> block of that MPM, later
// lines winning, read with atoi; unset ones keep httpd's defaults. MaxClients is MaxRequestWorkers,
// MaxRequestsPerChild is MaxConnectionsPerChild. `where` (optional) gets the origin of each value by
// its canonical directive name.
Settings settingsFromModel(const config::WsgiModel& model, MpmKind kind,
                           std::map<std::string, config::Origin>* where = nullptr);

// The canonical name of an MPM directive ("MaxClients" -> "MaxRequestWorkers"), "" if not one.
std::string canonicalDirective(std::string_view name);

} // namespace wsgi::mpm
