#include "studio/benchmark/loadsettingsform.h"

#include "session/format.h"
#include "session/settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

namespace wsgi::studio::pages {

namespace {

// Engine start, workers up, telemetry collected and the engine stopped: what a repeat costs beyond
// its load (AbRun's own estimate until it has measured one).
constexpr double kOverheadPerRunSec = 3;

} // namespace

LoadSettingsForm::LoadSettingsForm(QWidget* parent) : QWidget(parent)
{
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("loadMode"));
    m_mode->addItem(tr("Closed loop (connections)"));
    m_mode->addItem(tr("Open loop (constant rate)"));
    m_connections = new QSpinBox(this);
    m_connections->setObjectName(QStringLiteral("loadConnections"));
    m_connections->setRange(1, 4096);
    m_connections->setValue(Settings::defaultValue(Settings::Key::BenchmarkConnections).toInt());
    m_rate = new QDoubleSpinBox(this);
    m_rate->setObjectName(QStringLiteral("loadRate"));
    m_rate->setRange(1, 1e6);
    m_rate->setDecimals(0);
    m_rate->setValue(Settings::defaultValue(Settings::Key::BenchmarkRate).toDouble());
    m_rate->setSuffix(tr(" req/s"));
    m_duration = new QDoubleSpinBox(this);
    m_duration->setObjectName(QStringLiteral("loadDuration"));
    m_duration->setRange(0.5, 3600);
    m_duration->setDecimals(1);
    m_duration->setValue(Settings::defaultValue(Settings::Key::BenchmarkDurationSec).toDouble());
    m_duration->setSuffix(tr(" s"));
    m_warmup = new QDoubleSpinBox(this);
    m_warmup->setObjectName(QStringLiteral("loadWarmup"));
    m_warmup->setRange(0, 600);
    m_warmup->setDecimals(1);
    m_warmup->setValue(Settings::defaultValue(Settings::Key::BenchmarkWarmupSec).toDouble());
    m_warmup->setSuffix(tr(" s"));
    m_repeats = new QSpinBox(this);
    m_repeats->setObjectName(QStringLiteral("loadRepeats"));
    m_repeats->setRange(1, 50);
    m_repeats->setValue(Settings::defaultValue(Settings::Key::BenchmarkRepeats).toInt());
    m_repeats->setToolTip(tr("Each repeat runs in a fresh engine; variants alternate (A B A B ...). "
                             "Three or more give a median and an interval."));
    m_path = new QLineEdit(Settings::defaultValue(Settings::Key::BenchmarkPath).toString(), this);
    m_path->setObjectName(QStringLiteral("loadPath"));
    m_cooldown = new QDoubleSpinBox(this);
    m_cooldown->setObjectName(QStringLiteral("loadCooldown"));
    m_cooldown->setRange(0, 60);
    m_cooldown->setDecimals(1);
    m_cooldown->setValue(Settings::defaultValue(Settings::Key::BenchmarkCooldownSec).toDouble());
    m_cooldown->setSuffix(tr(" s"));
    m_limit = new QCheckBox(tr("Measure the physical limit (cores / CPU per request)"), this);
    m_limit->setObjectName(QStringLiteral("loadLimit"));
    m_limit->setChecked(true);
    m_apache = new QCheckBox(tr("Verify on Apache + mod_wsgi too"), this);
    m_apache->setObjectName(QStringLiteral("loadApache"));
    m_apache->setToolTip(
        tr("Every repeat also runs on Debian's Apache 2.4 + mod_wsgi 4.9 in daemon mode, serving "
           "the variant's exported mod_wsgi 4.9 text from a private ServerRoot on 127.0.0.1: "
           "the results say whether the ranking and the ratios carry over"));
    m_planLabel = new QLabel(this);
    m_planLabel->setObjectName(QStringLiteral("planLabel"));
    m_planLabel->setWordWrap(true);

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Load"), m_mode);
    form->addRow(tr("Connections"), m_connections);
    form->addRow(tr("Rate"), m_rate);
    form->addRow(tr("Warm-up"), m_warmup);
    form->addRow(tr("Measured"), m_duration);
    form->addRow(tr("Repeats"), m_repeats);
    form->addRow(tr("Path"), m_path);
    form->addRow(tr("Cool-down"), m_cooldown);
    form->addRow(m_limit);
    form->addRow(m_apache);
    form->addRow(m_planLabel);

    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        updateMode();
        updatePlan();
    });
    for (QSpinBox* box : {m_connections, m_repeats})
        connect(box, &QSpinBox::valueChanged, this, &LoadSettingsForm::updatePlan);
    for (QDoubleSpinBox* box : {m_rate, m_duration, m_warmup, m_cooldown})
        connect(box, &QDoubleSpinBox::valueChanged, this, &LoadSettingsForm::updatePlan);
    connect(m_path, &QLineEdit::textChanged, this, &LoadSettingsForm::changed);
    connect(m_limit, &QCheckBox::toggled, this, &LoadSettingsForm::changed);
    connect(m_apache, &QCheckBox::toggled, this, &LoadSettingsForm::updatePlan);
    connect(this, &LoadSettingsForm::changed, this, &LoadSettingsForm::remember);
    updateMode();
    updatePlan();
}

void LoadSettingsForm::setSettings(Settings* settings)
{
    m_settings = settings;
    if (settings)
        restore();
}

