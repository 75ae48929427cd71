#include "studio/models/gilhistogrammodel.h"

#include "studio/models/histogrammodel.h"

#include <algorithm>
#include <cmath>

namespace wsgi::studio::models {

namespace {

constexpr int kModWsgiBuckets = 65;

qint64 modWsgiLowerUs(int bucket)
{
    return bucket <= 0 ? 0 : qint64(std::llround(wsgi::Histogram::modWsgiBucketLowerMs(bucket) * 1000));
}

} // namespace

GilHistogramModel::GilHistogramModel(QObject* parent) : QAbstractTableModel(parent)
{
    rebin();
}

int GilHistogramModel::binCount(Layout layout)
{
    return layout == Layout::ModWsgi ? kModWsgiBuckets : HistogramModel::binCount();
}

qint64 GilHistogramModel::binLower(Layout layout, int bin)
{
    if (layout == Layout::Micro)
        return HistogramModel::binLower(bin);
    return modWsgiLowerUs(std::clamp(bin, 0, kModWsgiBuckets - 1));
}

qint64 GilHistogramModel::binUpper(Layout layout, int bin)
{
    if (layout == Layout::Micro)
        return HistogramModel::binUpper(bin);
    bin = std::clamp(bin, 0, kModWsgiBuckets - 1);
    // The overflow bucket has no upper edge; drawn as one more octave.
    return bin == kModWsgiBuckets - 1 ? 2 * modWsgiLowerUs(bin) : modWsgiLowerUs(bin + 1);
}

std::vector<qint64> GilHistogramModel::binsOf(const wsgi::Histogram& h) const
{
    std::vector<qint64> counts(size_t(binCount(m_layout)), 0);
    if (m_layout == Layout::ModWsgi) {
        const auto folded = h.modWsgiBuckets();
        std::copy(folded.begin(), folded.end(), counts.begin());
    } else {
        for (const auto& [bucket, count] : h.sparse())
            counts[size_t(HistogramModel::binOf(wsgi::Histogram::bucketLower(bucket)))] += count;
    }
    return counts;
}

void GilHistogramModel::rebin()
{
    m_counts = binsOf(m_live);
    m_baselineCounts.assign(m_counts.size(), 0);
    if (m_baselineSet)
        m_baselineCounts = binsOf(m_baseline);
}

void GilHistogramModel::setHistogram(const wsgi::Histogram& live, std::optional<double> switchIntervalS)
{
    m_live = live;
    m_switch = switchIntervalS;
    rebin();
    Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::DisplayRole});
}

void GilHistogramModel::setLayout(Layout layout)
{
    if (layout == m_layout)
        return;
    beginResetModel();
    m_layout = layout;
    rebin();
    endResetModel();
}

void GilHistogramModel::freezeBaseline(const QString& label)
{
    setBaseline(m_live, m_switch, label);
}

void GilHistogramModel::setBaseline(const wsgi::Histogram& baseline, std::optional<double> switchIntervalS,
                                    const QString& label)
{
    m_baseline = baseline;
    m_baselineSwitch = switchIntervalS;
    m_baselineLabel = label;
    m_baselineSet = true;
    rebin();
    Q_EMIT dataChanged(index(0, BaselineColumn), index(rowCount() - 1, BaselineColumn), {Qt::DisplayRole});
}

void GilHistogramModel::clearBaseline()
{
    m_baseline = wsgi::Histogram();
    m_baselineSwitch.reset();
    m_baselineLabel.clear();
    m_baselineSet = false;
    rebin();
    Q_EMIT dataChanged(index(0, BaselineColumn), index(rowCount() - 1, BaselineColumn), {Qt::DisplayRole});
}

QList<GilHistogramModel::Band> GilHistogramModel::bands() const
{
    QList<Band> out;
    if (!m_switch || *m_switch <= 0)
        return out;
    const std::array<double, 5> lower = wsgi::gilContentionBandLowerUs(*m_switch);
    const std::array<int64_t, 5> counts = wsgi::gilContentionBands(m_live, *m_switch);
    for (int k = 0; k < 5; ++k) {
        Band b;
        b.cycles = k;
        b.lowerUs = lower[size_t(k)];
        b.upperUs = k < 4 ? lower[size_t(k) + 1] : std::max(lower[4] * 2, double(m_live.max()) + 1);
        b.count = counts[size_t(k)];
        b.label = k == 0 ? QStringLiteral("0") : k < 4 ? tr("%1×s").arg(k) : tr("4+×s");
        out << b;
    }
    return out;
}

wsgi::GilContention GilHistogramModel::contention() const
{
    return wsgi::analyzeGilContention(m_live, m_switch.value_or(0));
}

wsgi::GilContention GilHistogramModel::baselineContention() const
{
    return wsgi::analyzeGilContention(m_baseline, m_baselineSwitch.value_or(0));
}

int GilHistogramModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : binCount(m_layout);
}

int GilHistogramModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GilHistogramModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        (role != Qt::DisplayRole && role != Qt::EditRole)) {
        return {};
    }
    const size_t row = size_t(index.row());
    switch (index.column()) {
    case LowerColumn:
        return binLower(m_layout, index.row());
    case UpperColumn:
        return binUpper(m_layout, index.row());
    case CountColumn:
        return m_counts[row];
    case BaselineColumn: {
        if (!m_baselineSet)
            return 0.0;
        const double raw = double(m_baselineCounts[row]);
        // Scaled so the baseline holds as many waits as the live window: windows of different
        // lengths and loads compare by shape.
        if (m_live.count() == 0 || m_baseline.count() == 0)
            return raw;
        return raw * double(m_live.count()) / double(m_baseline.count());
    }
    default:
        return {};
    }
}

QVariant GilHistogramModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case LowerColumn:
        return tr("from (µs)");
    case UpperColumn:
        return tr("to (µs)");
    case CountColumn:
        return tr("waits");
    case BaselineColumn:
        return m_baselineLabel.isEmpty() ? tr("baseline") : m_baselineLabel;
    default:
        return {};
    }
}

} // namespace wsgi::studio::models
