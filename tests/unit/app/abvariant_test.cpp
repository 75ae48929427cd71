// A/B variants: inline WSGIDaemonProcess options, NAME=FILE snippets, the generated snippet text
// (byte for byte: it is what gets benchmarked and exported), and the errors a user can make.

#include "session/abvariant.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

const QString kApp = u"/srv/app/workload.py"_s;

QString writeFile(const QTemporaryDir& dir, const QString& name, const QString& text)
{
    QString path = dir.filePath(name);
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(text.toUtf8());
    return path;
}

} // namespace

TEST(AbVariant, ParsesKeyValueOptionsKeepingTheRawTokens)
{
    QString error;
    const auto options = parseDaemonOptions(u"processes=2  threads=5 display-name='%{GROUP} x'"_s, error);
    ASSERT_TRUE(options) << error.toStdString();
    ASSERT_EQ(options->size(), 3u);
    EXPECT_EQ((*options)[0].key, u"processes"_s);
    EXPECT_EQ((*options)[0].value, u"2"_s);
    EXPECT_EQ((*options)[2].key, u"display-name"_s);
    EXPECT_EQ((*options)[2].value, u"%{GROUP} x"_s);
    EXPECT_EQ((*options)[2].raw, u"display-name='%{GROUP} x'"_s);
}

TEST(AbVariant, RejectsOptionsThatAreNotKeyValue)
{
    QString error;
    EXPECT_FALSE(parseDaemonOptions(u"processes=2 threads"_s, error));
    EXPECT_EQ(error, u"'threads' is not a key=value option (e.g. processes=2 threads=5)"_s);
    EXPECT_FALSE(parseDaemonOptions(u"=2"_s, error));
    EXPECT_FALSE(parseDaemonOptions(u"display-name='open"_s, error));
    EXPECT_TRUE(error.startsWith(u"unterminated quote"_s)) << error.toStdString();
    EXPECT_FALSE(parseDaemonOptions(u"   "_s, error));
    EXPECT_TRUE(error.startsWith(u"no options given"_s));
}

TEST(AbVariant, GroupNamesAreDerivedFromVariantNames)
{
    EXPECT_EQ(groupNameFor(u"2x5 0.1ms"_s), u"2x5-0-1ms"_s);
    EXPECT_EQ(groupNameFor(u"1x10 free-threaded"_s), u"1x10-free-threaded"_s);
    EXPECT_EQ(groupNameFor(u"A_B"_s), u"a-b"_s);
    EXPECT_EQ(groupNameFor(u"!!!"_s), u"variant"_s);
}

TEST(AbVariant, InlineOptionsBecomeADaemonGroupMountedAtRoot)
{
    QString error;
    const auto v = parseVariant(u"2x5 0.1ms=processes=2 threads=5 switch-interval=0.0001"_s, kApp, error);
    ASSERT_TRUE(v) << error.toStdString();
    EXPECT_EQ(v->name, u"2x5 0.1ms"_s);
    EXPECT_EQ(v->source, AbVariant::Source::Inline);
    EXPECT_EQ(v->options, u"processes=2 threads=5 switch-interval=0.0001"_s);
    EXPECT_EQ(v->group, u"2x5-0-1ms"_s);
    EXPECT_FALSE(v->runInPlace);
    EXPECT_FALSE(v->freeThreading);
    EXPECT_EQ(v->configText, u"# A/B variant \"2x5 0.1ms\" (wsgi-studio-cli)\n"
                             u"WSGIDaemonProcess 2x5-0-1ms processes=2 threads=5 switch-interval=0.0001\n"
                             u"WSGIScriptAlias / /srv/app/workload.py process-group=2x5-0-1ms "
                             u"application-group=%{GLOBAL}\n"_s);
}

TEST(AbVariant, FreeThreadingOnBecomesTheDirectiveAndIsNotPassedAsAnOption)
{
    QString error;
    const auto v = parseVariant(u"ft=processes=1 threads=10 python=3.13t free-threading=on"_s, kApp, error);
    ASSERT_TRUE(v) << error.toStdString();
    EXPECT_TRUE(v->freeThreading);
    EXPECT_EQ(v->requestedRuntime, u"3.13t"_s);
    EXPECT_EQ(v->configText,
              u"# A/B variant \"ft\" (wsgi-studio-cli)\n"
              u"WSGIFreeThreading On\n"
              u"WSGIDaemonProcess ft processes=1 threads=10 python=3.13t\n"
              u"WSGIScriptAlias / /srv/app/workload.py process-group=ft application-group=%{GLOBAL}\n"_s);
    const auto off =
        parseVariant(u"gil=processes=1 threads=10 python=3.13t free-threading=off"_s, kApp, error);
    ASSERT_TRUE(off);
    EXPECT_FALSE(off->configText.contains(u"WSGIFreeThreading"_s));
    EXPECT_FALSE(off->configText.contains(u"free-threading"_s));
}

