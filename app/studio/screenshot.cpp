#include "studio/screenshot.h"

#include "core/loadgen/loadgenerator.h"
#include "studio/benchmark/benchmarkpage.h"
#include "studio/benchmark/benchmarkscreenshot.h"
#include "studio/mainwindow.h"
#include "studio/models/processtablemodel.h"
#include "studio/monitor/heatmappanel.h"
#include "studio/monitor/monitorpage.h"
#include "studio/widgets/palettes.h"

#include <QDir>
#include <QFutureWatcher>
#include <QImage>
#include <QPixmap>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>
#include <numeric>

namespace wsgi::studio {

namespace {

// Each chart and layout settles over a few event-loop turns (queued refreshes): give it a moment.
constexpr int kSettleMs = 400;

} // namespace

ScreenshotRun::ScreenshotRun(MainWindow* window, const Options& options, QObject* parent)
    : QObject(parent), m_window(window), m_options(options),
      m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(options.timeoutMs);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        finish(1, tr("timed out after %1 s (engine state: %2)")
                      .arg(m_options.timeoutMs / 1000)
                      .arg(EngineSession::stateName(m_window->session()->state())));
    });
}

ScreenshotRun::~ScreenshotRun()
{
    m_cancel->store(true); // a load still running stops within milliseconds; nothing waits for it
}

void ScreenshotRun::start()
{
    if (!QDir().mkpath(m_options.directory)) {
        finish(1, tr("cannot create %1").arg(m_options.directory));
        return;
    }
    m_deadline.start();
    EngineSession* session = m_window->session();
    connect(session, &EngineSession::stateChanged, this, [this](EngineSession::State state) {
        if (state == EngineSession::State::Ready) {
            onReady();
        }
    });
    connect(session, &EngineSession::failed, this,
            [this](const QString& reason) { finish(1, tr("the engine did not start: %1").arg(reason)); });
    connect(session, &EngineSession::lost, this,
            [this](const QString& reason) { finish(1, tr("the engine was lost: %1").arg(reason)); });
    if (session->state() == EngineSession::State::Ready) {
        onReady();
    }
}

void ScreenshotRun::onReady()
{
    if (m_loadStarted) {
        return;
    }
    m_loadStarted = true;
    // Wait for the first status (the workers report their interpreters), then load.
    QTimer::singleShot(500, this, &ScreenshotRun::startLoad);
}

void ScreenshotRun::startLoad()
{
    const QString url = m_window->session()->listenUrl();
    if (url.isEmpty()) {
        finish(1, tr("the engine did not say where it listens"));
        return;
    }
    loadgen::LoadSpec spec;
    spec.url = url.toStdString() + "/";
    spec.connections = m_options.connections;
    spec.threads = 1;
    spec.durationSec = m_options.loadSeconds;
    spec.timeoutMs = 5000;
    auto cancel = m_cancel;
    auto* watcher = new QFutureWatcher<loadgen::LoadResult>(this);
    connect(watcher, &QFutureWatcher<loadgen::LoadResult>::finished, this, [this, watcher] {
        const loadgen::LoadResult result = watcher->result();
        watcher->deleteLater();
        const qint64 errors = std::accumulate(result.errors.begin(), result.errors.end(), qint64(0));
        onLoadFinished(result.status[1], errors, QString::fromStdString(result.failure));
    });
    // Render while the load still runs, so Monitor shows a serving engine, not one that just went idle.
    QTimer::singleShot(int(m_options.renderAfterSeconds * 1000), this, &ScreenshotRun::beginRendering);
    // The generator blocks its thread for the whole run: a pool thread, never the GUI's.
    watcher->setFuture(
        QtConcurrent::run([spec, cancel] { return loadgen::LoadGenerator().run(spec, {}, cancel.get()); }));
    m_window->showPage(MainWindow::Page::Monitor);
    // A short run fills a short window: the charts show its shape instead of a sliver at the left.
    m_window->monitorPage()->setChartWindow(30);
}

void ScreenshotRun::onLoadFinished(qint64 ok, qint64 errors, const QString& failure)
{
    m_loadFinished = true;
    // Cancelled once every image was written: what it measured no longer matters.
    if (m_done || m_rendering) {
        return;
    }
    // The load is over and telemetry never showed it: pictures of an idle or broken engine would
    // pass for live data.
    if (failure.isEmpty() && ok > 0) {
        finish(1, tr("the load ended (%1 answers 2xx, %2 errors) before telemetry showed any throughput")
                      .arg(ok)
                      .arg(errors));
        return;
    }
    finish(1, tr("the load generator got no 2xx answers (%1 errors): %2")
                  .arg(errors)
                  .arg(failure.isEmpty() ? tr("see the engine log") : failure));
}

