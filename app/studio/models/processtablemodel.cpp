#include "studio/models/processtablemodel.h"

#include <QLocale>

#include <algorithm>
#include <map>
#include <tuple>

namespace wsgi::studio::models {

namespace {

QString gilText(GilMode mode, bool enabled)
{
    switch (mode) {
    case GilMode::Shared:
        return ProcessTableModel::tr("shared GIL");
    case GilMode::PerInterpreter:
        return ProcessTableModel::tr("a GIL per interpreter");
    case GilMode::FreeThreaded:
        return enabled ? ProcessTableModel::tr("free-threaded build, GIL enabled")
                       : ProcessTableModel::tr("free-threaded, no GIL");
    case GilMode::Starting:
        return ProcessTableModel::tr("starting");
    case GilMode::Unknown:
        break;
    }
    return {};
}

QString gilShort(GilMode mode, bool enabled, std::optional<double> switchInterval)
{
    QString text;
    switch (mode) {
    case GilMode::Shared:
        text = ProcessTableModel::tr("shared");
        break;
    case GilMode::PerInterpreter:
        text = ProcessTableModel::tr("per interpreter");
        break;
    case GilMode::FreeThreaded:
        return enabled ? ProcessTableModel::tr("GIL on (3.13t)") : ProcessTableModel::tr("no GIL");
    case GilMode::Starting:
        return ProcessTableModel::tr("starting");
    case GilMode::Unknown:
        return {};
    }
    if (switchInterval) {
        const double ms = *switchInterval * 1000;
        text += QStringLiteral(" · ") + QString::number(ms, 'g', 3) + QStringLiteral(" ms");
    }
    return text;
}

std::optional<double> meanMs(const ProcessTelemetry& t, TimingPhase phase)
{
    const auto& h = t.phase(phase).histogram;
    if (h.count() == 0)
        return std::nullopt;
    return double(h.sum()) / double(h.count()) / 1000.0;
}

std::optional<double> p95Ms(const ProcessTelemetry& t, TimingPhase phase)
{
    const auto& h = t.phase(phase).histogram;
    if (!t.phase(phase).applicable || h.count() == 0)
        return std::nullopt;
    return h.percentile(95) / 1000.0;
}

} // namespace

ProcessTableModel::ProcessTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ProcessTableModel::setStatus(const EngineStatus& status)
{
    m_status = status;
    m_totals = processRows(m_status, m_sample).totals;
    apply(buildRows());
}

void ProcessTableModel::setSample(const TelemetrySample& sample)
{
    m_sample = sample;
    m_totals = processRows(m_status, m_sample).totals;
    apply(buildRows());
}

void ProcessTableModel::clear()
{
    m_status = {};
    m_sample = {};
    m_totals = {};
    apply({});
}

std::vector<ProcessTableModel::Row> ProcessTableModel::buildRows() const
{
    // What the status says of each process (restarts, GIL arrangement, totals served).
    struct Known
    {
        const GroupStatus* group;
        const ProcessStatus* process;
    };
    std::map<std::pair<std::string, int>, Known> known;
    for (const GroupStatus& g : m_status.groups) {
        for (const ProcessStatus& p : g.processes) {
            known[{g.name, p.index}] = {&g, &p};
        }
    }
    const auto fromStatus = [](Row& row, const Known& k) {
        qint64 restarts = 0;
        QStringList reasons;
        for (const auto& [reason, count] : k.group->restarts) {
            restarts += count;
            reasons << QStringLiteral("%1: %2").arg(QString::fromStdString(reason)).arg(count);
        }
        row.restarts = restarts;
        row.restartReasons = reasons.join(QLatin1Char('\n'));
        row.requests = k.process->requests;
        row.gil = gilText(k.process->gilMode, k.process->gilEnabled);
        row.runtime =
            QString::fromStdString(k.process->runtime.empty() ? k.group->runtime : k.process->runtime);
        row.uptime = k.process->uptimeSeconds > 0 ? k.process->uptimeSeconds : -1;
        row.gilShort = gilShort(k.process->gilMode, k.process->gilEnabled, k.process->switchInterval);
    };

    std::vector<Row> rows;
    if (m_sample.processes.empty()) {
        // Before the first sample: the processes the engine started, without interval figures.
        for (const auto& [key, k] : known) {
            Row row;
            row.group = QString::fromStdString(k.group->name);
            row.slot = k.process->index;
            row.pid = k.process->pid;
            row.state = QString::fromStdString(k.process->state);
            row.threadsActive = k.process->activeRequests;
            row.threads = k.process->threads;
            fromStatus(row, k);
            rows.push_back(row);
        }
        std::map<std::string, size_t> order;
        for (const GroupStatus& g : m_status.groups) {
            order.emplace(g.name, order.size());
        }
        std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
            return std::pair(order[a.group.toStdString()], a.slot) <
                   std::pair(order[b.group.toStdString()], b.slot);
        });
        return rows;
    }
    for (const size_t index : processRows(m_status, m_sample).rows) {
        const ProcessTelemetry& t = m_sample.processes[index];
        Row row;
        row.group = QString::fromStdString(t.group);
        row.slot = t.process;
        row.pid = t.pid;
        row.state = QString::fromStdString(t.state.empty() ? std::string("running") : t.state);
        row.throughput = t.requestThroughput;
        row.threadsActive = t.threadsActive;
        row.threads = t.threadsMaximum;
        row.capacity = t.capacityUtilization;
        row.cpu = t.cpuUtilization;
        row.rss = t.memoryRss;
        row.gil = gilText(t.gilMode, t.gilEnabled);
        row.responseMs = meanMs(t, TimingPhase::Request);
        row.applicationMs = meanMs(t, TimingPhase::Application);
        row.queueMs = meanMs(t, TimingPhase::Queue);
        row.gilP95Ms = p95Ms(t, TimingPhase::GilWait);
        row.gilFullP95Ms = p95Ms(t, TimingPhase::GilWaitFull);
        if (const auto it = known.find({t.group, t.process}); it != known.end()) {
            fromStatus(row, it->second);
            if (t.gilMode != GilMode::Unknown)
                row.gilShort =
                    gilShort(t.gilMode, t.gilEnabled,
                             t.switchInterval ? t.switchInterval : it->second.process->switchInterval);
            if (it->second.process->pid != t.pid) {
                row.requests = 0; // the status still describes the process this one replaced
            }
        }
        row.requests = std::max<qint64>(row.requests, t.requestCount);
        rows.push_back(row);
    }
    return rows;
}

