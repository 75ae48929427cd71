#pragma once
// A running plan: one bar for the whole plan (runs done of runs planned, elapsed and about how long is
// left), one for the current repeat (variant, repeat k/N, phase, seconds of load), and a live chart of
// the current repeat's throughput beside one of its client latency (p50 and p99 of each report's
// interval). AbRun reports about once a second; the charts' model keeps at most four rows a second,
// so the page's repaint cost stays bounded whatever the load does.

#include "session/abrun.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
QT_END_NAMESPACE

namespace wsgi::studio::charts {
class LineChart;
}
namespace wsgi::studio::models {
class AbLiveModel;
}

namespace wsgi::studio::pages {

class RunProgress : public QWidget
{
    Q_OBJECT
public:
    explicit RunProgress(QWidget* parent = nullptr);

    void start(int runsTotal); // a new plan
    void setProgress(const AbProgress& progress);
    void addFailure(const QString& variant, const QString& reason);
    void setFinished(bool cancelled, int repeatsKept);
    QString planText() const;   // what the plan bar says
    QString repeatText() const; // what the repeat line says
    models::AbLiveModel* liveModel() const { return m_live; }

private:
    QProgressBar* m_plan = nullptr;
    QProgressBar* m_repeat = nullptr;
    QLabel* m_planLabel = nullptr;
    QLabel* m_repeatLabel = nullptr;
    QLabel* m_failures = nullptr;
    models::AbLiveModel* m_live = nullptr;
    charts::LineChart* m_chart = nullptr;
    charts::LineChart* m_latencyChart = nullptr;
};

} // namespace wsgi::studio::pages
