// The Configure page without an engine: an invalid value shows its error beside the field and is not
// applied; a cross-field rule appears the moment the second field makes it true; F6 walks the findings
// and jumps to the field; a preview line selects its field; presets say when edits left them; a file
// that does not parse keeps its text; Apply without an engine explains itself.

#include "apache/apachepage.h"
#include "apache/mpmsimmodel.h"
#include "configure/configurepage.h"
#include "configure/findingsmodel.h"
#include "configure/issuesdock.h"
#include "configure/optionform.h"
#include "configure/previewwidget.h"
#include "configure/toplevelform.h"
#include "session/configdocument.h"
#include "session/enginesession.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

#include <gtest/gtest.h>

using namespace Qt::Literals::StringLiterals;
using namespace wsgi::studio;

namespace {

const QString kText = u"Listen 127.0.0.1:8080\n"
                      "WSGIRestrictEmbedded On\n"
                      "WSGIDaemonProcess demo processes=2 threads=5 display-name='%{GROUP}'\n"
                      "WSGIScriptAlias / app.py process-group=demo application-group=%{GLOBAL}\n"_s;

class ConfigurePageTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_doc.setRecoveryDirectory(m_dir.path());
        m_doc.setAnalysisDelay(std::chrono::milliseconds(0));
        m_doc.setNew(kText);
        m_page = std::make_unique<ConfigurePage>(&m_doc, &m_session);
        m_page->resize(1400, 900);
        m_page->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_page.get()));
        waitForAnalysis();
    }
    void waitForAnalysis()
    {
        QSignalSpy done(&m_doc, &ConfigDocument::analysisAvailable);
        if (m_doc.findingsRevision() != m_doc.revision() || m_doc.analysisRunning()) {
            ASSERT_TRUE(done.wait(5000));
        }
        QCoreApplication::processEvents();
    }
    QLineEdit* field(const QString& option) const
    {
        return qobject_cast<QLineEdit*>(m_page->optionForm()->editor(option));
    }
    void type(QLineEdit* edit, const QString& text)
    {
        edit->setFocus();
        edit->selectAll();
        QTest::keyClicks(edit, text);
        QTest::keyClick(edit, Qt::Key_Return);
    }

    QTemporaryDir m_dir;
    ConfigDocument m_doc;
    EngineSession m_session;
    std::unique_ptr<ConfigurePage> m_page;
};

TEST_F(ConfigurePageTest, InvalidValueShowsItsErrorAndIsNotApplied)
{
    ASSERT_EQ(m_page->selectedGroup(), u"demo"_s);
    QLineEdit* threads = field(u"threads"_s);
    ASSERT_NE(threads, nullptr);
    EXPECT_EQ(threads->text(), u"5"_s);
    const QString before = m_doc.text();
    type(threads, u"-4"_s);
    EXPECT_EQ(m_doc.text(), before);
    EXPECT_FALSE(m_doc.isDirty());
    EXPECT_TRUE(m_page->optionForm()->messageText(u"threads"_s).startsWith(u"Not applied"_s))
        << m_page->optionForm()->messageText(u"threads"_s).toStdString();
    EXPECT_EQ(threads->text(), u"-4"_s); // what the user typed is kept to fix
    type(threads, u"8"_s);
    EXPECT_TRUE(m_doc.text().contains(u"threads=8"_s));
    EXPECT_TRUE(m_page->optionForm()->messageText(u"threads"_s).isEmpty());
    m_page->undoAction()->trigger();
    EXPECT_EQ(m_doc.text(), before);
    EXPECT_EQ(threads->text(), u"5"_s);
}