void ProcessTableModel::apply(std::vector<Row> rows)
{
    const auto sameKey = [](const Row& a, const Row& b) { return a.group == b.group && a.slot == b.slot; };
    // Rows whose process is gone leave; both lists are in the same order, so what remains lines up.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        const bool kept =
            std::any_of(rows.begin(), rows.end(), [&](const Row& r) { return sameKey(r, m_rows[i]); });
        if (!kept) {
            beginRemoveRows({}, i, i);
            m_rows.erase(m_rows.begin() + i);
            endRemoveRows();
        }
    }
    for (int i = 0; i < int(rows.size()); ++i) {
        if (i < int(m_rows.size()) && sameKey(m_rows[size_t(i)], rows[size_t(i)])) {
            if (!(m_rows[size_t(i)] == rows[size_t(i)])) {
                m_rows[size_t(i)] = rows[size_t(i)];
                Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
            continue;
        }
        beginInsertRows({}, i, i);
        m_rows.insert(m_rows.begin() + i, rows[size_t(i)]);
        endInsertRows();
    }
}

QString ProcessTableModel::groupAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].group : QString();
}

ProcessTotals ProcessTableModel::totals() const
{
    return m_totals;
}

int ProcessTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProcessTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProcessTableModel::display(const Row& row, int column) const
{
    const QString none = QStringLiteral("–");
    switch (column) {
    case GroupColumn:
        return row.group;
    case SlotColumn:
        return row.slot;
    case PidColumn:
        return row.pid > 0 ? QVariant(row.pid) : QVariant(none);
    case StateColumn:
        return row.state;
    case RequestsColumn:
        return QLocale().toString(row.requests);
    case ThroughputColumn:
        return row.throughput ? QString::number(*row.throughput, 'f', 1) : none;
    case BusyColumn:
        return row.threads > 0 ? QStringLiteral("%1 / %2").arg(row.threadsActive).arg(row.threads) : none;
    case CapacityColumn:
        return row.capacity ? QString::number(*row.capacity * 100, 'f', 0) : none;
    case CpuColumn:
        return row.cpu ? QString::number(*row.cpu * 100, 'f', 1) : none;
    case RssColumn:
        return row.rss > 0 ? QString::number(double(row.rss) / (1024 * 1024), 'f', 1) : none;
    case RestartsColumn:
        return row.restarts;
    case RuntimeColumn:
        return row.runtime;
    case GilColumn:
        return row.gilShort;
    case UptimeColumn:
        return row.uptime >= 0 ? QString::number(row.uptime, 'f', 0) : none;
    case RpmColumn:
        return row.throughput ? QString::number(*row.throughput * 60, 'f', 0) : none;
    case ResponseColumn:
        return row.responseMs ? QString::number(*row.responseMs, 'f', 2) : none;
    case ApplicationColumn:
        return row.applicationMs ? QString::number(*row.applicationMs, 'f', 2) : none;
    case QueueColumn:
        return row.queueMs ? QString::number(*row.queueMs, 'f', 2) : none;
    case GilP95Column:
        return row.gilP95Ms ? QString::number(*row.gilP95Ms, 'f', 3) : none;
    case GilFullP95Column:
        return row.gilFullP95Ms ? QString::number(*row.gilFullP95Ms, 'f', 3) : none;
    default:
        return {};
    }
}

