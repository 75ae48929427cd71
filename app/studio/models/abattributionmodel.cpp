#include "studio/models/abattributionmodel.h"

#include "session/abexport.h"
#include "session/format.h"

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::models {

namespace {

std::optional<double> p95(const wsgi::Histogram& h)
{
    return h.count() > 0 ? std::optional<double>(h.percentile(95) / 1000.0) : std::nullopt;
}

} // namespace

AbAttributionModel::AbAttributionModel(QObject* parent) : QAbstractTableModel(parent) {}

void AbAttributionModel::setResult(const AbResult& result)
{
    beginResetModel();
    m_rows.clear();
    for (const AbVariantResult& v : result.variants) {
        Row row;
        row.name = resultLabel(v);
        wsgi::Histogram response, queue, app, gil, gilFull;
        for (const AbRepeat& r : v.repeats) {
            response.merge(r.server.requestTime);
            queue.merge(r.server.queueTime);
            app.merge(r.server.applicationTime);
            gil.merge(r.server.gilWait);
            gilFull.merge(r.server.gilWaitFull);
            row.gilApplicable = row.gilApplicable && r.server.gilApplicable;
        }
        row.ms[ClientP50Column] = clientLatencyMs(v, 50);
        row.ms[ClientP99Column] = clientLatencyMs(v, 99);
        row.ms[ResponseP95Column] = p95(response);
        row.ms[QueueP95Column] = p95(queue);
        row.ms[AppP95Column] = p95(app);
        if (row.gilApplicable) {
            row.ms[GilP95Column] = p95(gil);
            row.ms[GilFullP95Column] = p95(gilFull);
        }
        m_rows.push_back(std::move(row));
    }
    endResetModel();
}

void AbAttributionModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int AbAttributionModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AbAttributionModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AbAttributionModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[size_t(index.row())];
    const int column = index.column();
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(column == ConfigColumn ? Qt::AlignLeft | Qt::AlignVCenter
                                                          : Qt::AlignRight | Qt::AlignVCenter);
    if (column == ConfigColumn)
        return role == Qt::DisplayRole ? QVariant(row.name) : QVariant();
    const auto& value = row.ms[size_t(column)];
    if (role == ValueRole)
        return value ? QVariant(*value) : QVariant();
    if (role != Qt::DisplayRole)
        return {};
    if (!row.gilApplicable && (column == GilP95Column || column == GilFullP95Column))
        return u"n/a"_s; // free-threaded: no GIL to wait for
    return value ? formatMs(*value) : u"-"_s;
}

QVariant AbAttributionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ClientP50Column:
        case ClientP99Column:
            return tr("The load generator's latency over the measured windows, all repeats merged");
        case ResponseP95Column:
            return tr("The engine's response time: accepted to the last byte written");
        case QueueP95Column:
            return tr("Accepted until a worker thread started the request");
        case AppP95Column:
            return tr("Inside the WSGI application");
        case GilP95Column:
            return tr("GIL wait at the engine's hand-off points, as mod_wsgi measures it");
        case GilFullP95Column:
            return tr(
                "Every GIL wait, including the switches the interpreter forces inside application code");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ConfigColumn:
        return tr("Config");
    case ClientP50Column:
        return tr("client p50");
    case ClientP99Column:
        return tr("client p99");
    case ResponseP95Column:
        return tr("server response p95");
    case QueueP95Column:
        return tr("queue p95");
    case AppP95Column:
        return tr("app p95");
    case GilP95Column:
        return tr("GIL p95");
    case GilFullP95Column:
        return tr("GIL p95 (full)");
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
