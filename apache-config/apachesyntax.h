#pragma once
// Apache and mod_wsgi tokenising rules, reproduced exactly so that a snippet means to the engine what
// it means to httpd: ap_getword_conf (server/util.c), mod_wsgi's wsgi_parse_option (wsgi_config.c),
// atoi/strtod value reading, and the case-insensitive On/Off flag.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsgi::config {

// Apache's isspace set for config text (apr_isspace is the C locale isspace).
bool isConfigSpace(char c);

// ap_getword_conf: skips leading whitespace, then reads one word. A word starting with ' or " runs to
// the matching quote; inside it a backslash escapes that quote or a backslash. An unquoted word runs
// to the next whitespace and only "\\" collapses to "\". Whitespace after the word is consumed.
// `pos` is advanced; at the end of `text` the result is "".
std::string getWordConf(std::string_view text, std::size_t& pos);

// Every word of `text`, as Apache's TAKE1/TAKE2/ITERATE handlers would receive them.
std::vector<std::string> splitWordsConf(std::string_view text);

// One `name=value` option as wsgi_parse_option reads it: the name runs up to '=' and may not contain
// whitespace or quotes-as-syntax (a quote is just a character of the name); the value is the next
// ap_getword_conf word after '=', so it may be quoted and may be empty.
struct OptionWord
{
    std::string name;
    std::string value;
    std::size_t offset = 0; // where the option starts in the text (for line numbers)
};

enum class OptionParse
{
    Ok,
    End,
    Malformed
};

// Reads the next option at `pos`. Malformed means "not of the form name=value" (mod_wsgi: "Invalid
// option to WSGI ... definition."); `out.name` then holds the offending word for the message and
// `pos` is moved past it so that callers can keep going and report everything in one pass.
OptionParse parseOption(std::string_view text, std::size_t& pos, OptionWord& out);

// strcasecmp(value, "On"/"Off").
std::optional<bool> parseOnOff(std::string_view value);

// C atoi/apr_atoi64 as mod_wsgi uses them for counts, sizes and time values: leading whitespace, an
// optional sign, digits; everything after the digits is silently ignored by mod_wsgi. We keep what was
// ignored so that the caller can warn ("60s" reads as 60, "2.5" as 2).
struct IntegerText
{
    long long value = 0;
    bool hasDigits = false;  // false: atoi would return 0 for text that is not a number at all
    bool overflow = false;   // does not fit in 64 bits (atoi is undefined there)
    std::string ignoredTail; // text after the digits that atoi ignores, "" when the whole text was read
};
IntegerText parseIntegerText(std::string_view value);

// strtod with the whole text consumed, finite: how mod_wsgi 6 reads switch intervals.
std::optional<double> parseStrictDouble(std::string_view value);

// ap_resolve_env, as httpd applies it to a whole line before splitting it: each `${NAME}` whose NAME is
// in `defines` (Define) is replaced by its value; the others stay as written and their names are added
// to `unresolved` (httpd takes them from its environment, which a reader of the file cannot know).
// `shifts`, when given, receives (offset in the input after a replaced variable, how many bytes the
// output is longer there, cumulative), so that offsets into the input can be mapped to the output.
std::string resolveVariables(std::string_view text, const std::map<std::string, std::string>& defines,
                             std::vector<std::string>* unresolved = nullptr,
                             std::vector<std::pair<std::size_t, long>>* shifts = nullptr);

// True when `value` holds a `${NAME}` (a variable httpd substitutes at start-up).
bool hasConfigVariable(std::string_view value);

// ASCII case-insensitive equality (Apache compares directive names with strcasecmp).
bool equalsIgnoreCase(std::string_view a, std::string_view b);
std::string toLower(std::string_view s);

// Levenshtein distance, used to suggest the directive or option someone probably meant.
std::size_t editDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` (case-insensitive) if it is plausibly a typo of it, else "".
std::string closestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

} // namespace wsgi::config
