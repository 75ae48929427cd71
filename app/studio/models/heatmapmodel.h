#pragma once
// One timing phase over time as a grid for a heatmap: a column per telemetry interval of the window
// (the group's processes merged), a row per latency bin from 1 µs to 16.8 s (four per octave, the
// histogram chart's bins, so no bucket is split), each cell the count of requests (or waits) of that
// interval in that bin. Row 0 is the shortest bin.
//
// Columns are kept by interval time: a refresh merges only the intervals it has not seen, so a
// ten-minute window at 4 Hz merges one interval per update, not 2400.

#include "session/telemetryhistory.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <map>
#include <vector>

namespace wsgi::studio::models {

class HeatmapModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit HeatmapModel(TelemetryHistory* history, QObject* parent = nullptr);

    void setPhase(TimingPhase phase);
    TimingPhase phase() const { return m_phase; }
    void setGroup(const QString& group);
    // Rebuilds the columns for the window (resets the model when the columns differ).
    void setWindow(const TimeWindow& window);

    double columnTime(int column) const; // interval end, unix seconds
    const wsgi::Histogram& columnHistogram(int column) const;
    qint64 maxCount() const { return m_maxCount; } // the largest cell, for the colour scale

    static int binCount();
    static qint64 binLower(int row); // µs
    static qint64 binUpper(int row); // µs, exclusive

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Column
    {
        double time = 0;
        wsgi::Histogram histogram;
        std::vector<qint64> counts;
    };
    Column buildColumn(double time) const;
    void invalidate();

    QPointer<TelemetryHistory> m_history;
    TimingPhase m_phase = TimingPhase::Application;
    QString m_group;
    TimeWindow m_window;
    std::vector<Column> m_columns;
    qint64 m_maxCount = 0;
};

} // namespace wsgi::studio::models
