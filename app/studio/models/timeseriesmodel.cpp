#include "studio/models/timeseriesmodel.h"

#include <map>

namespace wsgi::studio::models {

TimeSeriesModel::TimeSeriesModel(TelemetryHistory* history, QObject* parent)
    : QAbstractTableModel(parent), m_history(history)
{
    if (history) {
        m_connection = connect(history, &TelemetryHistory::appended, this, &TimeSeriesModel::sync);
        m_clearedConnection = connect(history, &TelemetryHistory::cleared, this, &TimeSeriesModel::onCleared);
        sync();
    }
}

void TimeSeriesModel::setHistory(TelemetryHistory* history)
{
    if (history == m_history) {
        return;
    }
    disconnect(m_connection);
    disconnect(m_clearedConnection);
    beginResetModel();
    m_history = history;
    m_rows.clear();
    m_originSet = false;
    endResetModel();
    if (history) {
        m_connection = connect(history, &TelemetryHistory::appended, this, &TimeSeriesModel::sync);
        m_clearedConnection = connect(history, &TelemetryHistory::cleared, this, &TimeSeriesModel::onCleared);
        sync();
    }
}

void TimeSeriesModel::setGroup(const QString& group)
{
    if (group == m_group) {
        return;
    }
    beginResetModel();
    m_group = group;
    m_rows.clear();
    endResetModel();
    sync();
}

void TimeSeriesModel::onCleared()
{
    // Whatever comes next (a new engine, a recording) starts its own time axis.
    beginResetModel();
    m_rows.clear();
    m_originSet = false;
    endResetModel();
}

void TimeSeriesModel::resetOrigin()
{
    m_originSet = false;
}

std::vector<TimeSeriesModel::Row> TimeSeriesModel::rowsIn(const TimeWindow& window) const
{
    // Rows keyed by the interval's end time; a metric the interval did not have stays empty.
    std::map<double, Row> rows;
    const auto put = [&](const QList<HistoryPoint>& points, Column column, double scale) {
        for (const HistoryPoint& p : points) {
            Row& row = rows[p.time];
            row.time = p.time;
            row.values[size_t(column)] = p.value * scale;
        }
    };
    const TelemetryHistory& h = *m_history;
    put(h.series(HistoryMetric::RequestThroughput, m_group, window), ThroughputColumn, 1);
    put(h.series(HistoryMetric::RequestThroughput, m_group, window), RpmColumn, 60);
    put(h.percentileSeries(TimingPhase::Request, 50, m_group, window), ResponseP50Column, 1e3);
    put(h.percentileSeries(TimingPhase::Request, 95, m_group, window), ResponseP95Column, 1e3);
    put(h.percentileSeries(TimingPhase::Request, 99, m_group, window), ResponseP99Column, 1e3);
    put(h.series(HistoryMetric::Cpu, m_group, window), CpuColumn, 100);
    put(h.series(HistoryMetric::MemoryRss, m_group, window), RssColumn, 1.0 / (1024 * 1024));
    put(h.series(HistoryMetric::CapacityUtilization, m_group, window), CapacityColumn, 100);
    put(h.percentileSeries(TimingPhase::GilWait, 95, m_group, window), GilWaitP95Column, 1e3);
    put(h.phaseSeries(TimingPhase::Request, m_group, window), ResponseMeanColumn, 1e3);
    put(h.phaseSeries(TimingPhase::Application, m_group, window), ApplicationMeanColumn, 1e3);
    put(h.percentileSeries(TimingPhase::Application, 95, m_group, window), ApplicationP95Column, 1e3);
    put(h.phaseSeries(TimingPhase::Queue, m_group, window), QueueMeanColumn, 1e3);
    put(h.percentileSeries(TimingPhase::Queue, 95, m_group, window), QueueP95Column, 1e3);
    put(h.series(HistoryMetric::Cpu, m_group, window), CpuCoresColumn, 1);
    std::vector<Row> result;
    result.reserve(rows.size());
    for (auto& [time, row] : rows) {
        result.push_back(row);
    }
    return result;
}

void TimeSeriesModel::sync()
{
    if (!m_history) {
        return;
    }
    if (m_history->intervalCount() == 0) {
        if (!m_rows.empty()) {
            beginResetModel();
            m_rows.clear();
            endResetModel();
        }
        return;
    }
    // Drop what the ring no longer holds.
    const double first = m_history->firstTime();
    size_t stale = 0;
    while (stale < m_rows.size() && m_rows[stale].time < first) {
        ++stale;
    }
    if (stale > 0) {
        beginRemoveRows({}, 0, int(stale) - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + qsizetype(stale));
        endRemoveRows();
    }
    // Append only the intervals after the last row.
    TimeWindow window;
    if (!m_rows.empty()) {
        window.from = m_rows.back().time;
    }
    std::vector<Row> fresh = rowsIn(window);
    if (fresh.empty()) {
        return;
    }
    if (!m_originSet) {
        m_origin = fresh.front().time;
        m_originSet = true;
    }
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at + int(fresh.size()) - 1);
    for (Row& row : fresh) {
        row.values[TimeColumn] = row.time - m_origin;
        m_rows.push_back(std::move(row));
    }
    endInsertRows();
}

int TimeSeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TimeSeriesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimeSeriesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const auto& value = m_rows[size_t(index.row())].values[size_t(index.column())];
    if (!value) {
        return {};
    }
    switch (role) {
    case Qt::EditRole:
        return *value;
    case Qt::DisplayRole:
        // Charts read numbers; a table view gets them with sensible decimals.
        return *value;
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant TimeSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case TimeColumn:
        return tr("time (s)");
    case ThroughputColumn:
        return tr("throughput (requests/s)");
    case ResponseP50Column:
        return tr("response p50 (ms)");
    case ResponseP95Column:
        return tr("response p95 (ms)");
    case ResponseP99Column:
        return tr("response p99 (ms)");
    case CpuColumn:
        return tr("CPU (% of a core)");
    case RssColumn:
        return tr("RSS (MB)");
    case CapacityColumn:
        return tr("busy threads (%)");
    case GilWaitP95Column:
        return tr("GIL wait p95 (ms)");
    case ResponseMeanColumn:
        return tr("response mean (ms)");
    case ApplicationMeanColumn:
        return tr("application mean (ms)");
    case ApplicationP95Column:
        return tr("application p95 (ms)");
    case QueueMeanColumn:
        return tr("queue mean (ms)");
    case QueueP95Column:
        return tr("queue p95 (ms)");
    case CpuCoresColumn:
        return tr("CPU total (cores)");
    case RpmColumn:
        return tr("throughput (rpm)");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
