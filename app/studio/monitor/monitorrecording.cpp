// MonitorPage's recordings: the telemetry stream to a file while live, and a file back into the
// page (every view, the scrub slider) read off the GUI thread with a progress dialog.
#include "session/telemetryrecording.h"
#include "studio/models/processtablemodel.h"
#include "studio/models/timeseriesmodel.h"
#include "studio/monitor/diagnosispanel.h"
#include "studio/monitor/monitorcharts.h"
#include "studio/monitor/monitorpage.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QPointer>
#include <QProgressDialog>
#include <QtConcurrent>

#include <atomic>
#include <memory>

namespace wsgi::studio::pages {

bool MonitorPage::isRecording() const
{
    return m_recorder->isRecording();
}

bool MonitorPage::startRecording(const QString& path, QString* error)
{
    m_recordingError.clear();
    // The header holds the status as the engine sent it: ask for it now, start on the answer.
    // Without a live engine there is nothing to record.
    if (m_session->state() != EngineSession::State::Ready) {
        m_recordingError = tr("No engine to record: start or attach one first.");
        if (error)
            *error = m_recordingError;
        return false;
    }
    QPointer<MonitorPage> self(this);
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    // Started at once with the last status known (the session asks every second), so no sample is
    // missed while a fresh one is asked for.
    if (!m_recorder->start(path, m_session->client()->lastStatusResult(), now, error)) {
        m_recordingError = m_recorder->lastError();
        updateBanner();
        return false;
    }
    m_session->client()->requestStatus([self, path, now](const ControlReply& reply) {
        if (!self || !reply.ok || !self->m_recorder->isRecording() || self->m_recorder->samplesWritten() > 0)
            return;
        // No sample yet: rewrite the header with the fresh status (the common case at 250 ms+).
        QString ignored;
        self->m_recorder->start(path, reply.result, now, &ignored);
    });
    updateBanner();
    return true;
}

void MonitorPage::stopRecording()
{
    m_recorder->stop();
    updateBanner();
}

void MonitorPage::chooseRecordingToSave()
{
    const QString name = QStringLiteral("telemetry-%1.jsonl")
                             .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString path = QFileDialog::getSaveFileName(this, tr("Record telemetry"), name,
                                                      tr("Telemetry recordings (*.jsonl);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!startRecording(path, &error))
        QMessageBox::warning(this, tr("Record telemetry"), error);
}

void MonitorPage::chooseRecordingToOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a telemetry recording"), {},
                                                      tr("Telemetry recordings (*.jsonl);;All files (*)"));
    if (!path.isEmpty())
        openRecording(path);
}

void MonitorPage::openRecording(const QString& path)
{
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto done = std::make_shared<std::atomic<qint64>>(0);
    auto total = std::make_shared<std::atomic<qint64>>(1);
    auto* watcher = new QFutureWatcher<Decoded<Recording>>(this);
    // Shown only if reading takes more than a moment (QProgressDialog's minimumDuration).
    auto* progress = new QProgressDialog(tr("Reading %1...").arg(QDir::toNativeSeparators(path)),
                                         tr("Cancel"), 0, 1000, this);
    progress->setObjectName(QStringLiteral("recordingProgress"));
    progress->setMinimumDuration(800);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    auto* tick = new QTimer(progress);
    connect(tick, &QTimer::timeout, progress, [=] {
        progress->setValue(int(1000 * double(done->load()) / double(std::max<qint64>(1, total->load()))));
    });
    tick->start(100);
    connect(progress, &QProgressDialog::canceled, this, [cancel] { cancel->store(true); });
    connect(watcher, &QFutureWatcher<Decoded<Recording>>::finished, this, [=, this] {
        Decoded<Recording> result = watcher->result();
        watcher->deleteLater();
        progress->deleteLater();
        if (!result) {
            m_recordingError = result.error;
            updateBanner();
            Q_EMIT recordingFailed(result.error);
            return;
        }
        showRecording(std::move(*result.value), path);
    });
    watcher->setFuture(QtConcurrent::run([path, cancel, done, total] {
        return readRecording(path, [=](qint64 d, qint64 t) {
            done->store(d);
            total->store(t);
            return !cancel->load();
        });
    }));
}

void MonitorPage::showRecording(Recording recording, const QString& path)
{
    // The page's history now holds the recording (the newest 10 minutes of it); live telemetry is
    // not added until Live is chosen, which clears it again for the engine's own.
    m_reviewing = true;
    m_recordingPath = QDir::toNativeSeparators(path);
    m_recordingError.clear();
    m_recordingStatus = recording.status;
    if (recording.status.engine.cores > 0) {
        m_engineCores = recording.status.engine.cores;
        if (m_diagnosis)
            m_diagnosis->setMachineCores(m_engineCores);
    }
    m_history->clear();

    m_processModel->clear();
    m_processModel->setStatus(recording.status);
    {
        // One view update at the end, not one per sample.
        const QSignalBlocker blocker(this);
        monitor::MonitorView v = m_view;
        v.live = false;
        m_view = v;
        if (!recording.samples.empty() && !recording.recentEvents.empty())
            recording.samples.front().events.insert(recording.samples.front().events.begin(),
                                                    recording.recentEvents.begin(),
                                                    recording.recentEvents.end());
        for (const TelemetrySample& s : recording.samples)
            m_history->append(s);
    }
    monitor::MonitorView v = m_view;
    v.live = false;
    v.end = m_history->lastTime();
    setView(v);
    updateGroups();
    Q_EMIT recordingOpened(path, int(recording.samples.size()));
}

} // namespace wsgi::studio::pages
