#include "core/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using wsgi::Json;

namespace {

Json parseOk(std::string_view text)
{
    std::string error;
    auto v = Json::parse(text, error);
    EXPECT_TRUE(v.has_value()) << text << ": " << error;
    EXPECT_TRUE(error.empty());
    return v ? std::move(*v) : Json();
}

std::string parseError(std::string_view text, int maxDepth = Json::kDefaultMaxDepth)
{
    std::string error;
    auto v = Json::parse(text, error, maxDepth);
    EXPECT_FALSE(v.has_value()) << "accepted: " << text;
    EXPECT_FALSE(error.empty());
    return error;
}

} // namespace

TEST(Json, Scalars)
{
    EXPECT_TRUE(parseOk("null").isNull());
    EXPECT_EQ(parseOk("true"), Json(true));
    EXPECT_EQ(parseOk(" false\n"), Json(false));
    EXPECT_EQ(parseOk("\"hi\""), Json("hi"));
    EXPECT_TRUE(parseOk("42").isInt());
    EXPECT_TRUE(parseOk("42.0").isDouble());
    EXPECT_TRUE(parseOk("4e1").isDouble());
    EXPECT_EQ(parseOk("42").asInt(), 42);
    EXPECT_EQ(parseOk("-7").asInt(), -7);
}

TEST(Json, IntegersKeepTheirExtremes)
{
    const int64_t maxV = std::numeric_limits<int64_t>::max();
    const int64_t minV = std::numeric_limits<int64_t>::min();
    EXPECT_EQ(parseOk("9223372036854775807"), Json(maxV));
    EXPECT_EQ(parseOk("-9223372036854775808"), Json(minV));
    EXPECT_EQ(Json(maxV).dump(), "9223372036854775807");
    EXPECT_EQ(Json(minV).dump(), "-9223372036854775808");
    // One past int64 is still a number, kept as a double.
    const Json big = parseOk("9223372036854775808");
    EXPECT_TRUE(big.isDouble());
    EXPECT_EQ(big.asDouble(), 9223372036854775808.0);
    EXPECT_EQ(big.asInt(-1), -1); // out of int64 range
    EXPECT_TRUE(Json(uint64_t(1) << 63).isDouble());
    EXPECT_TRUE(Json(uint32_t(7)).isInt());
}

TEST(Json, DoublesRoundTripShortest)
{
    EXPECT_EQ(Json(0.1).dump(), "0.1");
    EXPECT_EQ(Json(1e-7).dump(), "1e-07");
    EXPECT_EQ(Json(2.0).dump(), "2.0"); // stays a double when read back
    EXPECT_EQ(Json(-0.0).dump(), "-0.0");
    EXPECT_EQ(Json(1e300).dump(), "1e+300");
    for (double d :
         {0.1, 1e-7, 1.0 / 3.0, 123456.789, -2.5e-308, 5e-324, 1.7976931348623157e308, 0.3, 100.0, 1e21}) {
        const Json back = parseOk(Json(d).dump());
        ASSERT_TRUE(back.isDouble()) << d;
        EXPECT_EQ(back.asDouble(), d) << Json(d).dump();
    }
    EXPECT_DOUBLE_EQ(parseOk("1E-7").asDouble(), 1e-7);
    EXPECT_DOUBLE_EQ(parseOk("-1.5e+3").asDouble(), -1500.0);
    EXPECT_TRUE(std::signbit(parseOk("-0").asDouble()));
    EXPECT_EQ(parseOk("1e-400").asDouble(), 0.0); // underflow rounds to zero
    EXPECT_EQ(parseOk("0.0000001").asDouble(), 1e-7);
    EXPECT_EQ(Json(std::nan("")).dump(), "null");
    EXPECT_EQ(Json(std::numeric_limits<double>::infinity()).dump(), "null");
}

TEST(Json, Strings)
{
    EXPECT_EQ(parseOk(R"("a\"b\\c\/d\b\f\n\r\t")").asString(), "a\"b\\c/d\b\f\n\r\t");
    EXPECT_EQ(parseOk(R"("\u0041\u00e9\u20ac")").asString(), "A\xc3\xa9\xe2\x82\xac");
    EXPECT_EQ(parseOk(R"("\ud83d\ude00")").asString(), "\xf0\x9f\x98\x80"); // surrogate pair
    EXPECT_EQ(parseOk(R"("\u0000")").asString(), std::string(1, '\0'));
    EXPECT_EQ(parseOk("\"caf\xc3\xa9\"").asString(), "caf\xc3\xa9"); // raw UTF-8 passes through

    EXPECT_EQ(Json("q\"b\\s\n\x01\x1f\x7f").dump(), R"("q\"b\\s\n\u0001\u001f)"
                                                    "\x7f\"");
    EXPECT_EQ(Json(std::string("a\0b", 3)).dump(), R"("a\u0000b")");
    EXPECT_EQ(Json("\xe2\x82\xac").dump(), "\"\xe2\x82\xac\"");
    EXPECT_EQ(Json("tab\tcr\r").dump(), R"("tab\tcr\r")");
}

