// Apache config text on arbitrary bytes: the directive tree gives the input back byte for byte, the
// import never crashes, and whatever it read renders for every target and reads back as exactly the
// model the renderer says it wrote; an unedited in-place export is the input again.
#include "apache-config/configimport.h"
#include "apache-config/documentexport.h"
#include "apache-config/mpmsim.h"
#include "apache-config/renderer.h"

#include <cstdint>
#include <string>

extern "C" const char* const* wsgiFuzzSeeds()
{
    static const char* const seeds[] = {
        "WSGIRestrictEmbedded On\nWSGIDaemonProcess app processes=2 threads=5 display-name='%{GROUP}' \\\n"
        "    switch-interval=0.002 python=3.13t home=\"/srv/my app\"\n"
        "WSGIScriptAlias / /srv/app.py process-group=app application-group=%{GLOBAL}\n",
        "<WSGIInterpreterOptions process-group=app application-group=cpu>\nWSGIPerInterpreterGIL On\n"
        "WSGISwitchInterval 0.001\nWSGIPythonPath /a:/b\n</WSGIInterpreterOptions>\n",
        "<VirtualHost *:80>\nServerName x\nWSGIDaemonProcess v\nWSGIProcessGroup v\n"
        "WSGIImportScript /s.py process-group=v application-group=%{GLOBAL}\n</VirtualHost>\n",
        "<IfModule mpm_event_module>\nStartServers 10\nMaxClients 400\nMaxSpareThreads 75\n</IfModule>\n"
        "ThreadsPerChild 25\r\n# comment \\\ncontinued\n",
        "<Location /x>\nWSGIProcessGroup a\n</Location>\nInclude x.conf\nWSGISwitchInterval 0.01\n",
        nullptr,
    };
    return seeds;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using namespace wsgi::config;
    if (parseDirectiveTree(in, "fuzz.conf").reconstruct() != in)
        __builtin_trap();

    ImportOptions options;
    options.followIncludes = false; // the fuzzer must not read the file system
    const ImportedConfig imported = importConfig(in, "/nonexistent/fuzz.conf", options);
    for (Dialect target : {Dialect::ModWsgi6, Dialect::ModWsgi4, Dialect::Engine}) {
        RenderOptions render;
        render.target = target;
        render.comments = true;
        const RenderResult r = renderSnippet(imported.model, render);
        ImportOptions back = options;
        back.dialect = target;
        if (!(importConfig(r.text, "/nonexistent/rendered.conf", back).model == r.lowered))
            __builtin_trap();
        if (target == Dialect::Engine) {
            const DocumentExport doc = exportDocument(imported, imported.model, render);
            if (doc.configFiles.size() != 1 || (doc.changed.front() && r.findings.empty()))
                __builtin_trap();
        }
    }

    // The load profile syntax of mpm-sim, and a short simulation of whatever it accepts.
    std::string error;
    if (auto profile = wsgi::mpm::parseLoadProfile(in.substr(0, 200), error))
        (void)wsgi::mpm::simulate(wsgi::config::MpmKind::Event, wsgi::mpm::Settings{}, *profile, 5);
    return 0;
}
