#pragma once
// The Benchmark page's part of `wsgi-studio --screenshot DIR`: a short real A/B run of the current
// document against one proposed variant (2 repeats of 3 s, alternated in fresh engines), pictured
// while it measures (benchmark-running.png) and once its results are in (benchmark-results.png).

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace wsgi::studio::pages {

class BenchmarkPage;

class BenchmarkScreenshot : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString directory;
        double durationSec = 3;
        int repeats = 2;
        int timeoutMs = 120000;
    };
    // `grabbed` is what is pictured (the main window); `show` brings the Benchmark page to the front.
    BenchmarkScreenshot(BenchmarkPage* page, QWidget* grabbed, const Options& options,
                        QObject* parent = nullptr);

    void start();
    QStringList written() const { return m_written; }

Q_SIGNALS:
    void finished(bool ok, const QString& message);

private:
    void checkRunning();
    bool grabTo(const QString& name);
    void finish(bool ok, const QString& message);

    QPointer<BenchmarkPage> m_page;
    QPointer<QWidget> m_grabbed;
    Options m_options;
    QTimer m_poll;
    QTimer m_deadline;
    QStringList m_written;
    QTemporaryDir m_history; // the pictured run is not the user's: it stays out of their history
    bool m_runningShot = false;
    bool m_runningPending = false;
    bool m_done = false;
};

} // namespace wsgi::studio::pages
