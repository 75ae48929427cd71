// ConfigDocument: every named edit with undo and redo, the dirty flag, saving, recovery, a file that
// does not parse, and findings keyed by revision (a stale result is dropped).

#include "session/configdocument.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using wsgi::studio::ConfigDocument;
namespace config = wsgi::config;

namespace {

const QString kDemo =
    u"Listen 127.0.0.1:8080\n"
    "# keep me\n"
    "WSGIRestrictEmbedded On\n"
    "WSGIDaemonProcess demo processes=2 threads=5 display-name='%{GROUP}'\n"
    "WSGIScriptAlias / ../apps/workload.py process-group=demo application-group=%{GLOBAL}\n"_s;

QString write(const QTemporaryDir& dir, const QString& name, const QString& text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(text.toUtf8());
    return path;
}

class ConfigDocumentTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_doc.setRecoveryDirectory(m_dir.filePath(u"recovery"_s));
        m_doc.setAnalysisDelay(std::chrono::milliseconds(0));
        ASSERT_TRUE(m_doc.open(write(m_dir, u"demo.conf"_s, kDemo)));
    }
    std::string option(const QString& group, const char* name) const
    {
        const config::DaemonProcess* d = m_doc.daemon(group);
        const std::string* v = d ? d->options.find(name) : nullptr;
        return v ? *v : std::string("<unset>");
    }
    // Undo and redo of the last step restore exactly the text before and after it.
    void expectUndoRedo(const QString& before)
    {
        const QString after = m_doc.text();
        ASSERT_NE(before, after);
        m_doc.undo();
        EXPECT_EQ(m_doc.text(), before);
        m_doc.redo();
        EXPECT_EQ(m_doc.text(), after);
    }

    QTemporaryDir m_dir;
    ConfigDocument m_doc;
};

TEST_F(ConfigDocumentTest, OpensWithTheTextUnchanged)
{
    EXPECT_EQ(m_doc.text(), kDemo);
    EXPECT_FALSE(m_doc.isDirty());
    EXPECT_FALSE(m_doc.isBroken());
    EXPECT_EQ(m_doc.groupNames(), QStringList{u"demo"_s});
}

TEST_F(ConfigDocumentTest, SetDaemonOptionUndoRedoAndDirty)
{
    QSignalSpy dirty(&m_doc, &ConfigDocument::dirtyChanged);
    const QString before = m_doc.text();
    const quint64 rev = m_doc.revision();
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"threads"_s, u"8"_s));
    EXPECT_GT(m_doc.revision(), rev);
    EXPECT_TRUE(m_doc.isDirty());
    EXPECT_TRUE(m_doc.text().contains(u"threads=8"_s));
    EXPECT_TRUE(m_doc.text().contains(u"# keep me"_s)); // lines outside the model stay
    EXPECT_EQ(m_doc.undoText(), u"Set threads of demo to 8"_s);
    expectUndoRedo(before);
    m_doc.undo();
    EXPECT_FALSE(m_doc.isDirty()); // back at the saved state
    EXPECT_EQ(m_doc.redoText(), u"Set threads of demo to 8"_s);
    ASSERT_EQ(dirty.count(), 4); // dirty, clean, dirty, clean
    EXPECT_FALSE(dirty.last().at(0).toBool());
}

TEST_F(ConfigDocumentTest, InvalidValueIsNotApplied)
{
    const QString before = m_doc.text();
    QString error;
    EXPECT_FALSE(m_doc.setDaemonOption(u"demo"_s, u"threads"_s, u"-3"_s, &error));
    EXPECT_TRUE(error.contains(u"threads"_s)) << error.toStdString();
    EXPECT_FALSE(m_doc.setDaemonOption(u"demo"_s, u"no-such-option"_s, u"1"_s, &error));
    EXPECT_FALSE(m_doc.setDaemonOption(u"nope"_s, u"threads"_s, u"2"_s, &error));
    EXPECT_TRUE(error.contains(u"nope"_s));
    EXPECT_EQ(m_doc.text(), before);
    EXPECT_FALSE(m_doc.canUndo());
    EXPECT_FALSE(ConfigDocument::checkDaemonOption(u"switch-interval"_s, u"0"_s).isEmpty());
    EXPECT_TRUE(ConfigDocument::checkDaemonOption(u"switch-interval"_s, u"0.001"_s).isEmpty());
}

