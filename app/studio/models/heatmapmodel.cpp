#include "studio/models/heatmapmodel.h"

#include "session/telemetryhistorygrids.h"
#include "studio/models/histogrammodel.h"

#include <algorithm>

namespace wsgi::studio::models {

namespace {

// Rows are HistogramModel's bins from 1 µs up to 2^24 µs (16.8 s): the 1 µs .. 10 s the page shows.
int firstBin()
{
    return HistogramModel::binOf(1);
}

int lastBin()
{
    return HistogramModel::binOf((qint64(1) << 24) - 1);
}

} // namespace

HeatmapModel::HeatmapModel(TelemetryHistory* history, QObject* parent)
    : QAbstractTableModel(parent), m_history(history)
{
    // Columns are cached by their interval's time: a history started over (a new engine, another
    // recording) must not show a cached column from before under a time it reuses.
    if (history) {
        connect(history, &TelemetryHistory::cleared, this, [this] {
            beginResetModel();
            m_columns.clear();
            m_maxCount = 0;
            endResetModel();
        });
    }
}

int HeatmapModel::binCount()
{
    return lastBin() - firstBin() + 1;
}

qint64 HeatmapModel::binLower(int row)
{
    return HistogramModel::binLower(firstBin() + std::clamp(row, 0, binCount() - 1));
}

qint64 HeatmapModel::binUpper(int row)
{
    return HistogramModel::binUpper(firstBin() + std::clamp(row, 0, binCount() - 1));
}

void HeatmapModel::invalidate()
{
    const TimeWindow window = m_window;
    beginResetModel();
    m_columns.clear();
    m_maxCount = 0;
    endResetModel();
    setWindow(window);
}

void HeatmapModel::setPhase(TimingPhase phase)
{
    if (phase == m_phase)
        return;
    m_phase = phase;
    invalidate();
}

void HeatmapModel::setGroup(const QString& group)
{
    if (group == m_group)
        return;
    m_group = group;
    invalidate();
}

HeatmapModel::Column HeatmapModel::buildColumn(double time) const
{
    Column c;
    c.time = time;
    c.histogram = m_history->mergedHistogram(m_phase, m_group, {time - 1e-4, time});
    c.counts.assign(size_t(binCount()), 0);
    const int first = firstBin();
    for (const auto& [bucket, count] : c.histogram.sparse()) {
        const int bin = HistogramModel::binOf(wsgi::Histogram::bucketLower(bucket));
        // Below 1 µs joins the first row, beyond 16.8 s the last: nothing drops off the map.
        c.counts[size_t(std::clamp(bin - first, 0, binCount() - 1))] += count;
    }
    return c;
}

void HeatmapModel::setWindow(const TimeWindow& window)
{
    m_window = window;
    std::vector<double> times;
    if (m_history)
        times = intervalTimes(*m_history, m_group, window);
    // Columns already built move over (the common case: the window slid by one interval).
    std::map<double, size_t> old;
    for (size_t i = 0; i < m_columns.size(); ++i)
        old.emplace(m_columns[i].time, i);
    std::vector<Column> columns;
    columns.reserve(times.size());
    bool sameColumns = times.size() == m_columns.size();
    for (size_t i = 0; i < times.size(); ++i) {
        const auto it = old.find(times[i]);
        sameColumns = sameColumns && m_columns[i].time == times[i];
        columns.push_back(it != old.end() ? std::move(m_columns[it->second]) : buildColumn(times[i]));
    }
    qint64 maxCount = 0;
    for (const Column& c : columns) {
        for (const qint64 n : c.counts)
            maxCount = std::max(maxCount, n);
    }
    if (sameColumns) {
        m_columns = std::move(columns);
        m_maxCount = maxCount;
        if (!m_columns.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::DisplayRole});
        return;
    }
    beginResetModel();
    m_columns = std::move(columns);
    m_maxCount = maxCount;
    endResetModel();
}

double HeatmapModel::columnTime(int column) const
{
    return column >= 0 && column < int(m_columns.size()) ? m_columns[size_t(column)].time : 0;
}

const wsgi::Histogram& HeatmapModel::columnHistogram(int column) const
{
    static const wsgi::Histogram empty;
    return column >= 0 && column < int(m_columns.size()) ? m_columns[size_t(column)].histogram : empty;
}

int HeatmapModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : binCount();
}

int HeatmapModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant HeatmapModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        (role != Qt::DisplayRole && role != Qt::EditRole)) {
        return {};
    }
    return m_columns[size_t(index.column())].counts[size_t(index.row())];
}

QVariant HeatmapModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= int(m_columns.size()))
            return {};
        return m_columns[size_t(section)].time;
    }
    if (section < 0 || section >= binCount())
        return {};
    return binLower(section); // µs
}

} // namespace wsgi::studio::models