TEST_F(ConfigurePageTest, CrossFieldRuleAppearsWithTheSecondField)
{
    // switch-interval on its own is fine ...
    type(field(u"switch-interval"_s), u"0.001"_s);
    waitForAnalysis();
    auto hasCode = [&](const char* code) {
        for (const FindingEntry& e : m_page->findingsModel()->entries())
            if (e.finding.code == code)
                return true;
        return false;
    };
    EXPECT_FALSE(hasCode("WSGI0204"));
    // ... until free-threading on a free-threaded runtime makes it do nothing (WSGI0204).
    auto* python = qobject_cast<QComboBox*>(m_page->optionForm()->editor(u"python"_s));
    ASSERT_NE(python, nullptr);
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"python"_s, u"3.13t"_s));
    auto* ft = qobject_cast<QComboBox*>(m_page->topLevelForm()->editor(u"WSGIFreeThreading"_s));
    ASSERT_NE(ft, nullptr);
    ft->setCurrentIndex(ft->findData(u"On"_s));
    emit ft->activated(ft->currentIndex());
    waitForAnalysis();
    EXPECT_TRUE(m_doc.text().contains(u"WSGIFreeThreading On"_s));
    ASSERT_TRUE(hasCode("WSGI0204")) << "findings: " << m_page->findingsModel()->rowCount();
    EXPECT_FALSE(m_page->optionForm()->messageText(u"switch-interval"_s).isEmpty()); // beside the field

    // F6 reaches it and jumps to the field; the quick fix removes the option.
    for (int i = 0; i < m_page->findingsModel()->rowCount(); ++i) {
        m_page->nextFindingAction()->trigger();
        if (m_page->issuesDock()->currentRow() >= 0 &&
            m_page->findingsModel()->entryAt(m_page->issuesDock()->currentRow()).finding.code == "WSGI0204")
            break;
    }
    EXPECT_EQ(QApplication::focusWidget(), m_page->optionForm()->editor(u"switch-interval"_s));
    auto* fix = m_page->issuesDock()->findChild<QPushButton*>(u"quickFix"_s);
    ASSERT_NE(fix, nullptr);
    ASSERT_TRUE(fix->isVisible());
    fix->click();
    waitForAnalysis();
    EXPECT_FALSE(m_doc.text().contains(u"switch-interval"_s));
    EXPECT_FALSE(hasCode("WSGI0204"));
}

TEST_F(ConfigurePageTest, PreviewLineSelectsItsField)
{
    PreviewWidget* preview = m_page->preview();
    EXPECT_EQ(preview->text(), m_doc.text());
    QSignalSpy activated(preview, &PreviewWidget::lineActivated);
    QTextCursor c(preview->editor()->document()->findBlockByNumber(2)); // the WSGIDaemonProcess line
    c.movePosition(QTextCursor::StartOfBlock);
    c.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                   int(u"WSGIDaemonProcess demo processes=2 thr"_s.size()));
    preview->editor()->setTextCursor(c);
    preview->editor()->setFocus();
    QTest::keyClick(preview->editor(), Qt::Key_Return);
    ASSERT_EQ(activated.count(), 1);
    EXPECT_EQ(QApplication::focusWidget(), m_page->optionForm()->editor(u"threads"_s));

    // Changed lines are marked against the text as opened.
    ASSERT_TRUE(m_doc.setDaemonOption(u"demo"_s, u"threads"_s, u"9"_s));
    waitForAnalysis();
    EXPECT_EQ(preview->changedLines(), QList<int>{3});
}

TEST_F(ConfigurePageTest, PresetNoticesWhenEditsLeaveIt)
{
    ASSERT_TRUE(m_page->applyPreset(u"10x1"_s));
    EXPECT_TRUE(m_doc.text().contains(u"processes=10 threads=1"_s));
    EXPECT_TRUE(m_page->presetNote().contains(u"follows"_s)) << m_page->presetNote().toStdString();
    type(field(u"threads"_s), u"3"_s);
    EXPECT_TRUE(m_page->presetNote().contains(u"left the preset"_s));
    EXPECT_TRUE(m_page->presetNote().contains(u"threads=3 (preset: 1)"_s));
    m_doc.undo();
    EXPECT_TRUE(m_page->presetNote().contains(u"follows"_s));
}

TEST_F(ConfigurePageTest, ApplyWithoutEngineChangesNothing)
{
    QSignalSpy failed(m_page.get(), &ConfigurePage::applyFailed);
    m_page->applyAction()->trigger();
    ASSERT_EQ(failed.count(), 1);
    EXPECT_TRUE(m_page->applyStatus().contains(u"No engine"_s));
    EXPECT_EQ(m_page->appliedRevision(), 0u);
}