TEST_F(ConfigDocumentTest, ClearDaemonOption)
{
    const QString before = m_doc.text();
    ASSERT_TRUE(m_doc.clearDaemonOption(u"demo"_s, u"threads"_s));
    EXPECT_EQ(option(u"demo"_s, "threads"), "<unset>");
    expectUndoRedo(before);
}

TEST_F(ConfigDocumentTest, GroupOperations)
{
    const QString start = m_doc.text();
    QString error;
    EXPECT_FALSE(m_doc.addGroup(u"demo"_s, &error));
    EXPECT_TRUE(error.contains(u"exists"_s));
    EXPECT_FALSE(m_doc.addGroup(u"bad name"_s, &error));

    QString before = m_doc.text();
    ASSERT_TRUE(m_doc.addGroup(u"api"_s));
    EXPECT_EQ(m_doc.groupNames(), (QStringList{u"demo"_s, u"api"_s}));
    expectUndoRedo(before);

    before = m_doc.text();
    ASSERT_TRUE(m_doc.duplicateGroup(u"demo"_s, u"demo2"_s));
    EXPECT_EQ(option(u"demo2"_s, "threads"), "5");
    expectUndoRedo(before);

    before = m_doc.text();
    ASSERT_TRUE(m_doc.renameGroup(u"demo"_s, u"web"_s));
    EXPECT_EQ(m_doc.daemon(u"demo"_s), nullptr);
    EXPECT_TRUE(m_doc.text().contains(u"process-group=web"_s))
        << m_doc.text().toStdString(); // the mount follows
    expectUndoRedo(before);

    before = m_doc.text();
    ASSERT_TRUE(m_doc.removeGroup(u"api"_s));
    EXPECT_EQ(m_doc.daemon(u"api"_s), nullptr);
    expectUndoRedo(before);

    while (m_doc.canUndo())
        m_doc.undo();
    EXPECT_EQ(m_doc.text(), start);
    EXPECT_FALSE(m_doc.isDirty());
}

TEST_F(ConfigDocumentTest, MountOperations)
{
    QString before = m_doc.text();
    config::ScriptAlias mount;
    mount.url = "/api";
    mount.script = "../apps/workload.py";
    mount.options.set("process-group", "demo");
    ASSERT_TRUE(m_doc.addMount(mount));
    EXPECT_TRUE(m_doc.text().contains(u"WSGIScriptAlias /api"_s));
    expectUndoRedo(before);
    QString error;
    EXPECT_FALSE(m_doc.addMount(mount, &error)); // same prefix

    before = m_doc.text();
    mount.options.set("application-group", "api");
    ASSERT_TRUE(m_doc.setMount(1, mount));
    EXPECT_TRUE(m_doc.text().contains(u"application-group=api"_s));
    expectUndoRedo(before);

    before = m_doc.text();
    ASSERT_TRUE(m_doc.removeMount(1));
    EXPECT_EQ(m_doc.model().server.aliases.size(), 1u);
    expectUndoRedo(before);
    EXPECT_FALSE(m_doc.removeMount(7, &error));
}

TEST_F(ConfigDocumentTest, DirectiveContainerAndMpmOperations)
{
    QString before = m_doc.text();
    ASSERT_TRUE(m_doc.setDirective(u"WSGIPerInterpreterGIL"_s, {u"On"_s}));
    EXPECT_TRUE(m_doc.text().contains(u"WSGIPerInterpreterGIL On"_s));
    expectUndoRedo(before);
    before = m_doc.text();
    ASSERT_TRUE(m_doc.setDirective(u"WSGIRestrictEmbedded"_s, {}));
    EXPECT_FALSE(m_doc.text().contains(u"WSGIRestrictEmbedded"_s));
    expectUndoRedo(before);

    before = m_doc.text();
    config::InterpreterOptionsBlock block;
    block.processGroup = "demo";
    block.directives.push_back({"WSGISwitchInterval", {"0.001"}, {}, {}});
    ASSERT_TRUE(m_doc.addContainer(block));
    EXPECT_TRUE(m_doc.text().contains(u"<WSGIInterpreterOptions process-group=demo>"_s))
        << m_doc.text().toStdString();
    expectUndoRedo(before);
    before = m_doc.text();
    block.directives.front().args = {"0.002"};
    ASSERT_TRUE(m_doc.setContainer(0, block));
    expectUndoRedo(before);
    before = m_doc.text();
    ASSERT_TRUE(m_doc.removeContainer(0));
    expectUndoRedo(before);

    before = m_doc.text();
    ASSERT_TRUE(m_doc.setMpmValue(u"ThreadsPerChild"_s, u"30"_s));
    EXPECT_TRUE(m_doc.text().contains(u"ThreadsPerChild 30"_s));
    expectUndoRedo(before);
    QString error;
    EXPECT_FALSE(m_doc.setMpmValue(u"ThreadsPerChild"_s, u"lots"_s, &error));
    EXPECT_FALSE(m_doc.setMpmValue(u"NotAnMpmThing"_s, u"3"_s, &error));
}

