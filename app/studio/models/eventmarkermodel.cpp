#include "studio/models/eventmarkermodel.h"

#include "core/restartreason.h"

#include <QColor>

namespace wsgi::studio::models {

EventMarkerModel::EventMarkerModel(TelemetryHistory* history, QObject* parent) : QAbstractTableModel(parent)
{
    setHistory(history);
}

void EventMarkerModel::setHistory(TelemetryHistory* history)
{
    disconnect(m_connection);
    disconnect(m_clearedConnection);
    m_history = history;
    if (history)
        m_connection = connect(history, &TelemetryHistory::appended, this, &EventMarkerModel::sync);
    if (history)
        m_clearedConnection = connect(history, &TelemetryHistory::cleared, this, [this] {
            beginResetModel();
            m_events.clear();
            endResetModel();
        });
    beginResetModel();
    m_events.clear();
    endResetModel();
    sync();
}

void EventMarkerModel::setGroup(const QString& group)
{
    if (group == m_group)
        return;
    m_group = group;
    beginResetModel();
    m_events.clear();
    endResetModel();
    sync();
}

void EventMarkerModel::setOrigin(double unixSeconds)
{
    if (unixSeconds == m_origin)
        return;
    m_origin = unixSeconds;
    if (!m_events.empty())
        Q_EMIT dataChanged(index(0, TimeColumn), index(rowCount() - 1, TimeColumn));
}

EventMarkerModel::Family EventMarkerModel::familyOf(const EngineEvent& event)
{
    switch (event.kind) {
    case EngineEvent::Kind::Reload:
        return Family::Reload;
    case EngineEvent::Kind::Throttled:
        return Family::Throttled;
    case EngineEvent::Kind::Restart:
        break;
    }
    const auto reason = wsgi::restartReasonFromName(event.reason);
    if (!reason)
        return Family::Crash; // an unknown reason is not a planned one
    switch (wsgi::restartKind(*reason)) {
    case wsgi::RestartKind::Recycle:
        return Family::Recycle;
    case wsgi::RestartKind::Crash:
        return Family::Crash;
    case wsgi::RestartKind::Reload:
        return Family::Reload;
    case wsgi::RestartKind::Restart:
        return Family::Restart;
    }
    return Family::Crash;
}

QString EventMarkerModel::familyName(Family family)
{
    switch (family) {
    case Family::Recycle:
        return QStringLiteral("recycle");
    case Family::Crash:
        return QStringLiteral("crash");
    case Family::Reload:
        return QStringLiteral("reload");
    case Family::Restart:
        return QStringLiteral("restart");
    case Family::Throttled:
        return QStringLiteral("throttled");
    }
    return {};
}

bool EventMarkerModel::matches(const EngineEvent& event) const
{
    return m_group.isEmpty() || event.kind == EngineEvent::Kind::Reload ||
           QString::fromStdString(event.group) == m_group;
}

void EventMarkerModel::sync()
{
    if (!m_history)
        return;
    const auto& all = m_history->events();
    // The history only appends (and drops the oldest past its bound): find where our rows start.
    const double firstKept = all.empty() ? 0 : all.front().time;
    size_t stale = 0;
    while (stale < m_events.size() && m_events[stale].time < firstKept)
        ++stale;
    if (stale > 0 || (all.empty() && !m_events.empty())) {
        const size_t drop = all.empty() ? m_events.size() : stale;
        beginRemoveRows({}, 0, int(drop) - 1);
        m_events.erase(m_events.begin(), m_events.begin() + qsizetype(drop));
        endRemoveRows();
    }
    const int64_t lastSeq = m_events.empty() ? -1 : m_events.back().sequence;
    const double lastTime = m_events.empty() ? -1 : m_events.back().time;
    std::vector<EngineEvent> fresh;
    for (const EngineEvent& e : all) {
        const bool newer = e.time > lastTime || (e.time == lastTime && e.sequence > lastSeq);
        if (newer && matches(e))
            fresh.push_back(e);
    }
    if (fresh.empty())
        return;
    const int at = int(m_events.size());
    beginInsertRows({}, at, at + int(fresh.size()) - 1);
    m_events.insert(m_events.end(), fresh.begin(), fresh.end());
    endInsertRows();
}

int EventMarkerModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventMarkerModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventMarkerModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EngineEvent& e = m_events[size_t(index.row())];
    const Family family = familyOf(e);
    switch (role) {
    case FamilyRole:
        return int(family);
    case LogRole:
        return QString::fromStdString(e.log);
    case UnixTimeRole:
        return e.time;
    case Qt::DecorationRole:
        if (index.column() != TimeColumn)
            return {};
        // Okabe-Ito hues that read on light and dark bases: unplanned loud, planned quiet.
        switch (family) {
        case Family::Crash:
            return QColor(0xd5, 0x5e, 0x00);
        case Family::Recycle:
            return QColor(0x00, 0x9e, 0x73);
        case Family::Reload:
            return QColor(0x56, 0xb4, 0xe9);
        case Family::Restart:
            return QColor(0xcc, 0x79, 0xa7);
        case Family::Throttled:
            return QColor(0xe6, 0x9f, 0x00);
        }
        return {};
    case Qt::ToolTipRole:
        return e.detail.empty() ? data(index.siblingAtColumn(LabelColumn), Qt::DisplayRole)
                                : QString::fromStdString(e.detail);
    case Qt::DisplayRole:
    case Qt::EditRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case TimeColumn:
        return e.time - m_origin;
    case KindColumn:
        return familyName(family);
    case LabelColumn:
        if (e.kind == EngineEvent::Kind::Reload)
            return tr("config generation %1").arg(e.generation);
        if (e.kind == EngineEvent::Kind::Throttled)
            return tr("%1 #%2 held back %3 s")
                .arg(QString::fromStdString(e.group))
                .arg(e.process)
                .arg(e.backoffSeconds, 0, 'f', 1);
        return tr("%1 · %2 #%3")
            .arg(QString::fromStdString(e.reason.empty() ? std::string("restart") : e.reason),
                 QString::fromStdString(e.group))
            .arg(e.process);
    case DetailColumn:
        return QString::fromStdString(e.detail);
    default:
        return {};
    }
}

QVariant EventMarkerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("time (s)");
    case KindColumn:
        return tr("kind");
    case LabelColumn:
        return tr("event");
    case DetailColumn:
        return tr("detail");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