void LoadSettingsForm::restore()
{
    // Filling the form must not write it back half-filled: changes are stored once it is complete.
    Settings* settings = m_settings;
    m_settings = nullptr;
    using Key = Settings::Key;
    // Out-of-range values (a hand-edited file) are clamped by the boxes.
    m_mode->setCurrentIndex(settings->get(Key::BenchmarkLoadMode).toString() == QStringLiteral("open") ? 1
                                                                                                       : 0);
    m_connections->setValue(settings->get(Key::BenchmarkConnections).toInt());
    m_rate->setValue(settings->get(Key::BenchmarkRate).toDouble());
    m_duration->setValue(settings->get(Key::BenchmarkDurationSec).toDouble());
    m_warmup->setValue(settings->get(Key::BenchmarkWarmupSec).toDouble());
    m_repeats->setValue(settings->get(Key::BenchmarkRepeats).toInt());
    const QString path = settings->get(Key::BenchmarkPath).toString().trimmed();
    m_path->setText(path.isEmpty() ? QStringLiteral("/") : path);
    m_cooldown->setValue(settings->get(Key::BenchmarkCooldownSec).toDouble());
    m_settings = settings;
    updatePlan();
}

void LoadSettingsForm::remember()
{
    if (!m_settings)
        return;
    using Key = Settings::Key;
    // Settings::set writes only what differs, so storing the whole form on each change is cheap.
    m_settings->set(Key::BenchmarkLoadMode,
                    m_mode->currentIndex() == 1 ? QStringLiteral("open") : QStringLiteral("closed"));
    m_settings->set(Key::BenchmarkConnections, m_connections->value());
    m_settings->set(Key::BenchmarkRate, m_rate->value());
    m_settings->set(Key::BenchmarkDurationSec, m_duration->value());
    m_settings->set(Key::BenchmarkWarmupSec, m_warmup->value());
    m_settings->set(Key::BenchmarkRepeats, m_repeats->value());
    m_settings->set(Key::BenchmarkPath, m_path->text().trimmed());
    m_settings->set(Key::BenchmarkCooldownSec, m_cooldown->value());
}

AbPlan LoadSettingsForm::plan() const
{
    AbPlan plan;
    plan.repeats = m_repeats->value();
    plan.load.concurrency = m_connections->value();
    plan.load.rate = m_mode->currentIndex() == 1 ? m_rate->value() : 0;
    plan.load.durationSec = m_duration->value();
    plan.load.warmupSec = m_warmup->value();
    plan.load.path = m_path->text().trimmed().isEmpty() ? QStringLiteral("/") : m_path->text().trimmed();
    plan.cooldownMs = int(m_cooldown->value() * 1000);
    plan.limit = m_limit->isChecked() ? LimitMode::Try : LimitMode::Off;
    plan.servers = m_apache->isChecked() ? std::vector<ServerKind>{ServerKind::Engine, ServerKind::Apache}
                                         : std::vector<ServerKind>{ServerKind::Engine};
    return plan;
}

void LoadSettingsForm::setPlan(const AbPlan& plan)
{
    m_repeats->setValue(plan.repeats);
    m_connections->setValue(plan.load.concurrency);
    m_mode->setCurrentIndex(plan.load.rate > 0 ? 1 : 0);
    if (plan.load.rate > 0)
        m_rate->setValue(plan.load.rate);
    m_duration->setValue(plan.load.durationSec);
    m_warmup->setValue(plan.load.warmupSec);
    m_path->setText(plan.load.path);
    m_cooldown->setValue(plan.cooldownMs / 1000.0);
    m_limit->setChecked(plan.limit != LimitMode::Off);
    m_apache->setChecked(plan.runsOn(ServerKind::Apache));
    updatePlan();
}

void LoadSettingsForm::setVariantCount(int count)
{
    m_variants = count;
    updatePlan();
}

double LoadSettingsForm::estimateSeconds(const AbPlan& plan, int variants)
{
    const double perRun =
        plan.load.warmupSec + plan.load.durationSec + kOverheadPerRunSec + plan.cooldownMs / 1000.0;
    return perRun * variants * plan.repeats * double(std::max<size_t>(1, plan.servers.size()));
}

QString LoadSettingsForm::planText() const
{
    return m_planLabel->text();
}

void LoadSettingsForm::updateMode()
{
    const bool open = m_mode->currentIndex() == 1;
    m_rate->setEnabled(open);
    m_connections->setToolTip(open ? tr("Connections the constant rate is spread over")
                                   : tr("Each connection sends its next request when the answer arrives"));
}

void LoadSettingsForm::updatePlan()
{
    const AbPlan p = plan();
    const int servers = int(std::max<size_t>(1, p.servers.size()));
    const int runs = m_variants * p.repeats * servers;
    if (m_variants == 0) {
        m_planLabel->setText(tr("Add a variant to plan a run."));
    } else {
        m_planLabel->setText(
            tr("<b>Plan:</b> %1 \u00d7 %2%3 = %4, alternated, each in a fresh server; about %5.")
                .arg(formatCount(m_variants, tr("variant"), tr("variants")))
                .arg(formatCount(p.repeats, tr("repeat"), tr("repeats")))
                .arg(servers > 1 ? tr(" \u00d7 %1 servers").arg(servers) : QString())
                .arg(formatCount(runs, tr("run"), tr("runs")))
                .arg(formatDuration(estimateSeconds(p, m_variants))));
    }
    Q_EMIT changed();
}

} // namespace wsgi::studio::pages
