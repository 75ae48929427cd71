#pragma once
// The little a live terminal view needs: is stdout a terminal, how wide is it, and a Ctrl-C that
// ends the event loop cleanly instead of killing the process mid-frame.

#include <QObject>

class QSocketNotifier;

namespace wsgi::studio::cli {

bool stdoutIsTerminal();
int terminalColumns(); // 0 when stdout is not a terminal or the width is unknown

// Turns SIGINT and SIGTERM into the `interrupted` signal, through a self-pipe (the only safe way out
// of a signal handler). One instance at a time; the previous handlers come back on destruction.
class InterruptWatcher : public QObject
{
    Q_OBJECT
public:
    explicit InterruptWatcher(QObject* parent = nullptr);
    ~InterruptWatcher() override;

Q_SIGNALS:
    void interrupted(int signalNumber);

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace wsgi::studio::cli
