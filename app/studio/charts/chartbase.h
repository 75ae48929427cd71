#pragma once
// What every model-reading chart shares: a canvas (a widget that paints itself) with an "empty" caption over
// the plot, colours that follow palette changes, a context menu to save or copy the picture, and redraws
// coalesced to one per event-loop turn however many model signals arrive (telemetry changes several rows
// several times a second).

#include <QImage>
#include <QList>
#include <QPointer>
#include <QString>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QLabel;
QT_END_NAMESPACE

namespace wsgi::studio::charts {

class ChartBase : public QWidget
{
    Q_OBJECT
public:
    ~ChartBase() override;

    void setTitle(const QString& title);
    void setEmptyText(const QString& text); // shown over the plot while there is nothing to draw
    QString title() const;
    // The chart as it is drawn now (its title included) at the device pixel ratio; false with
    // `error` when the file cannot be written. The context menu's "Save chart as PNG..." uses it.
    QImage image() const;
    bool savePng(const QString& path, QString* error = nullptr) const;
    QWidget* canvas() const { return m_canvas; } // the widget the chart is painted on
    // Brings the drawing up to date now instead of on the next turn of the event loop. A page that
    // has updated every model of an instant calls it, so the paint that follows already shows that
    // instant (a queued refresh would run only after it, and cost a second paint).
    void refreshIfPending();

protected:
    explicit ChartBase(QWidget* parent); // the subclass calls setCanvas
    void setCanvas(QWidget* canvas);     // what is drawn: the empty caption sits over it
    virtual void showTitle(const QString& title);

    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    // Reads `model` from now on (nullptr: none): resets, row changes, data, layout and header
    // changes and its destruction schedule a refresh.
    void followModel(QAbstractItemModel* model);
    void scheduleRefresh();
    virtual void refresh() {}
    virtual void applyTheme() {}

    QWidget* m_canvas = nullptr;
    QLabel* m_emptyLabel = nullptr;
    QPointer<QAbstractItemModel> m_model;
    bool m_refreshPending = false;
    bool m_staleWhileHidden = false; // changes came while on a page or tab not shown

private:
    void showContextMenu(const QPoint& pos);
    QList<QMetaObject::Connection> m_connections;
    QString m_title;
};

} // namespace wsgi::studio::charts