TEST(Json, ContainersKeepInsertionOrder)
{
    const Json v = parseOk(R"( { "z": 1, "a": [1, 2.5, "x", null, true, {}], "m": {"k": []} } )");
    ASSERT_TRUE(v.isObject());
    EXPECT_EQ(v.size(), 3u);
    EXPECT_EQ(v.members()[0].first, "z");
    EXPECT_EQ(v.members()[1].first, "a");
    EXPECT_EQ(v.members()[2].first, "m");
    EXPECT_EQ(v["a"].size(), 6u);
    EXPECT_EQ(v["a"].at(1).asDouble(), 2.5);
    EXPECT_TRUE(v["a"].at(99).isNull());
    EXPECT_TRUE(v["m"]["k"].isArray());
    EXPECT_TRUE(v["missing"].isNull());
    EXPECT_TRUE(v["missing"]["deeper"].isNull());
    EXPECT_EQ(v.get("missing"), nullptr);
    ASSERT_NE(v.get("z"), nullptr);
    EXPECT_EQ(v.get("z")->asInt(), 1);
    EXPECT_EQ(v.dump(), R"({"z":1,"a":[1,2.5,"x",null,true,{}],"m":{"k":[]}})");
}

TEST(Json, DuplicateKeysLastWins)
{
    EXPECT_EQ(parseOk(R"({"a":1,"b":2,"a":3})").dump(), R"({"a":3,"b":2})");
    // Large object: the indexed path.
    std::string text = "{";
    for (int i = 0; i < 100; ++i)
        text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    text += "\"k5\":\"again\",\"k99\":-1}";
    const Json v = parseOk(text);
    EXPECT_EQ(v.size(), 100u);
    EXPECT_EQ(v["k5"].asString(), "again");
    EXPECT_EQ(v["k99"].asInt(), -1);
    EXPECT_EQ(v.members()[5].first, "k5");
}

TEST(Json, Builders)
{
    Json msg = Json::object();
    msg.set("op", "status").set("id", 7).set("ratio", 0.5).set("ok", true).set("none", nullptr);
    Json list = Json::array();
    list.push(1).push("two").push(Json::object().set("three", 3));
    msg.set("list", list);
    msg.set("id", 8); // replaces in place
    EXPECT_EQ(msg.dump(),
              R"({"op":"status","id":8,"ratio":0.5,"ok":true,"none":null,"list":[1,"two",{"three":3}]})");
    EXPECT_TRUE(msg.remove("none"));
    EXPECT_FALSE(msg.remove("none"));
    EXPECT_FALSE(msg.contains("none"));

    Json scalar = 5;
    scalar.set("k", 1); // a non-object becomes an object
    EXPECT_EQ(scalar.dump(), R"({"k":1})");
    Json nothing;
    nothing.push(1);
    EXPECT_EQ(nothing.dump(), "[1]");
    EXPECT_TRUE(Json::object().empty());
    EXPECT_EQ(Json::array().dump(), "[]");
}

TEST(Json, LenientAccessors)
{
    const Json v = parseOk(R"({"i":5,"d":2.0,"f":2.5,"s":"x","b":true,"n":null})");
    EXPECT_EQ(v["i"].asInt(), 5);
    EXPECT_EQ(v["d"].asInt(), 2); // exact integer held as a double
    EXPECT_EQ(v["f"].asInt(-1), -1);
    EXPECT_EQ(v["i"].asDouble(), 5.0);
    EXPECT_EQ(v["s"].asInt(9), 9);
    EXPECT_EQ(v["s"].asString(), "x");
    EXPECT_EQ(v["i"].asString("dflt"), "dflt");
    EXPECT_TRUE(v["b"].asBool());
    EXPECT_TRUE(v["n"].asBool(true));
    EXPECT_EQ(v["missing"].asDouble(1.5), 1.5);
    EXPECT_FALSE(v["i"].isObject());
    EXPECT_TRUE(v.isObject());
}

TEST(Json, PrettyDump)
{
    const Json v = parseOk(R"({"a":[1,{"b":null}],"e":[],"o":{}})");
    EXPECT_EQ(v.dump(2), "{\n"
                         "  \"a\": [\n"
                         "    1,\n"
                         "    {\n"
                         "      \"b\": null\n"
                         "    }\n"
                         "  ],\n"
                         "  \"e\": [],\n"
                         "  \"o\": {}\n"
                         "}");
    EXPECT_EQ(parseOk(v.dump(4)), v);
    EXPECT_EQ(v.dump(-1), v.dump());
}