TEST(AbVariant, FreeThreadingNeedsAFreeThreadedRuntime)
{
    QString error;
    EXPECT_FALSE(parseVariant(u"ft=processes=1 threads=10 free-threading=on"_s, kApp, error));
    EXPECT_EQ(error, u"variant 'ft': free-threading=on needs a free-threaded runtime, e.g. python=3.13t"_s);
    EXPECT_FALSE(parseVariant(u"ft=processes=1 python=3.13 free-threading=on"_s, kApp, error));
    EXPECT_TRUE(error.endsWith(u"(python=3.13 has a GIL)"_s)) << error.toStdString();
    EXPECT_FALSE(parseVariant(u"ft=processes=1 python=3.13t free-threading=maybe"_s, kApp, error));
    EXPECT_EQ(error, u"variant 'ft': free-threading= takes on or off, not 'maybe'"_s);
}

TEST(AbVariant, ASpacedAppPathIsQuoted)
{
    QString error;
    const auto v = parseVariant(u"a=processes=1"_s, u"/srv/my app/app.py"_s, error);
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->configText.contains(u"WSGIScriptAlias / \"/srv/my app/app.py\" process-group=a"_s));
}

TEST(AbVariant, ASnippetWithOneDaemonGroupGetsTheAppMounted)
{
    QTemporaryDir dir;
    const QString text = u"# tuned\nWSGIDaemonProcess shop processes=4 threads=2 python=3.13\n"_s;
    const QString path = writeFile(dir, u"shop.conf"_s, text);
    QString error;
    const auto v = parseVariant(u"shop="_s + path, kApp, error);
    ASSERT_TRUE(v) << error.toStdString();
    EXPECT_EQ(v->source, AbVariant::Source::File);
    EXPECT_EQ(v->filePath, path);
    EXPECT_FALSE(v->runInPlace);
    EXPECT_EQ(v->group, u"shop"_s);
    EXPECT_EQ(v->requestedRuntime, u"3.13"_s);
    EXPECT_EQ(v->configText, text + u"WSGIScriptAlias / /srv/app/workload.py process-group=shop "
                                    u"application-group=%{GLOBAL}\n"_s);
}

TEST(AbVariant, ASnippetWithItsOwnMountRunsInPlaceUntouched)
{
    QTemporaryDir dir;
    const QString text = u"WSGIFreeThreading On\n"
                         u"WSGIDaemonProcess a processes=1 threads=4 python=3.13t\n"
                         u"WSGIDaemonProcess b processes=1 threads=1\n"
                         u"WSGIScriptAlias /b app.py process-group=b\n"
                         u"WSGIScriptAlias / app.py process-group=a application-group=%{GLOBAL}"_s;
    const QString path = writeFile(dir, u"full.conf"_s, text);
    QString error;
    // Relative to the working directory, as a shell user types it.
    const auto v = parseVariant(u"full=full.conf"_s, kApp, error, dir.path());
    ASSERT_TRUE(v) << error.toStdString();
    EXPECT_TRUE(v->runInPlace);
    EXPECT_EQ(v->configText, text);
    EXPECT_EQ(v->group, u"a"_s); // the group serving /
    EXPECT_TRUE(v->freeThreading);
}

TEST(AbVariant, ASnippetWithoutMountNeedsExactlyOneGroup)
{
    QTemporaryDir dir;
    const QString two = writeFile(dir, u"two.conf"_s, u"WSGIDaemonProcess a\nWSGIDaemonProcess b\n"_s);
    QString error;
    EXPECT_FALSE(parseVariant(u"two="_s + two, kApp, error));
    EXPECT_TRUE(error.contains(u"has no WSGIScriptAlias and 2 WSGIDaemonProcess groups"_s))
        << error.toStdString();
    const QString none = writeFile(dir, u"none.conf"_s, u"# nothing\n"_s);
    EXPECT_FALSE(parseVariant(u"none="_s + none, kApp, error));
    EXPECT_TRUE(error.contains(u"no WSGIDaemonProcess"_s));
}

TEST(AbVariant, CommandLineMistakesAreNamed)
{
    QString error;
    EXPECT_FALSE(parseVariant(u"processes=2"_s.mid(9), kApp, error)); // "2": no '='
    EXPECT_TRUE(error.contains(u"is not NAME=FILE.conf or NAME='OPTIONS'"_s)) << error.toStdString();
    EXPECT_FALSE(parseVariant(u"=processes=2"_s, kApp, error));
    EXPECT_FALSE(parseVariant(u"a="_s, kApp, error));
    EXPECT_EQ(error, u"variant 'a': nothing after '=' (a config file or WSGIDaemonProcess options)"_s);
    EXPECT_FALSE(parseVariant(u"a=/no/such/file.conf"_s, kApp, error));
    EXPECT_TRUE(error.startsWith(u"variant 'a': cannot read /no/such/file.conf"_s)) << error.toStdString();
    EXPECT_FALSE(parseVariant(u"a=missing"_s, kApp, error)); // no '=' inside: a file name
    EXPECT_TRUE(error.contains(u"cannot read"_s));
}

TEST(AbVariant, NamesMustBeUnique)
{
    QString error;
    std::vector<AbVariant> variants(2);
    variants[0].name = u"a"_s;
    variants[1].name = u"b"_s;
    EXPECT_TRUE(checkVariantNames(variants, error));
    variants[1].name = u"a"_s;
    EXPECT_FALSE(checkVariantNames(variants, error));
    EXPECT_EQ(error, u"two variants are named 'a': names must be unique"_s);
}
