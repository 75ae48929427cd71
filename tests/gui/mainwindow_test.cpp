// The window against a real local engine: ready, the process table and charts filled from telemetry
// under a real load, a restart through the window's action, a lost engine shown with its last log
// lines, and the GUI thread never blocked meanwhile.
#include "guitestsupport.h"

#include "session/configdocument.h"
#include "session/telemetryhistory.h"
#include "studio/charts/linechart.h"
#include "studio/mainwindow.h"
#include "studio/models/logmodel.h"
#include "studio/models/processtablemodel.h"
#include "studio/monitor/monitorpage.h"
#include "studio/widgets/enginestatusbar.h"
#include "studio/widgets/messagebanner.h"

#include <QAction>
#include <QFile>
#include <QHeaderView>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <gtest/gtest.h>

#include <csignal>

using namespace wsgi::studio;
using State = EngineSession::State;

namespace {

constexpr int kEngineDeadlineMs = 30000; // a loaded 2-core machine starts two Python workers slowly

bool waitForState(MainWindow& window, State state, int ms = kEngineDeadlineMs)
{
    return QTest::qWaitFor([&] { return window.session()->state() == state; }, ms);
}

void expectGuiThreadKeptTurning(const guitest::EventLoopProbe& probe)
{
    // "Never frozen": the 10 ms timer fired at most 50 ms apart. The OS may deschedule the whole
    // process now and then on a shared 2-core machine, so a few such gaps are tolerated; a blocking
    // call on the GUI thread (a wait for the engine, I/O) would show as a long one, and none may exceed
    // 250 ms.
    std::printf("GUI thread: %zu timer turns, max gap %.1f ms, %d over 50 ms\n", probe.gapsMs().size(),
                probe.maxGapMs(), probe.gapsOver(50));
    ASSERT_GT(probe.gapsMs().size(), 20u);
    const int allowed = std::max(3, int(probe.gapsMs().size() / 100));
    EXPECT_LE(probe.gapsOver(50), allowed)
        << "max gap " << probe.maxGapMs() << " ms over " << probe.gapsMs().size() << " turns";
    EXPECT_EQ(probe.gapsOver(250), 0) << "max gap " << probe.maxGapMs() << " ms";
}

} // namespace

TEST(MainWindow, ServesTelemetryRestartsAndNeverFreezes)
{
    QTemporaryDir dir;
    MainWindow window(guitest::demoOptions(dir));
    window.show();
    // From here on (engine start, telemetry under load, restart) the GUI thread must keep turning;
    // building the window itself is a one-time cost before it is shown.
    guitest::EventLoopProbe probe;

    ASSERT_TRUE(waitForState(window, State::Ready)) << window.session()->lastError().toStdString();
    const qint64 firstPid = window.session()->pid();
    EXPECT_GT(firstPid, 0);
    const QString url = window.session()->listenUrl();
    ASSERT_FALSE(url.isEmpty());
    EXPECT_TRUE(window.engineStatusBar()->stateText().contains(QStringLiteral("ready")));
    EXPECT_GT(window.logModel()->rowCount(), 0) << "the engine's own lines reach the log dock";

    window.showPage(MainWindow::Page::Monitor);
    models::ProcessTableModel* table = window.monitorPage()->processModel();
    {
        guitest::BackgroundLoad load(url, 3.0);
        // The demo runs two processes; both rows appear, and throughput arrives from telemetry.
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return table->rowCount() == 2 && table->totals().requestsPerMinute > 0; }, 15000))
            << "rows " << table->rowCount() << ", rpm " << table->totals().requestsPerMinute << ", state "
            << EngineSession::stateName(window.session()->state()).toStdString() << ", log:\n"
            << window.logModel()->lines().join(u'\n').toStdString();
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return window.monitorPage()->throughputChart()->pointCount(0) >= 2; }, 5000));

        // Telemetry changes rows in place: the process the user selected stays selected, on its row.
        auto* view = window.monitorPage()->findChild<QTableView*>(QStringLiteral("processTable"));
        ASSERT_TRUE(view);
        view->selectRow(1);
        const QString pid = table->index(1, models::ProcessTableModel::PidColumn).data().toString();
        QSignalSpy changed(table, &QAbstractItemModel::dataChanged);
        ASSERT_TRUE(changed.wait(5000)) << "no telemetry update under load";
        const QModelIndexList selected = view->selectionModel()->selectedRows();
        ASSERT_EQ(selected.size(), 1);
        EXPECT_EQ(selected.first().row(), 1);
        EXPECT_EQ(table->index(1, models::ProcessTableModel::PidColumn).data().toString(), pid);
        // Columns fit their contents, and the table is no taller than its rows (three at least).
        EXPECT_FALSE(view->horizontalHeader()->stretchLastSection());
        EXPECT_LE(view->height(),
                  view->horizontalHeader()->height() + 3 * view->rowHeight(0) + 2 * view->frameWidth() + 4);
    }
    EXPECT_EQ(table->index(0, models::ProcessTableModel::GroupColumn).data().toString(),
              QStringLiteral("demo"));
    EXPECT_GT(window.history()->intervalCount(), 0);
    EXPECT_TRUE(window.engineStatusBar()->configText().startsWith(QStringLiteral("config v")))
        << window.engineStatusBar()->configText().toStdString();

    // Restart through the window's own action: the engine goes down and comes back with a new pid.
    std::vector<State> states;
    QObject::connect(window.session(), &EngineSession::stateChanged, &window,
                     [&](State s) { states.push_back(s); });
    QAction* restart = window.action(QStringLiteral("actionRestart"));
    ASSERT_TRUE(restart && restart->isEnabled());
    restart->trigger();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return window.session()->state() == State::Ready && window.session()->pid() != firstPid; },
        kEngineDeadlineMs));
    EXPECT_NE(std::find(states.begin(), states.end(), State::Stopping), states.end());
    EXPECT_NE(std::find(states.begin(), states.end(), State::Starting), states.end());
    ASSERT_TRUE(QTest::qWaitFor([&] { return table->rowCount() == 2; }, 10000));

    expectGuiThreadKeptTurning(probe);
    window.session()->stop();
    EXPECT_TRUE(waitForState(window, State::Idle, 15000));
}

