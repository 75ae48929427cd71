#include "apachesyntax.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace wsgi::config {

bool isConfigSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

namespace {

// substring_conf(): a backslash is dropped only before another backslash or (in a quoted word) before
// the quote character; every other backslash is kept as written.
std::string unescapeConf(std::string_view s, char quote)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || (quote && s[i + 1] == quote)))
            ++i;
        out += s[i];
    }
    return out;
}

} // namespace

std::string getWordConf(std::string_view text, std::size_t& pos)
{
    while (pos < text.size() && isConfigSpace(text[pos]))
        ++pos;
    if (pos >= text.size())
        return {};

    std::string word;
    const char quote = text[pos];
    std::size_t end = pos;
    if (quote == '"' || quote == '\'') {
        end = pos + 1;
        while (end < text.size() && text[end] != quote) {
            if (text[end] == '\\' && end + 1 < text.size() &&
                (text[end + 1] == quote || text[end + 1] == '\\'))
                end += 2;
            else
                ++end;
        }
        word = unescapeConf(text.substr(pos + 1, end - pos - 1), quote);
        if (end < text.size()) // the closing quote; an unterminated word simply runs to the end
            ++end;
    } else {
        while (end < text.size() && !isConfigSpace(text[end]))
            ++end;
        word = unescapeConf(text.substr(pos, end - pos), 0);
    }
    while (end < text.size() && isConfigSpace(text[end]))
        ++end;
    pos = end;
    return word;
}

std::vector<std::string> splitWordsConf(std::string_view text)
{
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (true) {
        while (pos < text.size() && isConfigSpace(text[pos]))
            ++pos;
        if (pos >= text.size())
            break;
        words.push_back(getWordConf(text, pos));
    }
    return words;
}

OptionParse parseOption(std::string_view text, std::size_t& pos, OptionWord& out)
{
    while (pos < text.size() && isConfigSpace(text[pos]))
        ++pos;
    out = OptionWord{};
    out.offset = pos;
    if (pos >= text.size())
        return OptionParse::End;

    std::size_t end = pos;
    while (end < text.size() && text[end] != '=' && !isConfigSpace(text[end]))
        ++end;
    if (end == pos || end >= text.size() || text[end] != '=') {
        // Not name=value. Report the whole word and step over it.
        std::size_t skip = pos;
        out.name = getWordConf(text, skip);
        pos = skip;
        return OptionParse::Malformed;
    }
    out.name = std::string(text.substr(pos, end - pos));
    pos = end + 1;
    out.value = getWordConf(text, pos);
    return OptionParse::Ok;
}

std::optional<bool> parseOnOff(std::string_view value)
{
    if (equalsIgnoreCase(value, "On"))
        return true;
    if (equalsIgnoreCase(value, "Off"))
        return false;
    return std::nullopt;
}

IntegerText parseIntegerText(std::string_view value)
{
    IntegerText r;
    std::size_t i = 0;
    while (i < value.size() && isConfigSpace(value[i]))
        ++i;
    bool negative = false;
    if (i < value.size() && (value[i] == '+' || value[i] == '-')) {
        negative = value[i] == '-';
        ++i;
    }
    unsigned long long magnitude = 0;
    const unsigned long long limit = static_cast<unsigned long long>(std::numeric_limits<long long>::max());
    while (i < value.size() && std::isdigit(static_cast<unsigned char>(value[i]))) {
        r.hasDigits = true;
        const unsigned digit = static_cast<unsigned>(value[i] - '0');
        if (magnitude > (limit - digit) / 10)
            r.overflow = true;
        else
            magnitude = magnitude * 10 + digit;
        ++i;
    }
    r.value = negative ? -static_cast<long long>(magnitude) : static_cast<long long>(magnitude);
    r.ignoredTail = std::string(value.substr(std::min(i, value.size())));
    return r;
}

std::optional<double> parseStrictDouble(std::string_view value)
{
    if (value.empty() || isConfigSpace(value.front()))
        return std::nullopt;
    const std::string s(value);
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(d))
        return std::nullopt;
    return d;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string toLower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string closestMatch(std::string_view word, const std::vector<std::string_view>& candidates)
{
    // A third of the length (at least 2) catches typos and case slips without suggesting unrelated names.
    const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
    const std::string lowered = toLower(word);
    std::string best;
    std::size_t bestDistance = allowed + 1;
    for (std::string_view candidate : candidates) {
        // The distance is at least the length difference: skip the quadratic work when it cannot win.
        const std::size_t lengthGap =
            candidate.size() > word.size() ? candidate.size() - word.size() : word.size() - candidate.size();
        if (lengthGap >= bestDistance)
            continue;
        const std::size_t d = editDistance(lowered, toLower(candidate));
        if (d < bestDistance) {
            bestDistance = d;
            best = std::string(candidate);
        }
    }
    return best;
}

} // namespace wsgi::config

namespace wsgi::config {

std::string resolveVariables(std::string_view text, const std::map<std::string, std::string>& defines,
                             std::vector<std::string>* unresolved,
                             std::vector<std::pair<std::size_t, long>>* shifts)
{
    std::string out;
    long shift = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t open = text.find("${", pos);
        const std::size_t close = open == std::string_view::npos ? open : text.find('}', open + 2);
        if (close == std::string_view::npos) {
            out += text.substr(pos);
            break;
        }
        out += text.substr(pos, open - pos);
        const std::string name(text.substr(open + 2, close - open - 2));
        if (auto it = defines.find(name); it != defines.end()) {
            out += it->second;
            shift += long(it->second.size()) - long(close + 1 - open);
            if (shifts)
                shifts->emplace_back(close + 1, shift);
        } else {
            out += text.substr(open, close - open + 1);
            if (unresolved && std::find(unresolved->begin(), unresolved->end(), name) == unresolved->end())
                unresolved->push_back(name);
        }
        pos = close + 1;
    }
    return out;
}

bool hasConfigVariable(std::string_view value)
{
    const std::size_t open = value.find("${");
    return open != std::string_view::npos && value.find('}', open + 2) != std::string_view::npos;
}

} // namespace wsgi::config
