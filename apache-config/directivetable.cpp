#include "directivetable.h"

#include "apachesyntax.h"

#include <algorithm>

namespace wsgi::config {

namespace {

using R = DirectiveRole;

constexpr std::string_view kMpm = "an Apache MPM setting; the engine has no Apache child processes";
constexpr std::string_view kTransport = "the engine chooses its own worker sockets";

// Contexts follow modwsgi.md section 7 and Apache core's command tables. Only directives whose context
// matters to the engine carry serverConfigOnly: a wrong context is an Error, as httpd -t would report.
const std::vector<DirectiveSpec> kDirectives = {
    // Implemented.
    {"Listen", R::Listen, true, ""},
    {"ServerName", R::ServerName, false, ""},
    {"WSGIDaemonProcess", R::DaemonProcess, false, ""},
    {"WSGIScriptAlias", R::ScriptAlias, false, ""},
    {"WSGIProcessGroup", R::ProcessGroup, false, ""},
    {"WSGIApplicationGroup", R::ApplicationGroup, false, ""},
    {"WSGIPerInterpreterGIL", R::PerInterpreterGil, true, ""},
    {"WSGIFreeThreading", R::FreeThreading, true, ""},
    {"WSGISwitchInterval", R::SwitchInterval, true, ""},
    {"WSGIPythonPath", R::PythonPath, true, ""},
    {"WSGIPythonHome", R::PythonHome, true, ""},
    {"WSGIRestrictEmbedded", R::RestrictEmbedded, true, ""},
    {"WSGIRestrictStdin", R::RestrictNoOp, true, ""},
    {"WSGIRestrictStdout", R::RestrictNoOp, true, ""},
    {"WSGIRestrictSignal", R::RestrictNoOp, true, ""},
    {"Timeout", R::Timeout, false, ""},
    {"KeepAliveTimeout", R::KeepAliveTimeout, false, ""},
    {"RequestReadTimeout", R::RequestReadTimeout, false, ""},

    // mod_wsgi directives that only concern Apache's side of the daemon sockets.
    {"WSGISocketPrefix", R::IgnoredWsgi, true, kTransport},
    {"WSGISocketRotation", R::IgnoredWsgi, true, kTransport},
    {"WSGIAcceptMutex", R::IgnoredWsgi, true, kTransport},
    {"WSGIVerboseDebugging", R::IgnoredWsgi, true, "it is a deprecated no-op in mod_wsgi 6.0"},

    // mod_wsgi directives the engine does not implement; the detail says what to use instead.
    {"WSGIScriptAliasMatch", R::UnsupportedWsgi, false, "use WSGIScriptAlias with a fixed URL prefix"},
    {"WSGIImportScript", R::UnsupportedWsgi, false,
     "give the WSGIScriptAlias both process-group= and application-group=; mod_wsgi then preloads the "
     "script"},
    {"WSGICallableObject", R::UnsupportedWsgi, false, "use callable-object= on the WSGIScriptAlias"},
    {"WSGIPassAuthorization", R::UnsupportedWsgi, false, "use pass-authorization= on the WSGIScriptAlias"},
    {"WSGIRestrictProcess", R::UnsupportedWsgi, false, ""},
    {"WSGIDispatchScript", R::UnsupportedWsgi, false, ""},
    {"WSGIHandlerScript", R::UnsupportedWsgi, false, ""},
    {"WSGIPassApacheRequest", R::UnsupportedWsgi, false, ""},
    {"WSGIScriptReloading", R::UnsupportedWsgi, false, ""},
    {"WSGIErrorOverride", R::UnsupportedWsgi, false, ""},
    {"WSGIChunkedRequest", R::UnsupportedWsgi, false, ""},
    {"WSGIMapHEADToGET", R::UnsupportedWsgi, false, ""},
    {"WSGIIgnoreActivity", R::UnsupportedWsgi, false, ""},
    {"WSGITrustedProxies", R::UnsupportedWsgi, false, ""},
    {"WSGITrustedProxyHeaders", R::UnsupportedWsgi, false, ""},
    {"WSGIEnableSendfile", R::UnsupportedWsgi, false, ""},
    {"WSGIAccessScript", R::UnsupportedWsgi, false, ""},
    {"WSGIAuthUserScript", R::UnsupportedWsgi, false, ""},
    {"WSGIAuthGroupScript", R::UnsupportedWsgi, false, ""},
    {"WSGIGroupAuthoritative", R::UnsupportedWsgi, false, ""},
    {"WSGIPythonEggs", R::UnsupportedWsgi, true, ""},
    {"WSGIPythonHashSeed", R::UnsupportedWsgi, true, ""},
    {"WSGIPythonOptimize", R::UnsupportedWsgi, true, ""},
    {"WSGIPythonWarnings", R::UnsupportedWsgi, true, ""},
    {"WSGIDontWriteBytecode", R::UnsupportedWsgi, true, ""},
    {"WSGIDestroyInterpreter", R::UnsupportedWsgi, true, ""},
    {"WSGICaseSensitivity", R::UnsupportedWsgi, true, ""},
    {"WSGIServerMetrics", R::UnsupportedWsgi, true, ""},
    {"WSGITelemetryService", R::UnsupportedWsgi, true, ""},
    {"WSGITelemetryOptions", R::UnsupportedWsgi, true, ""},
    {"WSGISlowRequests", R::UnsupportedWsgi, true, ""},
    {"WSGILazyInitialization", R::UnsupportedWsgi, true, "it was removed in mod_wsgi 6.0; delete it"},

    // Apache core and MPM directives that configure httpd itself.
    {"ServerRoot", R::IgnoredCore, true, ""},
    {"LoadModule", R::IgnoredCore, true, ""},
    {"LoadFile", R::IgnoredCore, true, ""},
    {"User", R::IgnoredCore, true, "workers run as the user who started the engine"},
    {"Group", R::IgnoredCore, true, "workers run as the user who started the engine"},
    {"PidFile", R::IgnoredCore, true, ""},
    {"Mutex", R::IgnoredCore, true, ""},
    {"DefaultRuntimeDir", R::IgnoredCore, true, ""},
    {"TypesConfig", R::IgnoredCore, true, ""},
    {"ServerTokens", R::IgnoredCore, true, ""},
    {"TraceEnable", R::IgnoredCore, true, ""},
    {"LogLevel", R::IgnoredCore, false, ""},
    {"ErrorLog", R::IgnoredCore, false, ""},
    {"CustomLog", R::IgnoredCore, false, ""},
    {"TransferLog", R::IgnoredCore, false, ""},
    {"LogFormat", R::IgnoredCore, false, ""},
    {"ServerAdmin", R::IgnoredCore, false, ""},
    {"ServerAlias", R::IgnoredCore, false, "the engine routes by URL prefix only"},
    {"ServerSignature", R::IgnoredCore, false, ""},
    {"DocumentRoot", R::IgnoredCore, false, "the engine serves only WSGIScriptAlias mounts"},
    {"DirectoryIndex", R::IgnoredCore, false, ""},
    {"KeepAlive", R::IgnoredCore, false, ""},
    {"MaxKeepAliveRequests", R::IgnoredCore, false, ""},
    {"HostnameLookups", R::IgnoredCore, false, ""},
    {"UseCanonicalName", R::IgnoredCore, false, ""},
    {"AddDefaultCharset", R::IgnoredCore, false, ""},
    {"AddType", R::IgnoredCore, false, ""},
    {"AddHandler", R::IgnoredCore, false, ""},
    {"EnableSendfile", R::IgnoredCore, false, ""},
    {"EnableMMAP", R::IgnoredCore, false, ""},
    {"FileETag", R::IgnoredCore, false, ""},
    {"Options", R::IgnoredCore, false, ""},
    {"AllowOverride", R::IgnoredCore, false, ""},
    {"Require", R::IgnoredCore, false, ""},
    {"Order", R::IgnoredCore, false, ""},
    {"Allow", R::IgnoredCore, false, ""},
    {"Deny", R::IgnoredCore, false, ""},
    {"Satisfy", R::IgnoredCore, false, ""},
    {"StartServers", R::IgnoredCore, true, kMpm},
    {"ServerLimit", R::IgnoredCore, true, kMpm},
    {"ThreadLimit", R::IgnoredCore, true, kMpm},
    {"ThreadsPerChild", R::IgnoredCore, true, kMpm},
    {"MaxRequestWorkers", R::IgnoredCore, true, kMpm},
    {"MaxClients", R::IgnoredCore, true, kMpm},
    {"MinSpareThreads", R::IgnoredCore, true, kMpm},
    {"MaxSpareThreads", R::IgnoredCore, true, kMpm},
    {"MinSpareServers", R::IgnoredCore, true, kMpm},
    {"MaxSpareServers", R::IgnoredCore, true, kMpm},
    {"MaxConnectionsPerChild", R::IgnoredCore, true, kMpm},
    {"MaxRequestsPerChild", R::IgnoredCore, true, kMpm},
    {"AsyncRequestWorkerFactor", R::IgnoredCore, true, kMpm},
    {"ListenBacklog", R::IgnoredCore, true, kMpm},
    {"GracefulShutdownTimeout", R::IgnoredCore, true, kMpm},

    // Apache directives that would change what is served: running without them would mislead.
    {"Alias", R::Unsupported, false,
     "the engine serves only WSGIScriptAlias mounts, so these URLs would reach a WSGI application instead"},
    {"AliasMatch", R::Unsupported, false,
     "the engine serves only WSGIScriptAlias mounts, so these URLs would reach a WSGI application instead"},
    {"Redirect", R::Unsupported, false, ""},
    {"RewriteEngine", R::Unsupported, false, ""},
    {"RewriteRule", R::Unsupported, false, ""},
    {"RewriteCond", R::Unsupported, false, ""},
    {"ProxyPass", R::Unsupported, false, ""},
    {"SSLEngine", R::Unsupported, false, "the engine does not terminate TLS"},
    {"Include", R::Unsupported, false, "the engine reads one file: paste the included directives in"},
    {"IncludeOptional", R::Unsupported, false, "the engine reads one file: paste the included directives in"},
    {"Define", R::Unsupported, false, "${...} substitution is not implemented: write values literally"},
    {"UnDefine", R::Unsupported, false, "${...} substitution is not implemented: write values literally"},
};

} // namespace

const DirectiveSpec* findDirective(std::string_view name)
{
    auto it = std::find_if(kDirectives.begin(), kDirectives.end(),
                           [&](const DirectiveSpec& d) { return equalsIgnoreCase(d.name, name); });
    return it == kDirectives.end() ? nullptr : &*it;
}

std::vector<std::string_view> knownDirectiveNames()
{
    std::vector<std::string_view> names;
    names.reserve(kDirectives.size());
    for (const DirectiveSpec& d : kDirectives)
        names.push_back(d.name);
    return names;
}

bool allowedInInterpreterOptions(DirectiveRole role)
{
    return role == R::PerInterpreterGil || role == R::FreeThreading || role == R::SwitchInterval ||
           role == R::PythonPath || role == R::RestrictNoOp;
}

SectionRole findSection(std::string_view name)
{
    if (equalsIgnoreCase(name, "VirtualHost"))
        return SectionRole::VirtualHost;
    if (equalsIgnoreCase(name, "IfModule"))
        return SectionRole::IfModule;
    if (equalsIgnoreCase(name, "WSGIInterpreterOptions"))
        return SectionRole::InterpreterOptions;
    for (std::string_view scope :
         {"Directory", "DirectoryMatch", "Location", "LocationMatch", "Files", "FilesMatch"})
        if (equalsIgnoreCase(name, scope))
            return SectionRole::PathScope;
    return SectionRole::Unsupported;
}

} // namespace wsgi::config