// The window's local engine serves on the configuration's own Listen (what `bootstrap.sh run`
// tells the user to open), not on a port of its choosing.
TEST(MainWindow, TheLocalEngineServesOnTheConfigurationsListen)
{
    QTemporaryDir dir;
    QTcpServer probe; // a port free right now
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    const QString conf = dir.filePath(QStringLiteral("listen.conf"));
    {
        QFile file(conf);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("Listen 127.0.0.1:%1\n"
                                  "WSGIDaemonProcess g processes=1 threads=2\n"
                                  "WSGIScriptAlias / " WSGI_SOURCE_DIR
                                  "/resources/apps/workload.py process-group=g application-group=%{GLOBAL}\n")
                       .arg(port)
                       .toUtf8());
    }
    MainWindow::Options options = guitest::demoOptions(dir);
    options.configFile = conf;
    options.engineArguments.clear();
    MainWindow window(options);
    ASSERT_TRUE(waitForState(window, State::Ready)) << window.session()->lastError().toStdString();
    EXPECT_EQ(window.session()->listenUrl(), QStringLiteral("http://127.0.0.1:%1").arg(port));
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, port);
    EXPECT_TRUE(client.waitForConnected(5000)) << "nothing listens on the configured port";
    window.session()->stop();
    EXPECT_TRUE(waitForState(window, State::Idle, 15000));
}

TEST(MainWindow, ALostEngineShowsItsLastLinesAndRestartBringsItBack)
{
    QTemporaryDir dir;
    MainWindow window(guitest::demoOptions(dir));
    window.show();
    ASSERT_TRUE(waitForState(window, State::Ready)) << window.session()->lastError().toStdString();
    EXPECT_TRUE(window.banner()->isHidden());

    ::kill(pid_t(window.session()->pid()), SIGKILL);
    ASSERT_TRUE(waitForState(window, State::Lost, 10000));
    EXPECT_FALSE(window.banner()->isHidden());
    EXPECT_EQ(window.banner()->kind(), widgets::MessageBanner::Kind::Error);
    EXPECT_FALSE(window.banner()->text().isEmpty()) << "the reason";
    EXPECT_FALSE(window.banner()->details().isEmpty()) << "the engine's last log lines";
    EXPECT_TRUE(window.engineStatusBar()->stateText().contains(QStringLiteral("lost")));

    window.action(QStringLiteral("actionRestart"))->trigger();
    ASSERT_TRUE(waitForState(window, State::Ready));
    EXPECT_TRUE(window.banner()->isHidden());
    window.session()->stop();
    EXPECT_TRUE(waitForState(window, State::Idle, 15000));
}

