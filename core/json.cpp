#include "core/json.h"

#include <charconv>
#include <cstdio>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace wsgi {

namespace {

const Json& sharedNull()
{
    static const Json null;
    return null;
}

// ---------------------------------------------------------------------------------------------
// Parsing

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
        m_error = std::string(what) + " at byte " + std::to_string(offset) + " (line " + std::to_string(line) +
                  ", column " + std::to_string(offset - lineStart + 1) + ")";
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
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
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
            const long magnitude = intIsZero ? exponent - long(fracLeadingZeros) - 1
                                             : exponent + long(intDigits) - 1;
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

// ---------------------------------------------------------------------------------------------
// Dumping

void appendEscaped(std::string& out, std::string_view s)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    size_t runStart = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue; // includes every byte >= 0x80: UTF-8 passes through unchanged
        out.append(s.substr(runStart, i - runStart));
        runStart = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
    out.append(s.substr(runStart));
    out += '"';
}

void appendDouble(std::string& out, double d)
{
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    char buf[32];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d); // shortest round trip
    (void)ec;                                                       // 32 bytes always suffice
    const std::string_view text(buf, size_t(ptr - buf));
    out += text;
    // Keep it a double when read back: "2" would come back as an integer.
    if (text.find_first_of(".eE") == std::string_view::npos)
        out += ".0";
}

void appendNewline(std::string& out, int indent, int level)
{
    out += '\n';
    out.append(size_t(indent) * size_t(level), ' ');
}

} // namespace

std::optional<Json> Json::parse(std::string_view text, std::string& error, int maxDepth)
{
    error.clear();
    return Parser(text, maxDepth).run(error);
}

std::string Json::dump() const
{
    std::string out;
    dumpTo(out, -1, 0);
    return out;
}

std::string Json::dump(int indent) const
{
    std::string out;
    dumpTo(out, indent, 0);
    return out;
}

void Json::dumpTo(std::string& out, int indent, int level) const
{
    const bool pretty = indent >= 0;
    switch (type()) {
    case Type::Null:
        out += "null";
        break;
    case Type::Bool:
        out += std::get<bool>(m_value) ? "true" : "false";
        break;
    case Type::Int: {
        char buf[24];
        const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, std::get<int64_t>(m_value));
        (void)ec;
        out.append(buf, ptr);
        break;
    }
    case Type::Double:
        appendDouble(out, std::get<double>(m_value));
        break;
    case Type::String:
        appendEscaped(out, std::get<std::string>(m_value));
        break;
    case Type::Array: {
        const auto& items = std::get<Array>(m_value);
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += ',';
            if (pretty)
                appendNewline(out, indent, level + 1);
            items[i].dumpTo(out, indent, level + 1);
        }
        if (pretty && !items.empty())
            appendNewline(out, indent, level);
        out += ']';
        break;
    }
    case Type::Object: {
        const auto& members = std::get<Object>(m_value);
        out += '{';
        for (size_t i = 0; i < members.size(); ++i) {
            if (i > 0)
                out += ',';
            if (pretty)
                appendNewline(out, indent, level + 1);
            appendEscaped(out, members[i].first);
            out += pretty ? ": " : ":";
            members[i].second.dumpTo(out, indent, level + 1);
        }
        if (pretty && !members.empty())
            appendNewline(out, indent, level);
        out += '}';
        break;
    }
    }
}

int64_t Json::asInt(int64_t def) const
{
    if (const auto* i = std::get_if<int64_t>(&m_value))
        return *i;
    if (const auto* d = std::get_if<double>(&m_value)) {
        // 2^63 is exactly representable; anything at or beyond it is out of range.
        if (std::isfinite(*d) && *d == std::trunc(*d) && *d >= -9223372036854775808.0 &&
            *d < 9223372036854775808.0)
            return int64_t(*d);
    }
    return def;
}

double Json::asDouble(double def) const
{
    if (const auto* d = std::get_if<double>(&m_value))
        return *d;
    if (const auto* i = std::get_if<int64_t>(&m_value))
        return double(*i);
    return def;
}

std::string Json::asString(std::string_view def) const
{
    if (const auto* s = std::get_if<std::string>(&m_value))
        return *s;
    return std::string(def);
}

bool Json::asBool(bool def) const
{
    if (const auto* b = std::get_if<bool>(&m_value))
        return *b;
    return def;
}

const Json& Json::operator[](std::string_view key) const
{
    const Json* v = get(key);
    return v ? *v : sharedNull();
}

const Json* Json::get(std::string_view key) const
{
    if (const auto* obj = std::get_if<Object>(&m_value))
        for (const auto& [k, v] : *obj)
            if (k == key)
                return &v;
    return nullptr;
}

Json* Json::get(std::string_view key)
{
    return const_cast<Json*>(std::as_const(*this).get(key));
}

Json& Json::set(std::string_view key, Json value)
{
    if (Json* existing = get(key))
        *existing = std::move(value);
    else
        members().emplace_back(std::string(key), std::move(value));
    return *this;
}

bool Json::remove(std::string_view key)
{
    auto* obj = std::get_if<Object>(&m_value);
    if (!obj)
        return false;
    for (auto it = obj->begin(); it != obj->end(); ++it) {
        if (it->first == key) {
            obj->erase(it);
            return true;
        }
    }
    return false;
}

const Json& Json::at(size_t index) const
{
    if (const auto* arr = std::get_if<Array>(&m_value); arr && index < arr->size())
        return (*arr)[index];
    return sharedNull();
}

Json& Json::push(Json value)
{
    elements().push_back(std::move(value));
    return *this;
}

size_t Json::size() const
{
    if (const auto* arr = std::get_if<Array>(&m_value))
        return arr->size();
    if (const auto* obj = std::get_if<Object>(&m_value))
        return obj->size();
    return 0;
}

const Json::Array& Json::elements() const
{
    static const Array empty;
    const auto* arr = std::get_if<Array>(&m_value);
    return arr ? *arr : empty;
}

const Json::Object& Json::members() const
{
    static const Object empty;
    const auto* obj = std::get_if<Object>(&m_value);
    return obj ? *obj : empty;
}

Json::Array& Json::elements()
{
    if (!isArray())
        m_value = Array{};
    return std::get<Array>(m_value);
}

Json::Object& Json::members()
{
    if (!isObject())
        m_value = Object{};
    return std::get<Object>(m_value);
}

bool operator==(const Json& a, const Json& b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case Json::Type::Null:
        return true;
    case Json::Type::Bool:
        return std::get<bool>(a.m_value) == std::get<bool>(b.m_value);
    case Json::Type::Int:
        return std::get<int64_t>(a.m_value) == std::get<int64_t>(b.m_value);
    case Json::Type::Double:
        return std::get<double>(a.m_value) == std::get<double>(b.m_value);
    case Json::Type::String:
        return std::get<std::string>(a.m_value) == std::get<std::string>(b.m_value);
    case Json::Type::Array:
        return a.elements() == b.elements();
    case Json::Type::Object:
        return a.members() == b.members();
    }
    return false;
}

} // namespace wsgi