TEST(Json, RoundTrip)
{
    const std::string text =
        R"({"hello":"wsgi-studio","version":1,"groups":[{"name":"app","threads":15,"ratio":0.75,)"
        R"("tags":["a","b\n"],"limits":{"min":-9223372036854775808,"tiny":1e-07}}],"ok":false,"x":null})";
    const Json v = parseOk(text);
    EXPECT_EQ(v.dump(), text);
    EXPECT_EQ(parseOk(v.dump()), v);
    EXPECT_EQ(parseOk(v.dump(3)), v);
    EXPECT_NE(parseOk("1"), parseOk("1.0"));
    EXPECT_NE(parseOk(R"({"a":1,"b":2})"), parseOk(R"({"b":2,"a":1})"));
}

TEST(Json, MalformedInputsNameTheOffset)
{
    struct Case
    {
        const char* text;
        const char* expect; // substring of the error
    };
    const Case cases[] = {
        {"", "unexpected end of input at byte 0 (line 1, column 1)"},
        {"   ", "unexpected end of input at byte 3"},
        {"[1,2,]", "trailing comma in array at byte 5"},
        {"{\"a\":1,}", "trailing comma in object at byte 7"},
        {"{\"a\" 1}", "expected ':' after object key at byte 5"},
        {"{a:1}", "expected a string key in object at byte 1"},
        {"[1 2]", "expected ',' or ']' in array at byte 3"},
        {"{\"a\":1 \"b\":2}", "expected ',' or '}' in object at byte 7"},
        {"[1,2", "unterminated array at byte 4"},
        {"{\"a\":1", "unterminated object at byte 6"},
        {"\"abc", "unterminated string at byte 0"},
        {"\"a\nb\"", "unescaped control character in string at byte 2"},
        {"\"\\x\"", "invalid escape in string at byte 1"},
        {"\"\\u12g4\"", "invalid hex digit in \\u escape at byte 5"},
        {"\"\\u12\"", "invalid hex digit in \\u escape at byte 5"},
        {"\"\\u12", "truncated \\u escape at byte 5"},
        {"\"\\ud800\"", "unpaired high surrogate in \\u escape at byte 1"},
        {"\"\\ud800\\u0041\"", "unpaired high surrogate"},
        {"\"\\udc00\"", "unpaired low surrogate in \\u escape at byte 1"},
        {"01", "leading zero in number at byte 0"},
        {"-", "expected a digit in number at byte 1"},
        {"-a", "expected a digit in number at byte 1"},
        {"1.", "expected a digit after the decimal point at byte 2"},
        {".5", "unexpected character '.' at byte 0"},
        {"1e", "expected a digit in exponent at byte 2"},
        {"1e400", "number out of range at byte 0"},
        {"+1", "unexpected character '+' at byte 0"},
        {"tru", "invalid literal (expected 'true') at byte 0"},
        {"nul", "invalid literal (expected 'null')"},
        {"NaN", "unexpected character 'N'"},
        {"Infinity", "unexpected character 'I'"},
        {"[1] x", "unexpected characters after the JSON value at byte 4"},
        {"{} {}", "unexpected characters after the JSON value at byte 3"},
        {"// c\n1", "unexpected character '/' at byte 0"},
        {"[1,\n  /* c */ 2]", "unexpected character '/' at byte 6 (line 2, column 3)"},
        {"{\n\"a\": [\n1,\n]\n}", "trailing comma in array at byte 12 (line 4, column 1)"},
        {"'a'", "unexpected character '''"},
        {"\x01", "unexpected byte 0x01 at byte 0"},
        {"[\"a\",\xff]", "unexpected byte 0xff at byte 5"},
    };
    for (const auto& c : cases) {
        const std::string error = parseError(c.text);
        EXPECT_NE(error.find(c.expect), std::string::npos) << "input: " << c.text << "\nerror: " << error;
        EXPECT_NE(error.find("line "), std::string::npos) << error;
    }
}

TEST(Json, NestingDepthLimit)
{
    auto nested = [](int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); };
    EXPECT_TRUE(parseOk(nested(64)).isArray());
    EXPECT_NE(parseError(nested(65)).find("nesting deeper than 64 levels at byte 64"), std::string::npos);
    EXPECT_NE(parseError(nested(100000)).find("nesting deeper than 64"),
              std::string::npos); // no stack blowup

    std::string objects;
    for (int i = 0; i < 65; ++i)
        objects += "{\"a\":";
    objects += "1" + std::string(65, '}');
    EXPECT_NE(parseError(objects).find("nesting deeper"), std::string::npos);

    EXPECT_TRUE(parseOk("[[[1]]]").isArray());
    EXPECT_NE(parseError("[[[1]]]", 2).find("nesting deeper than 2 levels at byte 2"), std::string::npos);
    std::string error;
    EXPECT_TRUE(Json::parse("[[1]]", error, 2).has_value());
}

TEST(Json, ErrorIsClearedOnSuccess)
{
    std::string error = "stale";
    EXPECT_TRUE(Json::parse("{}", error).has_value());
    EXPECT_TRUE(error.empty());
}
