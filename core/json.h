#pragma once
// A small JSON value for the control protocol and result files. Integers and doubles stay distinct
// (a request count must not come back as 1e+06), objects keep insertion order (dumps read like the
// protocol documentation), and parsing is strict RFC 8259 with a nesting limit. The caller limits
// input size (the control endpoint caps a line before it gets here).
//
// Choices worth knowing:
// - Invalid UTF-8 in the input is accepted and passed through byte for byte; \u escapes are decoded
//   to UTF-8 and an unpaired surrogate escape is an error (it has no UTF-8 form).
// - An integer literal outside int64 becomes a double; "-0" is the double -0.0.
// - Duplicate object keys: the last one wins (as Python's json and JavaScript do).
// - NaN and infinities have no JSON form and dump as null.
// - Object lookup is linear: objects here are protocol messages with a handful of keys.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace wsgi {

class Json
{
public:
    enum class Type
    {
        Null,
        Bool,
        Int,
        Double,
        String,
        Array,
        Object
    };
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;

    static constexpr int kDefaultMaxDepth = 64;

    Json() = default; // null
    Json(std::nullptr_t) {}
    Json(bool v) : m_value(v) {}
    template <std::integral T>
    requires(!std::same_as<T, bool>) Json(T v) : m_value(fromIntegral(v)) {}
    template <std::floating_point T> Json(T v) : m_value(double(v)) {}
    Json(const char* v) : m_value(std::string(v)) {}
    Json(std::string_view v) : m_value(std::string(v)) {}
    Json(std::string v) : m_value(std::move(v)) {}
    Json(Array v) : m_value(std::move(v)) {}
    Json(Object v) : m_value(std::move(v)) {}

    static Json object() { return Json(Object{}); }
    static Json array() { return Json(Array{}); }

    // Strict parse of one JSON text (surrounding whitespace allowed). On failure returns nullopt and
    // sets `error` to what went wrong and where: "... at byte 12 (line 1, column 13)".
    static std::optional<Json> parse(std::string_view text, std::string& error,
                                     int maxDepth = kDefaultMaxDepth);

    std::string dump() const;           // compact
    std::string dump(int indent) const; // pretty, `indent` spaces per level; a negative indent = compact

    Type type() const { return Type(m_value.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isInt() const { return type() == Type::Int; }
    bool isDouble() const { return type() == Type::Double; }
    bool isNumber() const { return isInt() || isDouble(); }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }

    // Lenient reads: the default when the value has another type. asInt also takes a double that
    // holds an exact integer in range; asDouble also takes an int.
    int64_t asInt(int64_t def = 0) const;
    double asDouble(double def = 0.0) const;
    std::string asString(std::string_view def = {}) const;
    bool asBool(bool def = false) const;

    // Object access. operator[] returns a shared null for a missing key or a non-object.
    const Json& operator[](std::string_view key) const;
    const Json* get(std::string_view key) const;
    Json* get(std::string_view key);
    bool contains(std::string_view key) const { return get(key) != nullptr; }
    // Replaces an existing key in place, otherwise appends. A non-object becomes an empty object first.
    Json& set(std::string_view key, Json value);
    bool remove(std::string_view key);

    // Array access. at() returns a shared null when out of range or not an array.
    const Json& at(size_t index) const;
    // A non-array becomes an empty array first.
    Json& push(Json value);

    size_t size() const; // elements or members; 0 for scalars
    bool empty() const { return size() == 0; }
    const Array& elements() const; // empty for a non-array
    const Object& members() const; // empty for a non-object
    Array& elements();             // makes this an array if it is not one
    Object& members();             // makes this an object if it is not one

    // Deep equality; 1 and 1.0 differ (different types) and member order matters.
    friend bool operator==(const Json& a, const Json& b);

private:
    template <std::integral T>
    static std::variant<std::nullptr_t, bool, int64_t, double, std::string, Array, Object> fromIntegral(T v)
    {
        if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(int64_t)) {
            if (v > uint64_t(INT64_MAX))
                return double(v);
        }
        return int64_t(v);
    }

    void dumpTo(std::string& out, int indent, int level) const;

    // Index order matches Type.
    std::variant<std::nullptr_t, bool, int64_t, double, std::string, Array, Object> m_value;
};

} // namespace wsgi
