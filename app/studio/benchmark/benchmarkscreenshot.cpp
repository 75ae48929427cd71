#include "studio/benchmark/benchmarkscreenshot.h"

#include "studio/benchmark/benchmarkpage.h"
#include "studio/benchmark/loadsettingsform.h"
#include "studio/benchmark/runprogress.h"
#include "studio/models/ablivemodel.h"

#include <QDir>
#include <QImage>
#include <QPixmap>
#include <QWidget>

namespace wsgi::studio::pages {

namespace {

constexpr int kSettleMs = 500; // charts refresh on a queued turn; tables resize on the next layout

} // namespace

BenchmarkScreenshot::BenchmarkScreenshot(BenchmarkPage* page, QWidget* grabbed, const Options& options,
                                         QObject* parent)
    : QObject(parent), m_page(page), m_grabbed(grabbed), m_options(options)
{
    m_poll.setInterval(200);
    connect(&m_poll, &QTimer::timeout, this, &BenchmarkScreenshot::checkRunning);
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(options.timeoutMs);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        finish(false, tr("the benchmark run did not finish within %1 s").arg(m_options.timeoutMs / 1000));
    });
}

void BenchmarkScreenshot::start()
{
    if (!m_page || !m_grabbed) {
        finish(false, tr("no Benchmark page"));
        return;
    }
    m_page->setHistoryDirectory(m_history.path());
    VariantProposal proposal;
    proposal.name = QStringLiteral("1x4");
    proposal.reason = tr("fewer processes, more threads each");
    proposal.changes = {{{}, QStringLiteral("processes"), QStringLiteral("1")},
                        {{}, QStringLiteral("threads"), QStringLiteral("4")}};
    m_page->addProposedVariant(proposal);
    AbPlan plan = m_page->loadForm()->plan();
    plan.repeats = m_options.repeats;
    plan.load.durationSec = m_options.durationSec;
    plan.load.warmupSec = 1;
    plan.load.concurrency = 4;
    plan.cooldownMs = 300;
    m_page->loadForm()->setPlan(plan);
    connect(m_page, &BenchmarkPage::runFinished, this, [this] {
        m_poll.stop();
        QTimer::singleShot(kSettleMs, this, [this] {
            m_page->showTab(BenchmarkPage::Tab::Results);
            QTimer::singleShot(kSettleMs, this, [this] {
                if (grabTo(QStringLiteral("benchmark-results")))
                    finish(m_runningShot, m_runningShot
                                              ? tr("wrote %1").arg(m_written.join(QStringLiteral(", ")))
                                              : tr("the run ended before it could be pictured running"));
            });
        });
    });
    m_deadline.start();
    if (!m_page->run()) {
        finish(false, tr("the benchmark did not start: %1").arg(m_page->statusText()));
        return;
    }
    m_poll.start();
}

void BenchmarkScreenshot::checkRunning()
{
    // The last round, measuring, with a stretch of live chart behind it: the table already holds the
    // first rounds.
    const QString line = m_page->progress()->repeatText();
    if (m_runningShot || m_runningPending ||
        !line.contains(QStringLiteral("repeat %1/%1: measuring").arg(m_options.repeats)) ||
        m_page->progress()->liveModel()->rowCount() < 2)
        return;
    // The chart redraws on a queued turn after its model changed: picture it once it has.
    m_runningPending = true;
    QTimer::singleShot(kSettleMs, this, [this] {
        if (!m_done && m_page->isRunning())
            m_runningShot = grabTo(QStringLiteral("benchmark-running"));
        m_runningPending = m_runningShot;
    });
}

bool BenchmarkScreenshot::grabTo(const QString& name)
{
    const QString path = QDir(m_options.directory).filePath(name + QStringLiteral(".png"));
    const QImage image = m_grabbed->grab().toImage();
    if (image.isNull() || !image.save(path, "PNG", 0)) {
        finish(false, tr("cannot write %1").arg(path));
        return false;
    }
    m_written << path;
    return true;
}

void BenchmarkScreenshot::finish(bool ok, const QString& message)
{
    if (m_done)
        return;
    m_done = true;
    m_poll.stop();
    m_deadline.stop();
    if (m_page && m_page->isRunning())
        m_page->cancel();
    Q_EMIT finished(ok, message);
}

} // namespace wsgi::studio::pages
