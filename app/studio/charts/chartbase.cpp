#include "studio/charts/chartbase.h"

#include <QAbstractItemModel>
#include <QClipboard>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QGuiApplication>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QShowEvent>
#include <QVBoxLayout>

namespace wsgi::studio::charts {

ChartBase::ChartBase(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

void ChartBase::setCanvas(QWidget* canvas)
{
    m_canvas = canvas;
    m_emptyLabel = new QLabel(canvas);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyLabel->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto* overlay = new QVBoxLayout(canvas);
    overlay->addWidget(m_emptyLabel, 0, Qt::AlignCenter);

    canvas->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(canvas, &QWidget::customContextMenuRequested, this, &ChartBase::showContextMenu);
    layout()->addWidget(canvas);
}

ChartBase::~ChartBase() = default;

void ChartBase::setTitle(const QString& title)
{
    m_title = title;
    showTitle(title);
}

void ChartBase::showTitle(const QString&) {}

QString ChartBase::title() const
{
    return m_title;
}

QImage ChartBase::image() const
{
    if (m_staleWhileHidden || m_refreshPending) {
        // Rendered while on a tab not shown (an export): brought up to date first.
        auto* self = const_cast<ChartBase*>(this);
        self->m_staleWhileHidden = false;
        self->refresh();
    }
    const qreal dpr = devicePixelRatioF();
    QImage image(size() * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(palette().color(QPalette::Window));
    const_cast<ChartBase*>(this)->render(&image);
    return image;
}

bool ChartBase::savePng(const QString& path, QString* error) const
{
    const QImage shot = image();
    if (shot.isNull() || !shot.save(path, "PNG")) {
        if (error)
            *error = tr("Cannot write %1").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

void ChartBase::showContextMenu(const QPoint& pos)
{
    QMenu menu(this);
    QAction* save = menu.addAction(tr("Save chart as PNG..."));
    QAction* copy = menu.addAction(tr("Copy chart image"));
    QAction* chosen = menu.exec(m_canvas->mapToGlobal(pos));
    if (chosen == copy) {
        QGuiApplication::clipboard()->setImage(image());
    } else if (chosen == save) {
        QString name = m_title.isEmpty() ? objectName() : m_title;
        name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("-"));
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save chart as PNG"), name.toLower() + QStringLiteral(".png"), tr("PNG images (*.png)"));
        QString error;
        if (!path.isEmpty() && !savePng(path, &error))
            QMessageBox::warning(this, tr("Save chart as PNG"), error);
    }
}

void ChartBase::setEmptyText(const QString& text)
{
    m_emptyLabel->setText(text);
}

void ChartBase::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyTheme();
    }
}

void ChartBase::followModel(QAbstractItemModel* model)
{
    for (const auto& connection : std::as_const(m_connections)) {
        disconnect(connection);
    }
    m_connections.clear();
    m_model = model;
    if (!model) {
        return;
    }
    const auto schedule = [this] { scheduleRefresh(); };
    m_connections << connect(model, &QAbstractItemModel::modelReset, this, schedule)
                  << connect(model, &QAbstractItemModel::rowsInserted, this, schedule)
                  << connect(model, &QAbstractItemModel::rowsRemoved, this, schedule)
                  << connect(model, &QAbstractItemModel::rowsMoved, this, schedule)
                  << connect(model, &QAbstractItemModel::dataChanged, this, schedule)
                  << connect(model, &QAbstractItemModel::layoutChanged, this, schedule)
                  << connect(model, &QAbstractItemModel::headerDataChanged, this, schedule)
                  << connect(model, &QObject::destroyed, this, schedule);
}

void ChartBase::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_staleWhileHidden) {
        m_staleWhileHidden = false;
        scheduleRefresh();
    }
}

void ChartBase::scheduleRefresh()
{
    if (m_refreshPending) {
        return;
    }
    // In a shown window but on a page or tab that is not: drawn when it is shown, not 4 times a
    // second meanwhile. (A chart with no shown window, as in tests and off-screen renders, refreshes.)
    if (window()->isVisible() && !isVisible()) {
        m_staleWhileHidden = true;
        return;
    }
    m_refreshPending = true;
    QMetaObject::invokeMethod(
        this, [this] { refreshIfPending(); }, Qt::QueuedConnection);
}

void ChartBase::refreshIfPending()
{
    if (m_refreshPending)
        refresh(); // clears m_refreshPending
}

} // namespace wsgi::studio::charts
