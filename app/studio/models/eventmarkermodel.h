#pragma once
// The lifecycle events of a TelemetryHistory (restarts by reason, configuration reloads, back-offs)
// as rows the charts draw as markers on their time axis: time since an origin (the charts' time
// column), the marker family (core/restartreason.h's restartKind: recycle, crash, reload,
// restart; throttled is its own), a label, and the detail and log behind it (LogRole). Filtered to
// one group (reloads belong to every group).

#include "session/telemetryhistory.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <vector>

namespace wsgi::studio::models {

class EventMarkerModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,   // s since origin()
        KindColumn,   // "recycle", "crash", "reload", "restart", "throttled"
        LabelColumn,  // "crash-signal · app #2", "config generation 3"
        DetailColumn, // the engine's one line
        ColumnCount
    };
    enum class Family
    {
        Recycle,
        Crash,
        Reload,
        Restart,
        Throttled
    };
    static constexpr int FamilyRole = Qt::UserRole + 1; // int(Family)
    static constexpr int LogRole = Qt::UserRole + 2;    // what was logged with it (e.g. stacks)
    static constexpr int UnixTimeRole = Qt::UserRole + 3;

    explicit EventMarkerModel(TelemetryHistory* history, QObject* parent = nullptr);

    void setHistory(TelemetryHistory* history);
    void setGroup(const QString& group);
    void setOrigin(double unixSeconds); // the time series' origin, so markers share its x
    static Family familyOf(const EngineEvent& event);
    static QString familyName(Family family);
    const EngineEvent& eventAt(int row) const { return m_events[size_t(row)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void sync();
    bool matches(const EngineEvent& event) const;

    QPointer<TelemetryHistory> m_history;
    QMetaObject::Connection m_connection;
    QMetaObject::Connection m_clearedConnection;
    QString m_group;
    double m_origin = 0;
    std::vector<EngineEvent> m_events;
};

} // namespace wsgi::studio::models