TEST_F(ConfigDocumentTest, NewStepAfterUndoDropsRedo)
{
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"threads"_s, u"8"_s));
    m_doc.undo();
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"threads"_s, u"9"_s));
    EXPECT_FALSE(m_doc.canRedo());
    EXPECT_EQ(m_doc.undoCount(), 1);
}

TEST_F(ConfigDocumentTest, SaveIsAtomicAndClearsDirty)
{
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"threads"_s, u"8"_s));
    QString error;
    ASSERT_TRUE(m_doc.save(&error)) << error.toStdString();
    EXPECT_FALSE(m_doc.isDirty());
    QFile f(m_doc.path());
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(QString::fromUtf8(f.readAll()), m_doc.text());
    m_doc.undo();
    EXPECT_TRUE(m_doc.isDirty()); // the file says threads=8 now

    EXPECT_FALSE(m_doc.saveAs(m_dir.filePath(u"no/such/dir/x.conf"_s), &error));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_TRUE(m_doc.isDirty());
}

TEST_F(ConfigDocumentTest, BrokenFileKeepsItsTextAndFindings)
{
    const QString broken = u"Listen 127.0.0.1:8080\n<VirtualHost *:80>\nWSGIDaemonProcess x threads=2\n"_s;
    ConfigDocument doc;
    doc.setAnalysisDelay(std::chrono::milliseconds(0));
    ASSERT_TRUE(doc.open(write(m_dir, u"broken.conf"_s, broken)));
    EXPECT_TRUE(doc.isBroken());
    EXPECT_EQ(doc.text(), broken);
    QString error;
    EXPECT_FALSE(doc.addGroup(u"y"_s, &error));
    EXPECT_TRUE(error.contains(u"does not parse"_s));
    QSignalSpy findings(&doc, &ConfigDocument::findingsAvailable);
    ASSERT_TRUE(findings.wait(5000));
    const auto list = findings.last().at(1).value<std::vector<config::Finding>>();
    ASSERT_FALSE(list.empty());
    EXPECT_EQ(list.front().severity, config::Severity::Error);
    ASSERT_TRUE(doc.saveAs(m_dir.filePath(u"broken-copy.conf"_s)));
    QFile f(doc.path());
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(QString::fromUtf8(f.readAll()), broken);

    ASSERT_TRUE(doc.setText(kDemo)); // fixing the text makes it a model again, undoably
    EXPECT_FALSE(doc.isBroken());
    doc.undo();
    EXPECT_TRUE(doc.isBroken());
    EXPECT_EQ(doc.text(), broken);
}

