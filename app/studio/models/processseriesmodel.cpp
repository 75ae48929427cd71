#include "studio/models/processseriesmodel.h"

#include <algorithm>
#include <map>

namespace wsgi::studio::models {

namespace {

HistoryMetric historyMetric(ProcessSeriesModel::Metric metric)
{
    return metric == ProcessSeriesModel::Metric::CpuCores ? HistoryMetric::Cpu : HistoryMetric::MemoryRss;
}

double scale(ProcessSeriesModel::Metric metric)
{
    return metric == ProcessSeriesModel::Metric::CpuCores ? 1.0 : 1.0 / (1024 * 1024);
}

} // namespace

ProcessSeriesModel::ProcessSeriesModel(TelemetryHistory* history, Metric metric, QObject* parent)
    : QAbstractTableModel(parent), m_metric(metric)
{
    setHistory(history);
}

void ProcessSeriesModel::setHistory(TelemetryHistory* history)
{
    disconnect(m_connection);
    disconnect(m_clearedConnection);
    m_history = history;
    if (history)
        m_connection = connect(history, &TelemetryHistory::appended, this, &ProcessSeriesModel::sync);
    if (history)
        m_clearedConnection = connect(history, &TelemetryHistory::cleared, this, [this] {
            m_originFixed = false; // the page sets it again from the time series
            reset();
        });
    reset();
}

void ProcessSeriesModel::setGroup(const QString& group)
{
    if (group == m_group)
        return;
    m_group = group;
    reset();
}

void ProcessSeriesModel::setOrigin(double unixSeconds)
{
    m_originFixed = true;
    if (m_originSet && unixSeconds == m_origin)
        return;
    m_origin = unixSeconds;
    m_originSet = true;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, TimeColumn), index(rowCount() - 1, TimeColumn));
}

void ProcessSeriesModel::reset()
{
    beginResetModel();
    m_rows.clear();
    m_keys.clear();
    m_columnOf.clear();
    m_originSet = m_originFixed;
    endResetModel();
    sync();
}

void ProcessSeriesModel::sync()
{
    if (!m_history)
        return;
    if (m_history->intervalCount() == 0) {
        if (!m_rows.empty())
            reset();
        return;
    }
    const double first = m_history->firstTime();
    size_t stale = 0;
    while (stale < m_rows.size() && m_rows[stale].time < first)
        ++stale;
    if (stale > 0) {
        beginRemoveRows({}, 0, int(stale) - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + qsizetype(stale));
        endRemoveRows();
    }
    TimeWindow window;
    if (!m_rows.empty())
        window.from = m_rows.back().time;
    const HistoryMetric metric = historyMetric(m_metric);
    const double k = scale(m_metric);
    const auto lines = m_history->processSeries(metric, m_group, window);
    const auto totals = m_history->series(metric, m_group, window);
    if (totals.isEmpty())
        return;
    // New processes first (columns, in one insertion: a chart rebuilds its lines once for 16
    // processes starting, not 16 times), then the new intervals (rows).
    std::vector<std::pair<QString, int>> added;
    for (const auto& line : lines) {
        const auto key = std::make_pair(line.group, line.process);
        if (!m_columnOf.count(key) && std::find(added.begin(), added.end(), key) == added.end())
            added.push_back(key);
    }
    if (!added.empty()) {
        const int column = FirstProcessColumn + int(m_keys.size());
        beginInsertColumns({}, column, column + int(added.size()) - 1);
        for (const auto& key : added) {
            m_columnOf[key] = int(m_keys.size());
            m_keys.push_back(key);
        }
        endInsertColumns();
    }
    std::map<double, Row> fresh;
    for (const HistoryPoint& p : totals) {
        Row& row = fresh[p.time];
        row.time = p.time;
        row.total = p.value * k;
    }
    for (const auto& line : lines) {
        const size_t column = size_t(m_columnOf[std::make_pair(line.group, line.process)]);
        for (const HistoryPoint& p : line.points) {
            Row& row = fresh[p.time];
            row.time = p.time;
            if (row.values.size() <= column)
                row.values.resize(column + 1);
            row.values[column] = p.value * k;
        }
    }
    if (!m_originSet) {
        m_origin = fresh.begin()->first;
        m_originSet = true;
    }
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at + int(fresh.size()) - 1);
    for (auto& [time, row] : fresh)
        m_rows.push_back(std::move(row));
    endInsertRows();
}

int ProcessSeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProcessSeriesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FirstProcessColumn + int(m_keys.size());
}

QVariant ProcessSeriesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    const Row& row = m_rows[size_t(index.row())];
    if (index.column() == TimeColumn)
        return row.time - m_origin;
    if (index.column() == TotalColumn)
        return row.total ? QVariant(*row.total) : QVariant();
    const size_t column = size_t(index.column() - FirstProcessColumn);
    if (column >= row.values.size() || !row.values[column])
        return {};
    return *row.values[column];
}

QVariant ProcessSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    const bool cpu = m_metric == Metric::CpuCores;
    if (section == TimeColumn)
        return tr("time (s)");
    if (section == TotalColumn)
        return cpu ? tr("total (cores)") : tr("total (MB)");
    const size_t column = size_t(section - FirstProcessColumn);
    if (column >= m_keys.size())
        return {};
    return tr("%1 #%2").arg(m_keys[column].first).arg(m_keys[column].second);
}

} // namespace wsgi::studio::models
