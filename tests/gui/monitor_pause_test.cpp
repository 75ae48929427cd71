// The Monitor page against a real engine on the demo: one pause freezes every chart at the same
// instant while telemetry keeps arriving, the banner says how far behind live, scrubbing moves the
// instant, Live resumes; a recording made live and reopened shows the same figures.

#include "guitestsupport.h"

#include "session/telemetryhistory.h"
#include "studio/charts/chartoverlay.h"
#include "studio/charts/linechart.h"
#include "studio/mainwindow.h"
#include "studio/monitor/diagnosispanel.h"
#include "studio/monitor/gilpanel.h"
#include "studio/monitor/monitorcharts.h"
#include "studio/monitor/monitorpage.h"

#include <QAction>
#include <QDialog>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

#include <gtest/gtest.h>

using namespace wsgi::studio;
using State = EngineSession::State;

namespace {

// The page's figures without its first line, which says where they come from (live, paused, file).
QString figures(const QString& markdown)
{
    return markdown.section(QLatin1Char('\n'), 1);
}

} // namespace

TEST(MonitorPage, PauseFreezesEveryViewScrubbingMovesItAndARecordingShowsTheSameFigures)
{
    QTemporaryDir dir;
    MainWindow window(guitest::demoOptions(dir));
    window.resize(1280, 900);
    window.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.session()->state() == State::Ready; }, 30000))
        << window.session()->lastError().toStdString();
    window.showPage(MainWindow::Page::Monitor);
    pages::MonitorPage* page = window.monitorPage();
    page->setChartWindow(10);
    TelemetryHistory* history = window.history();

    guitest::BackgroundLoad load(window.session()->listenUrl(), 20.0);
    const QString recording = dir.filePath(QStringLiteral("session.jsonl"));
    QString error;
    ASSERT_TRUE(page->startRecording(recording, &error)) << error.toStdString();
    ASSERT_TRUE(QTest::qWaitFor([&] { return history->intervalCount() >= 12; }, 15000));

    // Pause: every chart's right edge stays at one instant while samples keep arriving.
    QAction* pause = page->findChild<QAction*>(QStringLiteral("actionMonitorPause"));
    ASSERT_TRUE(pause);
    pause->trigger();
    ASSERT_TRUE(page->isPaused());
    const double frozenAt = page->view().end;
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    const QString pausedFigures = figures(page->markdown());
    std::vector<double> rightEdges;
    for (charts::LineChart* chart : page->timeline()->charts())
        rightEdges.push_back(chart->xRange().second);
    const int before = history->intervalCount();
    ASSERT_TRUE(QTest::qWaitFor([&] { return history->intervalCount() >= before + 4; }, 5000));
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    EXPECT_EQ(page->view().end, frozenAt);
    for (size_t i = 0; i < rightEdges.size(); ++i) {
        EXPECT_DOUBLE_EQ(page->timeline()->charts()[qsizetype(i)]->xRange().second, rightEdges[i])
            << page->timeline()->charts()[qsizetype(i)]->objectName().toStdString();
        EXPECT_DOUBLE_EQ(rightEdges[i], rightEdges[0]) << "every chart frozen at the same instant";
    }
    EXPECT_EQ(figures(page->markdown()).toStdString(), pausedFigures.toStdString())
        << "a paused page's figures do not move";
    EXPECT_TRUE(page->bannerText().contains(QStringLiteral("Paused"))) << page->bannerText().toStdString();
    EXPECT_TRUE(page->bannerText().contains(QStringLiteral("behind live")))
        << page->bannerText().toStdString();

    // Scrub back two seconds: the instant moves, still paused.
    page->scrubTo(frozenAt - 2);
    EXPECT_NEAR(page->view().end, frozenAt - 2, 1e-9);
    EXPECT_TRUE(page->isPaused());
    page->scrubTo(frozenAt);

    // The recording holds what was shown: reopened, at the same instant, the same figures.
    ASSERT_TRUE(QTest::qWaitFor([&] { return history->lastTime() - history->firstTime() > 0; }, 1000));
    page->stopRecording();
    QSignalSpy opened(page, &pages::MonitorPage::recordingOpened);
    QSignalSpy failed(page, &pages::MonitorPage::recordingFailed);
    page->openRecording(recording);
    ASSERT_TRUE(QTest::qWaitFor([&] { return opened.count() + failed.count() > 0; }, 10000));
    ASSERT_EQ(failed.count(), 0) << failed.first().first().toString().toStdString();
    EXPECT_TRUE(page->isReviewingRecording());
    EXPECT_TRUE(page->bannerText().contains(QStringLiteral("Recording"))) << page->bannerText().toStdString();
    page->scrubTo(frozenAt);
    ASSERT_DOUBLE_EQ(page->view().end, frozenAt);
    // Only the window the recording covers compares: the page was live before recording started.
    EXPECT_LE(history->firstTime(), frozenAt);
    const QString reopened = figures(page->markdown());
    if (history->firstTime() <= frozenAt - page->view().windowSeconds) {
        EXPECT_EQ(reopened.toStdString(), pausedFigures.toStdString());
    } else {
        // Recording started inside the window: at least the process table (the instant's figures)
        // must agree.
        EXPECT_EQ(reopened.section(QStringLiteral("\n\n"), 1).toStdString(),
                  pausedFigures.section(QStringLiteral("\n\n"), 1).toStdString());
    }

    // Live again: the engine's own figures come back and follow new intervals.
    page->goLive();
    EXPECT_FALSE(page->isReviewingRecording());
    EXPECT_FALSE(page->isPaused());
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return history->intervalCount() >= 2 && history->lastTime() > frozenAt; }, 5000));
    EXPECT_DOUBLE_EQ(page->view().end, history->lastTime());

    window.session()->stop();
    EXPECT_TRUE(QTest::qWaitFor([&] { return window.session()->state() == State::Idle; }, 15000));
}

