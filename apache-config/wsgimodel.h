#pragma once
// The studio's model of what an httpd.conf says about mod_wsgi and the MPM: daemon groups, mounts,
// import scripts, application-group and other WSGI directives per server scope, interpreter-option
// containers and MPM settings. Unlike EngineConfig (what the engine runs) it keeps every option as
// written, in order, so that it can be rendered for any target and read back to the same model.
//
// Items imported from a file remember where they came from (Origin) so that an export can replace
// exactly their lines and leave everything else byte for byte. Origins and notes never take part in
// equality: a model read back from rendered text equals the model it was rendered from.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsgi::config {

// What a configuration is read or rendered for. Engine: the engine's own dialect (mod_wsgi 6 plus
// engine-only options such as python=). ModWsgi6: mod_wsgi 6.0. ModWsgi4: mod_wsgi 4.9 as Debian 12
// ships it (no GIL directives, no switch-interval=, no <WSGIInterpreterOptions>).
enum class Dialect
{
    Engine,
    ModWsgi6,
    ModWsgi4,
};

std::string_view dialectName(Dialect dialect); // "engine", "modwsgi-6", "modwsgi-4"
std::optional<Dialect> dialectFromName(std::string_view name);

// Where an imported item was written: the file (index into ImportedConfig::files), the byte offset of
// its node in that file, and its first line. file < 0: created in the studio, not imported.
struct Origin
{
    int file = -1;
    std::size_t offset = 0;
    int line = 0;
    int order = 0; // position in the order httpd reads the whole tree (includes expanded)

    bool imported() const { return file >= 0; }
    bool sameNode(const Origin& other) const { return file == other.file && offset == other.offset; }
    friend bool operator==(const Origin&, const Origin&) { return true; } // metadata, see above
};

// Comment lines the renderer writes above an item (why a value was changed for a target, ...).
struct Notes
{
    std::vector<std::string> lines;
    friend bool operator==(const Notes&, const Notes&) { return true; } // metadata, see above
};

struct NameValue
{
    std::string name;
    std::string value;
    friend bool operator==(const NameValue&, const NameValue&) = default;
};

// Options as written (`name=value ...`), in order. A repeated name keeps its last value in place of the
// first, as mod_wsgi uses the last value.
struct OptionList
{
    std::vector<NameValue> items;

    const std::string* find(std::string_view name) const;
    bool has(std::string_view name) const { return find(name) != nullptr; }
    void set(std::string_view name, std::string value); // replaces in place or appends
    bool remove(std::string_view name);
    friend bool operator==(const OptionList&, const OptionList&) = default;
};

// Any other WSGI directive of a scope, e.g. `WSGIRestrictEmbedded On`, `WSGIApplicationGroup %{GLOBAL}`,
// and Apache's own timeouts (Timeout, KeepAliveTimeout, RequestReadTimeout), which the engine applies
// and every target accepts.
struct WsgiDirective
{
    std::string name; // as written
    std::vector<std::string> args;
    Origin origin;
    Notes notes;
    friend bool operator==(const WsgiDirective&, const WsgiDirective&) = default;
};

// `WSGIDaemonProcess NAME options...`
struct DaemonProcess
{
    std::string name;
    OptionList options;
    Origin origin;
    Notes notes;
    friend bool operator==(const DaemonProcess&, const DaemonProcess&) = default;
};

// `WSGIScriptAlias URL SCRIPT options...` (or WSGIScriptAliasMatch, with a regex for URL).
struct ScriptAlias
{
    std::string directive = "WSGIScriptAlias";
    std::string url;
    std::string script;
    OptionList options; // process-group=, application-group=, callable-object=, pass-authorization=
    Origin origin;
    Notes notes;
    friend bool operator==(const ScriptAlias&, const ScriptAlias&) = default;
};

// `WSGIImportScript SCRIPT process-group=G application-group=A`.
struct ImportScript
{
    std::string script;
    OptionList options;
    Origin origin;
    Notes notes;
    friend bool operator==(const ImportScript&, const ImportScript&) = default;
};