TEST(MainWindow, PagesSwitchByShortcutActionsAndTheLastOneIsRemembered)
{
    QTemporaryDir dir;
    auto options = guitest::windowOnlyOptions(dir);
    {
        MainWindow window(options);
        for (int i = 0; i < int(MainWindow::Page::Count); ++i) {
            QAction* go = window.action(QStringLiteral("actionPage") + QString::number(i + 1));
            ASSERT_TRUE(go);
            EXPECT_EQ(go->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
            go->trigger();
            EXPECT_EQ(window.currentPage(), MainWindow::Page(i));
        }
        window.action(QStringLiteral("actionPage3"))->trigger();
        window.show();
        EXPECT_TRUE(window.close());
    }
    MainWindow again(options);
    EXPECT_EQ(again.currentPage(), MainWindow::Page::Monitor);
}

// wsgi-studio builds the first page and the Monitor before the window shows and the others after:
// each is there when asked for, wired as if built at once (menus, document, runtimes), and the
// rest follow on their own.
TEST(MainWindow, PagesNotShownFirstAreBuiltLaterAndWhenAskedFor)
{
    QTemporaryDir dir;
    auto options = guitest::windowOnlyOptions(dir);
    options.deferPages = true;
    options.firstPage = QStringLiteral("monitor");
    MainWindow window(options);
    EXPECT_EQ(window.currentPage(), MainWindow::Page::Monitor);
    EXPECT_TRUE(window.isPageBuilt(MainWindow::Page::Monitor));
    EXPECT_FALSE(window.isPageBuilt(MainWindow::Page::Configure));
    EXPECT_FALSE(window.isPageBuilt(MainWindow::Page::Benchmark));
    EXPECT_FALSE(window.isPageBuilt(MainWindow::Page::Apache));

    // Chosen before its turn: built now, showing the document opened before it existed.
    window.action(QStringLiteral("actionPage2"))->trigger();
    EXPECT_EQ(window.currentPage(), MainWindow::Page::Configure);
    ASSERT_TRUE(window.isPageBuilt(MainWindow::Page::Configure));
    // Its undo and edit actions joined the Edit menu, and the document's edits reach it.
    QAction* undo = window.action(QStringLiteral("configureUndo"));
    ASSERT_TRUE(undo);
    ASSERT_TRUE(window.document()->setDaemonOption(QStringLiteral("demo"), QStringLiteral("threads"),
                                                   QStringLiteral("7")));
    EXPECT_TRUE(undo->isEnabled());
    bool inEditMenu = false;
    for (QAction* menu : window.menuBar()->actions())
        if (menu->menu() && menu->text().remove(u'&') == QStringLiteral("Edit"))
            inEditMenu = menu->menu()->actions().contains(undo);
    EXPECT_TRUE(inEditMenu);

    // The rest come on their own once the window has shown.
    window.show();
    EXPECT_TRUE(QTest::qWaitFor(
        [&] {
            for (int i = 0; i < int(MainWindow::Page::Count); ++i)
                if (!window.isPageBuilt(MainWindow::Page(i)))
                    return false;
            return true;
        },
        5000));
    window.setUnsavedAnswerForTesting(MainWindow::UnsavedAnswer::Discard);
    EXPECT_TRUE(window.close());
}

TEST(MainWindow, ClosingWithUnsavedChangesAsksAndCancelKeepsTheWindow)
{
    QTemporaryDir dir;
    auto options = guitest::windowOnlyOptions(dir);
    MainWindow window(options);
    window.show();
    ASSERT_TRUE(window.document()->setDaemonOption(QStringLiteral("demo"), QStringLiteral("threads"),
                                                   QStringLiteral("7")));
    ASSERT_TRUE(window.document()->isDirty());
    EXPECT_TRUE(window.windowTitle().contains(u'*'));

    window.setUnsavedAnswerForTesting(MainWindow::UnsavedAnswer::Cancel);
    EXPECT_FALSE(window.close());
    EXPECT_TRUE(window.isVisible());
    window.setUnsavedAnswerForTesting(MainWindow::UnsavedAnswer::Discard);
    EXPECT_TRUE(window.close());
}