TEST(MonitorPage, ABrokenRecordingIsAnErrorNamingTheLineAndTheLiveViewStays)
{
    QTemporaryDir dir;
    auto options = guitest::windowOnlyOptions(dir);
    MainWindow window(options);
    window.show();
    const QString path = dir.filePath(QStringLiteral("broken.jsonl"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({"format":"wsgi-studio-recording","version":1,"status":{}})"
               "\n"
               R"({"event":"telemetry","processes":[{"pid":"x"}]})"
               "\n");
    file.close();
    pages::MonitorPage* page = window.monitorPage();
    QSignalSpy failed(page, &pages::MonitorPage::recordingFailed);
    page->openRecording(path);
    ASSERT_TRUE(failed.wait(10000));
    const QString message = failed.first().first().toString();
    EXPECT_TRUE(message.contains(QStringLiteral("line 2"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("pid"))) << message.toStdString();
    EXPECT_FALSE(page->isReviewingRecording());
    EXPECT_TRUE(page->bannerText().contains(QStringLiteral("line 2")));
}

TEST(MonitorPage, ClickingARestartMarkerShowsWhatWasLoggedWithIt)
{
    QTemporaryDir dir;
    auto options = guitest::windowOnlyOptions(dir);
    MainWindow window(options);
    window.resize(1280, 900);
    window.show();
    window.showPage(MainWindow::Page::Monitor);
    TelemetrySample sample;
    sample.intervalMs = 250;
    ProcessTelemetry p;
    p.group = "demo";
    p.process = 1;
    p.pid = 10;
    p.requestThroughput = 5;
    sample.processes = {p};
    for (int i = 0; i < 8; ++i) {
        sample.time = 1000 + i * 0.25;
        sample.events.clear();
        if (i == 4) {
            EngineEvent e;
            e.sequence = 1;
            e.time = 1000.9;
            e.reason = "request-timeout";
            e.group = "demo";
            e.process = 1;
            e.pid = 10;
            e.detail = "GET /slow ran 3.2 s > request-timeout 3 s";
            e.log = "Thread 140 (request GET /slow, 3.2 s)\n  File \"app.py\", line 7, in slow";
            sample.events = {e};
        }
        window.monitorPage()->acceptLiveSample(sample);
    }
    QCoreApplication::processEvents();
    charts::LineChart* chart = window.monitorPage()->throughputChart();
    ASSERT_EQ(chart->overlay()->markers().size(), 1);
    Q_EMIT chart->markerClicked(chart->overlay()->markers().first().id);
    auto* dialog = window.monitorPage()->findChild<QDialog*>(QStringLiteral("monitorEventDialog"));
    ASSERT_TRUE(dialog);
    EXPECT_TRUE(dialog->windowTitle().contains(QStringLiteral("request-timeout")))
        << dialog->windowTitle().toStdString();
    auto* log = dialog->findChild<QPlainTextEdit*>(QStringLiteral("monitorEventLog"));
    ASSERT_TRUE(log);
    EXPECT_TRUE(log->toPlainText().contains(QStringLiteral("line 7, in slow")));
    dialog->close();
}

// The tabs after Timeline are built the first time they are shown, each into its own tab, and a
// diagnosis built after the engine's status knows that engine's cores, not this machine's.
TEST(MonitorPage, TabsAreBuiltWhenFirstShownAndKnowTheEnginesCores)
{
    QTemporaryDir dir;
    auto options = guitest::windowOnlyOptions(dir);
    MainWindow window(options);
    window.show();
    window.showPage(MainWindow::Page::Monitor);
    pages::MonitorPage* page = window.monitorPage();
    auto* tabs = page->findChild<QTabWidget*>(QStringLiteral("monitorTabs"));
    ASSERT_TRUE(tabs);
    ASSERT_EQ(tabs->count(), 5);
    EXPECT_FALSE(page->findChild<monitor::GilPanel*>());
    EXPECT_FALSE(page->findChild<monitor::DiagnosisPanel*>());

    EngineStatus status;
    status.engine.cores = 7;
    Q_EMIT window.session()->statusAvailable(status);

    tabs->setCurrentIndex(1);
    auto* gil = page->findChild<monitor::GilPanel*>();
    ASSERT_TRUE(gil);
    EXPECT_TRUE(tabs->widget(1)->isAncestorOf(gil));
    EXPECT_TRUE(gil->isVisible());
    tabs->setCurrentIndex(3);
    auto* diagnosis = page->findChild<monitor::DiagnosisPanel*>();
    ASSERT_TRUE(diagnosis);
    EXPECT_TRUE(tabs->widget(3)->isAncestorOf(diagnosis));
    EXPECT_DOUBLE_EQ(diagnosis->machineCores(), 7);
    EXPECT_EQ(page->diagnosisPanel(), diagnosis); // asked for again: the same panel
}