// The WSGI part of one server scope: the main server or one <VirtualHost>.
struct WsgiScope
{
    std::vector<WsgiDirective> directives;
    std::vector<DaemonProcess> daemons;
    std::vector<ImportScript> imports;
    std::vector<ScriptAlias> aliases;

    bool empty() const { return directives.empty() && daemons.empty() && imports.empty() && aliases.empty(); }
    friend bool operator==(const WsgiScope&, const WsgiScope&) = default;
};

struct VirtualHostBlock
{
    std::vector<std::string> addresses; // "*:80"
    std::string serverName;             // "" when it has none (it then takes the main server's)
    WsgiScope scope;
    Origin origin;
    Origin serverNameOrigin;
    friend bool operator==(const VirtualHostBlock&, const VirtualHostBlock&) = default;
};

// `<WSGIInterpreterOptions [process-group=G] [application-group=A]>` and the directives inside.
// Selector values are kept as written ("%{GLOBAL}" stays "%{GLOBAL}").
struct InterpreterOptionsBlock
{
    std::optional<std::string> processGroup;
    std::optional<std::string> applicationGroup;
    std::vector<WsgiDirective> directives;
    Origin origin;
    Notes notes;
    friend bool operator==(const InterpreterOptionsBlock&, const InterpreterOptionsBlock&) = default;
};

enum class MpmKind
{
    Event,
    Worker,
    Prefork,
};

std::string_view mpmName(MpmKind kind);                    // "event", "worker", "prefork"
std::string_view mpmModuleName(MpmKind kind);              // "mpm_event_module", ...
std::optional<MpmKind> mpmFromName(std::string_view name); // "event" or a module name/file

// One MPM directive, e.g. `MaxClients 400` (the name stays as written: MaxClients is not renamed).
struct MpmValue
{
    std::string name;
    std::string value; // as written; httpd reads it with atoi
    Origin origin;
    friend bool operator==(const MpmValue&, const MpmValue&) = default;
};

// MPM directives written together: at the top level (module empty: they apply to whichever MPM is
// loaded) or inside <IfModule mpm_X_module>.
struct MpmBlock
{
    std::optional<MpmKind> module;
    std::vector<MpmValue> values;
    Origin origin; // the <IfModule> section, if any
    friend bool operator==(const MpmBlock&, const MpmBlock&) = default;
};

// An <IfModule> for an MPM the model does not simulate (mpm_itk, mpm_winnt, mpm_os2, mpm_netware,
// mpm_peruser), kept byte for byte: its settings apply only under that MPM, so they must stay inside
// their condition rather than be read (or written) as settings for whichever MPM is loaded.
struct VerbatimBlock
{
    std::string module; // the <IfModule> argument as written
    std::string text;   // the whole section, opening to closing line, line endings included
    Origin origin;
    friend bool operator==(const VerbatimBlock&, const VerbatimBlock&) = default;
};

// True for the module name or source file of an MPM other than event, worker and prefork.
bool isOtherMpmModule(std::string_view name);

// Every MPM directive name the model knows (prefork's *SpareServers and MaxRequestsPerChild included).
bool isMpmDirective(std::string_view name);

struct WsgiModel
{
    WsgiScope server;
    std::vector<InterpreterOptionsBlock> containers;
    std::vector<VirtualHostBlock> virtualHosts;
    std::vector<MpmBlock> mpm;
    std::vector<VerbatimBlock> otherMpm; // rendered after the MPM blocks, as written

    // Every daemon group, main server first, then each virtual host's.
    std::vector<const DaemonProcess*> allDaemons() const;
    const DaemonProcess* findDaemon(std::string_view name) const;
    friend bool operator==(const WsgiModel&, const WsgiModel&) = default;
};

// WSGI directives that Apache accepts only in the main server (modwsgi.md section 7).
bool isServerConfigOnlyWsgiDirective(std::string_view name);

} // namespace wsgi::config
