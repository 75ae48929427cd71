#pragma once
// The GIL-wait histogram as an operator reads it: the live window's waits in bins (the studio's
// microsecond layout, or folded into mod_wsgi's 65 buckets to sit beside mod_wsgi-telemetry), a
// frozen baseline in its own column scaled to the live count so the two shapes overlay, the switch
// interval's multiples as bands, and the contention shape core/gilcontention.h fits, the engine's
// own code on the same merged histogram, so studio and engine say the same word.
//
// Percentiles, counts and the contention fit always come from the merged histogram itself, never
// from the bins, so folding changes the picture and nothing else.

#include "core/gilcontention.h"
#include "core/histogram.h"

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace wsgi::studio::models {

class GilHistogramModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        LowerColumn,    // µs, inclusive
        UpperColumn,    // µs, exclusive
        CountColumn,    // live waits in the bin
        BaselineColumn, // baseline waits in the bin, scaled to the live total (raw while live is empty)
        ColumnCount
    };
    enum class Layout
    {
        Micro,   // every µs below 8 µs, then four bins per octave (HistogramModel's bins)
        ModWsgi, // mod_wsgi 6's 65 buckets: below 1 ms, four per octave from 1 ms, overflow
    };

    // Drawn bands k0..k4+: where a wait lands when it missed k hand-offs (core/gilcontention.h edges).
    struct Band
    {
        int cycles = 0; // k; 4 means 4 or more
        double lowerUs = 0;
        double upperUs = 0; // exclusive; the last band ends at the histogram's max
        int64_t count = 0;  // live waits in it, by the same rule the fit uses
        QString label;      // "0", "1×s", ..., "4+×s"
    };

    explicit GilHistogramModel(QObject* parent = nullptr);

    void setHistogram(const wsgi::Histogram& live, std::optional<double> switchIntervalS);
    void setLayout(Layout layout); // a layout change resets the model
    Layout layout() const { return m_layout; }

    // The live histogram becomes the baseline (with the switch interval it had), until cleared.
    void freezeBaseline(const QString& label);
    void setBaseline(const wsgi::Histogram& baseline, std::optional<double> switchIntervalS,
                     const QString& label);
    void clearBaseline();
    bool hasBaseline() const { return m_baselineSet; }
    const wsgi::Histogram& baseline() const { return m_baseline; }
    QString baselineLabel() const { return m_baselineLabel; }
    std::optional<double> baselineSwitchInterval() const { return m_baselineSwitch; }

    const wsgi::Histogram& histogram() const { return m_live; }
    std::optional<double> switchInterval() const { return m_switch; }
    double percentileUs(double percent) const { return m_live.percentile(percent); }
    qint64 totalCount() const { return m_live.count(); }
    // Empty bands without a switch interval (or with none in force).
    QList<Band> bands() const;
    wsgi::GilContention contention() const;
    wsgi::GilContention baselineContention() const;

    // The bin edges of a layout, µs.
    static int binCount(Layout layout);
    static qint64 binLower(Layout layout, int bin);
    static qint64 binUpper(Layout layout, int bin);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<qint64> binsOf(const wsgi::Histogram& h) const;
    void rebin();

    Layout m_layout = Layout::Micro;
    wsgi::Histogram m_live;
    std::optional<double> m_switch;
    wsgi::Histogram m_baseline;
    std::optional<double> m_baselineSwitch;
    QString m_baselineLabel;
    bool m_baselineSet = false;
    std::vector<qint64> m_counts;
    std::vector<qint64> m_baselineCounts;
};

} // namespace wsgi::studio::models
