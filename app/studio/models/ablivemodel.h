#pragma once
// The current repeat of a running A/B plan as it happens: one row per progress report kept (elapsed
// seconds of the load generator, answers per second, errors so far, the client's p50/p99 over the
// report's interval), for the page's live charts.
// Reports arrive about once a second; rows are appended, never reset except when a new repeat starts,
// so a chart reading this model repaints at most as often as rows arrive (bounded by `minIntervalSec`).

#include "session/abrun.h"

#include <QAbstractTableModel>

#include <vector>

namespace wsgi::studio::models {

class AbLiveModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        ElapsedColumn, // s, warm-up included
        RateColumn,    // answers/s over the last report interval
        ErrorsColumn,  // errors so far in this repeat
        P50Column,     // ms, client latency over the last report interval; empty when nothing answered
        P99Column,     // ms, the same
        ColumnCount
    };

    explicit AbLiveModel(QObject* parent = nullptr);

    // Reports closer than this to the last row kept are dropped (a 4 Hz bound on the chart's redraws).
    void setMinInterval(double seconds) { m_minIntervalSec = seconds; }
    // Takes a progress report: a new variant or round starts a new repeat (the rows reset); a report of
    // a load phase adds a row.
    void addProgress(const AbProgress& progress);
    void clear();
    QString repeatLabel() const { return m_label; } // "2x5, repeat 2/3"

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        double elapsed = 0;
        double rate = 0;
        double errors = 0;
        bool hasLatency = false; // something was answered in the interval
        double p50Ms = 0;
        double p99Ms = 0;
    };
    std::vector<Row> m_rows;
    int m_variant = -1;
    int m_round = -1;
    double m_minIntervalSec = 0.25;
    QString m_label;
};

} // namespace wsgi::studio::models
