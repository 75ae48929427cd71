#pragma once
// Throughput per variant as bars: the median of the repeats, a whisker from their min to their max,
// every repeat as a dot beside it, and the physical limit (cores / CPU per request) as a dashed line,
// so one glance says how far apart the variants are, how noisy each was, and how close to the machine's
// ceiling. Reads rows of a model: the name from column 0's display text, the numbers from roles the
// caller names (AbResultModel's). Painted directly (no Qt Charts: bars with per-bar dots and whiskers
// are not a Qt Charts series), redrawn once per event-loop turn however many model signals arrive.

#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
QT_END_NAMESPACE

namespace wsgi::studio::charts {

class AbBarChart : public QWidget
{
    Q_OBJECT
public:
    struct Roles
    {
        int median = 0;
        int min = 0;
        int max = 0;
        int repeats = 0; // QVariantList of doubles
        int limit = 0;   // double; rows may differ (runtimes), each line drawn once
    };

    explicit AbBarChart(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model, const Roles& roles);
    void setTitle(const QString& title);
    void setUnit(const QString& unit); // "rpm": axis labels and the limit's label

    // What is drawn, for tests: bars with a median, and the y axis top.
    int barCount() const;
    double axisTop() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Bar
    {
        QString name;
        double median = 0;
        double min = 0;
        double max = 0;
        QList<double> repeats;
        double limit = 0;
    };
    void scheduleRefresh();
    void refresh();

    QPointer<QAbstractItemModel> m_model;
    Roles m_roles;
    QString m_title;
    QString m_unit = QStringLiteral("rpm");
    QList<Bar> m_bars;
    double m_top = 1;
    bool m_pending = false;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace wsgi::studio::charts
