// ap_getword_conf, wsgi_parse_option and the value readers, case by case against what httpd/mod_wsgi do.

#include "apache-config/apachesyntax.h"

#include <gtest/gtest.h>

using namespace wsgi::config;

namespace {

std::vector<std::string> words(std::string_view text)
{
    return splitWordsConf(text);
}

} // namespace

TEST(GetWordConf, SplitsOnWhitespaceAndSkipsLeadingAndTrailing)
{
    EXPECT_EQ(words("  a \t b   c  "), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(words("").empty());
    EXPECT_TRUE(words("   \t ").empty());
}

TEST(GetWordConf, QuotedWordsKeepSpacesAndDropTheQuotes)
{
    EXPECT_EQ(words("\"/srv/my app/wsgi.py\" 'x y'"),
              (std::vector<std::string>{"/srv/my app/wsgi.py", "x y"}));
}

TEST(GetWordConf, BackslashEscapesOnlyTheQuoteAndBackslashInsideQuotes)
{
    // Inside double quotes: \" -> ", \\ -> \, \n stays a backslash and n.
    EXPECT_EQ(words(R"("a\"b\\c\nd")"), (std::vector<std::string>{R"(a"b\c\nd)"}));
    // Inside single quotes the escapable quote is ', a \" stays as written.
    EXPECT_EQ(words(R"('it\'s \"x\"')"), (std::vector<std::string>{R"(it's \"x\")"}));
}

TEST(GetWordConf, UnquotedWordsOnlyCollapseDoubleBackslashes)
{
    EXPECT_EQ(words(R"(a\\b c\d e\"f)"), (std::vector<std::string>{R"(a\b)", R"(c\d)", R"(e\"f)"}));
}

TEST(GetWordConf, QuoteInTheMiddleOfAWordIsAnOrdinaryCharacter)
{
    // Only a quote at the start of a word opens a quoted word (this is why name="value" keeps its quotes
    // for <WSGIInterpreterOptions> selectors).
    EXPECT_EQ(words(R"(process-group="my-app" x)"),
              (std::vector<std::string>{R"(process-group="my-app")", "x"}));
}

TEST(GetWordConf, AQuotedWordEndsAtTheClosingQuoteEvenWithoutSpace)
{
    EXPECT_EQ(words(R"("abc"def)"), (std::vector<std::string>{"abc", "def"}));
}

