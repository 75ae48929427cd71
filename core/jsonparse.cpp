// Json::parse: a strict RFC 8259 recursive-descent parser (kept apart from json.cpp, which holds
// the value type and the writer).
#include "core/json.h"

#include <charconv>
#include <cstdio>
#include <unordered_map>

namespace wsgi {

namespace {

class Parser
{
public:
    Parser(std::string_view text, int maxDepth) : m_text(text), m_maxDepth(maxDepth) {}

    std::optional<Json> run(std::string& error)
    {
        std::optional<Json> result;
        skipWhitespace();
        Json value;
        if (parseValue(value, 0)) {
            skipWhitespace();
            if (m_pos == m_text.size())
                result = std::move(value);
            else
                fail("unexpected characters after the JSON value");
        }
        if (!result)
            error = m_error;
        return result;
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }

    // Always returns false so callers can `return fail(...)`. Only the first failure is kept: it is
    // the one that names the real position.
    bool fail(std::string_view what) { return failAt(what, m_pos); }
    bool failAt(std::string_view what, size_t offset)
    {
        if (!m_error.empty())
            return false;
        size_t line = 1;
        size_t lineStart = 0;
        for (size_t i = 0; i < offset && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++line;
                lineStart = i + 1;
            }
        }
        m_error = std::string(what) + " at byte " + std::to_string(offset) + " (line " +
                  std::to_string(line) + ", column " + std::to_string(offset - lineStart + 1) + ")";
        return false;
    }

    bool failUnexpected()
    {
        if (atEnd())
            return fail("unexpected end of input");
        const auto c = static_cast<unsigned char>(peek());
        if (c >= 0x20 && c < 0x7f)
            return fail(std::string("unexpected character '") + char(c) + "'");
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", c);
        return fail(std::string("unexpected byte ") + hex);
    }

    void skipWhitespace()
    {
        while (!atEnd()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            ++m_pos;
        }
    }

    bool parseValue(Json& out, int depth)
    {
        switch (peek()) {
        case '{':
            return parseObject(out, depth + 1);
        case '[':
            return parseArray(out, depth + 1);
        case '"': {
            std::string s;
            if (!parseString(s))
                return false;
            out = Json(std::move(s));
            return true;
        }
        case 't':
            return parseLiteral("true", Json(true), out);
        case 'f':
            return parseLiteral("false", Json(false), out);
        case 'n':
            return parseLiteral("null", Json(), out);
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
                return parseNumber(out);
            return failUnexpected();
        }
    }

    bool parseLiteral(std::string_view word, Json value, Json& out)
    {
        if (m_text.substr(m_pos, word.size()) != word)
            return fail("invalid literal (expected '" + std::string(word) + "')");
        m_pos += word.size();
        out = std::move(value);
        return true;
    }

    bool enter(int depth)
    {
        // Checked before recursing so hostile input cannot exhaust the stack.
        if (depth > m_maxDepth)
            return fail("nesting deeper than " + std::to_string(m_maxDepth) + " levels");
        return true;
    }

    bool parseArray(Json& out, int depth)
    {
        if (!enter(depth))
            return false;
        ++m_pos; // '['
        Json::Array items;
        skipWhitespace();
        if (peek() == ']') {
            ++m_pos;
            out = Json(std::move(items));
            return true;
        }
        for (;;) {
            skipWhitespace();
            if (peek() == ']')
                return fail("trailing comma in array");
            Json item;
            if (!parseValue(item, depth))
                return false;
            items.push_back(std::move(item));
            skipWhitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']') {
                ++m_pos;
                out = Json(std::move(items));
                return true;
            }
            return atEnd() ? fail("unterminated array") : fail("expected ',' or ']' in array");
        }
    }

