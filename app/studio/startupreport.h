#pragma once
// `--report-live`: prints, once each has reached the screen, "engine status shown after N ms" (the
// Monitor's process table painted with the engine's processes) and "live data shown after N ms"
// (the throughput chart painted with its first telemetry point), N counted from `clock`. The
// start-up benchmark (tests/bench/studio_monitor.py) times the studio by these lines. It watches
// the paint events of those two widgets and forces none of its own, so it adds no drawing to
// what it measures.

#include <QElapsedTimer>
#include <QObject>

namespace wsgi::studio {

class MainWindow;

class StartupReport : public QObject
{
    Q_OBJECT
public:
    StartupReport(MainWindow* window, const QElapsedTimer& clock);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    enum class Shown
    {
        Status,
        LiveData
    };
    void reportAfterThisPaint(Shown shown);

    MainWindow* m_window;
    QElapsedTimer m_clock;
    QObject* m_table = nullptr;
    QObject* m_chart = nullptr;
    bool m_statusShown = false;
    bool m_liveShown = false;
};

} // namespace wsgi::studio
