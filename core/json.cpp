#include "core/json.h"

#include <charconv>
#include <cmath>

namespace wsgi {

namespace {

const Json& sharedNull()
{
    static const Json null;
    return null;
}

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
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
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
