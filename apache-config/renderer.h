#pragma once
// WsgiModel -> Apache config text for one target (the engine, mod_wsgi 6.0 or mod_wsgi 4.9).
//
// Before rendering, the model is lowered to what the target can express (lowerForTarget): the
// engine-only python= is stripped with a note, and for mod_wsgi 4.9 every 6.0 feature is either
// achieved another way (switch intervals and per-interpreter python paths through small
// WSGIImportScript files whose content is part of the result) or named in a finding and a comment in
// the text. Nothing is dropped silently.
//
// The snippet's layout: MPM blocks (then those for MPMs the model does not simulate, as written),
// main-server directives, daemon definitions (so that every alias
// and import script that preloads into a group comes after its definition), containers, import
// scripts, aliases, then each <VirtualHost> with its ServerName, directives, daemons, imports and
// aliases. Values are quoted only where ap_getword_conf needs it, except display-name, which is
// always quoted as mod_wsgi-express writes it; container selectors are never quoted (mod_wsgi reads
// the whole word, quotes included).

#include "engineconfig.h"
#include "wsgimodel.h"

#include <string>
#include <string_view>
#include <vector>

namespace wsgi::config {

struct RenderOptions
{
    Dialect target = Dialect::ModWsgi6;
    bool comments = true; // explain non-default values and every change made for the target
    // Where the mod_wsgi 4.9 import scripts are to be installed (their WSGIImportScript names them).
    std::string scriptDirectory = "/etc/apache2/wsgi-studio";
    std::size_t wrapColumn = 100;       // longer WSGIDaemonProcess lines are continued with '\'
    std::vector<std::string> fileNames; // Origin::file -> file name, for the findings' locations
    // The model was read under the engine's rules, where a relative script path is relative to the
    // config file; Apache reads it relative to ServerRoot, so for Apache targets such paths are made
    // absolute (with a note). Needs fileNames.
    bool engineRelativePaths = false;
};

struct GeneratedFile
{
    std::string path;
    std::string content;
};

// A piece of the model the target cannot express at all: shown as a comment, named in a finding.
struct DroppedItem
{
    Origin origin;          // of the dropped item (a whole container, a directive, an option's daemon)
    std::string text;       // what was written, e.g. "WSGIPerInterpreterGIL On"
    std::string reason;     // why the target cannot have it
    bool wholeNode = false; // the whole node at `origin` goes (rather than one option of it)
};

struct LoweredModel
{
    WsgiModel model;                  // expressible in the target; items carry Notes for the renderer
    std::vector<GeneratedFile> files; // import scripts for mod_wsgi 4.9
    std::vector<DroppedItem> dropped;
    std::vector<Finding> findings;
};

LoweredModel lowerForTarget(const WsgiModel& model, const RenderOptions& options);

struct RenderResult
{
    std::string text;
    std::vector<GeneratedFile> files;
    std::vector<Finding> findings; // what was changed or dropped for the target, values it cannot write
    WsgiModel lowered;             // the model the text says (parse(text) == lowered)
};

RenderResult renderSnippet(const WsgiModel& model, const RenderOptions& options);

// One word as ap_getword_conf reads it back: bare when possible, else quoted with ' (or " when the
// value holds a ' and no "), backslashes and the quote escaped.
std::string quoteConfigWord(std::string_view value);

// Single items, each ending in '\n', every line prefixed with `indent`. Used by renderSnippet and by
// the in-place export of an imported file. Comments (notes, explanations) come first when enabled.
std::string renderDaemonProcess(const DaemonProcess& daemon, const RenderOptions& options,
                                std::string_view indent);
std::string renderScriptAlias(const ScriptAlias& alias, const RenderOptions& options,
                              std::string_view indent);
std::string renderImportScript(const ImportScript& import, const RenderOptions& options,
                               std::string_view indent);
std::string renderWsgiDirective(const WsgiDirective& directive, const RenderOptions& options,
                                std::string_view indent);
std::string renderContainer(const InterpreterOptionsBlock& block, const RenderOptions& options,
                            std::string_view indent);
std::string renderMpmValue(const MpmValue& value, std::string_view indent);
std::string renderMpmBlock(const MpmBlock& block, const RenderOptions& options, std::string_view indent);
std::string renderVirtualHost(const VirtualHostBlock& host, const RenderOptions& options);

} // namespace wsgi::config
