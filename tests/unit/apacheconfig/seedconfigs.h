#pragma once
// The Apache configurations quoted in the seed articles the product comes from, as written there
// (placeholders included). The import tests read them without loss; tests/integration/apache also configtests
// the ones Debian's Apache can load (the others name users such as 'http' that Debian does not have).

#include <string>
#include <vector>

namespace wsgi::config::test {

struct SeedConfig
{
    const char* name;
    const char* text;
    bool configtestable; // loads on a stock Debian 12 once exported for modwsgi-4
};

inline const std::vector<SeedConfig>& seedConfigs()
{
    static const std::vector<SeedConfig> all = {
        {"apache-worker-mpm-tuning: the question's worker MPM",
         "StartServers 10\nMaxClients 400\nMinSpareThreads 25\nMaxSpareThreads 75\nThreadsPerChild 25\n"
         "MaxRequestsPerChild 0\n",
         true},
        {"apache-worker-mpm-tuning: extra/httpd-mpm.conf",
         "StartServers 2\nMaxClients 150\nMinSpareThreads 25\nMaxSpareThreads 75\nThreadsPerChild 25\n",
         true},
        {"apache-worker-mpm-tuning: fifteen servers",
         "StartServers        15\nMaxClients         400\nMinSpareThreads     25\nMaxSpareThreads    375\n"
         "ThreadsPerChild     25\n",
         true},
        {"apache-worker-mpm-tuning: the question's virtual hosts",
         "<VirtualHost *:80>\n"
         "# Some stuff\n"
         "WSGIDaemonProcess app1 user=http group=http processes=10 threads=20\n"
         "WSGIProcessGroup app1\n"
         "WSGIApplicationGroup app1\n"
         "WSGIScriptAlias / /path/to/django.wsgi\n"
         "WSGIImportScript /path/to/django.wsgi process-group=app1 application-group=app1\n"
         "# Some more stuff\n"
         "</VirtualHost>\n"
         "<VirtualHost *:443>\n"
         "# Some stuff\n"
         "WSGIDaemonProcess app1-ssl user=http group=http processes=2 threads=20\n"
         "WSGIProcessGroup app1-ssl\n"
         "WSGIApplicationGroup app1-ssl\n"
         "WSGIScriptAlias / /path/to/django.wsgi\n"
         "WSGIImportScript /path/to/django.wsgi process-group=app1-ssl application-group=app1-ssl\n"
         "# Some more stuff\n"
         "</VirtualHost>\n",
         false},
        {"apache-worker-mpm-tuning: the answer's virtual hosts (closing tags added)",
         "<VirtualHost *:80>\n"
         "# Some stuff\n"
         "WSGIDaemonProcess app1 user=http group=http processes=10 threads=20\n"
         "WSGIScriptAlias / /path/to/django.wsgi process-group=app1\n"
         "# Some more stuff\n"
         "</VirtualHost>\n"
         "<VirtualHost *:443>\n"
         "# Some stuff\n"
         "WSGIScriptAlias / /path/to/django.wsgi process-group=app1\n"
         "# Some more stuff\n"
         "</VirtualHost>\n",
         false},
        {"sizing-processes-serverfault: the question",
         "WSGIDaemonProcess serverfault.com user=www-data group=www-data processes=5\n", true},
        {"sizing-processes-serverfault: CMS sites",
         "WSGIDaemonProcess example.com user=www-data processes=2 maximum-requests=100\n", true},
        {"sizing-processes-serverfault: e-commerce",
         "WSGIDaemonProcess example.com user=www-data processes=12 maximum-requests=100\n", true},
        {"vertical-scaling-mod-wsgi",
         "WSGIDaemonProcess <NAME1> processes=2 threads=30 display-name=<NAME2> request-timeout=120\n", true},
        {"free-threading-benchmark: 2 x 5",
         "WSGIDaemonProcess my-app processes=2 threads=5\nWSGIFreeThreading On\n", true},
        {"free-threading-benchmark: 1 x 10",
         "WSGIDaemonProcess my-app processes=1 threads=10\nWSGIFreeThreading On\n", true},
        {"switch-interval-benchmark: server scope", "WSGISwitchInterval 0.002\n", true},
        {"switch-interval-benchmark: daemon",
         "WSGIDaemonProcess my-app processes=2 threads=5 switch-interval=0.002\n", true},
        {"switch-interval-benchmark: container",
         "WSGIDaemonProcess my-app processes=2 threads=5\n"
         "<WSGIInterpreterOptions process-group=\"my-app\" application-group=\"cpu-heavy\">\n"
         "WSGIPerInterpreterGIL On\n"
         "WSGISwitchInterval 0.001\n"
         "</WSGIInterpreterOptions>\n",
         true},
        {"switch-interval-benchmark: 0.1 ms",
         "WSGIDaemonProcess my-app processes=2 threads=5 switch-interval=0.0001\n", true},
    };
    return all;
}

} // namespace wsgi::config::test
