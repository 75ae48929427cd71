#pragma once
// One row per telemetry interval of one daemon group (or all of them), from a TelemetryHistory: time
// since the model's origin and the group's throughput, response-time percentiles (each interval's
// merged histogram, never averaged percentiles), CPU, RSS, capacity and GIL-wait p95. New intervals
// append rows; intervals the history's ring dropped are removed from the front; only a change of
// group resets.

#include "session/telemetryhistory.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <array>
#include <deque>
#include <optional>

namespace wsgi::studio::models {

class TimeSeriesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,            // s since origin()
        ThroughputColumn,      // requests/s
        ResponseP50Column,     // ms
        ResponseP95Column,     // ms
        ResponseP99Column,     // ms
        CpuColumn,             // % of one core (summed over the group's processes)
        RssColumn,             // MB
        CapacityColumn,        // % of the group's threads busy
        GilWaitP95Column,      // ms, at the engine's hand-off points
        ResponseMeanColumn,    // ms
        ApplicationMeanColumn, // ms
        ApplicationP95Column,  // ms
        QueueMeanColumn,       // ms
        QueueP95Column,        // ms
        CpuCoresColumn,        // cores (summed; above 1 under free-threading or with several processes)
        RpmColumn,             // requests per minute (mod_wsgi's unit for throughput)
        ColumnCount
    };

    explicit TimeSeriesModel(TelemetryHistory* history, QObject* parent = nullptr);

    void setGroup(const QString& group); // empty: every process
    // Another history (a recording reopened): a reset, origin at its first interval.
    void setHistory(TelemetryHistory* history);
    TelemetryHistory* history() const { return m_history; }
    QString group() const { return m_group; }
    double origin() const { return m_origin; } // unix seconds of time 0; set by the first interval seen
    void resetOrigin();                        // the next interval seen becomes time 0

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        double time = 0; // unix seconds
        std::array<std::optional<double>, ColumnCount> values{};
    };
    void sync();
    std::vector<Row> rowsIn(const TimeWindow& window) const;

    QPointer<TelemetryHistory> m_history;
    QMetaObject::Connection m_connection;
    QMetaObject::Connection m_clearedConnection;
    void onCleared();
    QString m_group;
    double m_origin = 0;
    bool m_originSet = false;
    std::deque<Row> m_rows;
};

} // namespace wsgi::studio::models