    bool parseObject(Json& out, int depth)
    {
        if (!enter(depth))
            return false;
        ++m_pos; // '{'
        Json::Object members;
        // Duplicate keys: last wins. Small objects search linearly; a large one gets an index so a
        // hostile message with many keys stays linear.
        std::unordered_map<std::string, size_t> index;
        skipWhitespace();
        if (peek() == '}') {
            ++m_pos;
            out = Json(std::move(members));
            return true;
        }
        for (;;) {
            skipWhitespace();
            if (peek() == '}')
                return fail("trailing comma in object");
            if (peek() != '"')
                return atEnd() ? fail("unterminated object") : fail("expected a string key in object");
            std::string key;
            if (!parseString(key))
                return false;
            skipWhitespace();
            if (peek() != ':')
                return fail("expected ':' after object key");
            ++m_pos;
            skipWhitespace();
            Json value;
            if (!parseValue(value, depth))
                return false;
            insert(members, index, std::move(key), std::move(value));
            skipWhitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                out = Json(std::move(members));
                return true;
            }
            return atEnd() ? fail("unterminated object") : fail("expected ',' or '}' in object");
        }
    }

    static void insert(Json::Object& members, std::unordered_map<std::string, size_t>& index, std::string key,
                       Json value)
    {
        constexpr size_t kLinearLimit = 16;
        if (members.size() < kLinearLimit) {
            for (auto& [k, v] : members) {
                if (k == key) {
                    v = std::move(value);
                    return;
                }
            }
        } else {
            if (index.empty())
                for (size_t i = 0; i < members.size(); ++i)
                    index.emplace(members[i].first, i);
            if (const auto it = index.find(key); it != index.end()) {
                members[it->second].second = std::move(value);
                return;
            }
            index.emplace(key, members.size());
        }
        members.emplace_back(std::move(key), std::move(value));
    }

    bool parseHex4(uint32_t& out)
    {
        out = 0;
        for (size_t i = 0; i < 4; ++i) {
            if (m_pos + i >= m_text.size())
                return failAt("truncated \\u escape", m_pos + i);
            const char c = m_text[m_pos + i];
            uint32_t digit = 0;
            if (c >= '0' && c <= '9')
                digit = uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                digit = uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                digit = uint32_t(c - 'A' + 10);
            else
                return failAt("invalid hex digit in \\u escape", m_pos + i);
            out = out * 16 + digit;
        }
        m_pos += 4;
        return true;
    }

    static void appendUtf8(std::string& s, uint32_t cp)
    {
        if (cp < 0x80) {
            s += char(cp);
        } else if (cp < 0x800) {
            s += char(0xc0 | (cp >> 6));
            s += char(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            s += char(0xe0 | (cp >> 12));
            s += char(0x80 | ((cp >> 6) & 0x3f));
            s += char(0x80 | (cp & 0x3f));
        } else {
            s += char(0xf0 | (cp >> 18));
            s += char(0x80 | ((cp >> 12) & 0x3f));
            s += char(0x80 | ((cp >> 6) & 0x3f));
            s += char(0x80 | (cp & 0x3f));
        }
    }

    bool parseString(std::string& out)
    {
        const size_t start = m_pos;
        ++m_pos; // opening quote
        for (;;) {
            // Copy the plain run in one go: most strings have no escapes.
            const size_t runStart = m_pos;
            while (!atEnd()) {
                const auto c = static_cast<unsigned char>(m_text[m_pos]);
                if (c == '"' || c == '\\' || c < 0x20)
                    break;
                ++m_pos;
            }
            out.append(m_text.substr(runStart, m_pos - runStart));
            if (atEnd())
                return failAt("unterminated string", start);
            const char c = m_text[m_pos];
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c != '\\')
                return fail("unescaped control character in string");
            ++m_pos;
            if (atEnd())
                return failAt("unterminated string", start);
            const char e = m_text[m_pos++];
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                const size_t escapeAt = m_pos - 2;
                uint32_t cp = 0;
                if (!parseHex4(cp))
                    return false;
                if (cp >= 0xdc00 && cp <= 0xdfff)
                    return failAt("unpaired low surrogate in \\u escape", escapeAt);
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (m_text.substr(m_pos, 2) != "\\u")
                        return failAt("unpaired high surrogate in \\u escape", escapeAt);
                    m_pos += 2;
                    uint32_t low = 0;
                    if (!parseHex4(low))
                        return false;
                    if (low < 0xdc00 || low > 0xdfff)
                        return failAt("unpaired high surrogate in \\u escape", escapeAt);
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                }
                appendUtf8(out, cp);
                break;
            }
            default:
                return failAt("invalid escape in string", m_pos - 2);
            }
        }
    }

    bool parseNumber(Json& out)
    {
        const size_t start = m_pos;
        auto digits = [&] {
            const size_t from = m_pos;
            while (!atEnd() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            return m_pos - from;
        };
        const bool negative = peek() == '-';
        if (negative)
            ++m_pos;
        const size_t intStart = m_pos;
        const size_t intDigits = digits();
        if (intDigits == 0)
            return fail("expected a digit in number");
        if (m_text[intStart] == '0' && intDigits > 1)
            return failAt("leading zero in number", intStart);
        bool isInteger = true;
        size_t fracLeadingZeros = 0;
        if (peek() == '.') {
            isInteger = false;
            ++m_pos;
            const size_t fracStart = m_pos;
            if (digits() == 0)
                return fail("expected a digit after the decimal point");
            while (fracStart + fracLeadingZeros < m_pos && m_text[fracStart + fracLeadingZeros] == '0')
                ++fracLeadingZeros;
        }
        long exponent = 0;
        if (peek() == 'e' || peek() == 'E') {
            isInteger = false;
            ++m_pos;
            bool expNegative = false;
            if (peek() == '+' || peek() == '-')
                expNegative = m_text[m_pos++] == '-';
            const size_t expStart = m_pos;
            if (digits() == 0)
                return fail("expected a digit in exponent");
            for (size_t i = expStart; i < m_pos && exponent < 100000; ++i)
                exponent = exponent * 10 + (m_text[i] - '0');
            if (expNegative)
                exponent = -exponent;
        }
        const char* first = m_text.data() + start;
        const char* last = m_text.data() + m_pos;

        if (isInteger) {
            if (negative && intDigits == 1 && m_text[intStart] == '0') {
                out = Json(-0.0); // keeps the sign through a round trip
                return true;
            }
            int64_t v = 0;
            const auto [ptr, ec] = std::from_chars(first, last, v);
            if (ec == std::errc() && ptr == last) {
                out = Json(v);
                return true;
            }
            // Beyond int64: fall through and keep it as a double.
        }
        double d = 0.0;
        const auto [ptr, ec] = std::from_chars(first, last, d);
        if (ec == std::errc::result_out_of_range) {
            // Overflow or underflow? Estimate the decimal exponent of the leading digit.
            const bool intIsZero = m_text[intStart] == '0';
            const long magnitude =
                intIsZero ? exponent - long(fracLeadingZeros) - 1 : exponent + long(intDigits) - 1;
            if (magnitude > 0)
                return failAt("number out of range", start);
            out = Json(negative ? -0.0 : 0.0); // underflow rounds to zero
            return true;
        }
        if (ec != std::errc() || ptr != last)
            return failAt("invalid number", start);
        out = Json(d);
        return true;
    }

    std::string_view m_text;
    size_t m_pos = 0;
    int m_maxDepth;
    std::string m_error;
};

} // namespace

std::optional<Json> Json::parse(std::string_view text, std::string& error, int maxDepth)
{
    error.clear();
    return Parser(text, maxDepth).run(error);
}

} // namespace wsgi