QVariant ProcessTableModel::sortValue(const Row& row, int column) const
{
    switch (column) {
    case GroupColumn:
        return row.group;
    case SlotColumn:
        return row.slot;
    case PidColumn:
        return row.pid;
    case StateColumn:
        return row.state;
    case RequestsColumn:
        return row.requests;
    case ThroughputColumn:
        return row.throughput.value_or(-1);
    case BusyColumn:
        return row.threadsActive;
    case CapacityColumn:
        return row.capacity.value_or(-1);
    case CpuColumn:
        return row.cpu.value_or(-1);
    case RssColumn:
        return row.rss;
    case RestartsColumn:
        return row.restarts;
    case RuntimeColumn:
        return row.runtime;
    case GilColumn:
        return row.gilShort;
    case UptimeColumn:
        return row.uptime;
    case RpmColumn:
        return row.throughput ? *row.throughput * 60 : -1;
    case ResponseColumn:
        return row.responseMs.value_or(-1);
    case ApplicationColumn:
        return row.applicationMs.value_or(-1);
    case QueueColumn:
        return row.queueMs.value_or(-1);
    case GilP95Column:
        return row.gilP95Ms.value_or(-1);
    case GilFullP95Column:
        return row.gilFullP95Ms.value_or(-1);
    default:
        return {};
    }
}

QVariant ProcessTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Row& row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case SortRole:
    case Qt::EditRole:
        return sortValue(row, index.column());
    case Qt::TextAlignmentRole:
        if (index.column() == GroupColumn || index.column() == StateColumn) {
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        }
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (index.column() == RestartsColumn) {
            return row.restartReasons.isEmpty() ? tr("No restarts") : row.restartReasons;
        }
        if (index.column() == StateColumn || index.column() == GroupColumn) {
            return row.gil;
        }
        return {};
    default:
        return {};
    }
}

QVariant ProcessTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case RequestsColumn:
            return tr("Requests the process served since it started");
        case ThroughputColumn:
            return tr("Requests per second in the last telemetry interval");
        case BusyColumn:
            return tr("Request threads busy now / threads of the process");
        case CapacityColumn:
            return tr(
                "Busy thread time over all threads in the last interval (mod_wsgi's capacity_utilization)");
        case CpuColumn:
            return tr("CPU used, user + system, in % of one core (can exceed 100)");
        case RssColumn:
            return tr("Resident memory in MiB");
        case RestartsColumn:
            return tr("Restarts of the group's processes; the tooltip of a cell gives the reasons");
        case GilColumn:
            return tr("The GIL arrangement in force and the switch interval the interpreter uses");
        case GilP95Column:
            return tr("95th percentile GIL wait at the engine's hand-off points (comparable with mod_wsgi)");
        case GilFullP95Column:
            return tr("95th percentile of every GIL wait, including switches forced inside application code");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case GroupColumn:
        return tr("Group");
    case SlotColumn:
        return tr("#");
    case PidColumn:
        return tr("PID");
    case StateColumn:
        return tr("State");
    case RequestsColumn:
        return tr("Requests (total)");
    case ThroughputColumn:
        return tr("Throughput (req/s)");
    case BusyColumn:
        return tr("Busy (threads)");
    case CapacityColumn:
        return tr("Capacity (%)");
    case CpuColumn:
        return tr("CPU (%)");
    case RssColumn:
        return tr("RSS (MB)");
    case RestartsColumn:
        return tr("Restarts (count)");
    case RuntimeColumn:
        return tr("Runtime (Python)");
    case GilColumn:
        return tr("GIL (switch interval)");
    case UptimeColumn:
        return tr("Uptime (s)");
    case RpmColumn:
        return tr("Throughput (rpm)");
    case ResponseColumn:
        return tr("Response (ms)");
    case ApplicationColumn:
        return tr("App (ms)");
    case QueueColumn:
        return tr("Queue (ms)");
    case GilP95Column:
        return tr("GIL p95 hand-off (ms)");
    case GilFullP95Column:
        return tr("GIL p95 full (ms)");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
