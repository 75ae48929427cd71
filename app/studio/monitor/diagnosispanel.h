#pragma once
// A verdict per daemon group from the window's numbers (session/diagnosis.h): saturated, GIL-bound,
// I/O-bound, queueing or headroom, the figures behind each, and a button per group that sends the
// variant testing the advice to the Benchmark page (variantProposed; the main window routes it).

#include "session/variantproposal.h"
#include "studio/monitor/monitorview.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QTableView;
QT_END_NAMESPACE

namespace wsgi::studio::models {
class DiagnosisModel;
}

namespace wsgi::studio::monitor {

class DiagnosisPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr double kLiveRefreshSeconds = 1.0;

    // `machineCores` 0: the cores this machine lets the studio run on (the local engine's host).
    explicit DiagnosisPanel(TelemetryHistory* history, double machineCores = 0, QWidget* parent = nullptr);
    ~DiagnosisPanel() override;

    void showView(const MonitorView& view);
    void setMachineCores(double cores);
    double machineCores() const { return m_cores; }
    // As the row's button does.
    void propose(int row);

    models::DiagnosisModel* model() const { return m_model; }
    QTableView* view() const { return m_table; }

Q_SIGNALS:
    void variantProposed(const wsgi::studio::VariantProposal& proposal);

private:
    void updateButtons();

    TelemetryHistory* m_history = nullptr;
    double m_cores = 1;
    MonitorView m_last{QString(), -1e300}; // the view last diagnosed
    models::DiagnosisModel* m_model = nullptr;
    QTableView* m_table = nullptr;
};

} // namespace wsgi::studio::monitor
