// The window's parts without an engine: the Connect page's attach fields (errors beside the field,
// the token file read off the GUI thread), the log view's filter and copy, the status bar's texts.
#include "configure/findingsmodel.h"
#include "configure/issuesdock.h"
#include "studio/models/logmodel.h"
#include "studio/pages/connectpage.h"
#include "studio/widgets/enginestatusbar.h"
#include "studio/widgets/logview.h"
#include "studio/widgets/messagebanner.h"

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMainWindow>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace wsgi::studio;

namespace {

void type(QWidget* page, const char* field, const QString& text)
{
    auto* edit = page->findChild<QLineEdit*>(QLatin1String(field));
    ASSERT_TRUE(edit) << field;
    edit->setText(text);
}

} // namespace

TEST(ConnectPage, AttachFieldsAreCheckedAndErrorsShownBesideThem)
{
    EngineSession session;
    pages::ConnectPage page(&session);
    QSignalSpy attach(&page, &pages::ConnectPage::attachRequested);

    type(&page, "attachAddress", QStringLiteral("127.0.0.1"));
    type(&page, "attachTokenFile", QStringLiteral("/nonexistent/token"));
    page.requestAttach();
    EXPECT_FALSE(page.addressError().isEmpty()) << "no port";
    // The token file is read on a pool thread; its verdict arrives on the GUI thread.
    ASSERT_TRUE(QTest::qWaitFor([&] { return !page.tokenError().isEmpty(); }, 5000));
    EXPECT_TRUE(page.tokenError().contains(QStringLiteral("/nonexistent/token")))
        << page.tokenError().toStdString();
    EXPECT_EQ(attach.count(), 0);

    QTemporaryDir dir;
    const QString token = dir.filePath(QStringLiteral("token"));
    QFile file(token);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("0123456789abcdef\n");
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    type(&page, "attachAddress", QStringLiteral("127.0.0.1:9123"));
    type(&page, "attachTokenFile", token);
    page.requestAttach();
    ASSERT_TRUE(QTest::qWaitFor([&] { return attach.count() == 1; }, 5000));
    EXPECT_TRUE(page.addressError().isEmpty());
    EXPECT_TRUE(page.tokenError().isEmpty());
    const auto options = attach.at(0).at(0).value<EngineSession::AttachOptions>();
    EXPECT_EQ(options.control.port, 9123);
    EXPECT_EQ(options.tokenFile, token);
}

TEST(ConnectPage, RecentFilesOpenOnActivation)
{
    EngineSession session;
    pages::ConnectPage page(&session);
    QSignalSpy open(&page, &pages::ConnectPage::openRequested);
    page.setRecentFiles({QStringLiteral("/srv/a.conf"), QStringLiteral("/srv/b.conf")});
    EXPECT_EQ(page.recentFiles(),
              (QStringList{QStringLiteral("/srv/a.conf"), QStringLiteral("/srv/b.conf")}));
    auto* list = page.findChild<QListView*>(QStringLiteral("recentFiles"));
    ASSERT_TRUE(list);
    Q_EMIT list->activated(list->model()->index(1, 0));
    ASSERT_EQ(open.count(), 1);
    EXPECT_EQ(open.at(0).at(0).toString(), QStringLiteral("/srv/b.conf"));
}

TEST(LogView, FilterAndCopy)
{
    models::LogModel model;
    model.appendLines({QStringLiteral("wsgi-engine: started process 1"), QStringLiteral("error: boom"),
                       QStringLiteral("wsgi-engine: started process 2")});
    widgets::LogView view;
    view.setModel(&model);
    EXPECT_EQ(view.visibleLineCount(), 3);
    view.setFilterText(QStringLiteral("STARTED"));
    EXPECT_EQ(view.visibleLineCount(), 2);
    EXPECT_EQ(view.copyText(),
              QStringLiteral("wsgi-engine: started process 1\nwsgi-engine: started process 2"));
    model.appendLine(QStringLiteral("wsgi-engine: started process 3"));
    EXPECT_EQ(view.visibleLineCount(), 3);
}

TEST(EngineStatusBar, ShowsTheGenerationAndTheAppliedMark)
{
    widgets::EngineStatusBar bar;
    EXPECT_EQ(bar.configText(), QStringLiteral("no config"));
    bar.setConfigGeneration(0, false);
    EXPECT_EQ(bar.configText(), QStringLiteral("config v0"));
    bar.setConfigGeneration(7, true);
    EXPECT_EQ(bar.configText(), QStringLiteral("config v7 · applied"));
    bar.setEngineState(QStringLiteral("ready"), widgets::EngineStatusBar::Health::Ready);
    EXPECT_EQ(bar.stateText(), QStringLiteral("engine ready"));
    bar.setReadySince(QDateTime::currentDateTime().addSecs(-75));
    EXPECT_TRUE(bar.uptimeText().startsWith(QStringLiteral("up 1m1"))) << bar.uptimeText().toStdString();
    bar.clearEngine();
    EXPECT_EQ(bar.configText(), QStringLiteral("no config"));
}

TEST(MessageBanner, ShowsDetailsAndActions)
{
    QWidget parent;
    widgets::MessageBanner banner(&parent);
    QAction restart(QStringLiteral("Restart"));
    int triggered = 0;
    QObject::connect(&restart, &QAction::triggered, [&] { ++triggered; });
    banner.setActions({&restart});
    banner.showMessage(widgets::MessageBanner::Kind::Error, QStringLiteral("The engine was lost"),
                       QStringLiteral("exited with status 1"),
                       {QStringLiteral("line 1"), QStringLiteral("line 2")});
    EXPECT_FALSE(banner.isHidden());
    EXPECT_EQ(banner.details(), (QStringList{QStringLiteral("line 1"), QStringLiteral("line 2")}));
    restart.trigger();
    EXPECT_EQ(triggered, 1);
    QSignalSpy dismissed(&banner, &widgets::MessageBanner::dismissed);
    banner.dismiss();
    EXPECT_TRUE(banner.isHidden());
    EXPECT_EQ(dismissed.count(), 1);
}

TEST(IssuesDock, WithoutFindingsIsOneLineAndGrowsBackForFindings)
{
    QMainWindow window;
    window.setCentralWidget(new QWidget(&window));
    FindingsModel model;
    auto* dock = new IssuesDock(&model, &window);
    window.addDockWidget(Qt::BottomDockWidgetArea, dock);
    window.resize(900, 700);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));

    auto* line = dock->findChild<QLabel*>(QStringLiteral("fixLine"));
    ASSERT_TRUE(line);
    EXPECT_TRUE(dock->view()->isHidden()) << "an empty findings table only takes room";
    EXPECT_TRUE(line->text().startsWith(QStringLiteral("No findings")));

    FindingEntry entry;
    entry.finding.severity = wsgi::config::Severity::Warning;
    entry.finding.code = "W1";
    entry.finding.message = "threads=0 serves nothing";
    model.setFindings({entry});
    QCoreApplication::processEvents();
    EXPECT_FALSE(dock->view()->isHidden());
    EXPECT_TRUE(line->text().isEmpty());
    const int listed = dock->height();

    model.setFindings({});
    QCoreApplication::processEvents();
    EXPECT_TRUE(dock->view()->isHidden());
    EXPECT_LT(dock->height(), listed) << "the editors above get the height back";
}
