// A main window with one label: prints "minimal window shown after N ms" once its first paint is
// on the screen, and quits. tests/bench/studio_monitor.py times it beside the studio's start to live data.
#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QMainWindow>
#include <QPainter>
#include <QTimer>

#include <cstdio>

namespace {

class Shown : public QLabel
{
public:
    Shown(QElapsedTimer* clock) : QLabel(QStringLiteral("Hello")), m_clock(clock) {}

protected:
    void paintEvent(QPaintEvent* event) override
    {
        QLabel::paintEvent(event);
        if (m_reported)
            return;
        m_reported = true;
        // Reported on the next turn of the event loop, after this paint has been flushed to the
        // screen: the studio's StartupReport counts the same way.
        QTimer::singleShot(0, qApp, [clock = m_clock] {
            std::printf("minimal window shown after %lld ms\n", static_cast<long long>(clock->elapsed()));
            std::fflush(stdout);
            QApplication::quit();
        });
    }

private:
    QElapsedTimer* m_clock;
    bool m_reported = false;
};

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer clock;
    clock.start();
    QApplication app(argc, argv);
    QMainWindow window;
    window.setCentralWidget(new Shown(&clock));
    window.resize(1280, 960);
    window.show();
    return QApplication::exec();
}
