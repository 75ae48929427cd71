#pragma once
// What the window tests share: a MainWindow on a real local engine (demo config, any free port, a
// private settings file), a bounded load on 127.0.0.1, and a probe that the GUI thread keeps turning.

#include "core/loadgen/loadgenerator.h"
#include "studio/mainwindow.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace wsgi::studio::guitest {

inline MainWindow::Options demoOptions(const QTemporaryDir& dir)
{
    MainWindow::Options options;
    options.configFile = MainWindow::demoConfigPath();
    options.startEngine = true;
    options.restoreLayout = false;
    options.engineArguments = {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    options.telemetryIntervalMs = 250;
    options.settingsFile = dir.filePath(QStringLiteral("studio.ini"));
    return options;
}

// The same window without an engine: for what a window does on its own or with fed samples.
inline MainWindow::Options windowOnlyOptions(const QTemporaryDir& dir)
{
    MainWindow::Options options = demoOptions(dir);
    options.startEngine = false;
    return options;
}

// A timer on the GUI thread every 10 ms; records how long each turn really took. A blocking call on
// the GUI thread shows up as one long gap.
class EventLoopProbe : public QObject
{
public:
    explicit EventLoopProbe(int intervalMs = 10)
    {
        m_timer.setInterval(intervalMs);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last > 0) {
                m_gapsMs.push_back(double(now - m_last) / 1e6);
            }
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    const std::vector<double>& gapsMs() const { return m_gapsMs; }
    double maxGapMs() const
    {
        double worst = 0;
        for (const double g : m_gapsMs) {
            worst = std::max(worst, g);
        }
        return worst;
    }
    int gapsOver(double ms) const
    {
        return int(std::count_if(m_gapsMs.begin(), m_gapsMs.end(), [ms](double g) { return g > ms; }));
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_gapsMs;
};

// A bounded load on a thread of its own: open loop at `rate` requests/s (the demo's requests cost about
// 3 ms of CPU each, so closed-loop load would take both cores of a small machine from the GUI thread
// the test is watching), for a bounded time.
class BackgroundLoad
{
public:
    BackgroundLoad(const QString& baseUrl, double seconds, int connections = 2, double rate = 60)
        : m_cancel(std::make_shared<std::atomic<bool>>(false))
    {
        loadgen::LoadSpec spec;
        spec.url = baseUrl.toStdString() + "/";
        spec.connections = connections;
        spec.threads = 1;
        spec.durationSec = seconds;
        spec.rate = rate;
        spec.timeoutMs = 3000;
        auto cancel = m_cancel;
        auto requests = m_requests;
        m_thread = std::thread([spec, cancel, requests] {
            *requests = loadgen::LoadGenerator().run(spec, {}, cancel.get()).requests;
        });
    }
    ~BackgroundLoad()
    {
        m_cancel->store(true);
        m_thread.join(); // the generator stops within milliseconds of the flag
    }
    int64_t requests() const { return *m_requests; }

private:
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::shared_ptr<std::atomic<int64_t>> m_requests = std::make_shared<std::atomic<int64_t>>(0);
    std::thread m_thread;
};

} // namespace wsgi::studio::guitest
