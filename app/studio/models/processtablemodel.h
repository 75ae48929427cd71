#pragma once
// One row per worker process, in processRows()' order (the engine's group order, then slot), from the
// latest telemetry sample and the engine's status (which lists processes before their first sample). A row is
// keyed by (group, slot), so a restarted process keeps its row and only its pid changes; updates are
// dataChanged per changed row, never a reset, so selection, scroll position and the row under the cursor stay
// put at 4 Hz.

#include "session/enginestatus.h"
#include "session/processrows.h"
#include "session/telemetrysample.h"

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace wsgi::studio::models {

class ProcessTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        GroupColumn,
        SlotColumn,
        PidColumn,
        StateColumn,
        RequestsColumn,   // total since the process started
        ThroughputColumn, // requests/s in the last interval
        BusyColumn,       // active / threads
        CapacityColumn,   // % of thread time busy
        CpuColumn,        // % of one core
        RssColumn,        // MB
        RestartsColumn,   // the group's restarts, by reason in the tooltip
        RuntimeColumn,    // "3.13t"
        GilColumn,        // the GIL arrangement in force and the switch interval
        UptimeColumn,     // s
        RpmColumn,        // requests per minute in the last interval
        ResponseColumn,   // mean ms in the last interval
        ApplicationColumn,
        QueueColumn,
        GilP95Column,     // ms, hand-off measure (comparable with mod_wsgi)
        GilFullP95Column, // ms, every wait including switches forced in application code
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1; // the raw number behind a formatted cell

    explicit ProcessTableModel(QObject* parent = nullptr);

    void setStatus(const EngineStatus& status);
    void setSample(const TelemetrySample& sample);
    void clear();

    QString groupAt(int row) const;
    ProcessTotals totals() const; // processRows()' totals of the latest sample

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString group;
        int slot = 0;
        qint64 pid = 0;
        QString state;
        qint64 requests = 0;
        std::optional<double> throughput;
        int threadsActive = 0;
        int threads = 0;
        std::optional<double> capacity; // 0..1
        std::optional<double> cpu;      // cores
        qint64 rss = 0;
        qint64 restarts = 0;
        QString restartReasons;
        QString gil;
        QString runtime;
        QString gilShort; // "shared · 5 ms"
        double uptime = -1;
        std::optional<double> responseMs, applicationMs, queueMs, gilP95Ms, gilFullP95Ms;
        friend bool operator==(const Row&, const Row&) = default;
    };
    std::vector<Row> buildRows() const;
    void apply(std::vector<Row> rows);
    QVariant display(const Row& row, int column) const;
    QVariant sortValue(const Row& row, int column) const;

    EngineStatus m_status;
    TelemetrySample m_sample;
    std::vector<Row> m_rows;
    ProcessTotals m_totals;
};

} // namespace wsgi::studio::models