void ScreenshotRun::beginRendering()
{
    if (m_done || m_rendering) {
        return;
    }
    if (m_window->monitorPage()->processModel()->totals().requestsPerMinute <= 0) {
        // No telemetry of the load yet (a slow start on a busy machine): look again shortly.
        QTimer::singleShot(500, this, &ScreenshotRun::beginRendering);
        return;
    }
    m_rendering = true;
    if (!m_options.monitorOnly.isEmpty()) {
        m_shots << m_options.monitorOnly + QStringLiteral("-timeline")
                << m_options.monitorOnly + QStringLiteral("-gil");
        widgets::applyPaletteChoice(widgets::PaletteChoice::Light);
        renderNext();
        return;
    }
    // Monitor first, while the load is at its steadiest; the dark variant last.
    m_shots << QStringLiteral("monitor") << QStringLiteral("monitor-heatmap");
    for (int page = 0; page < int(MainWindow::Page::Count); ++page) {
        if (MainWindow::Page(page) != MainWindow::Page::Monitor) {
            m_shots << MainWindow::pageName(MainWindow::Page(page));
        }
    }
    m_shots << QStringLiteral("monitor-dark");
    widgets::applyPaletteChoice(widgets::PaletteChoice::Light);
    renderNext();
}

void ScreenshotRun::renderNext()
{
    if (m_done) {
        return;
    }
    if (m_shots.isEmpty() && !m_options.monitorOnly.isEmpty()) {
        finish(0, tr("wrote %1 images to %2").arg(m_written.size()).arg(m_options.directory));
        return;
    }
    if (m_shots.isEmpty()) {
        widgets::applyPaletteChoice(widgets::PaletteChoice::Light);
        // Last, the Benchmark page running a short A/B plan of its own (the Monitor load stops first).
        m_cancel->store(true);
        m_window->showPage(MainWindow::Page::Benchmark);
        auto* bench = new pages::BenchmarkScreenshot(m_window->findChild<pages::BenchmarkPage*>(), m_window,
                                                     {.directory = m_options.directory}, this);
        connect(bench, &pages::BenchmarkScreenshot::finished, this,
                [this, bench](bool ok, const QString& message) {
                    m_written << bench->written();
                    finish(ok ? 0 : 1,
                           ok ? tr("wrote %1 images to %2").arg(m_written.size()).arg(m_options.directory)
                              : tr("benchmark screenshots: %1").arg(message));
                });
        bench->start();
        return;
    }
    const QString shot = m_shots.constFirst();
    const bool dark = shot.endsWith(QLatin1String("-dark"));
    QString pageName = dark ? shot.chopped(5) : shot;
    const bool heatmap = shot.endsWith(QLatin1String("-heatmap"));
    if (!m_options.monitorOnly.isEmpty() || heatmap)
        pageName = MainWindow::pageName(MainWindow::Page::Monitor);
    if (pageName == MainWindow::pageName(MainWindow::Page::Monitor)) {
        // The timeline, the GIL wait, or the heatmap with its newest interval chosen (as a click
        // on that column would).
        auto* tabs = m_window->monitorPage()->findChild<QTabWidget*>(QStringLiteral("monitorTabs"));
        if (tabs)
            tabs->setCurrentIndex(shot.endsWith(QLatin1String("-gil")) ? 1 : heatmap ? 2 : 0);
        if (heatmap)
            m_window->monitorPage()->heatmapPanel()->selectNewestColumn();
    }
    for (int page = 0; page < int(MainWindow::Page::Count); ++page) {
        if (MainWindow::pageName(MainWindow::Page(page)) == pageName) {
            m_window->showPage(MainWindow::Page(page));
        }
    }
    if (dark) {
        widgets::applyPaletteChoice(widgets::PaletteChoice::Dark);
    }
    // Render after the page has laid out and its charts refreshed.
    QTimer::singleShot(kSettleMs, this, [this, shot] {
        const QString path = QDir(m_options.directory).filePath(shot + QStringLiteral(".png"));
        const QImage image = m_window->grab().toImage();
        // Quality 0: the smallest file zlib can make (the README shows these).
        if (image.isNull() || !image.save(path, "PNG", 0)) {
            finish(1, tr("cannot write %1").arg(path));
            return;
        }
        m_written << path;
        m_shots.removeFirst();
        renderNext();
    });
}

void ScreenshotRun::finish(int exitCode, const QString& message)
{
    if (m_done) {
        return;
    }
    m_done = true;
    m_deadline.stop();
    m_cancel->store(true);
    Q_EMIT finished(exitCode, message);
}

} // namespace wsgi::studio
