#pragma once
// The engine at a glance, for the window's status bar: state (with a coloured dot), pid, uptime,
// listen address and the configuration generation it runs ("config v7", "applied" right after a
// reload this window sent). Plain setters: the window feeds it from the session.

#include <QDateTime>
#include <QTimer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace wsgi::studio::widgets {

class EngineStatusBar : public QWidget
{
    Q_OBJECT
public:
    enum class Health
    {
        Idle,    // grey
        Busy,    // amber: starting, connecting, stopping
        Ready,   // green
        Problem, // red: lost, failed
    };

    explicit EngineStatusBar(QWidget* parent = nullptr);

    void setEngineState(const QString& text, Health health);
    void setPid(qint64 pid); // 0: none
    void setListen(const QString& address);
    void setReadySince(const QDateTime& since); // invalid: no uptime shown
    // < 0: none known. `applied`: this generation is the one a reload from this window just made current.
    void setConfigGeneration(qint64 generation, bool applied);
    void clearEngine(); // pid, uptime, listen and generation blank (Idle)

    QString stateText() const;
    QString uptimeText() const;
    QString configText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateUptime();
    void updateDot();

    QLabel* m_dot = nullptr;
    QLabel* m_state = nullptr;
    QLabel* m_pid = nullptr;
    QLabel* m_uptime = nullptr;
    QLabel* m_listen = nullptr;
    QLabel* m_config = nullptr;
    Health m_health = Health::Idle;
    QDateTime m_readySince;
    QTimer m_uptimeTimer;
};

} // namespace wsgi::studio::widgets