TEST(GetWordConf, UnterminatedQuoteRunsToTheEnd)
{
    EXPECT_EQ(words(R"("abc def)"), (std::vector<std::string>{"abc def"}));
}

TEST(GetWordConf, EmptyQuotedWordIsAnEmptyWord)
{
    EXPECT_EQ(words(R"(a "" b)"), (std::vector<std::string>{"a", "", "b"}));
}

TEST(GetWordConf, AdvancesPastTrailingWhitespace)
{
    std::size_t pos = 0;
    const std::string_view text = "first   second";
    EXPECT_EQ(getWordConf(text, pos), "first");
    EXPECT_EQ(pos, 8u);
    EXPECT_EQ(getWordConf(text, pos), "second");
    EXPECT_EQ(pos, text.size());
    EXPECT_EQ(getWordConf(text, pos), "");
}

TEST(ParseOption, NameEqualsValueWithQuotedValues)
{
    const std::string_view text = "processes=2 display-name='%{GROUP}' home=\"/srv/my app\" python-path=";
    std::size_t pos = 0;
    OptionWord o;
    ASSERT_EQ(parseOption(text, pos, o), OptionParse::Ok);
    EXPECT_EQ(o.name, "processes");
    EXPECT_EQ(o.value, "2");
    EXPECT_EQ(o.offset, 0u);
    ASSERT_EQ(parseOption(text, pos, o), OptionParse::Ok);
    EXPECT_EQ(o.name, "display-name");
    EXPECT_EQ(o.value, "%{GROUP}");
    EXPECT_EQ(o.offset, 12u);
    ASSERT_EQ(parseOption(text, pos, o), OptionParse::Ok);
    EXPECT_EQ(o.name, "home");
    EXPECT_EQ(o.value, "/srv/my app");
    ASSERT_EQ(parseOption(text, pos, o), OptionParse::Ok);
    EXPECT_EQ(o.name, "python-path");
    EXPECT_EQ(o.value, "");
    EXPECT_EQ(parseOption(text, pos, o), OptionParse::End);
}

TEST(ParseOption, ValueMayFollowAfterSpacesAsInModWsgi)
{
    // wsgi_parse_option reads the value with ap_getword_conf, which skips leading whitespace.
    std::size_t pos = 0;
    OptionWord o;
    ASSERT_EQ(parseOption("threads= 5", pos, o), OptionParse::Ok);
    EXPECT_EQ(o.value, "5");
}

TEST(ParseOption, MalformedWordsAreReportedAndSkipped)
{
    const std::string_view text = "justaword =x 'quoted=1' ok=1";
    std::size_t pos = 0;
    OptionWord o;
    ASSERT_EQ(parseOption(text, pos, o), OptionParse::Malformed);
    EXPECT_EQ(o.name, "justaword");
    ASSERT_EQ(parseOption(text, pos, o), OptionParse::Malformed);
    EXPECT_EQ(o.name, "=x");
    // A quoted whole option is a name that starts with a quote, exactly as mod_wsgi sees it.
    ASSERT_EQ(parseOption(text, pos, o), OptionParse::Ok);
    EXPECT_EQ(o.name, "'quoted");
    EXPECT_EQ(o.value, "1'");
    ASSERT_EQ(parseOption(text, pos, o), OptionParse::Ok);
    EXPECT_EQ(o.name, "ok");
}

TEST(ParseOnOff, CaseInsensitiveOnlyOnAndOff)
{
    EXPECT_EQ(parseOnOff("On"), true);
    EXPECT_EQ(parseOnOff("oN"), true);
    EXPECT_EQ(parseOnOff("OFF"), false);
    EXPECT_FALSE(parseOnOff("yes"));
    EXPECT_FALSE(parseOnOff("1"));
    EXPECT_FALSE(parseOnOff(""));
}

TEST(ParseIntegerText, ReadsLikeAtoiAndKeepsWhatItIgnores)
{
    IntegerText n = parseIntegerText("60");
    EXPECT_TRUE(n.hasDigits);
    EXPECT_EQ(n.value, 60);
    EXPECT_EQ(n.ignoredTail, "");

    n = parseIntegerText("60s");
    EXPECT_EQ(n.value, 60);
    EXPECT_EQ(n.ignoredTail, "s");

    n = parseIntegerText("2.5");
    EXPECT_EQ(n.value, 2);
    EXPECT_EQ(n.ignoredTail, ".5");

    n = parseIntegerText("-3");
    EXPECT_EQ(n.value, -3);

    n = parseIntegerText("abc");
    EXPECT_FALSE(n.hasDigits);
    EXPECT_EQ(n.value, 0);

    n = parseIntegerText("99999999999999999999999");
    EXPECT_TRUE(n.overflow);
}

TEST(ParseStrictDouble, WholeTextFinitePositiveOrNegative)
{
    EXPECT_DOUBLE_EQ(*parseStrictDouble("0.002"), 0.002);
    EXPECT_DOUBLE_EQ(*parseStrictDouble("1e-3"), 0.001);
    EXPECT_DOUBLE_EQ(*parseStrictDouble("-1"), -1.0);
    EXPECT_FALSE(parseStrictDouble("0.002s"));
    EXPECT_FALSE(parseStrictDouble(""));
    EXPECT_FALSE(parseStrictDouble(" 1"));
    EXPECT_FALSE(parseStrictDouble("inf"));
    EXPECT_FALSE(parseStrictDouble("nan"));
}

TEST(ClosestMatch, SuggestsTyposButNotUnrelatedWords)
{
    const std::vector<std::string_view> names = {"WSGIDaemonProcess", "WSGIScriptAlias", "WSGIProcessGroup"};
    EXPECT_EQ(closestMatch("WSGIDeamonProcess", names), "WSGIDaemonProcess");
    EXPECT_EQ(closestMatch("wsgiscriptalias", names), "WSGIScriptAlias");
    EXPECT_EQ(closestMatch("RewriteEngine", names), "");
    EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
}