TEST_F(ConfigDocumentTest, FindingsAreKeyedByRevisionAndStaleOnesDropped)
{
    m_doc.setAnalysisCostForTesting(std::chrono::milliseconds(300));
    QSignalSpy findings(&m_doc, &ConfigDocument::findingsAvailable);
    // Two jobs in flight: the first finishes while the document is already at the second revision.
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"threads"_s, u"8"_s));
    m_doc.analyseNow();
    const quint64 first = m_doc.revision();
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"processes"_s, u"0"_s) == false); // invalid: no change
    ASSERT_TRUE(m_doc.setDirective(u"WSGIFreeThreading"_s, {u"On"_s}));
    m_doc.analyseNow();
    const quint64 second = m_doc.revision();
    ASSERT_GT(second, first);
    ASSERT_TRUE(findings.wait(5000));
    while (m_doc.analysisRunning())
        QTest::qWait(20);
    ASSERT_GE(m_doc.staleResultsDropped(), 1);
    for (const QList<QVariant>& call : findings)
        EXPECT_EQ(call.at(0).toULongLong(), second); // never the stale one
    EXPECT_EQ(m_doc.findingsRevision(), second);
    // The cross-field rule the second edit made true: free-threading on a GIL build (WSGI0200).
    bool sawFreeThreadingRule = false;
    for (const config::Finding& f : m_doc.findings())
        sawFreeThreadingRule = sawFreeThreadingRule || f.code == "WSGI0200";
    EXPECT_TRUE(sawFreeThreadingRule);
}

TEST_F(ConfigDocumentTest, PreviewsForEveryTarget)
{
    QSignalSpy previews(&m_doc, &ConfigDocument::previewAvailable);
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"switch-interval"_s, u"0.001"_s));
    QSignalSpy done(&m_doc, &ConfigDocument::analysisAvailable);
    ASSERT_TRUE(done.wait(5000));
    const auto engine = m_doc.rendered(config::Dialect::Engine);
    const auto four = m_doc.rendered(config::Dialect::ModWsgi4);
    ASSERT_TRUE(engine && four);
    EXPECT_EQ(engine->text, m_doc.text());
    for (const QString& line : four->text.split(u'\n')) // 4.9 has no such option (comments may name it) ...
        if (line.startsWith(u"WSGIDaemonProcess"_s)) {
            EXPECT_FALSE(line.contains(u"switch-interval="_s)) << line.toStdString();
        }
    EXPECT_FALSE(four->scripts.empty()); // ... an import script sets it
    EXPECT_GE(previews.count(), 3);
}

TEST_F(ConfigDocumentTest, RecoveryFileRestoresUnsavedChanges)
{
    const QString path = m_doc.path();
    {
        ConfigDocument doc;
        doc.setRecoveryDirectory(m_dir.filePath(u"recovery"_s));
        ASSERT_TRUE(doc.open(path));
        ASSERT_TRUE(doc.setDaemonOption(u"demo"_s, u"threads"_s, u"11"_s));
        doc.writeRecoveryNow(); // what the autosave timer does
    }
    ConfigDocument doc;
    doc.setRecoveryDirectory(m_dir.filePath(u"recovery"_s));
    QSignalSpy offered(&doc, &ConfigDocument::recoveryAvailable);
    ASSERT_TRUE(doc.open(path));
    ASSERT_EQ(offered.count(), 1);
    ASSERT_TRUE(doc.restoreRecovery());
    EXPECT_TRUE(doc.text().contains(u"threads=11"_s));
    EXPECT_TRUE(doc.isDirty());
    ASSERT_TRUE(doc.save());
    EXPECT_FALSE(doc.hasRecovery());
}

TEST_F(ConfigDocumentTest, ImportReplaceAndMerge)
{
    const config::ImportedConfig other = config::importConfig(
        "WSGIDaemonProcess demo processes=4 threads=1\nWSGIDaemonProcess extra threads=3\n"
        "<VirtualHost *:80>\nWSGIDaemonProcess vh threads=2\n</VirtualHost>\n",
        "httpd.conf");
    QString before = m_doc.text();
    ASSERT_TRUE(m_doc.importModel(other, ConfigDocument::ImportMode::Merge));
    EXPECT_EQ(m_doc.groupNames(), (QStringList{u"demo"_s, u"extra"_s, u"vh"_s}));
    EXPECT_EQ(option(u"demo"_s, "processes"), "4");
    EXPECT_EQ(m_doc.model().server.aliases.size(), 1u); // the document's mount stays
    expectUndoRedo(before);
    m_doc.undo();
    before = m_doc.text();
    ASSERT_TRUE(m_doc.importModel(other, ConfigDocument::ImportMode::Replace));
    EXPECT_TRUE(m_doc.model().server.aliases.empty());
    EXPECT_TRUE(m_doc.text().startsWith(u"Listen 127.0.0.1:8080\n"_s)); // what the model does not cover stays
    expectUndoRedo(before);
}

} // namespace