TEST_F(ConfigurePageTest, BrokenTextIsKept)
{
    const QString broken = u"Listen 127.0.0.1:8080\n<VirtualHost *:80>\n"_s;
    m_doc.setText(broken);
    waitForAnalysis();
    EXPECT_TRUE(m_doc.isBroken());
    EXPECT_EQ(m_page->preview()->text(), broken);
    EXPECT_GE(m_page->findingsModel()->count(wsgi::config::Severity::Error), 1);
    auto* text = m_page->findChild<QPlainTextEdit*>(u"configText"_s);
    ASSERT_NE(text, nullptr);
    EXPECT_EQ(text->toPlainText(), broken);
}

} // namespace

namespace {

// With WSGI_STUDIO_SHOT_DIR set, the page is written there as configure-page.png (for looking at it);
// always: every option's default cell is wide enough for its first word (nothing clipped to a sliver).
TEST_F(ConfigurePageTest, RendersReadably)
{
    m_page->resize(1150, 800);
    ASSERT_TRUE(m_doc.setDirective(u"WSGIFreeThreading"_s, {u"On"_s})); // a finding to show
    waitForAnalysis();
    QTest::qWait(50);
    for (QLabel* label : m_page->findChildren<QLabel*>()) {
        if (!label->objectName().startsWith(u"optionDefault-"_s) || !label->isVisible())
            continue;
        const QString firstWord = label->text().section(u' ', 0, 0);
        EXPECT_GE(label->width(), label->fontMetrics().horizontalAdvance(firstWord))
            << label->objectName().toStdString();
    }
    const QString dir = qEnvironmentVariable("WSGI_STUDIO_SHOT_DIR");
    if (!dir.isEmpty())
        m_page->grab().save(dir + u"/configure-page.png"_s);
}

} // namespace

namespace {

TEST(ApachePageRender, SimulatesAndRenders)
{
    ConfigDocument doc;
    doc.setAnalysisDelay(std::chrono::milliseconds(0));
    doc.setNew();
    ApachePage page(&doc, nullptr);
    page.resize(1150, 800);
    page.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    QSignalSpy done(&doc, &ConfigDocument::analysisAvailable);
    ASSERT_TRUE(done.wait(5000));
    EXPECT_TRUE(page.exportText().startsWith(u"# Exported by WSGI Tuning Studio"_s));
    page.setLoadProfile(u"0:0,10:300,40:0"_s);
    EXPECT_EQ(page.simulationModel()->rowCount(), 61);
    const QString dir = qEnvironmentVariable("WSGI_STUDIO_SHOT_DIR");
    if (!dir.isEmpty())
        page.grab().save(dir + u"/apache-page.png"_s);
}

} // namespace

namespace {

TEST_F(ConfigurePageTest, PythonFromDiscoveredRuntimesWithFacts)
{
    m_page->setRuntimes(
        {{u"3.11"_s, u"3.11.2"_s, false, false}, {u"3.13t"_s, u"3.13.5, free-threaded"_s, true, true}});
    auto* python = qobject_cast<QComboBox*>(m_page->optionForm()->editor(u"python"_s));
    ASSERT_NE(python, nullptr);
    ASSERT_EQ(python->count(), 3);
    python->setCurrentIndex(python->findData(u"3.13t"_s));
    emit python->activated(python->currentIndex());
    EXPECT_EQ(*m_doc.daemon(u"demo"_s)->options.find("python"), "3.13t");
    auto* facts = m_page->optionForm()->findChild<QLabel*>(u"optionDefault-python"_s);
    ASSERT_NE(facts, nullptr);
    EXPECT_TRUE(facts->text().contains(u"free-threaded"_s)) << facts->text().toStdString();
    python->setCurrentIndex(0); // back to the engine's default: the option is not written
    emit python->activated(0);
    EXPECT_EQ(m_doc.daemon(u"demo"_s)->options.find("python"), nullptr);
}

} // namespace
