#pragma once
// How each repeat loads the engine and how the plan repeats: closed loop (connections) or open loop
// (a constant rate), warm-up, measured duration, path, repeats, cool-down between engines, and whether
// to measure the physical limit. Below the form, the plan as it will run: cells x repeats and the
// estimated time. With the studio's Settings the load (mode, connections, rate, durations, repeats,
// path, cool-down) is remembered between sessions; its defaults are the Settings table's.

#include "session/abresult.h"

#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
QT_END_NAMESPACE

namespace wsgi::studio {
class Settings;
}

namespace wsgi::studio::pages {

class LoadSettingsForm : public QWidget
{
    Q_OBJECT
public:
    explicit LoadSettingsForm(QWidget* parent = nullptr);

    // The form's values as a plan without variants (kind, repeats, load, limit, cool-down).
    AbPlan plan() const;
    void setPlan(const AbPlan& plan); // a rerun or remembered settings fill the form
    // Fills the form from `settings` now and stores every change there from then on (null: forget).
    void setSettings(Settings* settings);
    // Updates the plan line for this many variants ("2 variants x 3 repeats = 6 runs, about 1m 05s").
    void setVariantCount(int count);
    QString planText() const;
    static double estimateSeconds(const AbPlan& plan, int variants);

Q_SIGNALS:
    void changed();

private:
    void updateMode();
    void updatePlan();
    void restore();
    void remember();

    QComboBox* m_mode = nullptr;
    QSpinBox* m_connections = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QDoubleSpinBox* m_duration = nullptr;
    QDoubleSpinBox* m_warmup = nullptr;
    QSpinBox* m_repeats = nullptr;
    QLineEdit* m_path = nullptr;
    QDoubleSpinBox* m_cooldown = nullptr;
    QCheckBox* m_limit = nullptr;
    QCheckBox* m_apache = nullptr;
    QLabel* m_planLabel = nullptr;
    int m_variants = 0;
    QPointer<Settings> m_settings;
};

} // namespace wsgi::studio::pages
