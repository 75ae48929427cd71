#include "mpmsettings.h"

#include "apachesyntax.h"

#include <algorithm>

namespace wsgi::mpm {

namespace {

constexpr int kMaxServerLimit = 20000;  // MAX_SERVER_LIMIT
constexpr int kMaxThreadLimit = 100000; // MAX_THREAD_LIMIT

void correct(Effective& e, const char* directive, int& value, int used, std::string reason)
{
    if (value == used)
        return;
    e.corrections.push_back({directive, value, used, std::move(reason)});
    value = used;
}

} // namespace

std::string canonicalDirective(std::string_view name)
{
    static const std::vector<std::pair<std::string_view, std::string_view>> kNames = {
        {"StartServers", "StartServers"},
        {"ServerLimit", "ServerLimit"},
        {"ThreadLimit", "ThreadLimit"},
        {"ThreadsPerChild", "ThreadsPerChild"},
        {"MaxRequestWorkers", "MaxRequestWorkers"},
        {"MaxClients", "MaxRequestWorkers"},
        {"MinSpareThreads", "MinSpareThreads"},
        {"MaxSpareThreads", "MaxSpareThreads"},
        {"MaxConnectionsPerChild", "MaxConnectionsPerChild"},
        {"MaxRequestsPerChild", "MaxConnectionsPerChild"},
    };
    for (const auto& [written, canonical] : kNames)
        if (config::equalsIgnoreCase(written, name))
            return std::string(canonical);
    return {};
}

Effective applyStartupCorrections(const Settings& written)
{
    Effective e;
    Settings& s = e.used;
    s = written;
    s.buckets = std::max(1, s.buckets);
    correct(e, "ServerLimit", s.serverLimit, std::clamp(s.serverLimit, 1, kMaxServerLimit),
            s.serverLimit < 1
                ? "ServerLimit must be at least 1"
                : "ServerLimit exceeds the compile-time limit of " + std::to_string(kMaxServerLimit));
    correct(e, "ThreadLimit", s.threadLimit, std::clamp(s.threadLimit, 1, kMaxThreadLimit),
            s.threadLimit < 1
                ? "ThreadLimit must be at least 1"
                : "ThreadLimit exceeds the compile-time limit of " + std::to_string(kMaxThreadLimit));
    if (s.threadsPerChild > s.threadLimit)
        correct(e, "ThreadsPerChild", s.threadsPerChild, s.threadLimit,
                "ThreadsPerChild exceeds ThreadLimit " + std::to_string(s.threadLimit) +
                    ", so it is lowered to it");
    else if (s.threadsPerChild < 1)
        correct(e, "ThreadsPerChild", s.threadsPerChild, 1, "ThreadsPerChild must be at least 1");
    if (s.maxRequestWorkers < s.threadsPerChild)
        correct(e, "MaxRequestWorkers", s.maxRequestWorkers, s.threadsPerChild,
                "MaxRequestWorkers must be at least ThreadsPerChild (" + std::to_string(s.threadsPerChild) +
                    "), the threads of one process");
    e.activeDaemonsLimit = s.maxRequestWorkers / s.threadsPerChild;
    if (s.maxRequestWorkers % s.threadsPerChild)
        correct(e, "MaxRequestWorkers", s.maxRequestWorkers, e.activeDaemonsLimit * s.threadsPerChild,
                "MaxRequestWorkers is not a multiple of ThreadsPerChild " +
                    std::to_string(s.threadsPerChild) + ", so it is rounded down to one, for at most " +
                    std::to_string(e.activeDaemonsLimit) + " processes");
    if (e.activeDaemonsLimit > s.serverLimit) {
        correct(e, "MaxRequestWorkers", s.maxRequestWorkers, s.serverLimit * s.threadsPerChild,
                "MaxRequestWorkers would need " + std::to_string(e.activeDaemonsLimit) +
                    " processes, more than ServerLimit " + std::to_string(s.serverLimit));
        e.activeDaemonsLimit = s.serverLimit;
    }
    if (s.startServers < 1)
        correct(e, "StartServers", s.startServers, 1, "StartServers must be at least 1");
    if (s.startServers > e.activeDaemonsLimit)
        correct(e, "StartServers", s.startServers, e.activeDaemonsLimit,
                "StartServers cannot exceed MaxRequestWorkers / ThreadsPerChild = " +
                    std::to_string(e.activeDaemonsLimit) + " processes");
    // Per-bucket minimums (event_run): at least one spare thread per bucket beyond the others' children.
    const int minSpareFloor = s.threadsPerChild * (s.buckets - 1) + s.buckets;
    if (s.minSpareThreads < minSpareFloor)
        correct(e, "MinSpareThreads", s.minSpareThreads, minSpareFloor,
                "MinSpareThreads must be at least " + std::to_string(minSpareFloor) +
                    (s.buckets == 1 ? std::string()
                                    : " with " + std::to_string(s.buckets) + " listener buckets"));
    // "Don't thrash": with fewer, one process killed for excess idle would drop below the minimum at once.
    const int maxSpareFloor = s.minSpareThreads + (s.threadsPerChild + 1) * s.buckets;
    if (s.maxSpareThreads < maxSpareFloor)
        correct(e, "MaxSpareThreads", s.maxSpareThreads, maxSpareFloor,
                "MaxSpareThreads must be at least MinSpareThreads + ThreadsPerChild + 1 = " +
                    std::to_string(maxSpareFloor) +
                    ", or killing one idle process would drop below MinSpareThreads and httpd would fork it "
                    "back");
    return e;
}

Settings settingsFromModel(const config::WsgiModel& model, MpmKind kind,
                           std::map<std::string, config::Origin>* where)
{
    // In httpd's reading order: a later line wins whichever block it is in.
    std::vector<const config::MpmValue*> values;
    for (const config::MpmBlock& block : model.mpm)
        if (!block.module || *block.module == kind)
            for (const config::MpmValue& v : block.values)
                values.push_back(&v);
    std::stable_sort(values.begin(), values.end(), [](const config::MpmValue* a, const config::MpmValue* b) {
        return a->origin.order < b->origin.order;
    });
    Settings s;
    {
        for (const config::MpmValue* value : values) {
            const config::MpmValue& v = *value;
            const std::string name = canonicalDirective(v.name);
            if (name.empty())
                continue;
            const int n = int(
                std::clamp<long long>(config::parseIntegerText(v.value).value, -1000000000LL, 1000000000LL));
            if (name == "StartServers")
                s.startServers = n;
            else if (name == "ServerLimit")
                s.serverLimit = n;
            else if (name == "ThreadLimit")
                s.threadLimit = n;
            else if (name == "ThreadsPerChild")
                s.threadsPerChild = n;
            else if (name == "MaxRequestWorkers")
                s.maxRequestWorkers = n;
            else if (name == "MinSpareThreads")
                s.minSpareThreads = n;
            else if (name == "MaxSpareThreads")
                s.maxSpareThreads = n;
            else if (name == "MaxConnectionsPerChild")
                s.maxConnectionsPerChild = n;
            if (where)
                (*where)[name] = v.origin;
        }
    }
    return s;
}

} // namespace wsgi::mpm
