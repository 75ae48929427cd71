#include "scriptalias.h"

#include "apachesyntax.h"
#include "directivevalues.h"

#include <map>

namespace wsgi::config {

std::optional<Mount> parseScriptAlias(const ConfigNode& node, const std::filesystem::path& baseDirectory,
                                      FindingSink& sink, Dialect dialect)
{
    const std::string& raw = node.rawArgs;
    const int line = node.where.line;
    const std::size_t errorsBefore = sink.errorCount();
    std::size_t pos = 0;
    const std::string url = getWordConf(raw, pos);
    const std::string script = (!url.empty() && pos < raw.size()) ? getWordConf(raw, pos) : std::string();
    if (url.empty() || script.empty()) {
        sink.error(codes::Arguments, line,
                   "WSGIScriptAlias requires at least two arguments: a URL prefix and the script file",
                   "write WSGIScriptAlias /app /srv/app/wsgi.py process-group=NAME");
        return std::nullopt;
    }
    Mount mount;
    mount.where = sink.at(line);
    if (url.front() != '/')
        sink.error(codes::BadValue, line, "URL prefix '" + url + "' of WSGIScriptAlias must start with '/'",
                   "write /" + url);
    mount.urlPrefix = normaliseUrlPrefix(url);
    const bool engine = dialect == Dialect::Engine;
    if (engine && script.back() == '/')
        sink.error(codes::UnsupportedValue, line,
                   "script path '" + script +
                       "' ends with '/': mapping a directory of scripts is not implemented by the engine",
                   "point WSGIScriptAlias at one script file");
    std::filesystem::path scriptPath(script);
    if (scriptPath.is_relative())
        scriptPath = (baseDirectory / scriptPath).lexically_normal();
    mount.scriptPath = scriptPath.string();

    std::map<std::string, int> seen;
    OptionWord option;
    while (true) {
        const OptionParse r = parseOption(raw, pos, option);
        if (r == OptionParse::End)
            break;
        const int optionLine = node.lineOfArgument(option.offset);
        if (r == OptionParse::Malformed) {
            const bool comment = option.name.starts_with("#");
            sink.error(codes::UnknownOption, optionLine,
                       comment ? "'" + option.name +
                                     "' starts a comment after WSGIScriptAlias, but Apache has no "
                                     "trailing comments: mod_wsgi would read it as an invalid option"
                               : "invalid option '" + option.name +
                                     "' to WSGIScriptAlias: not of the form name=value",
                       comment ? "put the comment on a line of its own" : "write process-group=NAME");
            if (comment)
                break;
            continue;
        }
        if (auto [it, inserted] = seen.emplace(option.name, optionLine); !inserted)
            sink.warning(codes::RepeatedOption, optionLine,
                         "option '" + option.name + "' of WSGIScriptAlias is given twice (lines " +
                             std::to_string(it->second) + " and " + std::to_string(optionLine) +
                             "); mod_wsgi uses the last value",
                         "remove one of them");
        const bool known = option.name == "process-group" || option.name == "application-group" ||
                           option.name == "callable-object" || option.name == "pass-authorization";
        if (!known) {
            const std::string close = closestMatch(
                option.name, {"process-group", "application-group", "callable-object", "pass-authorization"});
            sink.error(
                codes::UnknownOption, optionLine, "invalid option '" + option.name + "' to WSGIScriptAlias",
                close.empty()
                    ? "allowed: process-group=, application-group=, callable-object=, pass-authorization="
                    : "did you mean '" + close + "'?");
            continue;
        }
        if (option.value.empty()) {
            sink.error(codes::BadValue, optionLine,
                       "option '" + option.name + "' of WSGIScriptAlias has an empty value",
                       "write " + option.name + "=VALUE");
            continue;
        }
        if (option.name == "process-group") {
            if (!engine || checkGroupValue(option.value, optionLine, "process-group=", false, sink))
                mount.processGroup = option.value;
        } else if (option.name == "application-group") {
            if (!engine || checkGroupValue(option.value, optionLine, "application-group=", true, sink))
                mount.applicationGroup = option.value;
        } else if (option.name == "callable-object") {
            mount.callableObject = option.value;
        } else if (auto on = parseOnOff(option.value)) {
            mount.passAuthorization = *on;
        } else {
            sink.error(codes::BadValue, optionLine,
                       "invalid value '" + option.value +
                           "' for option 'pass-authorization' of WSGIScriptAlias: expected On or Off",
                       "write pass-authorization=On");
        }
    }
    // A mount with a broken definition would only add follow-up errors (unknown group, embedded mode).
    if (sink.errorCount() != errorsBefore)
        return std::nullopt;
    return mount;
}

} // namespace wsgi::config
