#include "studio/startupreport.h"

#include "session/enginesession.h"
#include "studio/charts/linechart.h"
#include "studio/mainwindow.h"
#include "studio/models/processtablemodel.h"
#include "studio/monitor/monitorpage.h"

#include <QEvent>
#include <QTableView>
#include <QTimer>

#include <cstdio>

namespace wsgi::studio {

StartupReport::StartupReport(MainWindow* window, const QElapsedTimer& clock)
    : QObject(window), m_window(window), m_clock(clock)
{
    pages::MonitorPage* monitor = window->monitorPage();
    m_table = monitor->processTable()->viewport();
    m_chart = monitor->throughputChart()->canvas();
    m_table->installEventFilter(this);
    m_chart->installEventFilter(this);
}

bool StartupReport::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::Paint)
        return false;
    pages::MonitorPage* monitor = m_window->monitorPage();
    if (watched == m_table && !m_statusShown && monitor->processModel()->rowCount() > 0) {
        m_statusShown = true;
        reportAfterThisPaint(Shown::Status);
    } else if (watched == m_chart && !m_liveShown && monitor->throughputChart()->pointCount(0) > 0) {
        m_liveShown = true;
        reportAfterThisPaint(Shown::LiveData);
    }
    return false;
}

void StartupReport::reportAfterThisPaint(Shown shown)
{
    // The paint being filtered has not happened yet; the next turn of the event loop comes after
    // it and after the window's backing store has been flushed to the screen.
    QTimer::singleShot(0, this, [this, shown] {
        const qint64 ms = m_clock.elapsed();
        if (shown == Shown::Status)
            std::printf("wsgi-studio: engine status shown after %lld ms\n", ms);
        else
            std::printf("wsgi-studio: live data shown after %lld ms (its first telemetry interval: %d ms)\n",
                        ms, EngineSession::kFirstSampleMs);
        std::fflush(stdout);
    });
}

} // namespace wsgi::studio
