#include "studio/widgets/enginestatusbar.h"

#include "session/format.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>

namespace wsgi::studio::widgets {

EngineStatusBar::EngineStatusBar(QWidget* parent) : QWidget(parent)
{
    const auto label = [this](const char* name, const QString& tip) {
        auto* l = new QLabel(this);
        l->setObjectName(QLatin1String(name));
        l->setToolTip(tip);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return l;
    };
    m_dot = new QLabel(this);
    m_dot->setFixedSize(10, 10);
    m_state = label("statusState", tr("Engine state"));
    m_pid = label("statusPid", tr("Engine process id"));
    m_uptime = label("statusUptime", tr("Time since the engine became ready"));
    m_listen = label("statusListen", tr("Where the engine serves HTTP"));
    m_config =
        label("statusConfig", tr("Configuration generation the engine runs; \"applied\" after a reload"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(6);
    layout->addWidget(m_dot);
    layout->addWidget(m_state);
    for (QLabel* l : {m_pid, m_uptime, m_listen, m_config}) {
        auto* separator = new QLabel(QStringLiteral("·"), this);
        separator->setForegroundRole(QPalette::PlaceholderText);
        layout->addWidget(separator);
        layout->addWidget(l);
    }
    m_uptimeTimer.setInterval(1000);
    connect(&m_uptimeTimer, &QTimer::timeout, this, &EngineStatusBar::updateUptime);
    setEngineState(tr("idle"), Health::Idle);
    clearEngine();
}

void EngineStatusBar::setEngineState(const QString& text, Health health)
{
    m_state->setText(tr("engine %1").arg(text));
    m_health = health;
    updateDot();
}

void EngineStatusBar::setPid(qint64 pid)
{
    m_pid->setText(pid > 0 ? tr("pid %1").arg(pid) : tr("no pid"));
}

void EngineStatusBar::setListen(const QString& address)
{
    m_listen->setText(address.isEmpty() ? tr("not serving") : address);
}

void EngineStatusBar::setReadySince(const QDateTime& since)
{
    m_readySince = since;
    if (since.isValid()) {
        m_uptimeTimer.start();
    } else {
        m_uptimeTimer.stop();
    }
    updateUptime();
}

void EngineStatusBar::setConfigGeneration(qint64 generation, bool applied)
{
    if (generation < 0) {
        m_config->setText(tr("no config"));
        return;
    }
    m_config->setText(applied ? tr("config v%1 · applied").arg(generation)
                              : tr("config v%1").arg(generation));
}

void EngineStatusBar::clearEngine()
{
    setPid(0);
    setListen({});
    setReadySince({});
    setConfigGeneration(-1, false);
}

QString EngineStatusBar::stateText() const
{
    return m_state->text();
}

QString EngineStatusBar::uptimeText() const
{
    return m_uptime->text();
}

QString EngineStatusBar::configText() const
{
    return m_config->text();
}

void EngineStatusBar::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        updateDot();
    }
}

void EngineStatusBar::updateUptime()
{
    if (!m_readySince.isValid()) {
        m_uptime->setText(tr("up –"));
        return;
    }
    m_uptime->setText(tr("up %1").arg(
        wsgi::studio::formatUptime(double(m_readySince.secsTo(QDateTime::currentDateTime())))));
}

void EngineStatusBar::updateDot()
{
    QColor color;
    switch (m_health) {
    case Health::Idle:
        color = palette().color(QPalette::PlaceholderText);
        break;
    case Health::Busy:
        color = QColor(0xd0, 0x90, 0x10);
        break;
    case Health::Ready:
        color = QColor(0x20, 0xa0, 0x50);
        break;
    case Health::Problem:
        color = QColor(0xd0, 0x30, 0x30);
        break;
    }
    m_dot->setStyleSheet(QStringLiteral("background: %1; border-radius: 5px;").arg(color.name()));
}

} // namespace wsgi::studio::widgets
