#pragma once
// Where each variant's time went, client and server side by side: the load generator's p50 and p99
// (what a user waits) beside the engine's p95 of queue time, application time and GIL wait over the
// same measured windows (every repeat's histograms merged, never percentiles averaged). A document
// saved without a histogram shows "-" for it.

#include "session/abresult.h"

#include <QAbstractTableModel>

#include <array>
#include <optional>
#include <vector>

namespace wsgi::studio::models {

class AbAttributionModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        ConfigColumn,
        ClientP50Column, // ms
        ClientP99Column,
        ResponseP95Column, // the server's, accepted -> last byte
        QueueP95Column,
        AppP95Column,
        GilP95Column,     // at the engine's hand-off points (as mod_wsgi measures)
        GilFullP95Column, // every wait, switches inside application code included
        ColumnCount
    };
    static constexpr int ValueRole = Qt::UserRole + 1; // double ms, absent when unknown

    explicit AbAttributionModel(QObject* parent = nullptr);

    void setResult(const AbResult& result);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString name;
        bool gilApplicable = true;
        std::array<std::optional<double>, ColumnCount> ms{};
    };
    std::vector<Row> m_rows;
};

} // namespace wsgi::studio::models
