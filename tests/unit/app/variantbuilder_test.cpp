// Variants built from a document: named changes applied to the document's own text (only the changed
// lines differ), a sweep grid as drafts, the text the engine runs (relative paths made absolute) and
// the line diff the page shows.

#include "session/variantbuilder.h"

#include <QDir>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

const QString kDocument = u"/srv/site/conf/site.conf"_s;

QString baseText()
{
    return u"# the site\n"_s
           u"Listen 127.0.0.1:8080\n"_s
           u"WSGIDaemonProcess site processes=2 threads=5 display-name='%{GROUP}'\n"_s
           u"WSGIDaemonProcess admin processes=1 threads=2\n"_s
           u"WSGIScriptAlias /admin ../apps/admin.py process-group=admin application-group=%{GLOBAL}\n"_s
           u"WSGIScriptAlias / ../apps/site.py process-group=site application-group=%{GLOBAL}\n"_s;
}

} // namespace

TEST(VariantBuilder, TheGroupServingRootIsTheDefault)
{
    EXPECT_EQ(defaultGroupOf(baseText(), kDocument), u"site"_s);
    EXPECT_EQ(rootScriptOf(baseText(), kDocument), u"/srv/site/apps/site.py"_s);
}

TEST(VariantBuilder, ChangesTouchOnlyTheirLines)
{
    QString error;
    const auto text = applyChanges(
        baseText(), kDocument,
        {{{}, u"processes"_s, u"4"_s}, {{}, u"threads"_s, u"1"_s}, {u"admin"_s, u"threads"_s, u"3"_s}},
        error);
    ASSERT_TRUE(text) << error.toStdString();
    EXPECT_TRUE(text->contains(u"WSGIDaemonProcess site processes=4 threads=1 display-name='%{GROUP}'"_s))
        << text->toStdString();
    EXPECT_TRUE(text->contains(u"WSGIDaemonProcess admin processes=1 threads=3"_s)) << text->toStdString();
    // The rest is the user's text, comments and relative paths as written.
    EXPECT_TRUE(text->startsWith(u"# the site\nListen 127.0.0.1:8080\n"_s)) << text->toStdString();
    EXPECT_TRUE(text->contains(u"WSGIScriptAlias / ../apps/site.py"_s));
    const QString changed = changedLinesText(baseText(), *text);
    EXPECT_EQ(changed.count(u'\n'), 4) << changed.toStdString(); // two lines out, two in
    EXPECT_TRUE(changed.startsWith(u"- WSGIDaemonProcess site processes=2"_s)) << changed.toStdString();
}

TEST(VariantBuilder, BadChangesNameTheChangeAndTheReason)
{
    QString error;
    EXPECT_FALSE(applyChanges(baseText(), kDocument, {{u"nosuch"_s, u"threads"_s, u"2"_s}}, error));
    EXPECT_TRUE(error.contains(u"nosuch"_s)) << error.toStdString();
    error.clear();
    EXPECT_FALSE(applyChanges(baseText(), kDocument, {{{}, u"processes"_s, u"zero"_s}}, error));
    EXPECT_TRUE(error.contains(u"processes=zero"_s)) << error.toStdString();
    error.clear();
    EXPECT_FALSE(applyChanges(u"WSGIDaemonProcess\n<Broken\n"_s, kDocument, {}, error));
    EXPECT_FALSE(error.isEmpty());
}

TEST(VariantBuilder, FreeThreadingIsTheTopLevelDirective)
{
    QString error;
    const auto text = applyChanges(
        baseText(), kDocument, {{{}, u"python"_s, u"3.13t"_s}, {{}, u"free-threading"_s, u"on"_s}}, error);
    ASSERT_TRUE(text) << error.toStdString();
    EXPECT_TRUE(text->contains(u"WSGIFreeThreading On"_s)) << text->toStdString();
    EXPECT_TRUE(text->contains(u"python=3.13t"_s)) << text->toStdString();
}

TEST(VariantBuilder, SweepCellsBecomeDraftsOfTheDocument)
{
    SweepGrid grid;
    grid.processes = {1, 2};
    grid.threads = {5};
    grid.switchIntervals = {0.0001};
    QString error;
    const auto drafts = sweepDrafts(baseText(), kDocument, grid, {}, error);
    ASSERT_EQ(drafts.size(), 2u) << error.toStdString();
    EXPECT_EQ(drafts[1].name, u"2x5 0.1ms"_s);
    EXPECT_TRUE(
        drafts[1].text.contains(u"processes=2 threads=5 display-name='%{GROUP}' switch-interval=0.0001"_s))
        << drafts[1].text.toStdString();
    EXPECT_TRUE(drafts[0].text.contains(u"WSGIDaemonProcess site processes=1 threads=5"_s));
}

TEST(VariantBuilder, TheEngineRunsTheTextWithAbsolutePaths)
{
    const QString runnable = runnableText(baseText(), kDocument);
    EXPECT_TRUE(runnable.contains(u"WSGIScriptAlias / /srv/site/apps/site.py"_s)) << runnable.toStdString();
    EXPECT_TRUE(runnable.contains(u"WSGIScriptAlias /admin /srv/site/apps/admin.py"_s))
        << runnable.toStdString();
    EXPECT_TRUE(runnable.contains(u"# the site"_s));
    QString error;
    const auto variant = abVariantFor(u"4x1"_s, baseText(), kDocument, error);
    ASSERT_TRUE(variant) << error.toStdString();
    EXPECT_FALSE(variant->runInPlace); // the file holds the base, not this variant
    EXPECT_EQ(variant->configText, runnable);
    EXPECT_EQ(variant->group, u"site"_s);
}

TEST(VariantBuilder, DiffKeepsOrderAndMarksReplacedLines)
{
    const auto lines = diffTextLines(u"a\nb\nc"_s, u"a\nB\nc\nd"_s);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[0].op, TextDiffLine::Op::Same);
    EXPECT_EQ(lines[1].op, TextDiffLine::Op::Removed);
    EXPECT_EQ(lines[1].text, u"b"_s);
    EXPECT_EQ(lines[2].op, TextDiffLine::Op::Added);
    EXPECT_EQ(lines[2].text, u"B"_s);
    EXPECT_EQ(lines[4].op, TextDiffLine::Op::Added);
    EXPECT_TRUE(changedLinesText(u"x\n"_s, u"x\n"_s).isEmpty());
}
