#pragma once
// One row per telemetry interval, one column per process of one metric (CPU cores or RSS MB), plus
// the group's total: the "per process and total" charts. Column 0 is the time (s since origin(),
// the same origin a TimeSeriesModel on the same history uses when both see the same first
// interval), column 1 the total, then one column per process (group, slot) in the order first seen,
// headed "group #slot". New processes insert columns, new intervals append rows, intervals the
// history dropped are removed from the front.

#include "session/telemetryhistory.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace wsgi::studio::models {

class ProcessSeriesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        TotalColumn,
        FirstProcessColumn
    };
    enum class Metric
    {
        CpuCores,
        RssMegabytes
    };

    ProcessSeriesModel(TelemetryHistory* history, Metric metric, QObject* parent = nullptr);

    void setHistory(TelemetryHistory* history);
    void setGroup(const QString& group);
    QString group() const { return m_group; }
    double origin() const { return m_origin; }
    // Time 0 from now on (the page's time series' origin, so every chart shares one x).
    void setOrigin(double unixSeconds);
    int processColumns() const { return int(m_keys.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        double time = 0;
        std::optional<double> total;
        std::vector<std::optional<double>> values; // by process column; shorter = empty cells
    };
    void sync();
    void reset();

    QPointer<TelemetryHistory> m_history;
    QMetaObject::Connection m_connection;
    QMetaObject::Connection m_clearedConnection;
    Metric m_metric;
    QString m_group;
    double m_origin = 0;
    bool m_originSet = false;
    bool m_originFixed = false;
    std::deque<Row> m_rows;
    std::vector<std::pair<QString, int>> m_keys; // (group, slot) per process column
    std::map<std::pair<QString, int>, int> m_columnOf;
};

} // namespace wsgi::studio::models
