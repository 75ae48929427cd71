#pragma once
// `wsgi-studio --screenshot DIR`: a real local engine on the configuration, a small bounded load
// against it on 127.0.0.1 (a few connections for a few seconds, on a worker thread) so Monitor shows
// live data, then every page rendered to DIR/<page>.png, and the Monitor page once more in the dark
// palette. Finishes with an exit code: 0 when every image was written.

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <memory>

namespace wsgi::studio {

class MainWindow;

class ScreenshotRun : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString directory;
        double loadSeconds = 20;       // an upper bound: the load stops once every image is written
        double renderAfterSeconds = 8; // of load, so the charts hold a stretch of it
        int connections = 4;
        int timeoutMs = 90000; // the whole run, engine start included
        // Non-empty: only the Monitor page, as <name>-timeline.png and <name>-gil.png (its Timeline and
        // GIL wait tabs), for pictures of one configuration under load (README, docs/screenshots).
        QString monitorOnly;
    };

    ScreenshotRun(MainWindow* window, const Options& options, QObject* parent = nullptr);
    ~ScreenshotRun() override;

    void start();
    QStringList written() const { return m_written; }

Q_SIGNALS:
    void finished(int exitCode, const QString& message);

private:
    void onReady();
    void startLoad();
    void onLoadFinished(qint64 ok, qint64 errors, const QString& failure);
    void beginRendering();
    void renderNext();
    void finish(int exitCode, const QString& message);

    MainWindow* m_window;
    Options m_options;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QTimer m_deadline;
    QStringList m_shots; // "connect", ..., "monitor-dark": what is left to render
    QStringList m_written;
    bool m_loadStarted = false;
    bool m_rendering = false;
    bool m_loadFinished = false;
    bool m_done = false;
};

} // namespace wsgi::studio
